// The copy's own check against the real server: a chunk whose only warnings are duplicates of the
// shared key (rows the applier wrote first) counts as copied faithfully; a row dropped over
// another UNIQUE key or a value cut short marks the chunk for the checksum, and aborts the run
// under --panic-on-warnings.
#include "osc/copier.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "mysql/quote.h"
#include "osc/inspector.h"
#include "osc/session_setup.h"
#include "testkit/testkit.h"

namespace safeddl::osc {
namespace {

using testkit::MustExecute;

TEST(CopierTest, OnlyDuplicatesOfTheSharedKeyCountAsFaithful) {
  auto conn = testkit::ConnectPrimary();
  ASSERT_NE(conn, nullptr);
  const std::string db = testkit::UniqueDatabase(*conn, "copier");
  const std::string t = *mysql::QuoteQualified(db, "t");
  MustExecute(*conn, fmt::format("CREATE TABLE {} (id INT NOT NULL PRIMARY KEY, u INT, "
                                 "v VARCHAR(8))",
                                 t));
  // id 5 repeats id 4's u; id 8's v is longer than the new column.
  MustExecute(*conn, fmt::format("INSERT INTO {} SELECT seq, IF(seq = 5, 4, seq), "
                                 "IF(seq = 8, 'abcd', 'ab') FROM {}.seq_1_to_10",
                                 t, *mysql::QuoteIdentifier(db)));
  MigrationOptions o;
  o.database = db;
  o.table = "t";
  o.alter = "ADD UNIQUE KEY uq (u), MODIFY v VARCHAR(2)";
  std::vector<std::string> notes;
  auto plan = Inspect(*conn, o, &notes);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_TRUE(PrepareSession(*conn, o).ok());
  // The applier got to id 2 first.
  MustExecute(*conn, fmt::format("INSERT INTO {} SELECT * FROM {} WHERE id = 2", plan->q_ghost, t));

  auto copy = [&](int lower, int upper, bool panic) {
    return CopyChunkRows(*conn, *plan, {0, {std::to_string(lower)}, {std::to_string(upper)}},
                         panic);
  };
  Result<ChunkResult> first = copy(0, 3, false);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->rows, 2);
  EXPECT_FALSE(first->unverified);

  Result<ChunkResult> dropped = copy(3, 6, true);  // id 5 would be dropped over `uq`
  EXPECT_EQ(dropped.status().code(), StatusCode::kAborted) << dropped.status().ToString();
  MustExecute(*conn, fmt::format("DELETE FROM {} WHERE id > 3", plan->q_ghost));
  dropped = copy(3, 6, false);
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_EQ(dropped->rows, 2);
  EXPECT_TRUE(dropped->unverified);

  Result<ChunkResult> cut = copy(6, 10, false);  // id 8's value is cut to 'ab'
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  EXPECT_EQ(cut->rows, 4);
  EXPECT_TRUE(cut->unverified);
  MustExecute(*conn, "DROP DATABASE " + *mysql::QuoteIdentifier(db));
}

}  // namespace
}  // namespace safeddl::osc
