#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fw {

// What the agent does after an error (absl-style taxonomy; see error_codes.def).
enum class RetryClass : std::uint8_t {
  Backoff,          // transient: retry after Resync_Error_Retry_Delay
  RestartSequence,  // the sequence is stale: start again from Profile_Rule
  NoRetry,          // retrying cannot help: wait for the next scheduled or explicit attempt
};

enum class ErrorCode : std::uint16_t {
#define FW_ERROR(name, err_text, retry, doc) name,
#include "firmware-core/base/error_codes.def"
#undef FW_ERROR
};

// Number of rows in error_codes.def.
inline constexpr std::size_t kErrorCodeCount = 0
#define FW_ERROR(name, err_text, retry, doc) +1
#include "firmware-core/base/error_codes.def"
#undef FW_ERROR
    ;

// The $ERR text the phone reports for `code` ("file not found", "parse error", ...).
std::string_view err_text(ErrorCode code);
// The retry class the agent applies for `code`.
RetryClass retry_class(ErrorCode code);
// The enumerator's name ("ParseError"), for traces and test names.
std::string_view error_name(ErrorCode code);
// The table's one-line description of when `code` happens.
std::string_view error_doc(ErrorCode code);

// An error value: the table row plus a detail naming what and where ("line 4: <GPP_A>: ...").
// The detail is for people; never put secrets in it.
struct Error {
  ErrorCode code;
  std::string detail;

  std::string_view err_text() const { return fw::err_text(code); }
  RetryClass retry_class() const { return fw::retry_class(code); }
  // "<$ERR text>: <detail>" (or just the $ERR text when the detail is empty).
  std::string to_string() const;
};

}  // namespace fw
