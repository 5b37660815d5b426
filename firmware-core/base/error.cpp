#include "firmware-core/base/error.h"

#include <array>

namespace fw {
namespace {

struct ErrorRow {
  std::string_view name;
  std::string_view err_text;
  RetryClass retry;
  std::string_view doc;
};

constexpr std::array<ErrorRow, kErrorCodeCount> kErrorTable = {{
#define FW_ERROR(name, err_text, retry, doc) {#name, err_text, RetryClass::retry, doc},
#include "firmware-core/base/error_codes.def"
#undef FW_ERROR
}};

const ErrorRow& row(ErrorCode code) { return kErrorTable[static_cast<std::size_t>(code)]; }

}  // namespace

std::string_view err_text(ErrorCode code) { return row(code).err_text; }
RetryClass retry_class(ErrorCode code) { return row(code).retry; }
std::string_view error_name(ErrorCode code) { return row(code).name; }
std::string_view error_doc(ErrorCode code) { return row(code).doc; }

std::string Error::to_string() const {
  std::string text(fw::err_text(code));
  if (!detail.empty()) {
    text += ": ";
    text += detail;
  }
  return text;
}

}  // namespace fw
