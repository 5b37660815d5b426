#pragma once

// Result<T>: a value or an fw::Error, the std::expected shape. Our own small type because the
// clang 14 that builds the fuzz targets cannot use libstdc++ 12's <expected>.
//
//   Result<int> parse(...);                 // return 42; or return fail(ErrorCode::X, "why");
//   if (auto r = parse(...); !r) use(r.error());
//   Result<void> ok = {};                   // success without a value

#include <cassert>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "firmware-core/base/error.h"

namespace fw {

// Wraps an Error so that it converts into any Result<T>.
struct Failure {
  Error error;
};

// Makes a failed result: `return fail(ErrorCode::InvalidValue, "line 3: ...");`
inline Failure fail(ErrorCode code, std::string detail = {}) {
  return Failure{Error{code, std::move(detail)}};
}
inline Failure fail(Error error) { return Failure{std::move(error)}; }

// Makes a failed result for a parser of outside input, naming the 0-based byte position:
// `return fail_at(ErrorCode::RuleSyntax, 12, "expected ']'");` -> detail "at 12: expected ']'".
inline Failure fail_at(ErrorCode code, std::size_t position, std::string_view what) {
  std::string detail = "at ";
  detail += std::to_string(position);
  detail += ": ";
  detail += what;
  return fail(code, std::move(detail));
}

template <class T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& value) : state_(std::in_place_index<0>, value) {}
  Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <class U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, Result> &&
             !std::is_same_v<std::decay_t<U>, Failure> && !std::is_same_v<std::decay_t<U>, T> &&
             !std::is_same_v<std::remove_cv_t<T>, bool>)
  Result(U&& value) : state_(std::in_place_index<0>, T(std::forward<U>(value))) {}
  Result(Failure failure) : state_(std::in_place_index<1>, std::move(failure.error)) {}
  // A pointer or number silently becoming a Result<bool> hides bugs: only a bool converts.
  template <class U>
    requires(std::is_same_v<std::remove_cv_t<T>, bool> && !std::is_same_v<std::decay_t<U>, bool> &&
             !std::is_same_v<std::decay_t<U>, Result> && !std::is_same_v<std::decay_t<U>, Failure>)
  Result(U&&) = delete;

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(state_));
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() = default;
  Result(Failure failure) : error_(std::move(failure.error)), failed_(true) {}

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  void value() const { assert(has_value()); }

  const Error& error() const& {
    assert(failed_);
    return error_;
  }
  Error&& error() && {
    assert(failed_);
    return std::move(error_);
  }

 private:
  Error error_{};
  bool failed_ = false;
};

}  // namespace fw
