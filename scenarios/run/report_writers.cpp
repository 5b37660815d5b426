#include "scenarios/run/report_writers.h"

#include <tinyxml2.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <string_view>
#include <system_error>

#include "scenarios/run/report_text.h"

namespace scn {
namespace {

std::string number_text(std::uint64_t value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return {buffer.data(), result.ptr};
}

// Wall seconds with millisecond precision, locale-free ("12.345").
std::string wall_seconds_text(double seconds_count) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                    std::max(seconds_count, 0.0), std::chars_format::fixed, 3);
  return {buffer.data(), result.ptr};
}

// "tftp.yaml:42" -> {"tftp.yaml", "42"}; a `where` without a numeric line keeps it all as file.
std::pair<std::string_view, std::string_view> split_where(std::string_view where) {
  const std::size_t colon = where.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == where.size()) {
    return {where, {}};
  }
  const std::string_view line = where.substr(colon + 1);
  if (!std::all_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {where, {}};
  }
  return {where.substr(0, colon), line};
}

std::string failure_body(const AssertionResult& result) {
  std::string body = "expected: " + result.expected + "\nactual: " + result.actual;
  if (!result.evidence.empty()) {
    body += "\nevidence:";
    for (const auto& line : result.evidence) {
      body += "\n  " + line;
    }
  }
  body += '\n';
  return body;
}

void push_attribute(tinyxml2::XMLPrinter& printer, const char* name, std::string_view value) {
  printer.PushAttribute(name, printable_text(value).c_str());
}

void push_property(tinyxml2::XMLPrinter& printer, const char* name, std::string_view value) {
  printer.OpenElement("property");
  printer.PushAttribute("name", name);
  push_attribute(printer, "value", value);
  printer.CloseElement();
}

// Appends `"key": value` (value already JSON) with the separator and indentation of an object.
class JsonObject {
 public:
  JsonObject(std::string& out, std::string_view indent) : out_(out), indent_(indent) {
    out_ += '{';
  }
  void field(std::string_view key, std::string_view json_value) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_ += indent_;
    out_ += "  ";
    out_ += json_string(key);
    out_ += ": ";
    out_ += json_value;
  }
  void close() {
    if (!first_) {
      out_ += '\n';
      out_ += indent_;
    }
    out_ += '}';
  }

 private:
  std::string& out_;
  std::string indent_;
  bool first_ = true;
};

std::string assertion_json(const AssertionResult& result) {
  std::string out;
  JsonObject object(out, "    ");
  object.field("name", json_string(result.name));
  object.field("kind", json_string(result.kind));
  object.field("where", json_string(result.where));
  object.field("passed", result.passed ? "true" : "false");
  object.field("expected", json_string(result.expected));
  object.field("actual", json_string(result.actual));
  std::string evidence = "[";
  for (std::size_t i = 0; i < result.evidence.size(); ++i) {
    evidence += i == 0 ? "" : ", ";
    evidence += json_string(result.evidence[i]);
  }
  evidence += ']';
  object.field("evidence", evidence);
  object.close();
  return out;
}

std::string server_json(const ServerSummary& server) {
  std::string out;
  JsonObject object(out, "    ");
  object.field("name", json_string(server.name));
  object.field("kind", json_string(server.kind));
  object.field("address", json_string(server.address));
  object.field("requests", number_text(server.requests));
  object.field("failures", number_text(server.failures));
  object.field("peak_per_second", number_text(server.peak_per_second));
  object.field("peak_concurrency", number_text(server.peak_concurrency));
  object.field("latency_p50_ms", number_text(server.latency_p50_ms));
  object.field("latency_p90_ms", number_text(server.latency_p90_ms));
  object.field("latency_p99_ms", number_text(server.latency_p99_ms));
  object.field("queue_peak", number_text(server.queue_peak));
  object.field("queue_refused", number_text(server.queue_refused));
  object.field("queue_wait_p50_ms", number_text(server.queue_wait_p50_ms));
  object.field("queue_wait_p99_ms", number_text(server.queue_wait_p99_ms));
  object.close();
  return out;
}

template <class Item, class ToJson>
std::string json_array(const std::vector<Item>& items, ToJson to_json) {
  if (items.empty()) {
    return "[]";
  }
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i == 0 ? "\n    " : ",\n    ";
    out += to_json(items[i]);
  }
  out += "\n  ]";
  return out;
}

fw::Result<void> write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  if (!stream) {
    return fw::fail(fw::ErrorCode::OutputWriteFailed,
                    path.string() + ": cannot open for writing: " + std::strerror(errno));
  }
  stream.write(text.data(), static_cast<std::streamsize>(text.size()));
  stream.close();
  if (!stream) {
    return fw::fail(fw::ErrorCode::OutputWriteFailed, path.string() + ": write failed");
  }
  return {};
}

}  // namespace

std::string junit_xml(const RunReport& report) {
  std::uint64_t failures = 0;
  for (const auto& result : report.assertions) {
    failures += result.passed ? 0 : 1;
  }
  const std::string tests = number_text(report.assertions.size());
  const std::string failure_count = number_text(failures);
  const std::string wall_time = wall_seconds_text(report.wall_seconds);

  tinyxml2::XMLPrinter printer;
  printer.PushHeader(false, true);
  printer.OpenElement("testsuites");
  printer.PushAttribute("name", "phonesim");
  printer.PushAttribute("tests", tests.c_str());
  printer.PushAttribute("failures", failure_count.c_str());
  printer.PushAttribute("errors", "0");
  printer.PushAttribute("time", wall_time.c_str());

  printer.OpenElement("testsuite");
  push_attribute(printer, "name", report.scenario_name);
  printer.PushAttribute("tests", tests.c_str());
  printer.PushAttribute("failures", failure_count.c_str());
  printer.PushAttribute("errors", "0");
  printer.PushAttribute("skipped", "0");
  printer.PushAttribute("time", wall_time.c_str());
  if (!report.scenario_file.empty()) {
    push_attribute(printer, "file", report.scenario_file);
  }

  printer.OpenElement("properties");
  push_property(printer, "seed", number_text(report.seed));
  push_property(printer, "trace_hash", report.trace_hash);
  push_property(printer, "reproduce", report.reproduce_command);
  push_property(printer, "phones", number_text(report.phones));
  push_property(printer, "events", number_text(report.events));
  push_property(printer, "virtual_duration_s", seconds_number(report.virtual_duration));
  push_property(printer, "phones_converged", number_text(report.phones_converged));
  push_property(printer, "trace_errors", number_text(report.trace_errors));
  for (const auto& [name, value] : report.figures) push_property(printer, name.c_str(), value);
  printer.CloseElement();

  for (const auto& result : report.assertions) {
    printer.OpenElement("testcase");
    push_attribute(printer, "classname", report.scenario_name);
    push_attribute(printer, "name", result.name);
    const auto [file, line] = split_where(result.where);
    if (!file.empty()) {
      push_attribute(printer, "file", file);
    }
    if (!line.empty()) {
      push_attribute(printer, "line", line);
    }
    printer.PushAttribute("time", "0");
    if (!result.passed) {
      printer.OpenElement("failure");
      push_attribute(printer, "message", result.actual);
      push_attribute(printer, "type", result.kind);
      printer.PushText(printable_text(failure_body(result)).c_str());
      printer.CloseElement();
    }
    printer.CloseElement();
  }
  printer.CloseElement();  // testsuite
  printer.CloseElement();  // testsuites
  return std::string(printer.CStr(), static_cast<std::size_t>(printer.CStrSize() - 1));
}

std::string json_summary(const RunReport& report) {
  std::string out;
  JsonObject object(out, "");
  object.field("scenario", json_string(report.scenario_name));
  object.field("scenario_file", json_string(report.scenario_file));
  object.field("description", json_string(report.description));
  object.field("seed", number_text(report.seed));
  object.field("passed", report.passed() ? "true" : "false");
  object.field("phones", number_text(report.phones));
  object.field("events", number_text(report.events));
  object.field("trace_hash", json_string(report.trace_hash));
  object.field("trace_errors", number_text(report.trace_errors));
  object.field("reproduce", json_string(report.reproduce_command));
  object.field("virtual_duration_s", seconds_number(report.virtual_duration));
  object.field("wall_seconds", wall_seconds_text(report.wall_seconds));
  object.field("assertions", json_array(report.assertions, assertion_json));
  object.field("servers", json_array(report.servers, server_json));

  std::string errors;
  JsonObject errors_object(errors, "  ");
  for (const auto& [text, count] : report.errors_by_err) {
    errors_object.field(text, number_text(count));
  }
  errors_object.close();
  object.field("errors_by_err", errors);

  std::string retries;
  JsonObject retries_object(retries, "  ");
  for (const auto& [retry_count, phones] : report.retry_histogram) {
    retries_object.field(number_text(retry_count), number_text(phones));
  }
  retries_object.close();
  object.field("retry_histogram", retries);

  object.field("phones_converged", number_text(report.phones_converged));
  if (!report.figures.empty()) {
    std::string figures;
    JsonObject figures_object(figures, "  ");
    for (const auto& [name, value] : report.figures) figures_object.field(name, json_string(value));
    figures_object.close();
    object.field("figures", figures);
  }
  object.close();
  out += '\n';
  return out;
}

fw::Result<void> write_reports(const RunReport& report, const ReportPaths& paths) {
  // The directory first: the JUnit and JSON files often go into it (scripts/run does that).
  if (paths.report_directory) {
    std::error_code error;
    std::filesystem::create_directories(*paths.report_directory, error);
    if (error) {
      return fw::fail(
          fw::ErrorCode::OutputWriteFailed,
          paths.report_directory->string() + ": cannot create directory: " + error.message());
    }
  }
  if (paths.junit_file) {
    if (auto written = write_file(*paths.junit_file, junit_xml(report)); !written) {
      return written;
    }
  }
  if (paths.json_file) {
    if (auto written = write_file(*paths.json_file, json_summary(report)); !written) {
      return written;
    }
  }
  if (paths.report_directory) {
    return write_file(*paths.report_directory / "index.html", html_report(report));
  }
  return {};
}

}  // namespace scn
