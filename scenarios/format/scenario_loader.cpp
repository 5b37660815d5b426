#include "scenarios/format/scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <regex>
#include <sstream>

#include "firmware-core/agent/activation_protocol.h"
#include "firmware-core/agent/firmware_image.h"
#include "firmware-core/macro/firmware_version.h"
#include "firmware-core/macro/macro_table.h"
#include "servers/activation/activation_service.h"
#include "servers/faults/random_faults.h"

namespace scn {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

class Loader {
 public:
  Loader(std::string file, std::filesystem::path base) : file_(std::move(file)), base_(std::move(base)) {}

  std::vector<Diagnostic>& errors() { return errors_; }

  SourceLocation where(const YAML::Node& node) const {
    return {file_, node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0};
  }
  void error(const YAML::Node& node, std::string message) {
    errors_.push_back({where(node), std::move(message)});
  }

  // A map whose keys are checked: take() marks a key as known; finish() reports the others.
  class Fields {
   public:
    Fields(Loader& loader, const YAML::Node& node, std::string context)
        : loader_(loader), node_(node), context_(std::move(context)) {
      if (!node_.IsMap()) {
        loader_.error(node_, context_ + ": expected a mapping (key: value lines)");
        valid_ = false;
      }
    }
    bool valid() const { return valid_; }
    const std::string& context() const { return context_; }
    const YAML::Node& node() const { return node_; }

    YAML::Node take(const std::string& key) {
      known_.insert(key);
      if (!valid_) return YAML::Node(YAML::NodeType::Undefined);
      return node_[key];
    }
    bool has(const std::string& key) const { return valid_ && node_[key].IsDefined(); }

    void finish() {
      if (!valid_) return;
      for (const auto& entry : node_) {
        std::string key = entry.first.as<std::string>();
        if (known_.contains(key)) continue;
        std::string message = context_ + ": unknown key '" + key + "'";
        std::string best;
        std::size_t best_distance = 3;
        for (const std::string& candidate : known_) {
          std::size_t distance = edit_distance(key, candidate);
          if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
          }
        }
        if (!best.empty()) {
          message += " (did you mean '" + best + "'?)";
        } else {
          std::string keys;
          for (const std::string& candidate : known_) keys += (keys.empty() ? "" : ", ") + candidate;
          message += " (known keys: " + keys + ")";
        }
        loader_.error(entry.first, message);
      }
    }

   private:
    Loader& loader_;
    YAML::Node node_;
    std::string context_;
    std::set<std::string> known_;
    bool valid_ = true;
  };

  std::optional<std::string> text(const YAML::Node& node, const std::string& context) {
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    if (!node.IsScalar()) {
      error(node, context + ": expected a single value");
      return std::nullopt;
    }
    return node.Scalar();
  }

  template <class Value, class Parse>
  std::optional<Value> value(const YAML::Node& node, const std::string& context, const char* expected,
                             Parse parse) {
    auto raw = text(node, context);
    if (!raw) return std::nullopt;
    auto parsed = parse(*raw);
    if (!parsed) error(node, context + ": '" + *raw + "' is not " + expected);
    return parsed;
  }

  std::optional<std::uint64_t> unsigned_number(const YAML::Node& node, const std::string& context) {
    return value<std::uint64_t>(node, context, "a whole number", [](const std::string& raw) -> std::optional<std::uint64_t> {
      std::uint64_t number = 0;
      auto [end, failure] = std::from_chars(raw.data(), raw.data() + raw.size(), number);
      if (failure != std::errc() || end != raw.data() + raw.size()) return std::nullopt;
      return number;
    });
  }
  std::optional<fw::Duration> duration(const YAML::Node& node, const std::string& context) {
    return value<fw::Duration>(node, context, "a duration (e.g. 90s, 2h30m, 250ms)",
                               [](const std::string& raw) { return parse_duration(raw); });
  }
  std::optional<sim::DurationDistribution> duration_distribution(const YAML::Node& node,
                                                                const std::string& context) {
    return value<sim::DurationDistribution>(
        node, context, "a duration or distribution (e.g. 3m, uniform(30s..5m), exponential(3m))",
        [](const std::string& raw) { return parse_duration_distribution(raw); });
  }
  std::optional<Share> share(const YAML::Node& node, const std::string& context) {
    return value<Share>(node, context, "a share (e.g. 99%, 0.5%)",
                        [](const std::string& raw) { return parse_share(raw); });
  }
  std::optional<fw::WallTime> wall_time(const YAML::Node& node, const std::string& context) {
    return value<fw::WallTime>(node, context, "a UTC date (e.g. 2026-11-24T08:00:00Z)",
                               [](const std::string& raw) { return parse_wall_time(raw); });
  }
  std::optional<fw::Ipv4Address> address(const YAML::Node& node, const std::string& context) {
    return value<fw::Ipv4Address>(node, context, "an IPv4 address (e.g. 192.168.1.200)",
                                  [](const std::string& raw) { return fw::Ipv4Address::parse(raw); });
  }
  std::optional<bool> boolean(const YAML::Node& node, const std::string& context) {
    return value<bool>(node, context, "true or false", [](const std::string& raw) -> std::optional<bool> {
      if (raw == "true" || raw == "yes") return true;
      if (raw == "false" || raw == "no") return false;
      return std::nullopt;
    });
  }

  std::optional<PhoneSelector> selector(const YAML::Node& node, const std::string& context) {
    auto raw = text(node, context);
    if (!raw) return std::nullopt;
    PhoneSelector result;
    result.text = *raw;
    std::string rest = *raw;
    if (rest == "all") return result;
    if (auto share_only = parse_share(rest)) {
      result.share = share_only;
      return result;
    }
    if (auto colon = rest.find(':'); colon != std::string::npos) {
      result.group = rest.substr(0, colon);
      result.share = parse_share(rest.substr(colon + 1));
      if (!result.share) {
        error(node, context + ": '" + *raw + "': expected GROUP:SHARE such as lobby:10%");
        return std::nullopt;
      }
    } else if (auto bracket = rest.find('['); bracket != std::string::npos) {
      std::string number = rest.substr(bracket + 1);
      std::uint64_t index = 0;
      auto [end, failure] = std::from_chars(number.data(), number.data() + number.size(), index);
      if (failure != std::errc() || std::string_view(end) != "]") {
        error(node, context + ": '" + *raw + "': expected GROUP[INDEX] such as lobby[3]");
        return std::nullopt;
      }
      result.group = rest.substr(0, bracket);
      result.index = index;
    } else {
      result.group = rest;
    }
    selectors_.push_back({result, where(node), context});
    return result;
  }

  std::optional<ServedFile> served_file(const YAML::Node& node, const std::string& context) {
    Fields fields(*this, node, context);
    if (!fields.valid()) return std::nullopt;
    ServedFile file;
    file.where = where(node);
    bool ok = true;
    if (auto path = text(fields.take("path"), context + ".path")) {
      file.path = *path;
      if (file.path.empty() || file.path[0] != '/') {
        error(fields.take("path"), context + ".path: must start with '/'");
        ok = false;
      }
    } else {
      error(node, context + ": 'path' is required");
      ok = false;
    }
    auto content = text(fields.take("content"), context + ".content");
    auto source = text(fields.take("file"), context + ".file");
    auto firmware = text(fields.take("firmware"), context + ".firmware");
    auto family = text(fields.take("family"), context + ".family");
    auto authority = text(fields.take("ca_certificate"), context + ".ca_certificate");
    const int sources = (content ? 1 : 0) + (source ? 1 : 0) + (firmware ? 1 : 0) + (authority ? 1 : 0);
    if (sources > 1) {
      error(node, context + ": give one of 'content', 'file', 'firmware' or 'ca_certificate'");
      ok = false;
    } else if (firmware) {
      if (auto image = firmware_image(fields.take("firmware"), *firmware, family.value_or(""), context)) {
        file.firmware = std::move(*image);
      } else {
        ok = false;
      }
    } else if (authority) {
      if (auto issuer = certificate_authority(*authority)) {
        file.ca_certificate = *issuer;
      } else {
        error(fields.take("ca_certificate"),
              context + ".ca_certificate: expected provisioning, custom or untrusted");
        ok = false;
      }
    } else if (content) {
      file.content = *content;
    } else if (source) {
      std::filesystem::path path = base_ / *source;
      std::ifstream stream(path, std::ios::binary);
      if (!stream) {
        error(fields.take("file"), context + ".file: cannot read '" + path.string() + "'");
        ok = false;
      } else {
        std::ostringstream buffer;
        buffer << stream.rdbuf();
        file.content = buffer.str();
      }
    } else {
      error(node, context + ": 'content', 'file', 'firmware' or 'ca_certificate' is required");
      ok = false;
    }
    if (family && !firmware) {
      error(fields.take("family"), context + ".family: only meaningful with 'firmware'");
      ok = false;
    }
    if (auto gzip = boolean(fields.take("gzip"), context + ".gzip")) file.packing.gzip = *gzip;
    if (auto key = text(fields.take("key"), context + ".key")) file.packing.key = *key;
    if (auto digest = text(fields.take("digest"), context + ".digest")) {
      if (*digest != "sha256" && *digest != "md5") {
        error(fields.take("digest"), context + ".digest: expected sha256 or md5");
        ok = false;
      } else if (!file.packing.key) {
        error(fields.take("digest"), context + ".digest: only meaningful with 'key'");
        ok = false;
      }
      file.packing.digest = *digest;
    }
    if ((file.firmware || file.ca_certificate) && (fields.has("gzip") || fields.has("key"))) {
      error(node, context + ": 'gzip' and 'key' pack profiles ('content' or 'file'), not images or certificates");
      ok = false;
    }
    fields.finish();
    if (!ok) return std::nullopt;
    return file;
  }

  // A firmware image: `family` as written, else derived from an MPP version ("sip88xx.12-0-2..."
  // -> "sip88xx") the way the phone derives its own.
  std::optional<FirmwareImageSpec> firmware_image(const YAML::Node& node, const std::string& version,
                                                  const std::string& family, const std::string& context) {
    FirmwareImageSpec image{family.empty() ? fw::firmware_family(version, "") : family, version};
    if (version.empty() || version.size() > fw::kVersionBytesMax) {
      error(node, context + ": the firmware version must be 1.." + std::to_string(fw::kVersionBytesMax) +
                      " characters");
      return std::nullopt;
    }
    if (image.family.empty()) {
      error(node, context + ": cannot tell the model family from '" + version +
                      "'; give 'family' (e.g. sip88xx or the model)");
      return std::nullopt;
    }
    if (image.family.size() > fw::kFirmwareFamilyBytesMax) {
      error(node, context + ": the family must be at most " + std::to_string(fw::kFirmwareFamilyBytesMax) +
                      " characters");
      return std::nullopt;
    }
    return image;
  }

  static std::optional<CertificateIssuer> certificate_authority(std::string_view name) {
    if (name == "provisioning") return CertificateIssuer::Provisioning;
    if (name == "custom") return CertificateIssuer::Custom;
    if (name == "untrusted") return CertificateIssuer::Untrusted;
    return std::nullopt;
  }

  void load_network(const YAML::Node& node, NetworkSpec& network) {
    Fields fields(*this, node, "network");
    if (!fields.valid()) return;
    if (auto latency = duration(fields.take("latency"), "network.latency")) network.latency = *latency;
    if (auto jitter = duration(fields.take("jitter"), "network.jitter")) network.jitter = *jitter;
    if (auto loss = share(fields.take("loss"), "network.loss")) network.loss = *loss;
    if (auto duplicate = share(fields.take("duplicate"), "network.duplicate")) network.duplicate = *duplicate;
    if (auto reorder = share(fields.take("reorder"), "network.reorder")) network.reorder = *reorder;
    if (auto bandwidth = value<std::uint64_t>(fields.take("bandwidth"), "network.bandwidth",
                                              "a rate (e.g. 100Mbit, 2MB)",
                                              [](const std::string& raw) { return parse_byte_rate(raw); })) {
      network.bandwidth_bytes_per_s = *bandwidth;
    }
    fields.finish();
  }

  // A server's `firmware:` item: {version, family, path}; the path defaults to /<version>.loads
  // (sim::host_firmware()'s name).
  std::optional<ServedFile> hosted_firmware(const YAML::Node& node, const std::string& context) {
    Fields fields(*this, node, context);
    if (!fields.valid()) return std::nullopt;
    ServedFile file;
    file.where = where(node);
    auto version = text(fields.take("version"), context + ".version");
    auto family = text(fields.take("family"), context + ".family");
    auto path = text(fields.take("path"), context + ".path");
    fields.finish();
    if (!version) {
      error(node, context + ": 'version' is required");
      return std::nullopt;
    }
    file.firmware = firmware_image(node, *version, family.value_or(""), context);
    if (!file.firmware) return std::nullopt;
    file.path = path.value_or("/" + *version + ".loads");
    if (!file.path.starts_with('/')) {
      error(fields.take("path"), context + ".path: must start with '/'");
      return std::nullopt;
    }
    return file;
  }

  std::optional<ServerSpec> server(const YAML::Node& node, const std::string& context) {
    Fields fields(*this, node, context);
    if (!fields.valid()) return std::nullopt;
    ServerSpec spec;
    spec.where = where(node);
    bool ok = true;
    if (auto name = text(fields.take("name"), context + ".name")) {
      spec.name = *name;
    } else {
      error(node, context + ": 'name' is required");
      ok = false;
    }
    if (auto kind = text(fields.take("kind"), context + ".kind")) {
      if (*kind == "tftp") spec.kind = ServerKind::Tftp;
      else if (*kind == "http") spec.kind = ServerKind::Http;
      else if (*kind == "https") spec.kind = ServerKind::Https;
      else if (*kind == "syslog") spec.kind = ServerKind::Syslog;
      else {
        error(fields.take("kind"), context + ".kind: '" + *kind + "' is not tftp, http, https or syslog");
        ok = false;
      }
    } else {
      error(node, context + ": 'kind' is required (tftp, http, https, syslog)");
      ok = false;
    }
    if (auto address_value = address(fields.take("address"), context + ".address")) {
      spec.address = *address_value;
    } else {
      if (!fields.has("address")) error(node, context + ": 'address' is required");
      ok = false;
    }
    if (auto port = unsigned_number(fields.take("port"), context + ".port")) {
      if (*port == 0 || *port > 65535) {
        error(fields.take("port"), context + ".port: must be 1..65535");
        ok = false;
      }
      spec.port = static_cast<std::uint16_t>(*port);
    }
    if (auto host = text(fields.take("host_name"), context + ".host_name")) spec.host_name = *host;
    YAML::Node files = fields.take("files");
    if (files.IsDefined()) {
      if (!files.IsSequence()) {
        error(files, context + ".files: expected a list");
        ok = false;
      } else {
        for (std::size_t index = 0; index < files.size(); ++index) {
          auto file = served_file(files[index], context + ".files[" + std::to_string(index) + "]");
          if (file) spec.files.push_back(std::move(*file));
          else ok = false;
        }
      }
    }
    YAML::Node images = fields.take("firmware");
    if (images.IsDefined()) {
      if (!images.IsSequence()) {
        error(images, context + ".firmware: expected a list of {version, family, path}");
        ok = false;
      } else {
        for (std::size_t index = 0; index < images.size(); ++index) {
          auto file = hosted_firmware(images[index], context + ".firmware[" + std::to_string(index) + "]");
          if (file) spec.files.push_back(std::move(*file));
          else ok = false;
        }
      }
    }
    if (auto uploads = boolean(fields.take("uploads"), context + ".uploads")) {
      if (spec.kind != ServerKind::Tftp) {
        error(fields.take("uploads"), context + ".uploads: only for tftp (http and https always accept PUT and POST)");
        ok = false;
      }
      spec.uploads = *uploads;
    }
    YAML::Node certificate = fields.take("certificate");
    if (certificate.IsDefined()) {
      Fields certificate_fields(*this, certificate, context + ".certificate");
      ServerCertificateSpec certificate_spec;
      YAML::Node hosts = certificate_fields.take("hosts");
      if (hosts.IsDefined()) {
        if (!hosts.IsSequence()) {
          error(hosts, context + ".certificate.hosts: expected a list of host names");
        } else {
          for (const auto& host : hosts) {
            if (auto name = text(host, context + ".certificate.hosts")) certificate_spec.hosts.push_back(*name);
          }
        }
      }
      certificate_spec.not_before = wall_time(certificate_fields.take("not_before"), context + ".certificate.not_before");
      certificate_spec.not_after = wall_time(certificate_fields.take("not_after"), context + ".certificate.not_after");
      if (auto issuer = text(certificate_fields.take("issuer"), context + ".certificate.issuer")) {
        if (*issuer == "self-signed") certificate_spec.issuer = CertificateIssuer::SelfSigned;
        else if (auto authority = certificate_authority(*issuer)) certificate_spec.issuer = *authority;
        else {
          error(certificate_fields.take("issuer"),
                context + ".certificate.issuer: expected provisioning, custom, untrusted or self-signed");
          ok = false;
        }
      }
      certificate_fields.finish();
      spec.certificate = std::move(certificate_spec);
    }
    if (auto client = text(fields.take("client_certificate"), context + ".client_certificate")) {
      if (*client == "required") spec.require_client_certificate = true;
      else if (*client != "none") {
        error(fields.take("client_certificate"), context + ".client_certificate: expected required or none");
        ok = false;
      }
    }
    if (auto reflector = text(fields.take("reflector"), context + ".reflector")) {
      if (!reflector->starts_with('/')) {
        error(fields.take("reflector"),
              context + ".reflector: the path must start with '/' (/cgi-bin/reflect.pl)");
        ok = false;
      } else if (spec.kind != ServerKind::Http && spec.kind != ServerKind::Https) {
        error(fields.take("reflector"), context + ".reflector: needs kind http or https");
        ok = false;
      }
      spec.reflector_path = *reflector;
    }
    YAML::Node activation = fields.take("activation");
    if (activation.IsDefined()) {
      if (spec.kind != ServerKind::Http && spec.kind != ServerKind::Https) {
        error(activation, context + ".activation: needs kind http or https");
        ok = false;
      } else if (auto service = activation_service(activation, context + ".activation")) {
        spec.activation = std::move(*service);
      } else {
        ok = false;
      }
    }
    YAML::Node limit = fields.take("limit");
    if (limit.IsDefined()) {
      Fields limit_fields(*this, limit, context + ".limit");
      ConcurrencyLimitSpec limit_spec;
      if (auto in_service = unsigned_number(limit_fields.take("in_service"), context + ".limit.in_service")) {
        limit_spec.in_service = static_cast<std::uint32_t>(std::min<std::uint64_t>(*in_service, 1'000'000));
      }
      if (auto waiting = unsigned_number(limit_fields.take("queue"), context + ".limit.queue")) {
        limit_spec.queue = static_cast<std::uint32_t>(std::min<std::uint64_t>(*waiting, 1'000'000));
      }
      limit_fields.finish();
      if (limit_spec.in_service == 0) {
        error(limit, context + ".limit.in_service: expected at least 1");
        ok = false;
      }
      spec.limit = limit_spec;
    }
    if (ok && spec.limit && spec.kind == ServerKind::Syslog) {
      error(node, context + ": 'limit' needs kind tftp, http or https");
      ok = false;
    }
    if (ok && spec.kind != ServerKind::Https && (spec.certificate || spec.require_client_certificate)) {
      error(node, context + ": 'certificate' and 'client_certificate' need kind https");
      ok = false;
    }
    if (ok && spec.kind == ServerKind::Syslog && !spec.files.empty()) {
      error(node, context + ": a syslog server serves no files");
      ok = false;
    }
    if (spec.port == 0) {
      spec.port = spec.kind == ServerKind::Tftp ? 69 : spec.kind == ServerKind::Http ? 80
                  : spec.kind == ServerKind::Https ? 443 : 514;
    }
    fields.finish();
    if (!ok) return std::nullopt;
    return spec;
  }

  std::optional<FleetGroup> fleet_group(const YAML::Node& node, const std::string& context) {
    Fields fields(*this, node, context);
    if (!fields.valid()) return std::nullopt;
    FleetGroup group;
    group.spec.name.clear();  // unnamed groups are numbered by the caller
    group.where = where(node);
    bool ok = true;
    if (auto name = text(fields.take("name"), context + ".name")) group.spec.name = *name;
    if (auto count = unsigned_number(fields.take("count"), context + ".count")) {
      if (*count == 0) {
        error(fields.take("count"), context + ".count: must be at least 1");
        ok = false;
      }
      group.spec.count = *count;
    }
    if (auto model = text(fields.take("model"), context + ".model")) group.spec.product_name = *model;
    if (auto firmware = text(fields.take("firmware"), context + ".firmware")) group.spec.software_version = *firmware;
    if (auto flavor = text(fields.take("flavor"), context + ".flavor")) {
      if (*flavor == "mpp") group.flavor = Flavor::Mpp;
      else if (*flavor == "spa") group.flavor = Flavor::Spa;
      else {
        error(fields.take("flavor"), context + ".flavor: expected mpp or spa");
        ok = false;
      }
    }
    if (auto md5_only = boolean(fields.take("md5_only"), context + ".md5_only")) group.md5_only = *md5_only;
    if (auto mic = boolean(fields.take("mic"), context + ".mic")) group.mic = *mic;
    if (auto mac = text(fields.take("mac_first"), context + ".mac_first")) {
      if (auto parsed = fw::parse_mac_address(*mac)) {
        group.spec.mac_first = *parsed;
      } else {
        error(fields.take("mac_first"), context + ".mac_first: '" + *mac + "' is not a MAC address");
        ok = false;
      }
    }
    if (auto first = address(fields.take("address_first"), context + ".address_first")) group.spec.address_first = *first;
    if (auto prefix = text(fields.take("serial_prefix"), context + ".serial_prefix")) group.spec.serial_prefix = *prefix;
    YAML::Node parameters = fields.take("parameters");
    if (parameters.IsDefined()) {
      if (!parameters.IsMap()) {
        error(parameters, context + ".parameters: expected NAME: VALUE lines");
        ok = false;
      } else {
        for (const auto& entry : parameters) {
          std::string name = entry.first.as<std::string>();
          auto parameter_value = text(entry.second, context + ".parameters." + name);
          group.spec.parameters.emplace_back(name, parameter_value.value_or(""));
        }
      }
    }
    YAML::Node dhcp = fields.take("dhcp_options");
    if (dhcp.IsDefined()) {
      if (!dhcp.IsMap()) {
        error(dhcp, context + ".dhcp_options: expected OPTION: VALUE lines (66: 192.168.1.200)");
        ok = false;
      } else {
        for (const auto& entry : dhcp) {
          auto option = unsigned_number(entry.first, context + ".dhcp_options");
          auto option_value = text(entry.second, context + ".dhcp_options");
          if (!option || *option == 0 || *option > 254) {
            error(entry.first, context + ".dhcp_options: option numbers are 1..254");
            ok = false;
            continue;
          }
          group.dhcp_options[static_cast<std::uint16_t>(*option)] = option_value.value_or("");
        }
      }
    }
    if (YAML::Node calls = fields.take("calls"); calls.IsDefined()) {
      const std::string calls_context = context + ".calls";
      Fields call_fields(*this, calls, calls_context);
      if (call_fields.valid()) {
        sim::CallPattern pattern;
        if (auto line = unsigned_number(call_fields.take("line"), calls_context + ".line")) pattern.line = *line;
        auto distribution = [&](const char* key, sim::DurationDistribution& out) {
          if (!call_fields.has(key)) {
            error(calls, calls_context + ": '" + key + "' is required");
            ok = false;
            return;
          }
          auto parsed = duration_distribution(call_fields.take(key), calls_context + "." + key);
          if (!parsed) {
            ok = false;
          } else {
            out = *parsed;
          }
        };
        distribution("gap", pattern.gap);
        distribution("length", pattern.length);
        if (pattern.gap.low.count() <= 0 && pattern.gap.high.count() <= 0) {
          error(calls, calls_context + ".gap: must be longer than 0");
          ok = false;
        }
        call_fields.finish();
        group.calls = pattern;
      } else {
        ok = false;
      }
    }
    fields.finish();
    if (!ok) return std::nullopt;
    return group;
  }

  std::optional<TimelineEvent> timeline_event(const YAML::Node& node, const std::string& context) {
    Fields fields(*this, node, context);
    if (!fields.valid()) return std::nullopt;
    TimelineEvent event;
    event.where = where(node);
    if (auto at = duration(fields.take("at"), context + ".at")) {
      event.at = *at;
    } else {
      if (!fields.has("at")) error(node, context + ": 'at' is required (time since the start)");
      fields.finish();
      return std::nullopt;
    }
    // Exactly one of the event keys names what happens.
    static const std::vector<std::pair<std::string, TimelineEvent::Kind>> kKinds = {
        {"power_on", TimelineEvent::Kind::PowerOn},         {"power_off", TimelineEvent::Kind::PowerOff},
        {"reboot", TimelineEvent::Kind::Reboot},             {"server_down", TimelineEvent::Kind::ServerDown},
        {"server_up", TimelineEvent::Kind::ServerUp},        {"set_file", TimelineEvent::Kind::SetFile},
        {"admin_resync", TimelineEvent::Kind::AdminResync},  {"sip_notify", TimelineEvent::Kind::SipNotify},
        {"call", TimelineEvent::Kind::Call},                 {"wall_clock_step", TimelineEvent::Kind::WallClockStep},
        {"fault", TimelineEvent::Kind::Fault},               {"clear_faults", TimelineEvent::Kind::ClearFaults},
        {"upgrade", TimelineEvent::Kind::Upgrade},           {"update_ca", TimelineEvent::Kind::UpdateCa},
        {"activation_code", TimelineEvent::Kind::ActivationCode},
    };
    std::vector<std::pair<std::string, TimelineEvent::Kind>> present;
    for (const auto& [key, kind] : kKinds) {
      if (fields.has(key)) present.emplace_back(key, kind);
    }
    bool ok = true;
    if (present.size() != 1) {
      std::string names;
      for (const auto& [key, kind] : kKinds) names += (names.empty() ? "" : ", ") + key;
      error(node, context + (present.empty() ? ": says what happens with one of: " : ": has more than one event; use one of: ") + names);
      ok = false;
    }
    for (const auto& [key, kind] : kKinds) {
      YAML::Node body = fields.take(key);
      if (!ok || !body.IsDefined() || key != present.front().first) continue;
      event.kind = kind;
      std::string body_context = context + "." + key;
      switch (kind) {
        case TimelineEvent::Kind::PowerOn:
        case TimelineEvent::Kind::PowerOff:
        case TimelineEvent::Kind::Reboot: {
          if (auto phones = selector(body, body_context)) event.phones = *phones;
          else ok = false;
          break;
        }
        case TimelineEvent::Kind::ServerDown:
        case TimelineEvent::Kind::ServerUp:
        case TimelineEvent::Kind::ClearFaults: {
          if (auto server_name = text(body, body_context)) {
            event.server = *server_name;
            server_references_.push_back({*server_name, where(body), body_context});
          } else {
            ok = false;
          }
          break;
        }
        case TimelineEvent::Kind::SetFile: {
          Fields body_fields(*this, body, body_context);
          if (!body_fields.valid()) {
            ok = false;
            break;
          }
          if (auto server_name = text(body_fields.take("server"), body_context + ".server")) {
            event.server = *server_name;
            server_references_.push_back({*server_name, where(body), body_context});
          } else {
            error(body, body_context + ": 'server' is required");
            ok = false;
          }
          // The file itself uses the keys of a served file; take them out of this map.
          YAML::Node file_node(YAML::NodeType::Map);
          for (const char* key_name :
               {"path", "content", "file", "firmware", "family", "ca_certificate", "gzip", "key", "digest"}) {
            YAML::Node part = body_fields.take(key_name);
            if (part.IsDefined()) file_node[key_name] = part;
          }
          body_fields.finish();
          auto file = served_file(file_node, body_context);
          if (file) {
            file->where = where(body);
            event.file = std::move(*file);
          } else {
            ok = false;
          }
          break;
        }
        case TimelineEvent::Kind::ActivationCode:
          ok = activation_code_event(body, body_context, event) && ok;
          break;
        case TimelineEvent::Kind::AdminResync:
        case TimelineEvent::Kind::Upgrade:
        case TimelineEvent::Kind::UpdateCa:
        case TimelineEvent::Kind::SipNotify:
        case TimelineEvent::Kind::Call:
        case TimelineEvent::Kind::WallClockStep:
        case TimelineEvent::Kind::Fault: {
          Fields body_fields(*this, body, body_context);
          if (!body_fields.valid()) {
            ok = false;
            break;
          }
          if (kind != TimelineEvent::Kind::Fault) {
            if (auto phones = selector(body_fields.take("phones"), body_context + ".phones")) {
              event.phones = *phones;
            } else {
              if (!body_fields.has("phones")) error(body, body_context + ": 'phones' is required");
              ok = false;
            }
          }
          if (kind == TimelineEvent::Kind::AdminResync || kind == TimelineEvent::Kind::Upgrade) {
            event.rule = text(body_fields.take("rule"), body_context + ".rule");
          } else if (kind == TimelineEvent::Kind::UpdateCa) {
            event.rule = text(body_fields.take("url"), body_context + ".url");
          } else if (kind == TimelineEvent::Kind::SipNotify) {
            auto sip_event = text(body_fields.take("event"), body_context + ".event");
            static const std::set<std::string> kEvents = {"resync", "check-sync", "reboot_now", "restart_now", "report"};
            if (!sip_event || !kEvents.contains(*sip_event)) {
              error(body, body_context + ".event: expected resync, check-sync, reboot_now, restart_now or report");
              ok = false;
            } else {
              event.sip_event = *sip_event;
            }
          } else if (kind == TimelineEvent::Kind::Call) {
            if (auto call_for = duration_distribution(body_fields.take("duration"), body_context + ".duration")) {
              event.call_duration = *call_for;
            } else {
              if (!body_fields.has("duration")) error(body, body_context + ": 'duration' is required");
              ok = false;
            }
            if (auto line = unsigned_number(body_fields.take("line"), body_context + ".line")) event.line = *line;
          } else if (kind == TimelineEvent::Kind::WallClockStep) {
            if (auto step = duration(body_fields.take("by"), body_context + ".by")) {
              event.step = *step;
            } else {
              if (!body_fields.has("by")) error(body, body_context + ": 'by' is required (e.g. -2h)");
              ok = false;
            }
          } else {
            ok = fault(body_fields, body_context, event) && ok;
          }
          body_fields.finish();
          break;
        }
      }
    }
    if (auto spread = duration(fields.take("spread"), context + ".spread")) event.spread = *spread;
    fields.finish();
    if (!ok) return std::nullopt;
    return event;
  }

  static constexpr std::string_view kFaultKindsExpected =
      "expected latency, drop, status, truncate, corrupt, stall or certificate";
  static std::optional<FaultSpec::Kind> fault_kind(std::string_view name) {
    static constexpr std::pair<std::string_view, FaultSpec::Kind> kKinds[] = {
        {"latency", FaultSpec::Kind::Latency}, {"drop", FaultSpec::Kind::Drop},
        {"status", FaultSpec::Kind::Status},   {"truncate", FaultSpec::Kind::Truncate},
        {"corrupt", FaultSpec::Kind::Corrupt}, {"stall", FaultSpec::Kind::Stall},
        {"certificate", FaultSpec::Kind::Certificate}};
    for (const auto& [spelling, kind] : kKinds) {
      if (name == spelling) return kind;
    }
    return std::nullopt;
  }

  // `faults: {random: {count, kinds, window, servers, share}}`.
  void faults(const YAML::Node& node, Scenario& result) {
    Fields fields(*this, node, "faults");
    if (!fields.valid()) return;
    YAML::Node random = fields.take("random");
    fields.finish();
    if (!random.IsDefined()) return;
    const std::string context = "faults.random";
    Fields spec_fields(*this, random, context);
    if (!spec_fields.valid()) return;
    RandomFaultsSpec spec;
    spec.where = where(random);
    if (auto count = unsigned_number(spec_fields.take("count"), context + ".count")) {
      if (*count == 0 || *count > srv::kRandomFaultsMax) {
        error(random, context + ".count: must be 1.." + std::to_string(srv::kRandomFaultsMax));
      }
      spec.count = *count;
    }
    auto string_list = [&](const char* key, auto&& each) {
      YAML::Node items = spec_fields.take(key);
      if (!items.IsDefined() || items.IsNull()) return;
      if (!items.IsSequence()) {
        error(items, context + "." + key + ": expected a list ([a, b] or '- ' items)");
        return;
      }
      for (std::size_t index = 0; index < items.size(); ++index) {
        const std::string item_context = context + "." + key + "[" + std::to_string(index) + "]";
        if (auto value = text(items[index], item_context)) each(items[index], item_context, *value);
      }
    };
    string_list("kinds", [&](const YAML::Node& item, const std::string& item_context, const std::string& name) {
      if (auto kind = fault_kind(name); kind == FaultSpec::Kind::Certificate) {
        error(item, item_context + ": certificate faults are not drawn at random (write a fault event "
                                   "naming its certificate)");
      } else if (kind) {
        spec.kinds.push_back(*kind);
      } else {
        error(item, item_context + ": " + std::string(kFaultKindsExpected));
      }
    });
    if (spec.kinds.empty() && !spec_fields.has("kinds")) error(random, context + ": 'kinds' is required");
    string_list("servers", [&](const YAML::Node& item, const std::string& item_context, const std::string& name) {
      spec.servers.push_back(name);
      server_references_.push_back({name, where(item), item_context});
    });
    if (auto window = duration_distribution(spec_fields.take("window"), context + ".window")) {
      if (window->kind == sim::DurationDistribution::Kind::Exponential || window->high.count() <= 0) {
        error(random, context + ".window: expected a positive duration or uniform(a..b)");
      }
      spec.window = *window;
    }
    if (auto fault_share = share(spec_fields.take("share"), context + ".share")) spec.share = *fault_share;
    spec_fields.finish();
    result.random_faults = std::move(spec);
  }

  bool fault(Fields& fields, const std::string& context, TimelineEvent& event) {
    bool ok = true;
    FaultSpec spec;
    if (auto server_name = text(fields.take("server"), context + ".server")) {
      event.server = *server_name;
      server_references_.push_back({*server_name, where(fields.node()), context});
    } else {
      error(fields.node(), context + ": 'server' is required");
      ok = false;
    }
    auto kind = text(fields.take("kind"), context + ".kind");
    if (auto known = kind ? fault_kind(*kind) : std::nullopt) {
      spec.kind = *known;
    } else {
      error(fields.node(), context + ".kind: " + std::string(kFaultKindsExpected));
      ok = false;
    }
    if (auto fault_share = share(fields.take("share"), context + ".share")) spec.share = *fault_share;
    if (auto status = unsigned_number(fields.take("status"), context + ".status")) {
      if (*status < 100 || *status > 599) {
        error(fields.take("status"), context + ".status: expected an HTTP status 100..599");
        ok = false;
      }
      spec.status = static_cast<int>(*status);
    }
    spec.retry_after = duration(fields.take("retry_after"), context + ".retry_after");
    if (auto latency = duration(fields.take("latency"), context + ".latency")) spec.latency = *latency;
    if (auto keep = unsigned_number(fields.take("keep_bytes"), context + ".keep_bytes")) spec.keep_bytes = *keep;
    if (auto flipped = unsigned_number(fields.take("corrupt_bytes"), context + ".corrupt_bytes")) {
      if (*flipped == 0 || *flipped > 1'000'000) {
        error(fields.take("corrupt_bytes"), context + ".corrupt_bytes: must be 1..1000000");
        ok = false;
      }
      spec.corrupt_bytes = static_cast<std::uint32_t>(*flipped);
    }
    if (auto certificate = text(fields.take("certificate"), context + ".certificate")) {
      static const std::vector<std::pair<std::string, FaultSpec::Certificate>> kCertificates = {
          {"expired", FaultSpec::Certificate::Expired},
          {"wrong-host", FaultSpec::Certificate::WrongHost},
          {"untrusted", FaultSpec::Certificate::Untrusted}};
      bool named = false;
      for (const auto& [name, value] : kCertificates) {
        if (*certificate == name) {
          spec.certificate = value;
          named = true;
        }
      }
      if (!named || spec.kind != FaultSpec::Kind::Certificate) {
        error(fields.node(), context + ".certificate: expected expired, wrong-host or untrusted, with kind certificate");
        ok = false;
      }
    }
    if (auto lasting = duration(fields.take("for"), context + ".for")) event.fault_for = *lasting;
    event.fault = spec;
    return ok;
  }

  static inline const std::set<std::string> kActivationStates = {
      "idle", "waiting", "submitting", "activated", "invalid", "rate_limited", "failed", "unsupported"};
  static constexpr const char* kActivationStatesExpected =
      "idle, waiting, submitting, activated, invalid, rate_limited, failed, unsupported";

  // A server's `activation:` block: {path, failures_max, failure_window, codes: [{code, rule,
  // expires, mac}]}.
  std::optional<ActivationServiceSpec> activation_service(const YAML::Node& node, const std::string& context) {
    Fields fields(*this, node, context);
    if (!fields.valid()) return std::nullopt;
    ActivationServiceSpec spec;
    bool ok = true;
    if (auto path = text(fields.take("path"), context + ".path")) {
      if (!path->starts_with('/')) {
        error(fields.take("path"), context + ".path: must start with '/' (/activate)");
        ok = false;
      }
      spec.path = *path;
    }
    if (auto failures = unsigned_number(fields.take("failures_max"), context + ".failures_max")) {
      spec.failures_max = static_cast<std::uint32_t>(std::min<std::uint64_t>(*failures, 1'000'000));
    }
    if (auto window = duration(fields.take("failure_window"), context + ".failure_window")) {
      spec.failure_window = *window;
    }
    YAML::Node codes = fields.take("codes");
    if (!codes.IsDefined() || !codes.IsSequence() || codes.size() == 0) {
      error(codes.IsDefined() ? codes : node, context + ".codes: expected a list of {code, rule, expires, mac}");
      ok = false;
    } else {
      for (std::size_t index = 0; index < codes.size(); ++index) {
        const std::string code_context = context + ".codes[" + std::to_string(index) + "]";
        Fields code_fields(*this, codes[index], code_context);
        if (!code_fields.valid()) {
          ok = false;
          continue;
        }
        ActivationCodeEntry entry;
        entry.where = where(codes[index]);
        if (auto code = text(code_fields.take("code"), code_context + ".code")) {
          if (!fw::normalize_activation_code(*code)) {
            // Not quoted back: a code is a secret.
            error(code_fields.take("code"), code_context + ".code: expected 16 digits (spaces or dashes between groups allowed); leave it out to draw one");
            ok = false;
          }
          entry.code = *code;
        }
        if (auto rule = text(code_fields.take("rule"), code_context + ".rule")) {
          entry.rule = *rule;
        } else {
          if (!code_fields.has("rule")) error(codes[index], code_context + ": 'rule' is required (the Profile_Rule handed out)");
          ok = false;
        }
        entry.expires = duration(code_fields.take("expires"), code_context + ".expires");
        if (auto mac = text(code_fields.take("mac"), code_context + ".mac")) entry.mac = *mac;
        code_fields.finish();
        spec.codes.push_back(std::move(entry));
      }
    }
    fields.finish();
    if (!ok) return std::nullopt;
    return spec;
  }

  // The body of a timeline `activation_code` event: {phones, code} or {phones, server, issued}.
  bool activation_code_event(const YAML::Node& body, const std::string& context, TimelineEvent& event) {
    Fields fields(*this, body, context);
    if (!fields.valid()) return false;
    bool ok = true;
    if (auto phones = selector(fields.take("phones"), context + ".phones")) {
      event.phones = *phones;
    } else {
      if (!fields.has("phones")) error(body, context + ": 'phones' is required");
      ok = false;
    }
    const bool has_code = fields.has("code");
    const bool has_issued = fields.has("issued");
    if (has_code == has_issued) {
      error(body, context + ": give either 'code' (what the user types) or 'issued' with 'server' (that service's code by index)");
      ok = false;
    }
    if (auto code = text(fields.take("code"), context + ".code")) event.activation_code = *code;
    if (auto issued = unsigned_number(fields.take("issued"), context + ".issued")) {
      event.issued_code = static_cast<std::size_t>(*issued);
    }
    if (auto server_name = text(fields.take("server"), context + ".server")) {
      event.server = *server_name;
      server_references_.push_back({*server_name, where(body), context});
    } else if (has_issued) {
      error(body, context + ": 'issued' needs 'server' (the activation service that issued it)");
      ok = false;
    }
    fields.finish();
    return ok;
  }

  std::optional<Assertion> assertion(const YAML::Node& node, const std::string& context) {
    Fields fields(*this, node, context);
    if (!fields.valid()) return std::nullopt;
    Assertion result;
    result.where = where(node);
    bool ok = true;
    if (auto name = text(fields.take("name"), context + ".name")) result.name = *name;
    result.by = duration(fields.take("by"), context + ".by");
    result.from = duration(fields.take("from"), context + ".from");
    if (auto phones = selector(fields.take("phones"), context + ".phones")) result.phones = *phones;
    else result.phones.text = "all";
    static const std::vector<std::pair<std::string, Assertion::Kind>> kKinds = {
        {"parameter", Assertion::Kind::Parameter},      {"converged", Assertion::Kind::Converged},
        {"requests", Assertion::Kind::Requests},        {"request_rate", Assertion::Kind::RequestRate},
        {"syslog", Assertion::Kind::Syslog},            {"errors", Assertion::Kind::Errors},
        {"sometimes", Assertion::Kind::Sometimes},      {"firmware", Assertion::Kind::Firmware},
        {"uploads", Assertion::Kind::Uploads},          {"custom_ca", Assertion::Kind::CustomCa},
        {"activation", Assertion::Kind::Activation},    {"activations", Assertion::Kind::Activations}};
    std::vector<std::string> present;
    for (const auto& [key, kind] : kKinds) {
      if (fields.has(key)) present.push_back(key);
    }
    if (present.size() != 1) {
      std::string names;
      for (const auto& [key, kind] : kKinds) names += (names.empty() ? "" : ", ") + key;
      error(node, context + (present.empty() ? ": says what must hold with one of: " : ": has more than one check; use one of: ") + names);
      ok = false;
    }
    for (const auto& [key, kind] : kKinds) {
      YAML::Node body = fields.take(key);
      if (!ok || !body.IsDefined() || key != present.front()) continue;
      result.kind = kind;
      std::string body_context = context + "." + key;
      Fields body_fields(*this, body, body_context);
      if (!body_fields.valid()) {
        ok = false;
        break;
      }
      auto require_text = [&](const char* field, std::string& out) {
        if (auto field_value = text(body_fields.take(field), body_context + "." + field)) {
          out = *field_value;
        } else {
          error(body, body_context + ": '" + field + "' is required");
          ok = false;
        }
      };
      auto counts = [&] {
        result.at_least = unsigned_number(body_fields.take("at_least"), body_context + ".at_least");
        result.at_most = unsigned_number(body_fields.take("at_most"), body_context + ".at_most");
        if (!result.at_least && !result.at_most) {
          error(body, body_context + ": give 'at_least', 'at_most' or both");
          ok = false;
        }
      };
      auto regex_field = [&](const YAML::Node& at, const std::string& field_context, const std::string& pattern) {
        try {
          std::regex check(pattern);
        } catch (const std::regex_error& failure) {
          error(at, field_context + ": not a regular expression: " + failure.what());
          ok = false;
        }
      };
      auto share_field = [&] {
        if (auto minimum = share(body_fields.take("share"), body_context + ".share")) result.share_min = *minimum;
      };
      switch (kind) {
        case Assertion::Kind::Parameter:
          require_text("name", result.parameter);
          require_text("equals", result.equals);
          share_field();
          break;
        case Assertion::Kind::Converged:
          share_field();
          break;
        case Assertion::Kind::Requests:
          require_text("server", result.server);
          counts();
          break;
        case Assertion::Kind::RequestRate:
          require_text("server", result.server);
          if (auto window = duration(body_fields.take("window"), body_context + ".window")) result.window = *window;
          result.at_most = unsigned_number(body_fields.take("peak_at_most"), body_context + ".peak_at_most");
          result.at_least = unsigned_number(body_fields.take("peak_at_least"), body_context + ".peak_at_least");
          if (!result.at_least && !result.at_most) {
            error(body, body_context + ": give 'peak_at_most', 'peak_at_least' or both");
            ok = false;
          }
          break;
        case Assertion::Kind::Syslog:
          require_text("matches", result.pattern);
          if (auto server_name = text(body_fields.take("server"), body_context + ".server")) result.server = *server_name;
          counts();
          if (ok) regex_field(body, body_context + ".matches", result.pattern);
          break;
        case Assertion::Kind::Errors:
          require_text("err", result.pattern);
          counts();
          break;
        case Assertion::Kind::Sometimes:
          require_text("event", result.pattern);
          break;
        case Assertion::Kind::Firmware:
          require_text("equals", result.equals);
          share_field();
          break;
        case Assertion::Kind::Uploads:
          require_text("server", result.server);
          if (auto path = text(body_fields.take("path"), body_context + ".path")) result.pattern = *path;
          counts();
          if (ok) regex_field(body, body_context + ".path", result.pattern);
          break;
        case Assertion::Kind::CustomCa:
          if (auto name = text(body_fields.take("common_name"), body_context + ".common_name")) result.equals = *name;
          share_field();
          break;
        case Assertion::Kind::Activation:
          require_text("state", result.equals);
          if (ok && !kActivationStates.contains(result.equals)) {
            error(body, body_context + ".state: expected one of " + kActivationStatesExpected);
            ok = false;
          }
          share_field();
          break;
        case Assertion::Kind::Activations:
          require_text("server", result.server);
          require_text("outcome", result.equals);
          if (ok && !srv::activation_outcome_named(result.equals)) {
            error(body, body_context + ".outcome: expected accepted, unknown, expired, used, device, malformed or rate-limited");
            ok = false;
          }
          counts();
          break;
      }
      if (!result.server.empty()) server_references_.push_back({result.server, where(body), body_context});
      body_fields.finish();
    }
    if (ok && result.from && result.kind != Assertion::Kind::Requests &&
        result.kind != Assertion::Kind::RequestRate) {
      error(fields.take("from"),
            context + ".from: only requests and request_rate count from a time");
      ok = false;
    }
    if (ok && result.from && result.by && *result.from >= *result.by) {
      error(fields.take("from"), context + ".from: must be before 'by'");
      ok = false;
    }
    if (result.at_least && result.at_most && *result.at_least > *result.at_most) {
      error(node, context + ": at_least is larger than at_most");
      ok = false;
    }
    fields.finish();
    if (!ok) return std::nullopt;
    return result;
  }

  std::optional<Scenario> scenario(const YAML::Node& root) {
    Fields fields(*this, root, "scenario");
    if (!fields.valid()) return std::nullopt;
    Scenario result;
    result.file = file_;
    if (auto name = text(fields.take("name"), "name")) result.name = *name;
    if (auto description = text(fields.take("description"), "description")) result.description = *description;
    if (auto seed = unsigned_number(fields.take("seed"), "seed")) result.seed = *seed;
    if (auto length = duration(fields.take("duration"), "duration")) {
      if (length->count() <= 0) error(fields.take("duration"), "duration: must be positive");
      result.duration = *length;
    }
    if (auto start = wall_time(fields.take("start"), "start")) result.start = *start;
    YAML::Node network = fields.take("network");
    if (network.IsDefined()) load_network(network, result.network);

    auto list = [&](const char* key, auto&& each) {
      YAML::Node items = fields.take(key);
      if (!items.IsDefined() || items.IsNull()) return;
      if (!items.IsSequence()) {
        error(items, std::string(key) + ": expected a list ('- ' items)");
        return;
      }
      for (std::size_t index = 0; index < items.size(); ++index) {
        each(items[index], std::string(key) + "[" + std::to_string(index) + "]");
      }
    };
    list("servers", [&](const YAML::Node& item, const std::string& context) {
      if (auto spec = server(item, context)) {
        if (result.find_server(spec->name)) {
          error(item, context + ": a server named '" + spec->name + "' exists already");
        }
        result.servers.push_back(std::move(*spec));
      }
    });
    list("fleet", [&](const YAML::Node& item, const std::string& context) {
      if (auto group = fleet_group(item, context)) {
        if (group->spec.name.empty()) group->spec.name = "group" + std::to_string(result.fleet.size());
        if (result.find_group(group->spec.name)) {
          error(item, context + ": a group named '" + group->spec.name + "' exists already");
        }
        result.fleet.push_back(std::move(*group));
      }
    });
    list("timeline", [&](const YAML::Node& item, const std::string& context) {
      if (auto event = timeline_event(item, context)) {
        if (event->at < fw::Duration{0} || event->at > result.duration) {
          error(item, context + ".at: outside the run (0.." + std::to_string(result.duration.count() / 1'000'000'000) + "s)");
        }
        result.timeline.push_back(std::move(*event));
      }
    });
    list("assertions", [&](const YAML::Node& item, const std::string& context) {
      if (auto checked = assertion(item, context)) result.assertions.push_back(std::move(*checked));
    });
    if (YAML::Node fault_node = fields.take("faults"); fault_node.IsDefined()) faults(fault_node, result);
    list("expect_errors", [&](const YAML::Node& item, const std::string& context) {
      auto name = text(item, context);
      if (!name) {
        if (item.IsNull()) error(item, context + ": expected a trace event name");
        return;
      }
      if (name->empty()) {
        error(item, context + ": expected a trace event name");
        return;
      }
      result.expect_errors.push_back(std::move(*name));
    });
    fields.finish();
    if (result.fleet.empty()) error(root, "fleet: a scenario needs at least one phone group");

    // References are checked once everything is known.
    for (const auto& reference : server_references_) {
      if (!result.find_server(reference.name)) {
        errors_.push_back({reference.where, reference.context + ": no server named '" + reference.name + "'"});
      }
    }
    for (const TimelineEvent& event : result.timeline) {
      if (event.kind != TimelineEvent::Kind::Fault || event.fault->kind != FaultSpec::Kind::Certificate) continue;
      const ServerSpec* server = result.find_server(event.server);
      if (server && server->kind != ServerKind::Https) {
        errors_.push_back({event.where, "fault: certificate faults need an https server, '" + event.server + "' is " +
                                            std::string(to_string(server->kind))});
      }
    }
    for (const Assertion& checked : result.assertions) {
      const ServerSpec* server = result.find_server(checked.server);
      if (checked.kind == Assertion::Kind::Uploads && server && server->kind == ServerKind::Syslog) {
        errors_.push_back({checked.where, "uploads: '" + checked.server + "' is a syslog server; uploads go to tftp, http or https"});
      }
    }
    for (const auto& reference : selectors_) {
      const PhoneSelector& chosen = reference.selector;
      if (chosen.group.empty()) continue;
      const FleetGroup* group = result.find_group(chosen.group);
      if (!group) {
        errors_.push_back({reference.where, reference.context + ": no phone group named '" + chosen.group + "'"});
      } else if (chosen.index && *chosen.index >= group->spec.count) {
        errors_.push_back({reference.where, reference.context + ": group '" + chosen.group + "' has " +
                                                std::to_string(group->spec.count) + " phones"});
      }
    }
    std::stable_sort(result.timeline.begin(), result.timeline.end(),
                     [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
    return result;
  }

 private:
  struct ServerReference {
    std::string name;
    SourceLocation where;
    std::string context;
  };
  struct SelectorReference {
    PhoneSelector selector;
    SourceLocation where;
    std::string context;
  };

  std::string file_;
  std::filesystem::path base_;
  std::vector<Diagnostic> errors_;
  std::vector<ServerReference> server_references_;
  std::vector<SelectorReference> selectors_;
};

}  // namespace

std::string Diagnostic::to_string() const { return where.to_string() + ": " + message; }

namespace {

// Built step by step: GCC 12 warns (wrongly) about an aggregate initialiser here.
Diagnostic file_diagnostic(std::string file, int line, std::string message) {
  Diagnostic diagnostic;
  diagnostic.where.file = std::move(file);
  diagnostic.where.line = line;
  diagnostic.message = std::move(message);
  return diagnostic;
}

}  // namespace

LoadResult load_scenario_text(std::string_view text, std::string file_label,
                              const std::filesystem::path& base_directory) {
  LoadResult result;
  Loader loader(file_label, base_directory);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& failure) {
    result.errors.push_back(file_diagnostic(file_label, failure.mark.line + 1, "not valid YAML: " + failure.msg));
    return result;
  }
  std::optional<Scenario> scenario;
  try {
    scenario = loader.scenario(root);
  } catch (const YAML::Exception& failure) {
    loader.error(root, std::string("unexpected YAML structure: ") + failure.what());
  }
  result.errors = std::move(loader.errors());
  if (result.errors.empty()) result.scenario = std::move(scenario);
  return result;
}

LoadResult load_scenario_file(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    LoadResult result;
    result.errors.push_back(file_diagnostic(path.string(), 0, "cannot read the scenario file"));
    return result;
  }
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return load_scenario_text(buffer.str(), path.filename().string(), path.parent_path());
}

}  // namespace scn
