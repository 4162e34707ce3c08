// Failure as a value: Result<T> holds either a T or an Error that says what failed and what to do.
// Modelled on LevelDB's Status and std::expected (not available in C++20's library).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace greenlight {

// An error for an operator: `code` is a stable machine-readable token (e.g. "ScriptMissing",
// "BundleUnsafe"), `message` a sentence saying what failed, where, and what to do.
struct Error {
  std::string code;
  std::string message;
};

// Builds an Error from errno-style context: "<what>: <strerror(errnum)>".
Error errnoError(std::string code, const std::string& what, int errnum);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}             // NOLINT: implicit on purpose
  Result(Error error) : state_(std::move(error)) {}         // NOLINT: implicit on purpose

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return std::get<T>(state_); }
  const T& value() const& { assert(ok()); return std::get<T>(state_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !ok()
  const Error& error() const { assert(!ok()); return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit on purpose
  static Status success() { return {}; }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  // REQUIRES: !ok()
  const Error& error() const { assert(failed_); return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace greenlight
