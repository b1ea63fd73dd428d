// Result<T>: a value or an operating error, for input that can be wrong (schedule files,
// strategy parameters). Programmer errors stay MAPSIM_ASSERTs (STYLE G9).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "impl/assert.h"

namespace mapsim::sim {

template <class T>
class Result {
 public:
  static Result success(T value) {
    Result result;
    result.value_ = std::move(value);
    return result;
  }
  static Result failure(std::string error) {
    Result result;
    result.error_ = std::move(error);
    return result;
  }

  bool ok() const { return value_.has_value(); }
  // REQUIRES: ok().
  const T& value() const& {
    MAPSIM_ASSERT(ok(), "value() of a failed Result");
    return *value_;
  }
  T& value() & {
    MAPSIM_ASSERT(ok(), "value() of a failed Result");
    return *value_;
  }
  // What is wrong with the input; empty when ok().
  const std::string& error() const { return error_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

}  // namespace mapsim::sim
