// Hand-made LockSnapshots for the pure tests: the classic pileups as MariaDB 10.11 shows them
// (idle holder + waiting ALTER + queued writers; a running ALTER COPY; LOCK TABLES).
#pragma once

#include <string>

#include "locks/snapshot.h"

namespace safeddl::locks::testing {

inline SessionInfo Session(uint64_t id, std::string command, double time, std::string state = {},
                           std::string info = {}, std::string db = "app") {
  SessionInfo s;
  s.id = id;
  s.user = "app";
  s.host = "10.0.0.5:4000";
  s.db = std::move(db);
  s.command = std::move(command);
  s.time_seconds = time;
  s.state = std::move(state);
  s.info = std::move(info);
  return s;
}

inline SessionInfo Waiting(uint64_t id, double time, std::string info) {
  return Session(id, "Query", time, "Waiting for table metadata lock", std::move(info));
}

inline Transaction Trx(double age, int64_t rows_modified) {
  Transaction t;
  t.trx_id = rows_modified > 0 ? "4242" : "0";
  t.state = "RUNNING";
  t.age_seconds = age;
  t.rows_modified = rows_modified;
  return t;
}

// Session 10 idle in a transaction for 40s (rows_modified as given), ALTER (11) waiting 12s,
// `writers` INSERTs (100...) queued, one unrelated idle session (12) with no transaction and a
// short idle time.
inline LockSnapshot ClassicPileup(int64_t holder_rows = 0, int writers = 20) {
  LockSnapshot snap;
  SessionInfo holder = Session(10, "Sleep", 35);
  holder.trx = Trx(40, holder_rows);
  snap.sessions.push_back(holder);
  snap.sessions.push_back(Waiting(11, 12, "ALTER TABLE orders ADD COLUMN note INT"));
  snap.sessions.push_back(Session(12, "Sleep", 1));
  for (int i = 0; i < writers; ++i) {
    snap.sessions.push_back(Waiting(100 + i, 11 - i * 0.1, "INSERT INTO orders VALUES (1)"));
  }
  snap.sources.innodb_trx = true;
  return snap;
}

inline MdlLock Granted(uint64_t session, std::string mode, std::string table = "orders") {
  MdlLock l;
  l.session_id = session;
  l.schema = "app";
  l.table = std::move(table);
  l.mode = std::move(mode);
  return l;
}

}  // namespace safeddl::locks::testing
