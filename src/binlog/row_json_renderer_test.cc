// RowsJsonRenderer against the reference path (DecodeRows + AppendJsonRowChange): random row
// images over every column type the decoder knows — mostly valid values, edge cases on purpose
// (negative zero decimals, BINARY padding, latin1 and invalid UTF-8 text, control bytes, years
// past 9999, the zero TIMESTAMP), partial images, NULLs and now and then a corrupt value — must
// give byte-identical lines, or the identical error with the output left untouched.
#include "binlog/row_json_renderer.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdio>
#include <random>

#include "binlog/decimal.h"
#include "binlog/row_change_json.h"
#include "binlog/test_util.h"

namespace safeddl::binlog {
namespace {

using testing::PutBe;
using testing::PutLe;

constexpr uint32_t kLatin1 = 8;
constexpr uint32_t kAscii = 11;
constexpr uint32_t kUtf8mb4 = 45;
constexpr uint32_t kCp1251 = 51;
constexpr uint32_t kSjis = 13;
constexpr uint32_t kUcs2 = 35;
constexpr uint32_t kSwe7 = 10;
constexpr uint32_t kUnknownCollation = 17;

struct Spec {
  ColumnType type;
  uint16_t metadata = 0;
  std::optional<bool> is_unsigned = std::nullopt;
  std::optional<uint32_t> collation = std::nullopt;
  bool unsigned_from_schema = false;
  uint8_t fsp = 0;  // old-format TIME/DATETIME/TIMESTAMP (the schema's digits)
  TypePlugin plugin = TypePlugin::kNone;
};

// Every column type, with the variants that choose a different formatter.
std::vector<Spec> Specs() {
  const uint16_t kStringReal = static_cast<uint16_t>(ColumnType::kString);
  const uint16_t kEnumReal = static_cast<uint16_t>(ColumnType::kEnum);
  const uint16_t kSetReal = static_cast<uint16_t>(ColumnType::kSet);
  return {
      {ColumnType::kTiny},
      {ColumnType::kTiny, 0, true},
      {ColumnType::kShort, 0, std::nullopt, std::nullopt, true},
      {ColumnType::kInt24, 0, false},
      {ColumnType::kInt24, 0, true},
      {ColumnType::kLong},
      {ColumnType::kLong, 0, true},
      {ColumnType::kLongLong},
      {ColumnType::kLongLong, 0, true},
      {ColumnType::kLongLong, 0, std::nullopt, std::nullopt, true},
      {ColumnType::kFloat, 4},
      {ColumnType::kDouble, 8},
      {ColumnType::kNewDecimal, 10 | (2 << 8)},
      {ColumnType::kNewDecimal, 65 | (30 << 8)},
      {ColumnType::kNewDecimal, 18 | (9 << 8)},
      {ColumnType::kNewDecimal, 5},
      {ColumnType::kNewDecimal, 4 | (4 << 8)},
      {ColumnType::kVarchar, 20, std::nullopt, kLatin1},
      {ColumnType::kVarchar, 1000, std::nullopt, kUtf8mb4},
      {ColumnType::kVarchar, 30},  // no charset metadata
      {ColumnType::kVarchar, 30, std::nullopt, kAscii},
      {ColumnType::kVarchar, 30, std::nullopt, kBinaryCollation},
      {ColumnType::kString, static_cast<uint16_t>(kStringReal | (4 << 8)), std::nullopt,
       kBinaryCollation},  // BINARY(4)
      {ColumnType::kString, static_cast<uint16_t>(kStringReal | (40 << 8)), std::nullopt, kUtf8mb4},
      // Charsets converted on the generic path: ASCII-compatible ones (their ASCII stays fast)
      // and ones that are not (ucs2, swe7).
      {ColumnType::kVarchar, 40, std::nullopt, kCp1251},
      {ColumnType::kVarchar, 40, std::nullopt, kSjis},
      {ColumnType::kString, static_cast<uint16_t>(kStringReal | (20 << 8)), std::nullopt, kUcs2},
      {ColumnType::kVarchar, 20, std::nullopt, kSwe7},
      {ColumnType::kVarchar, 20, std::nullopt, kUnknownCollation},
      // UUID, INET6 (no charset known) and INET4: BINARY(16)/BINARY(4) with a type plugin.
      {.type = ColumnType::kString,
       .metadata = static_cast<uint16_t>(kStringReal | (16 << 8)),
       .collation = kBinaryCollation,
       .plugin = TypePlugin::kUuid},
      {.type = ColumnType::kString,
       .metadata = static_cast<uint16_t>(kStringReal | (16 << 8)),
       .plugin = TypePlugin::kInet6},
      {.type = ColumnType::kString,
       .metadata = static_cast<uint16_t>(kStringReal | (4 << 8)),
       .collation = kBinaryCollation,
       .plugin = TypePlugin::kInet4},
      {ColumnType::kString, static_cast<uint16_t>(kEnumReal | (1 << 8)), std::nullopt, kUtf8mb4},
      {ColumnType::kString, static_cast<uint16_t>(kSetReal | (1 << 8)), std::nullopt, kUtf8mb4},
      {ColumnType::kBlob, 2, std::nullopt, kBinaryCollation},
      {ColumnType::kBlob, 2, std::nullopt, kUtf8mb4},
      {ColumnType::kBlob, 1, std::nullopt, kLatin1},
      {ColumnType::kBlob, 4},
      {ColumnType::kGeometry, 4},
      {ColumnType::kDatetime2, 0},
      {ColumnType::kDatetime2, 3},
      {ColumnType::kDatetime2, 6},
      {ColumnType::kTimestamp2, 0},
      {ColumnType::kTimestamp2, 1},
      {ColumnType::kTimestamp2, 6},
      {ColumnType::kTime2, 0},
      {ColumnType::kTime2, 4},
      {ColumnType::kDate},
      {ColumnType::kNewDate},
      {ColumnType::kYear},
      {ColumnType::kBit, 2 | (1 << 8)},  // BIT(10)
      {ColumnType::kTime},
      {ColumnType::kDatetime},
      {ColumnType::kTimestamp},
      {.type = ColumnType::kTime, .fsp = 3},
      {.type = ColumnType::kDatetime, .fsp = 6},
      {.type = ColumnType::kTimestamp, .fsp = 2},
      {ColumnType::kNull},
  };
}

std::shared_ptr<const TableMapEvent> MakeTable(const std::vector<Spec>& specs) {
  auto t = std::make_shared<TableMapEvent>();
  t->table_id = 9;
  t->database = "db";
  t->table = "every";
  for (const Spec& s : specs) {
    ColumnDef c;
    c.type = s.type;
    c.metadata = s.metadata;
    EXPECT_TRUE(DeriveColumnMetadata(c, 0).ok()) << ColumnTypeName(s.type);
    c.is_unsigned = s.is_unsigned;
    c.scale = s.fsp == 0 ? c.scale : s.fsp;
    c.collation = s.collation;
    c.plugin = s.plugin;
    if (c.real_type == ColumnType::kEnum) c.enum_values = {"a", "b\"", "ç"};
    if (c.real_type == ColumnType::kSet) c.set_values = {"x", "y", "z\\"};
    t->columns.push_back(c);
  }
  return t;
}

ColumnNaming MakeNaming(const TableMapEvent& t, const std::vector<Spec>& specs, NameSource source) {
  ColumnNaming n;
  n.source = source;
  for (size_t i = 0; i < specs.size(); ++i) {
    n.names.push_back(i == 0 ? "we\"ird\\ name\x01" : "c" + std::to_string(i));
    n.unsigned_from_schema.push_back(specs[i].unsigned_from_schema);
  }
  EXPECT_EQ(n.names.size(), t.columns.size());
  return n;
}

class ValueMaker {
 public:
  explicit ValueMaker(uint32_t seed) : rng_(seed) {}

  uint64_t Below(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  bool OneIn(uint64_t n) { return Below(n) == 0; }

  // Text of up to `max` bytes from a mix of ASCII, bytes JSON escapes, UTF-8 sequences, latin1
  // high bytes and stray continuation bytes.
  std::string Text(size_t max) {
    static const std::vector<std::string> kPieces = {
        "a",    "Z",    " ",    "~",    "\x7f",     "\"",           "\\",
        "\n",   "\t",   "\x01", "\x1f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
        "\xe9", "\x80", "\x9f", "\xff", "\xc3",     "name-1"};
    const size_t target = Below(max + 1);
    std::string s;
    while (s.size() < target) {
      const std::string& piece = OneIn(3) ? kPieces[0] : kPieces[Below(kPieces.size())];
      if (s.size() + piece.size() > max) break;
      s += piece;
    }
    return s;
  }

  // A DECIMAL(precision, scale) value, often with zero groups and negative zero.
  std::string Decimal(int precision, int scale) {
    static constexpr int kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    static constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                            100000, 1000000, 10000000, 100000000, 1000000000};
    std::vector<int> groups;
    const int intg = precision - scale;
    if (intg % 9) groups.push_back(intg % 9);
    for (int i = 0; i < intg / 9; ++i) groups.push_back(9);
    for (int i = 0; i < scale / 9; ++i) groups.push_back(9);
    if (scale % 9) groups.push_back(scale % 9);
    std::string b;
    for (int digits : groups) {
      const uint64_t v = OneIn(3) ? 0 : OneIn(2) ? Below(10) : Below(kPow10[digits]);
      PutBe(b, v, kDigitBytes[digits]);
    }
    if (OneIn(2)) {
      for (char& ch : b) ch = static_cast<char>(~ch);
    }
    b[0] = static_cast<char>(b[0] ^ 0x80);
    return b;
  }

  // A valid old-format TIME, DATETIME or TIMESTAMP (see temporal.h).
  std::string OldTemporal(const ColumnDef& col) {
    static constexpr uint64_t kPow10[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    static constexpr int kTimeBytes[7] = {3, 4, 4, 5, 5, 5, 6};
    static constexpr int kDatetimeBytes[7] = {5, 6, 6, 7, 7, 7, 8};
    static constexpr int kTimestampFracBytes[7] = {0, 1, 1, 2, 2, 3, 3};
    const uint8_t fsp = col.scale;
    const uint64_t hour = Below(24), minute = Below(60), second = Below(60);
    const uint64_t fraction = Below(kPow10[fsp]);
    std::string b;
    if (col.type == ColumnType::kTimestamp) {
      if (fsp == 0) {
        PutLe(b, Below(uint64_t{1} << 32), 4);
      } else {
        PutBe(b, Below(uint64_t{1} << 32), 4);
        PutBe(b, fraction, kTimestampFracBytes[fsp]);
      }
    } else if (col.type == ColumnType::kDatetime) {
      const uint64_t year = Below(10000), month = Below(13), day = Below(32);
      if (fsp == 0) {
        PutLe(b,
              ((year * 100 + month) * 100 + day) * 1000000 + (hour * 100 + minute) * 100 + second,
              8);
      } else {
        const uint64_t seconds =
            ((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + second;
        PutBe(b, seconds * kPow10[fsp] + fraction, kDatetimeBytes[fsp]);
      }
    } else {
      const int64_t sign = OneIn(2) ? -1 : 1;
      const uint64_t hours = Below(839);
      if (fsp == 0) {
        PutLe(b,
              static_cast<uint64_t>(sign *
                                    static_cast<int64_t>((hours * 100 + minute) * 100 + second)),
              3);
      } else {
        const int64_t zero = 3020400 * static_cast<int64_t>(kPow10[fsp]);
        const auto scaled =
            static_cast<int64_t>((hours * 3600 + minute * 60 + second) * kPow10[fsp] + fraction);
        PutBe(b, static_cast<uint64_t>(zero + sign * scaled), kTimeBytes[fsp]);
      }
    }
    return b;
  }

  // The encoded non-NULL value of `col`, valid unless `garbage`.
  std::string Encoded(const ColumnDef& col, bool garbage) {
    std::string b;
    auto random_bytes = [&](size_t n) {
      for (size_t i = 0; i < n; ++i) b.push_back(static_cast<char>(Below(256)));
    };
    auto length_prefixed = [&](size_t len_bytes, const std::string& s) {
      PutLe(b, s.size(), static_cast<int>(len_bytes));
      b += s;
    };
    auto fraction = [&](uint8_t fsp, uint32_t micros) {
      if (fsp == 0) return;
      if (fsp <= 2) PutBe(b, micros / 10000, 1);
      if (fsp == 3 || fsp == 4) PutBe(b, micros / 100, 2);
      if (fsp >= 5) PutBe(b, micros, 3);
    };
    switch (col.type) {
      case ColumnType::kNewDecimal:
        if (garbage) {
          random_bytes(DecimalBinarySizeOf(col));
        } else {
          b = Decimal(col.precision, col.scale);
        }
        return b;
      case ColumnType::kVarchar:
      case ColumnType::kString:
      case ColumnType::kBlob:
      case ColumnType::kGeometry: {
        if (col.real_type == ColumnType::kEnum) {
          PutLe(b, garbage ? 200 : Below(col.enum_values.size() + 1), 1);
          return b;
        }
        if (col.real_type == ColumnType::kSet) {
          PutLe(b, garbage ? 0xff : Below(8), 1);
          return b;
        }
        const bool sized = col.type == ColumnType::kVarchar || col.type == ColumnType::kString;
        const size_t len_bytes = sized ? (col.max_length < 256 ? 1 : 2) : col.max_length;
        const size_t max = std::min<size_t>(sized            ? col.max_length
                                            : len_bytes == 1 ? 255
                                                             : 300,
                                            300);
        std::string s = Text(max);
        if (garbage) {
          PutLe(b, s.size() + 1000, static_cast<int>(len_bytes));  // runs past the event
          return b;
        }
        length_prefixed(len_bytes, s);
        return b;
      }
      case ColumnType::kDatetime2: {
        if (garbage) {
          random_bytes(5 + (col.scale + 1) / 2);
          return b;
        }
        const uint64_t year = OneIn(20) ? 10000 + Below(80) : Below(10000);
        const uint64_t ymd = ((year * 13 + Below(13)) << 5) | Below(32);
        const uint64_t hms = (Below(24) << 12) | (Below(60) << 6) | Below(60);
        PutBe(b, ((ymd << 17) | hms) + 0x8000000000ULL, 5);
        fraction(col.scale, static_cast<uint32_t>(Below(1000000)));
        return b;
      }
      case ColumnType::kTimestamp2: {
        if (garbage) {
          PutBe(b, Below(1u << 31), 4);
          if (col.scale > 0) PutBe(b, 0xffffff, (col.scale + 1) / 2);  // fraction too big
          if (col.scale == 0) b.resize(2);                             // or cut short
          return b;
        }
        const bool zero = OneIn(5);
        PutBe(b, zero ? 0 : Below(uint64_t{1} << 32), 4);
        fraction(col.scale, zero && OneIn(2) ? 0 : static_cast<uint32_t>(Below(1000000)));
        return b;
      }
      case ColumnType::kTime2:
        if (col.scale == 0) {
          PutBe(b, 0x800000 + Below(0x10000) - 0x8000, 3);
        } else {
          PutBe(b, 0x800000 + Below(0x10000), 3);
          PutBe(b, garbage ? 0xffff : Below(10000), 2);
        }
        return b;
      case ColumnType::kTime:
      case ColumnType::kDatetime:
      case ColumnType::kTimestamp:
        if (garbage) {
          random_bytes(1);  // cut short
        } else {
          b = OldTemporal(col);
        }
        return b;
      default:
        break;
    }
    // Fixed-size types whose every bit pattern decodes (a short read when `garbage`).
    const size_t n = FixedSize(col);
    random_bytes(garbage ? n / 2 : n);
    return b;
  }

 private:
  static size_t DecimalBinarySizeOf(const ColumnDef& col) {
    return DecimalBinarySize(col.precision, col.scale);
  }
  static size_t FixedSize(const ColumnDef& col) {
    switch (col.type) {
      case ColumnType::kTiny:
      case ColumnType::kYear:
        return 1;
      case ColumnType::kShort:
      case ColumnType::kBit:
        return 2;
      case ColumnType::kInt24:
      case ColumnType::kDate:
      case ColumnType::kNewDate:
      case ColumnType::kTime:
        return 3;
      case ColumnType::kLong:
      case ColumnType::kFloat:
      case ColumnType::kTimestamp:
        return 4;
      default:
        return col.type == ColumnType::kNull ? 0 : 8;  // LONGLONG, DOUBLE, old DATETIME
    }
  }

  std::mt19937 rng_;
};

// A present-columns bitmap: all columns, or (partial images) a random non-empty subset.
std::vector<bool> Present(ValueMaker& m, size_t n, bool partial) {
  std::vector<bool> p(n, true);
  if (!partial) return p;
  for (size_t i = 0; i < n; ++i) p[i] = !m.OneIn(3);
  p[m.Below(n)] = true;
  return p;
}

std::string Image(ValueMaker& m, const TableMapEvent& t, const std::vector<bool>& present,
                  uint64_t garbage_one_in) {
  std::string nulls, values;
  size_t k = 0;
  for (size_t i = 0; i < present.size(); ++i) {
    if (!present[i]) continue;
    if (k % 8 == 0) nulls.push_back(0);
    if (m.OneIn(6)) {
      nulls.back() = static_cast<char>(nulls.back() | (1 << (k % 8)));
    } else {
      values += m.Encoded(t.columns[i], m.OneIn(garbage_one_in));
    }
    ++k;
  }
  return nulls + values;
}

struct Outcome {
  uint64_t ok_events = 0;
  uint64_t error_events = 0;
};

void CompareRandomEvents(uint32_t seed, NameSource source, Outcome& outcome) {
  ValueMaker m(seed);
  const std::vector<Spec> specs = Specs();
  const auto table = MakeTable(specs);
  const ColumnNaming naming = MakeNaming(*table, specs, source);
  RowsJsonRenderer renderer(table, naming);
  const Gtid gtid{0, 1, 7};
  const uint64_t errors_before = outcome.error_events;
  constexpr int kEvents = 400;
  constexpr uint64_t kGarbageOneIn = 2000;  // per value: about one event in ten fails
  for (int e = 0; e < kEvents; ++e) {
    RowsEvent ev;
    ev.kind = static_cast<RowsKind>(m.Below(3));
    ev.table = table;
    ev.column_count = table->columns.size() - m.Below(3);  // sometimes fewer than the map
    const bool partial = m.OneIn(2);
    if (ev.kind != RowsKind::kInsert) ev.before_columns = Present(m, ev.column_count, partial);
    if (ev.kind != RowsKind::kDelete) ev.after_columns = Present(m, ev.column_count, partial);
    EncodedRows& enc = ev.encoded.emplace();
    enc.offset = 1000 + static_cast<uint64_t>(e);
    if (m.OneIn(4)) enc.context = "decompressed rows of the event at offset 5 (payload at 9)";
    const uint64_t rows = 1 + m.Below(3);
    for (uint64_t r = 0; r < rows; ++r) {
      if (ev.kind != RowsKind::kInsert)
        enc.bytes += Image(m, *table, ev.before_columns, kGarbageOneIn);
      if (ev.kind != RowsKind::kDelete)
        enc.bytes += Image(m, *table, ev.after_columns, kGarbageOneIn);
    }
    const ChangeContext context{m.OneIn(2) ? &gtid : nullptr, "f.000001", enc.offset, 1700000000};
    const std::string prefix = JsonChangePrefix(context, ev);
    const uint64_t skip = m.OneIn(4) ? m.Below(rows + 1) : 0;

    OutputBuffer out;
    out.Append("earlier output\n");
    const Result<uint64_t> fast = renderer.Append(out, prefix, ev, skip);
    const Result<std::vector<RowChange>> slow = DecodeRows(ev);
    if (!slow.ok()) {
      ++outcome.error_events;
      ASSERT_FALSE(fast.ok()) << "seed " << seed << " event " << e;
      EXPECT_EQ(fast.status().ToString(), slow.status().ToString()) << "event " << e;
      EXPECT_EQ(out.view(), "earlier output\n") << "event " << e;
      continue;
    }
    ++outcome.ok_events;
    ASSERT_TRUE(fast.ok()) << "seed " << seed << " event " << e << ": " << fast.status().ToString();
    EXPECT_EQ(*fast, slow->size());
    std::string expected = "earlier output\n";
    for (size_t k = skip; k < slow->size(); ++k) {
      AppendJsonRowChange(expected, prefix, ev, (*slow)[k], naming);
    }
    ASSERT_EQ(out.view(), expected) << "seed " << seed << " event " << e;
  }
  // Only events that do not decode may take the reference path: the direct one did the rest.
  EXPECT_EQ(renderer.events_decoded(), outcome.error_events - errors_before);
}

TEST(RowsJsonRendererTest, MatchesReferenceOverEveryColumnType) {
  Outcome outcome;
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    for (NameSource source : {NameSource::kMetadata, NameSource::kSchema, NameSource::kPosition}) {
      CompareRandomEvents(seed * 10 + static_cast<uint32_t>(source), source, outcome);
    }
  }
  // Both outcomes were exercised, mostly the valid one.
  std::printf("%llu events rendered, %llu failed\n",
              static_cast<unsigned long long>(outcome.ok_events),
              static_cast<unsigned long long>(outcome.error_events));
  EXPECT_GT(outcome.ok_events, 1000u);
  EXPECT_GT(outcome.error_events, 50u);
}

TEST(RowsJsonRendererTest, SkipsTheFirstRowChanges) {
  const std::vector<Spec> specs = {{ColumnType::kLong}};
  const auto table = MakeTable(specs);
  const ColumnNaming naming = MakeNaming(*table, specs, NameSource::kMetadata);
  RowsEvent ev;
  ev.kind = RowsKind::kInsert;
  ev.table = table;
  ev.column_count = 1;
  ev.after_columns = {true};
  std::string& bytes = ev.encoded.emplace().bytes;
  for (int v : {1, 2, 3}) {
    bytes.push_back(0);  // no NULLs
    PutLe(bytes, static_cast<uint64_t>(v), 4);
  }
  RowsJsonRenderer renderer(table, naming);
  OutputBuffer out;
  Result<uint64_t> n = renderer.Append(out, "{", ev, 2);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(out.view(), "{,\"after\":{\"we\\\"ird\\\\ name\\u0001\":3}}\n");
}

}  // namespace
}  // namespace safeddl::binlog
