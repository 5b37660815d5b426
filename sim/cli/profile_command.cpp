#include "sim/cli/profile_command.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
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
#include "sim/trace/json_text.h"
#include "sim/cli/phone_options.h"

namespace sim::cli {
namespace {

// Everything inspect reports about one profile applied to a factory-default phone.
struct InspectReport {
  fw::DecodedLayers layers;
  std::size_t parameter_elements = 0;
  std::vector<fw::ParamId> named_parameters;          // registry order, each once
  std::map<fw::ParamId, std::string> written_values;  // the last element's text, as written
  fw::ApplyReport apply;
  fw::ConfigStore store;
};

// Parses and applies the profile; on failure prints "PATH:LINE: ..." to `err` and returns false.
bool build_inspect_report(const std::string& path, const fw::Bytes& bytes, InspectReport& report,
                          std::ostream& err) {
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

  // inspect shows every issue, not only the first few a resync keeps.
  fw::ProfileLimits limits;
  limits.issues_listed_max = fw::kIssuesListedAll;
  auto applied = fw::apply_flat_profile(report.store, bytes, limits);
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
  out << path << ": flat profile, " << describe_layers(report.layers) << "\n"
      << "  parameter elements  " << report.parameter_elements << "\n"
      << "  parameters changed  " << report.apply.changes.size() << "\n"
      << "  unknown elements    " << report.apply.unknown_elements.count << "\n"
      << "  invalid values      " << report.apply.invalid_values.count << "\n";
  if (!report.apply.unknown_elements.empty()) {
    out << "Unknown elements (skipped):\n";
    for (const fw::ProfileIssue& issue : report.apply.unknown_elements.listed) {
      out << "  " << path << ":" << issue.line << ": <" << issue.name << ">\n";
    }
  }
  if (!report.apply.invalid_values.empty()) {
    out << "Invalid values (skipped; the parameter keeps its value):\n";
    for (const fw::ProfileIssue& issue : report.apply.invalid_values.listed) {
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
  const fw::DecodedLayers& layers = report.layers;
  out << "{\"file\": " << json_quote(path)
      << ", \"layers\": " << json_quote(describe_layers(layers))
      << ", \"encrypted\": " << (layers.encrypted ? "true" : "false") << ", \"digest\": "
      << (layers.digest ? json_quote(layers.digest == fw::KdfDigest::Md5 ? "md5" : "sha256")
                        : std::string("null"))
      << ", \"compressed\": " << (layers.compressed ? "true" : "false")
      << ", \"encoded_bytes\": " << layers.encoded_bytes
      << ", \"compressed_bytes\": " << layers.compressed_bytes
      << ", \"bytes\": " << layers.plain_bytes
      << ", \"parameter_elements\": " << report.parameter_elements
      << ", \"parameters_changed\": " << report.apply.changes.size() << ",\n";
  out << " \"unknown_elements\": [";
  const char* separator = "";
  for (const fw::ProfileIssue& issue : report.apply.unknown_elements.listed) {
    out << separator << "{\"name\": " << json_quote(issue.name) << ", \"line\": " << issue.line
        << "}";
    separator = ", ";
  }
  out << "],\n \"invalid_values\": [";
  separator = "";
  for (const fw::ProfileIssue& issue : report.apply.invalid_values.listed) {
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
  const ProfileFile file = read_profile_file(options.path, options.key);
  if (!file.note.empty()) {
    err << "note: " << file.note << "\n";
  }
  if (!file.ok()) {
    err << file.error << "\n";
    return kExitInvalidInput;
  }
  InspectReport report;
  report.layers = file.layers;
  if (!build_inspect_report(options.path, file.xml, report, err)) {
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
  fw::DecodedLayers before_layers;
  fw::DecodedLayers after_layers;
  if (!apply_profile_file(options.before_path, options.key, before, before_layers, err) ||
      !apply_profile_file(options.after_path, options.key, after, after_layers, err)) {
    return kExitInvalidInput;
  }
  // Plain files keep the short form; layered ones say what was decoded, so that a difference
  // cannot be blamed on the wrong file.
  for (const auto& [path, layers] : {std::pair{&options.before_path, &before_layers},
                                     std::pair{&options.after_path, &after_layers}}) {
    if (layers->encrypted || layers->compressed) {
      out << *path << ": " << describe_layers(*layers) << "\n";
    }
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

std::array<std::uint8_t, 8> default_pack_salt(const std::string& key, fw::ByteSpan plaintext) {
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned digest_bytes = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool ok = context != nullptr && EVP_DigestInit_ex(context, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(context, key.data(), key.size()) == 1 &&
                  EVP_DigestUpdate(context, plaintext.data(), plaintext.size()) == 1 &&
                  EVP_DigestFinal_ex(context, digest.data(), &digest_bytes) == 1;
  EVP_MD_CTX_free(context);
  std::array<std::uint8_t, 8> salt{};
  if (ok && digest_bytes >= salt.size()) {
    std::copy_n(digest.begin(), salt.size(), salt.begin());
  }
  return salt;  // all zero only if OpenSSL has no SHA-256; still a valid (fixed) salt
}

namespace {

constexpr std::size_t kSaltHexDigits = 16;

std::optional<std::array<std::uint8_t, 8>> parse_salt(std::string_view hex) {
  std::array<std::uint8_t, 8> salt{};
  if (hex.size() != kSaltHexDigits) {
    return std::nullopt;
  }
  for (std::size_t index = 0; index < salt.size(); ++index) {
    const char* first = hex.data() + 2 * index;
    auto [stop, error] = std::from_chars(first, first + 2, salt[index], 16);
    if (error != std::errc() || stop != first + 2) {
      return std::nullopt;
    }
  }
  return salt;
}

}  // namespace

int run_profile_pack(const PackOptions& options, std::ostream& /*out*/, std::ostream& err) {
  if (!options.key && (options.digest || options.salt_hex)) {
    err << "pack: --md and --salt choose how to encrypt; they need --key\n";
    return kExitInvalidInput;
  }
  fw::EncodeOptions encode;
  encode.gzip = options.gzip;
  encode.key = options.key;
  encode.digest = options.digest.value_or(fw::KdfDigest::Sha256);
  if (options.salt_hex) {
    auto salt = parse_salt(*options.salt_hex);
    if (!salt) {
      err << "pack: --salt '" << *options.salt_hex << "': expected " << kSaltHexDigits
          << " hex digits (8 bytes)\n";
      return kExitInvalidInput;
    }
    encode.salt = *salt;
  }
  const InputFile input = read_input_file(options.input_path);
  if (!input.ok()) {
    err << input.error << "\n";
    return kExitInvalidInput;
  }
  if (options.key && !options.salt_hex) {
    encode.salt = default_pack_salt(*options.key, input.bytes);
  }
  // Packing what is not a profile is allowed (to make test files a phone must reject), but it is
  // more often a mistake worth a word.
  const fw::ConfigStore store;
  if (auto parsed = fw::parse_flat_profile(input.bytes, store.registry()); !parsed) {
    err << "warning: " << located_message(options.input_path, parsed.error())
        << " (not a flat profile; packed as given)\n";
  }
  auto encoded = fw::encode_profile(input.bytes, encode);
  if (!encoded) {
    err << located_message(options.input_path, encoded.error()) << "\n";
    return kExitInvalidInput;
  }
  if (std::string error = write_output_file(options.output_path, *encoded); !error.empty()) {
    err << error << "\n";
    return kExitInvalidInput;
  }
  err << "wrote " << options.output_path << " (" << encoded->size() << " bytes): ";
  if (options.key) {
    err << "openssl enc AES-256-CBC " << openssl_digest_option(encode.digest) << " > ";
  }
  if (options.gzip) {
    err << "gzip > ";
  }
  err << options.input_path << " (" << input.bytes.size() << " bytes)\n";
  return kExitOk;
}

int run_profile_unpack(const UnpackOptions& options, std::ostream& /*out*/, std::ostream& err) {
  const ProfileFile file = read_profile_file(options.input_path, options.key);
  if (!file.note.empty()) {
    err << "note: " << file.note << "\n";
  }
  if (!file.ok()) {
    err << file.error << "\n";
    return kExitInvalidInput;
  }
  if (std::string error = write_output_file(options.output_path, file.xml); !error.empty()) {
    err << error << "\n";
    return kExitInvalidInput;
  }
  err << options.input_path << ": " << describe_layers(file.layers) << "; wrote "
      << options.output_path << "\n";
  return kExitOk;
}

namespace {

// --key K into `key` (never echoed), --md5-only into `key_derivation`.
void add_key_options(CLI::App& command, std::shared_ptr<ProfileKey> key) {
  command
      .add_option_function<std::string>(
          "--key", [key](const std::string& text) { key->key = text; },
          "the rule's --key: decrypt openssl enc AES-256-CBC files (never printed)")
      ->type_name("K");
  command.add_flag_callback(
      "--md5-only", [key] { key->key_derivation = fw::KeyDerivation::Md5Only; },
      "derive the key with MD5 only, like older phones (default: SHA-256, then MD5)");
}

}  // namespace

void add_profile_commands(CLI::App& app, std::function<int()>& selected, std::ostream& out,
                          std::ostream& err) {
  CLI::App* profile =
      app.add_subcommand("profile", "Make flat-profile files and look at them as a phone does");
  profile->require_subcommand(1);

  auto pack_options = std::make_shared<PackOptions>();
  CLI::App* pack = profile->add_subcommand(
      "pack", "Gzip and/or encrypt a profile the way `gzip -n` and `openssl enc` would");
  pack->add_option("IN", pack_options->input_path, "plain flat-profile file")->required();
  pack->add_option("-o,--output", pack_options->output_path, "the file to write")
      ->required()
      ->type_name("OUT");
  pack->add_flag("--gzip", pack_options->gzip, "compress with gzip (no name, zero mtime)");
  pack->add_option_function<std::string>(
          "--key", [pack_options](const std::string& text) { pack_options->key = text; },
          "encrypt: openssl enc -aes-256-cbc -k K (never printed)")
      ->type_name("K");
  pack->add_option_function<std::string>(
          "--md",
          [pack_options](const std::string& name) {
            pack_options->digest = name == "md5" ? fw::KdfDigest::Md5 : fw::KdfDigest::Sha256;
          },
          "key derivation digest, as openssl enc -md (default sha256; md5 = OpenSSL <= 1.0)")
      ->check(CLI::IsMember({"sha256", "md5"}))
      ->type_name("sha256|md5");
  pack->add_option_function<std::string>(
          "--salt", [pack_options](const std::string& text) { pack_options->salt_hex = text; },
          "the 8-byte salt as 16 hex digits (default: SHA-256 of key and content)")
      ->type_name("HEX16");
  pack->footer(
      "Without --salt the salt is the first 8 bytes of SHA-256(key || content): packing is\n"
      "reproducible, and identical files packed with the same key are recognisably identical.\n"
      "Exit: 0 written, 2 bad option, unreadable input, input too large or unwritable output.");
  pack->callback([&selected, &out, &err, pack_options] {
    selected = [&out, &err, pack_options] { return run_profile_pack(*pack_options, out, err); };
  });

  auto unpack_options = std::make_shared<UnpackOptions>();
  CLI::App* unpack = profile->add_subcommand(
      "unpack", "Decode a profile as a phone would (openssl enc, gzip) and write the plain XML");
  unpack->add_option("IN", unpack_options->input_path, "profile file in any layers")->required();
  unpack->add_option("-o,--output", unpack_options->output_path, "the plain XML to write")
      ->required()
      ->type_name("OUT");
  add_key_options(*unpack, std::shared_ptr<ProfileKey>(unpack_options, &unpack_options->key));
  unpack->footer("Exit: 0 written, 2 unreadable or undecodable input, or unwritable output.");
  unpack->callback([&selected, &out, &err, unpack_options] {
    selected = [&out, &err, unpack_options] {
      return run_profile_unpack(*unpack_options, out, err);
    };
  });

  auto inspect_options = std::make_shared<InspectOptions>();
  CLI::App* inspect = profile->add_subcommand(
      "inspect", "Decode a profile, apply it to a factory-default phone, report what it changes");
  inspect->add_option("IN", inspect_options->path, "profile file (plain, gzip and/or openssl enc)")
      ->required();
  add_key_options(*inspect, std::shared_ptr<ProfileKey>(inspect_options, &inspect_options->key));
  inspect->add_flag("--json", inspect_options->json, "print the report as JSON");
  inspect->add_flag("--export", inspect_options->export_configuration,
                    "also print the resulting configuration (every parameter, secrets masked)");
  inspect->footer(
      "Exit: 0 every element applied, 1 unknown elements or invalid values, 2 unreadable,\n"
      "undecodable (wrong or missing key, corrupt, too large) or malformed input.");
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
  add_key_options(*diff, std::shared_ptr<ProfileKey>(diff_options, &diff_options->key));
  diff->footer("Exit: 0 identical, 1 different, 2 unreadable, undecodable or malformed input.");
  diff->callback([&selected, &out, &err, diff_options] {
    selected = [&out, &err, diff_options] { return run_profile_diff(*diff_options, out, err); };
  });
}

}  // namespace sim::cli
