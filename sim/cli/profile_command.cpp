#include "sim/cli/profile_command.h"

#include <algorithm>
#include <map>
#include <memory>
#include <ostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "firmware-core/config/config_store.h"
#include "firmware-core/config/flat_profile.h"
#include "firmware-core/config/profile_apply.h"
#include "firmware-core/config/profile_export.h"
#include "sim/cli/command_status.h"
#include "sim/cli/input_file.h"
#include "sim/cli/json_text.h"
#include "sim/cli/phone_options.h"

namespace sim::cli {
namespace {

// Everything inspect reports about one profile applied to a factory-default phone.
struct InspectReport {
  std::size_t bytes = 0;
  std::size_t parameter_elements = 0;
  std::vector<fw::ParamId> named_parameters;          // registry order, each once
  std::map<fw::ParamId, std::string> written_values;  // the last element's text, as written
  fw::ApplyReport apply;
  fw::ConfigStore store;
};

// Parses and applies the profile; on failure prints "PATH:LINE: ..." to `err` and returns false.
bool build_inspect_report(const std::string& path, const fw::Bytes& bytes, InspectReport& report,
                          std::ostream& err) {
  report.bytes = bytes.size();
  // Parsed once more on its own for what the apply report does not keep: the element count
  // and which parameters the profile names (access-only elements and values equal to the
  // default change nothing but are still worth showing).
  auto parsed = fw::parse_flat_profile(bytes, report.store.registry());
  if (!parsed) {
    err << located_message(path, parsed.error()) << "\n";
    return false;
  }
  report.parameter_elements = parsed->elements.size();
  for (const fw::ProfileElement& element : parsed->elements) {
    report.named_parameters.push_back(element.id);
    if (element.text) {
      report.written_values[element.id] = *element.text;
    }
  }
  std::sort(report.named_parameters.begin(), report.named_parameters.end());
  report.named_parameters.erase(
      std::unique(report.named_parameters.begin(), report.named_parameters.end()),
      report.named_parameters.end());

  auto applied = fw::apply_flat_profile(report.store, bytes);
  if (!applied) {
    err << located_message(path, applied.error()) << "\n";
    return false;
  }
  report.apply = std::move(applied).value();
  return true;
}

bool has_problems(const fw::ApplyReport& apply) {
  return !apply.unknown_elements.empty() || !apply.invalid_values.empty();
}

// "reason" of an invalid value: the detail without "line N: " and without the repeated name.
std::string issue_reason(const fw::ProfileIssue& issue) {
  std::string_view reason = without_line_prefix(issue.error.detail);
  const std::string prefix = issue.name + ": ";
  if (reason.starts_with(prefix)) {
    reason.remove_prefix(prefix.size());
  }
  return std::string(reason);
}

std::string quoted_value(const fw::ConfigStore& store, fw::ParamId id) {
  return "'" + fw::displayable_value(store.registry().spec(id), store.value(id)) + "'";
}

// "  (written 'Ja')" when the profile spelled the stored value differently (German booleans,
// aliases, list separators). Whitespace around a value is not worth a note; secrets never are.
std::string written_note(const InspectReport& report, fw::ParamId id) {
  const auto written = report.written_values.find(id);
  const fw::ParamSpec& spec = report.store.registry().spec(id);
  if (written == report.written_values.end() || spec.secret) {
    return {};
  }
  std::string_view trimmed = written->second;
  const std::size_t first = trimmed.find_first_not_of(" \t\r\n");
  trimmed = first == std::string_view::npos
                ? std::string_view{}
                : trimmed.substr(first, trimmed.find_last_not_of(" \t\r\n") - first + 1);
  auto normalized = fw::normalize(spec, written->second);
  if (!normalized || *normalized == trimmed || *normalized != report.store.value(id)) {
    return {};
  }
  return "  (written '" + fw::displayable_text(trimmed) + "')";
}

void print_text_report(const std::string& path, const InspectReport& report, std::ostream& out) {
  const fw::ConfigStore& store = report.store;
  out << path << ": flat profile, " << profile_layer_name(ProfileLayer::PlainXml) << ", "
      << report.bytes << " bytes\n"
      << "  parameter elements  " << report.parameter_elements << "\n"
      << "  parameters changed  " << report.apply.changes.size() << "\n"
      << "  unknown elements    " << report.apply.unknown_elements.size() << "\n"
      << "  invalid values      " << report.apply.invalid_values.size() << "\n";
  if (!report.apply.unknown_elements.empty()) {
    out << "Unknown elements (skipped):\n";
    for (const fw::ProfileIssue& issue : report.apply.unknown_elements) {
      out << "  " << path << ":" << issue.line << ": <" << issue.name << ">\n";
    }
  }
  if (!report.apply.invalid_values.empty()) {
    out << "Invalid values (skipped; the parameter keeps its value):\n";
    for (const fw::ProfileIssue& issue : report.apply.invalid_values) {
      out << "  " << path << ":" << issue.line << ": " << issue.name << ": " << issue_reason(issue)
          << "\n";
    }
  }
  if (!report.named_parameters.empty()) {
    out << "Resulting parameters (those the profile names, on a factory-default phone):\n";
    for (fw::ParamId id : report.named_parameters) {
      out << "  " << store.registry().spec(id).name << " = " << quoted_value(store, id)
          << "  ua=" << fw::access_text(store.access(id)) << written_note(report, id)
          << (store.is_default(id) ? "  (factory default)" : "") << "\n";
    }
  }
}

void print_json_report(const std::string& path, const InspectReport& report, bool with_export,
                       std::ostream& out) {
  const fw::ConfigStore& store = report.store;
  out << "{\"file\": " << json_quote(path)
      << ", \"layer\": " << json_quote(profile_layer_name(ProfileLayer::PlainXml))
      << ", \"bytes\": " << report.bytes
      << ", \"parameter_elements\": " << report.parameter_elements
      << ", \"parameters_changed\": " << report.apply.changes.size() << ",\n";
  out << " \"unknown_elements\": [";
  const char* separator = "";
  for (const fw::ProfileIssue& issue : report.apply.unknown_elements) {
    out << separator << "{\"name\": " << json_quote(issue.name) << ", \"line\": " << issue.line
        << "}";
    separator = ", ";
  }
  out << "],\n \"invalid_values\": [";
  separator = "";
  for (const fw::ProfileIssue& issue : report.apply.invalid_values) {
    out << separator << "{\"name\": " << json_quote(issue.name) << ", \"line\": " << issue.line
        << ", \"reason\": " << json_quote(issue_reason(issue)) << "}";
    separator = ", ";
  }
  out << "],\n \"parameters\": [";
  separator = "";
  for (fw::ParamId id : report.named_parameters) {
    const fw::ParamSpec& spec = store.registry().spec(id);
    out << separator << "\n  {\"name\": " << json_quote(spec.name)
        << ", \"value\": " << json_quote(fw::displayable_value(spec, store.value(id)))
        << ", \"ua\": " << json_quote(fw::access_text(store.access(id)))
        << ", \"factory_default\": " << (store.is_default(id) ? "true" : "false") << "}";
    separator = ",";
  }
  out << "]";
  if (with_export) {
    out << ",\n \"export\": " << json_quote(fw::export_for_people(store));
  }
  out << "}\n";
}

}  // namespace

int run_profile_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err) {
  const InputFile file = read_plain_profile(options.path);
  if (!file.ok()) {
    err << file.error << "\n";
    return kExitInvalidInput;
  }
  InspectReport report;
  if (!build_inspect_report(options.path, file.bytes, report, err)) {
    return kExitInvalidInput;
  }
  if (options.json) {
    print_json_report(options.path, report, options.export_configuration, out);
  } else {
    print_text_report(options.path, report, out);
    if (options.export_configuration) {
      out << "Resulting configuration (every parameter, secrets masked):\n"
          << fw::export_for_people(report.store);
    }
  }
  return has_problems(report.apply) ? kExitProblemsFound : kExitOk;
}

int run_profile_diff(const DiffOptions& options, std::ostream& out, std::ostream& err) {
  fw::ConfigStore before;
  fw::ConfigStore after;
  if (!apply_profile_file(options.before_path, before, err) ||
      !apply_profile_file(options.after_path, after, err)) {
    return kExitInvalidInput;
  }
  const std::vector<fw::ParameterChange> changes = fw::diff_stores(before, after);
  out << options.before_path << " -> " << options.after_path << ": ";
  if (changes.empty()) {
    out << "identical configurations\n";
    return kExitOk;
  }
  out << changes.size() << (changes.size() == 1 ? " parameter differs" : " parameters differ")
      << "\n";
  for (const fw::ParameterChange& change : changes) {
    out << "  " << change.to_string(before.registry()) << "\n";
  }
  return kExitProblemsFound;
}

void add_profile_commands(CLI::App& app, std::function<int()>& selected, std::ostream& out,
                          std::ostream& err) {
  CLI::App* profile =
      app.add_subcommand("profile", "Look at flat-profile files as a phone reads them");
  profile->require_subcommand(1);

  auto inspect_options = std::make_shared<InspectOptions>();
  CLI::App* inspect = profile->add_subcommand(
      "inspect", "Apply a profile to a factory-default phone and report what it changes");
  inspect->add_option("IN", inspect_options->path, "flat-profile file")->required();
  inspect->add_flag("--json", inspect_options->json, "print the report as JSON");
  inspect->add_flag("--export", inspect_options->export_configuration,
                    "also print the resulting configuration (every parameter, secrets masked)");
  inspect->footer(
      "Exit: 0 every element applied, 1 unknown elements or invalid values, 2 unreadable,\n"
      "compressed/encrypted or malformed input (the message names file:line).");
  inspect->callback([&selected, &out, &err, inspect_options] {
    selected = [&out, &err, inspect_options] {
      return run_profile_inspect(*inspect_options, out, err);
    };
  });

  auto diff_options = std::make_shared<DiffOptions>();
  CLI::App* diff = profile->add_subcommand(
      "diff", "Apply two profiles to factory-default phones and list the parameters that differ");
  diff->add_option("A", diff_options->before_path, "first flat-profile file")->required();
  diff->add_option("B", diff_options->after_path, "second flat-profile file")->required();
  diff->footer("Exit: 0 identical, 1 different, 2 unreadable or malformed input.");
  diff->callback([&selected, &out, &err, diff_options] {
    selected = [&out, &err, diff_options] { return run_profile_diff(*diff_options, out, err); };
  });
}

}  // namespace sim::cli
