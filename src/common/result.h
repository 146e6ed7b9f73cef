// Result<T>: a value of type T, or the Status explaining why there is none.
//
// Use `SAFEDDL_ASSIGN_OR_RETURN(auto x, Fn());` to unwrap or propagate. Accessing the value of a
// failed Result is a programmer error (asserted), never a user-input path.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "common/status.h"

namespace safeddl {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  // The failure; an OK Status when there is a value.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(data_); }

  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace safeddl

#define SAFEDDL_CONCAT_INNER_(a, b) a##b
#define SAFEDDL_CONCAT_(a, b) SAFEDDL_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (a Result<T>); on failure returns its Status, else moves the value into `lhs`.
#define SAFEDDL_ASSIGN_OR_RETURN(lhs, rexpr) \
  SAFEDDL_ASSIGN_OR_RETURN_IMPL_(SAFEDDL_CONCAT_(safeddl_result_, __LINE__), lhs, rexpr)
#define SAFEDDL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                   \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()
