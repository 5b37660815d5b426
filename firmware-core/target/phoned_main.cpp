// phoned: the phone's firmware as a real-time daemon (decisions.md "Product contract"):
//
//   phoned --mac MAC [--serial SN] [--model PN] [--firmware VER] [--state-dir DIR]
//          [--admin ADDR:PORT] [--sip ADDR:PORT|none] [--param NAME=VALUE]... [--ca FILE]
//          [--client-cert F --client-key F] [--dhcp-option N=VALUE]...
//
// PhoneRuntime on an AsioPlatform, the configuration in DiskFlashStore files in --state-dir (it
// survives restarts), trace lines on stderr. The admin web (--admin) answers
//   GET /admin/resync[?RULE]  GET /admin/upgrade[?RULE]  GET /admin/reboot
//   GET /admin/cfg.xml  GET /admin/status.xml
//   GET /admin/updateca[?URL] (install the custom CA from URL, or from Custom_CA_Rule)
//   GET /admin/activate?code=C or POST code=C (the keypad's activation code, activation_admin.h)
//   POST /CGI/Execute (XML= form field, ExecuteItem URL="Resync:[RULE]")
// and the SIP port (--sip) answers NOTIFY (Event: resync, check-sync, reboot_now, restart_now,
// report) and hands the event to the agent, which honours it if Resync_From_SIP is Yes.
// SIGINT/SIGTERM end it with exit status 0; every configuration change is already durable when
// it becomes visible, so nothing is lost. Exit status 2 for a bad command line, 1 when it cannot
// start.

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "firmware-core/base/xml_text.h"
#include "firmware-core/config/parameter_value.h"
#include "firmware-core/config/profile_export.h"
#include "firmware-core/macro/macro_table.h"
#include "firmware-core/rules/cisco_execute.h"
#include "firmware-core/rules/direct_action_query.h"
#include "firmware-core/runtime/phone_runtime.h"
#include "firmware-core/runtime/syslog_frame.h"
#include "firmware-core/target/activation_admin.h"
#include "firmware-core/target/admin_web.h"
#include "firmware-core/target/asio_platform.h"
#include "firmware-core/target/disk_flash_store.h"
#include "firmware-core/target/sip_listener.h"

namespace {
namespace asio = boost::asio;

struct Options {
  std::string mac;
  std::string serial_number = "88012BA01234";
  std::string model = "CP-8841-3PCC";
  std::string firmware = "sip88xx.11-3-2MPP0001-609";
  std::string state_dir = "phoned-state";
  std::string admin;
  std::string sip;  // empty: 5060 on the --admin address (or 0.0.0.0); "none": no SIP port
  std::vector<std::string> parameters;
  std::string ca;
  std::string client_cert;
  std::string client_key;
  std::vector<std::string> dhcp_options;
};

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Splits "NAME=VALUE" at the first '='; nullopt without '=' or with an empty name.
std::optional<std::pair<std::string, std::string>> split_assignment(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) return std::nullopt;
  return std::pair{text.substr(0, equals), text.substr(equals + 1)};
}

// "11/24/2026 10:00:00", the guide's mm/dd/yyyy HH:MM:SS, from "2026-11-24T10:00:00Z".
std::string guide_date_time(fw::WallTime time) {
  const std::string iso = fw::format_iso8601(time);
  if (iso.size() < 19) return iso;
  return iso.substr(5, 2) + "/" + iso.substr(8, 2) + "/" + iso.substr(0, 4) + " " + iso.substr(11, 8);
}

// The guide's "Custom CA Status": the provisioning status (the newer of the last success and
// failure) and the installed certificate's CN or "Not Installed".
std::string custom_ca_xml(const fw::CustomCaStatus& status) {
  std::string xml = "  <custom_ca>\n";
  const bool failed_last = status.last_failure &&
                           (!status.last_success || *status.last_success < *status.last_failure);
  if (failed_last) {
    xml += "    <provisioning_status>Last provisioning failed on " +
           guide_date_time(*status.last_failure) + "</provisioning_status>\n";
  } else if (status.last_success) {
    xml += "    <provisioning_status>Last provisioning succeeded on " +
           guide_date_time(*status.last_success) + "</provisioning_status>\n";
  }
  if (status.last_success) {
    xml += "    <last_success>" + fw::format_iso8601(*status.last_success) + "</last_success>\n";
  }
  if (status.last_failure) {
    xml += "    <last_failure error=\"" + fw::xml_attribute(status.last_error) + "\">" +
           fw::format_iso8601(*status.last_failure) + "</last_failure>\n";
  }
  xml += "    <info>" +
         (status.installed ? "Installed: " + fw::xml_text(status.installed_cn) : "Not Installed") +
         "</info>\n";
  xml += "  </custom_ca>\n";
  return xml;
}

// The provisioning status page: last result per rule, the recent resyncs, what comes next, the
// last report upload, the custom CA.
// `firmware`: the version running (the booted bank's, or the factory image's).
std::string status_xml(const fw::ProvisioningAgent& agent, const fw::PhoneRuntimeSettings& settings,
                       const std::string& firmware) {
  const fw::AgentStatus& status = agent.status();
  static constexpr const char* kRuleNames[] = {"Profile_Rule", "Profile_Rule_B", "Profile_Rule_C",
                                               "Profile_Rule_D"};
  std::string xml = "<status>\n";
  xml += "  <resync_running>" + std::string(status.resync_running ? "yes" : "no") +
         "</resync_running>\n";
  xml += "  <succeeded_once>" + std::string(status.succeeded_once ? "yes" : "no") +
         "</succeeded_once>\n";
  xml += "  <consecutive_failures>" + std::to_string(status.consecutive_failures) +
         "</consecutive_failures>\n";
  for (std::size_t index = 0; index < status.rules.size(); ++index) {
    const fw::RuleStatus& rule = status.rules[index];
    xml += std::string("  <rule name=\"") + kRuleNames[index] + "\"";
    if (rule.last_time) {
      xml += " last_time=\"" + fw::format_iso8601(*rule.last_time) + "\" result=\"" +
             (rule.last_success ? "success" : "failure") + "\" url=\"" +
             fw::xml_attribute(rule.last_url) + "\" error=\"" + fw::xml_attribute(rule.last_error) + "\"";
    }
    xml += "/>\n";
  }
  for (const fw::ResyncOutcome& outcome : status.recent) {
    xml += "  <resync time=\"" + fw::format_iso8601(outcome.wall) + "\" reason=\"" +
           std::string(fw::to_string(outcome.reason)) + "\" result=\"" +
           (outcome.success ? "success" : "failure") + "\" error=\"" +
           fw::xml_attribute(outcome.error) + "\"/>\n";
  }
  if (status.next) {
    xml += "  <next kind=\"" + std::string(fw::to_string(status.next->kind)) + "\"" +
           (status.next->waiting_for_idle_lines ? " waiting_for_idle_lines=\"yes\"" : "") +
           "/>\n";
  }
  if (status.report.last_time) {
    xml += "  <report time=\"" + fw::format_iso8601(*status.report.last_time) + "\" result=\"" +
           (status.report.last_success ? "success" : "failure") + "\" url=\"" +
           fw::xml_attribute(status.report.last_url) + "\" error=\"" + fw::xml_attribute(status.report.last_error) +
           "\"/>\n";
  }
  for (const fw::UpgradeOutcome& outcome : status.recent_upgrades) {
    xml += "  <upgrade time=\"" + fw::format_iso8601(outcome.wall) + "\" result=\"" +
           (outcome.success ? "success" : "failure") + "\" detail=\"" +
           fw::xml_attribute(outcome.result) + "\" url=\"" + fw::xml_attribute(outcome.url) + "\"/>\n";
  }
  xml += "  <firmware>" + fw::xml_text(firmware) + "</firmware>\n";
  xml += custom_ca_xml(agent.custom_ca_status());
  xml += fw::activation_status_xml(status.activation);
  xml += "  <client_certificate>" +
         std::string(settings.client_identity ? "installed" : "none") + "</client_certificate>\n";
  xml += "</status>\n";
  return xml;
}

// The phone: a platform and the runtime on it, rebuilt on every reboot (a power cycle keeps only
// what is on flash).
class Phoned {
 public:
  Phoned(asio::io_context& io, fw::DiskFlashStore& flash, fw::PhoneIdentity identity,
         fw::PhoneRuntimeSettings settings, fw::DhcpOptions dhcp_options)
      : io_(io),
        flash_(flash),
        identity_(std::move(identity)),
        settings_(std::move(settings)),
        dhcp_options_(std::move(dhcp_options)) {}

  // Starts the phone (the first power-on, or after a reboot); `parameters` are set before the
  // power-on event, durably, as the admin web page would.
  bool boot(const std::vector<std::pair<std::string, std::string>>& parameters = {}) {
    runtime_.reset();
    platform_.reset();
    fw::AsioPlatformOptions options;
    options.trace_output = &std::cerr;
    options.on_reboot = [this] { asio::post(io_, [this] { reboot(); }); };
    platform_ = std::make_unique<fw::AsioPlatform>(io_, flash_, std::move(options));
    runtime_ = std::make_unique<fw::PhoneRuntime>(*platform_, identity_, decoder_, settings_);
    if (!runtime_->load_result()) {
      std::cerr << "phoned: stored configuration: " << runtime_->load_result().error().to_string()
                << " (starting from defaults)\n";
    }
    for (const auto& [name, value] : parameters) {
      if (auto set = runtime_->set_parameter(name, value); !set) {
        std::cerr << "phoned: --param " << fw::displayable_text(name) << ": "
                  << set.error().to_string() << "\n";
        return false;
      }
    }
    runtime_->power_on(dhcp_options_);
    return true;
  }

  void reboot() {
    std::cerr << "phoned: rebooting\n";
    boot();
  }

  fw::AdminReply handle(const fw::AdminRequest& request) {
    if (request.target == "/CGI/Execute") return cgi_execute(request);
    if (request.target.substr(0, request.target.find('?')) == fw::kActivateAdminPath) {
      return fw::activation_admin(request, *runtime_);
    }
    if (request.method != "GET") return {405, "text/plain", "only GET\n"};
    const std::size_t question = request.target.find('?');
    const std::string path = request.target.substr(0, question);
    // The rule of /admin/resync?RULE and /admin/upgrade?RULE (and the URL of
    // /admin/updateca?URL): URL-encoded, maybe with &xuser=/&xpassword= (reference §7); nullopt
    // without a query (the stored rule).
    std::optional<std::string> rule;
    if ((path == "/admin/resync" || path == "/admin/upgrade" || path == "/admin/updateca") &&
        question != std::string::npos &&
        question + 1 < request.target.size()) {
      auto query = fw::rule_from_direct_action_query(request.target.substr(question + 1));
      if (!query) return {400, "text/plain", query.error().to_string() + "\n"};
      rule = std::move(query->rule);
    }
    if (path == "/admin/resync") {
      runtime_->admin_resync(rule);
      return {200, "text/plain", "resync requested\n"};
    }
    if (path == "/admin/upgrade") {
      runtime_->admin_upgrade(rule);
      return {200, "text/plain", "upgrade requested\n"};
    }
    if (path == "/admin/updateca") {
      runtime_->admin_update_ca(rule);  // the CA file's URL, decoded like a rule
      return {200, "text/plain", "custom CA update requested\n"};
    }
    if (path == "/admin/reboot") {
      asio::post(io_, [this] { reboot(); });  // after the reply is on its way
      return {200, "text/plain", "rebooting\n"};
    }
    if (path == "/admin/cfg.xml") {
      return {200, "text/xml", fw::export_for_people(runtime_->configuration())};
    }
    if (path == "/admin/status.xml") {
      return {200, "text/xml", status_xml(runtime_->agent(), settings_, runtime_->identity().software_version)};
    }
    return {404, "text/plain", "not found\n"};
  }

  // POST /CGI/Execute: each Resync: item becomes an explicit resync (its rule, or the stored
  // rules); other items are answered as unsupported.
  fw::AdminReply cgi_execute(const fw::AdminRequest& request) {
    if (request.method != "POST") return {405, "text/plain", "only POST\n"};
    auto items = fw::parse_execute_form(request.body);
    if (!items) {
      std::cerr << "phoned: /CGI/Execute: " << items.error().to_string() << "\n";
      return {400, "text/xml", fw::execute_error_xml()};
    }
    std::vector<fw::ExecuteOutcome> outcomes;
    for (const fw::ExecuteItem& item : *items) {
      if (item.is_resync) runtime_->admin_resync(item.resync_rule);
      outcomes.push_back({item.url, item.is_resync});
    }
    return {200, "text/xml", fw::execute_response_xml(outcomes)};
  }

  // An event from the SIP port (already answered there).
  void sip_notify(const std::string& event) { runtime_->sip_notify(event); }

  // Stops the phone before the flash store and the io_context go away.
  void shut_down() {
    runtime_.reset();
    platform_.reset();
  }

 private:
  asio::io_context& io_;
  fw::DiskFlashStore& flash_;
  fw::PhoneIdentity identity_;
  fw::PhoneRuntimeSettings settings_;
  fw::DhcpOptions dhcp_options_;
  fw::ProfileDecoder decoder_;
  std::unique_ptr<fw::AsioPlatform> platform_;
  std::unique_ptr<fw::PhoneRuntime> runtime_;
};

int run(const Options& options) {
  auto mac = fw::parse_mac_address(options.mac);
  if (!mac) {
    std::cerr << "phoned: --mac '" << options.mac << "': expected 12 hex digits\n";
    return 2;
  }
  fw::PhoneIdentity identity;
  identity.mac = *mac;
  identity.serial_number = options.serial_number;
  identity.product_name = options.model;
  identity.software_version = options.firmware;

  std::vector<std::pair<std::string, std::string>> parameters;
  for (const std::string& text : options.parameters) {
    auto assignment = split_assignment(text);
    if (!assignment) {
      // Not echoed: a mistyped "GPP_SAvalue" would print a secret.
      std::cerr << "phoned: --param: expected NAME=VALUE\n";
      return 2;
    }
    parameters.push_back(std::move(*assignment));
  }
  fw::DhcpOptions dhcp_options;
  for (const std::string& text : options.dhcp_options) {
    auto assignment = split_assignment(text);
    unsigned code = 0;
    if (assignment) {
      const std::string& digits = assignment->first;
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
      if (error != std::errc() || end != digits.data() + digits.size() || code > 65535) code = 0;
    }
    if (code == 0) {
      std::cerr << "phoned: --dhcp-option '" << text << "': expected N=VALUE, N in 1..65535\n";
      return 2;
    }
    dhcp_options[static_cast<std::uint16_t>(code)] = fw::to_bytes(assignment->second);
  }

  fw::PhoneRuntimeSettings settings;
  if (!options.ca.empty()) {
    auto bundle = read_text(options.ca);
    if (!bundle) {
      std::cerr << "phoned: --ca " << options.ca << ": cannot read\n";
      return 1;
    }
    fw::TlsContextOptions context;
    context.trusted_certificates_pem = fw::pem_certificate_blocks(*bundle);
    auto created = fw::TlsContext::create(context);
    if (context.trusted_certificates_pem.empty() || !created) {
      std::cerr << "phoned: --ca " << options.ca << ": no usable PEM certificate\n";
      return 1;
    }
    settings.tls_context = *created;
    // Trusted again, together with a custom CA, once one is installed.
    settings.builtin_roots_pem = context.trusted_certificates_pem;
  }
  if (!options.client_cert.empty()) {
    auto certificate = read_text(options.client_cert);
    auto key = read_text(options.client_key);
    if (!certificate || !key) {
      std::cerr << "phoned: --client-cert/--client-key: cannot read\n";
      return 1;
    }
    auto client = fw::TlsIdentity::from_pem(*certificate, *key);
    if (!client) {
      std::cerr << "phoned: --client-cert/--client-key: " << client.error().to_string() << "\n";
      return 1;
    }
    settings.client_identity = *client;
    identity.client_certificate_installed = true;
  }

  std::error_code directory_error;
  std::filesystem::create_directories(options.state_dir, directory_error);
  if (directory_error) {
    std::cerr << "phoned: --state-dir " << options.state_dir << ": "
              << directory_error.message() << "\n";
    return 1;
  }

  asio::io_context io;
  fw::DiskFlashStore flash(options.state_dir);
  Phoned phone(io, flash, std::move(identity), std::move(settings), std::move(dhcp_options));
  std::unique_ptr<fw::AdminWeb> admin;
  if (!options.admin.empty()) {
    auto listen = fw::Endpoint::parse(options.admin);
    if (!listen) {
      std::cerr << "phoned: --admin '" << options.admin << "': expected ADDR:PORT\n";
      return 2;
    }
    auto started = fw::AdminWeb::start(io, *listen, [&phone](const fw::AdminRequest& request) {
      return phone.handle(request);
    });
    if (!started) {
      std::cerr << "phoned: " << started.error().to_string() << "\n";
      return 1;
    }
    admin = std::move(started).value();
    std::cout << "admin " << listen->address.to_string() << ':' << admin->port() << std::endl;
  }
  std::unique_ptr<fw::SipListener> sip;
  if (options.sip != "none") {
    std::optional<fw::Endpoint> listen;
    if (options.sip.empty()) {
      listen = fw::Endpoint{{}, 5060};
      if (auto admin_listen = fw::Endpoint::parse(options.admin)) listen->address = admin_listen->address;
    } else {
      listen = fw::Endpoint::parse(options.sip);
    }
    if (!listen) {
      std::cerr << "phoned: --sip '" << options.sip << "': expected ADDR:PORT or none\n";
      return 2;
    }
    auto started = fw::SipListener::start(
        io, *listen, [&phone](const std::string& event) { phone.sip_notify(event); }, &std::cerr);
    if (!started && !options.sip.empty()) {
      std::cerr << "phoned: " << started.error().to_string() << "\n";
      return 1;
    }
    if (started) {
      sip = std::move(started).value();
      std::cout << "sip " << listen->address.to_string() << ':' << sip->port() << std::endl;
    } else {
      // The default port may be taken (a second phoned, a softphone): run without SIP.
      std::cerr << "phoned: " << started.error().to_string() << " (running without SIP)\n";
    }
  }
  if (!phone.boot(parameters)) return 1;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](const boost::system::error_code& error, int) {
    if (!error) io.stop();
  });
  io.run();
  sip.reset();
  admin.reset();
  phone.shut_down();
  std::cerr << "phoned: stopped\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"phoned: the phone's provisioning firmware as a real-time daemon"};
  Options options;
  app.add_option("--mac", options.mac, "the phone's MAC address ($MA)")->required();
  app.add_option("--serial", options.serial_number, "serial number ($SN)")->capture_default_str();
  app.add_option("--model", options.model, "product name ($PN)")->capture_default_str();
  app.add_option("--firmware", options.firmware, "firmware version ($SWVER)")
      ->capture_default_str();
  app.add_option("--state-dir", options.state_dir, "where the configuration is stored")
      ->capture_default_str();
  app.add_option("--admin", options.admin, "admin web on ADDR:PORT (port 0: any free port)");
  app.add_option("--sip", options.sip,
                 "SIP port for NOTIFY on ADDR:PORT, or none (default: 5060 on the --admin address)");
  app.add_option("--param", options.parameters, "set a parameter at start, NAME=VALUE (repeatable)");
  app.add_option("--ca", options.ca, "custom CA certificates (PEM) trusted for HTTPS")
      ->check(CLI::ExistingFile);
  auto* cert = app.add_option("--client-cert", options.client_cert,
                              "the phone's client certificate (MIC, PEM)")
                   ->check(CLI::ExistingFile);
  auto* key = app.add_option("--client-key", options.client_key, "its private key (PEM)")
                  ->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  app.add_option("--dhcp-option", options.dhcp_options,
                 "a DHCP option value, N=VALUE as text (66=10.0.0.1) (repeatable)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : 2;
  }
  return run(options);
}
