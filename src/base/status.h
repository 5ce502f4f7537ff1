// Status and Result<T>: how fallible code in ckptview reports failure.
// Bad input is never an assert, an abort or an exception: it is a Status whose
// message says what is wrong and where ("file X: what, expected vs found").
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace ckptview {

class Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message), true); }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

  // Prefixes the message with context, e.g. the file name: "model.index: ...".
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Error(context + ": " + message_);
  }

 private:
  Status(std::string message, bool failed) : message_(std::move(message)), failed_(failed) {}
  std::string message_;
  bool failed_ = false;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace ckptview

// Returns early from the enclosing function if `expr` (a Status) failed.
#define CKPT_RETURN_IF_ERROR(expr)           \
  do {                                       \
    ::ckptview::Status ckpt_status_ = (expr); \
    if (!ckpt_status_.ok()) return ckpt_status_; \
  } while (0)

#define CKPT_CONCAT_INNER_(a, b) a##b
#define CKPT_CONCAT_(a, b) CKPT_CONCAT_INNER_(a, b)
// `CKPT_ASSIGN_OR_RETURN(auto x, MakeX());` unwraps a Result or returns its Status.
#define CKPT_ASSIGN_OR_RETURN(lhs, expr) \
  CKPT_ASSIGN_OR_RETURN_IMPL_(CKPT_CONCAT_(ckpt_result_, __LINE__), lhs, expr)
#define CKPT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
