#include "sim/trace/trace_log.h"

#include <charconv>

#include "sim/trace/json_text.h"

namespace sim {
namespace {

constexpr std::uint64_t kFnvOffsetBasis = 0xCBF29CE484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001B3ull;

void append_number(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

std::string hex64(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int index = 15; index >= 0; --index) {
    text[static_cast<std::size_t>(index)] = kDigits[value & 0xF];
    value >>= 4;
  }
  return text;
}

}  // namespace

TraceLog::TraceLog(std::uint64_t seed, std::ostream* out) : out_(out), hash_(kFnvOffsetBasis) {
  line_ = "{\"seed\":";
  // Seeds are unsigned 64-bit: print them as such, not as a negative int64.
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, seed);
  line_.append(buffer, result.ptr);
  line_ += '}';
  absorb(line_);
  if (out_ != nullptr) *out_ << line_ << '\n';
}

void TraceLog::absorb(std::string_view line) {
  for (const char character : line) {
    hash_ ^= static_cast<std::uint8_t>(character);
    hash_ *= kFnvPrime;
  }
  hash_ ^= static_cast<std::uint8_t>('\n');
  hash_ *= kFnvPrime;
}

void TraceLog::record(fw::Instant t, std::string_view phone, fw::Severity severity,
                      std::string_view component, std::string_view event,
                      std::span<const fw::TraceField> fields) {
  line_.clear();
  line_ += "{\"t\":";
  append_number(line_, t.nanoseconds());
  line_ += ",\"phone\":";
  append_json_string(line_, phone);
  line_ += ",\"severity\":";
  append_json_string(line_, fw::to_string(severity));
  line_ += ",\"component\":";
  append_json_string(line_, component);
  line_ += ",\"event\":";
  append_json_string(line_, event);
  line_ += ",\"fields\":{";
  bool first = true;
  for (const fw::TraceField& field : fields) {
    if (!first) line_ += ',';
    first = false;
    append_json_string(line_, field.key);
    line_ += ':';
    append_json_string(line_, field.value);
  }
  line_ += "}}";
  absorb(line_);
  ++events_;
  if (severity == fw::Severity::Error) ++errors_;
  if (out_ != nullptr && severity >= output_severity_min_) *out_ << line_ << '\n';
  if (observer_) observer_(TraceEvent{t, phone, severity, component, event, fields});
}

std::string TraceLog::hash_hex() const { return hex64(hash_); }

std::string TraceLog::finish() {
  std::string line = "{\"events\":";
  append_number(line, static_cast<std::int64_t>(events_));
  line += ",\"errors\":";
  append_number(line, static_cast<std::int64_t>(errors_));
  line += ",\"hash\":\"";
  line += hash_hex();
  line += "\"}";
  if (out_ != nullptr) *out_ << line << '\n' << std::flush;
  return line;
}

}  // namespace sim
