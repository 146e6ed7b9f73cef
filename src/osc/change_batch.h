// ChangeBatch: the row changes captured from the binlog for one apply step, reduced to the last
// state of each key, ready to be written to the ghost table as one transaction.
//
// Reduction keeps, for every key, only its final operation (upsert of the last after image, or
// delete), ordered by the position of that final operation in the binlog. Applying all deletes
// first and then the upserts in that order reproduces the source table's end state even when
// rows swap values of a secondary UNIQUE key within the batch: a REPLACE that removes a row which
// still held a value in the ghost is always followed by that row's own final upsert (proof in
// docs/alter.md). Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace safeddl::osc {

// A row as the applier needs it: the rendered SQL literals of the columns it writes, and the
// rendered literals of its key columns (which identify it).
struct KeyedRow {
  std::vector<std::string> key;     // one literal per key column
  std::vector<std::string> values;  // one literal per written column (upserts only)
};

class ChangeBatch {
 public:
  void Insert(KeyedRow after);
  void Delete(KeyedRow before);
  // An update whose key changed becomes a delete of the old key and an upsert of the new one.
  void Update(KeyedRow before, KeyedRow after);

  bool empty() const { return final_.empty(); }
  size_t size() const { return final_.size(); }
  size_t changes_seen() const { return seen_; }

  // The keys to delete, in binlog order of their final delete.
  std::vector<std::vector<std::string>> Deletes() const;
  // The rows to upsert, in binlog order of their final upsert.
  std::vector<KeyedRow> Upserts() const;
  // For each of Upserts(), in the same order, the key its row had before the batch: its own key,
  // the key it had before an update changed it, or none (empty) for a row inserted after a delete
  // of its key in the batch — a new row. An apply that keeps columns of the rows it replaces
  // (osc/applier.h) reads them under these keys.
  std::vector<std::vector<std::string>> Origins() const;

  void Clear();

 private:
  void Upsert(KeyedRow after, std::vector<std::string> origin);
  void Remove(KeyedRow before);
  // The key the row now under `key` had before the batch (empty: a new row).
  std::vector<std::string> OriginOf(const std::vector<std::string>& key) const;
  struct Final {
    bool is_delete = false;
    uint64_t sequence = 0;
    KeyedRow row;
    std::vector<std::string> origin;  // upserts only
  };
  std::vector<const Final*> Picked(bool deletes) const;
  std::map<std::vector<std::string>, Final> final_;
  uint64_t next_sequence_ = 0;
  size_t seen_ = 0;
};

}  // namespace safeddl::osc
