#include "firmware-core/runtime/platform.h"

namespace fw {

std::string_view to_string(StreamFailure failure) {
  switch (failure) {
    case StreamFailure::Refused: return "refused";
    case StreamFailure::TimedOut: return "timed out";
    case StreamFailure::Reset: return "reset";
    case StreamFailure::Unreachable: return "unreachable";
  }
  return "unknown";
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Debug: return "debug";
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "unknown";
}

}  // namespace fw
