// ResultSet: the rows of one query, fully read into memory, with typed access by column name.
//
// Values are the server's text-protocol strings; SQL NULL is std::nullopt. Rows share the column
// list, so a Row stays valid as long as its ResultSet. Thread-compatible.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace safeddl::mysql {

using Value = std::optional<std::string>;  // nullopt is SQL NULL

class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  const Value& operator[](size_t i) const { return values_.at(i); }
  // The value of column `name` (case-insensitive); nullopt when NULL or no such column.
  Value Get(std::string_view name) const;
  // Convenience: the value or `fallback` when NULL/missing.
  std::string GetString(std::string_view name, std::string_view fallback = "") const;
  // The value parsed as an integer; nullopt when NULL, missing or not an integer.
  std::optional<long long> GetInt(std::string_view name) const;
  std::optional<unsigned long long> GetUint(std::string_view name) const;
  std::optional<double> GetDouble(std::string_view name) const;

 private:
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Value> values_;
};

class ResultSet {
 public:
  ResultSet() : columns_(std::make_shared<std::vector<std::string>>()) {}
  explicit ResultSet(std::vector<std::string> columns)
      : columns_(std::make_shared<const std::vector<std::string>>(std::move(columns))) {}

  const std::vector<std::string>& columns() const { return *columns_; }
  const std::vector<Row>& rows() const { return rows_; }
  bool empty() const { return rows_.empty(); }
  size_t size() const { return rows_.size(); }
  const Row& operator[](size_t i) const { return rows_.at(i); }
  void AddRow(std::vector<Value> values) { rows_.emplace_back(columns_, std::move(values)); }

 private:
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Row> rows_;
};

}  // namespace safeddl::mysql
