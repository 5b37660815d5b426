// provserver: the provisioning servers (servers/) on real sockets. See README.md and
// decisions.md "Product contract":
//
//   provserver --root DIR [--tftp ADDR:PORT] [--http ADDR:PORT]
//              [--https ADDR:PORT --cert F --key F [--client-ca F]]
//              [--syslog ADDR:PORT --syslog-out FILE] [--fault SPEC]... [--fault-seed N]
//              [--limit SERVER=N[,queue=M]]... [--swap-cert KIND=CERT,KEY]...
//              [--activation FILE]
//
// --activation serves the activation-code service (servers/activation) at POST /activate on
// the HTTP and HTTPS listeners, with the codes of FILE (activation_codes_file.h); each answered
// request prints one "activation" line (outcome, client, MAC; never the code).
//
// --fault https:certificate=KIND (KIND expired, wrong-host, untrusted) makes the HTTPS server
// present --swap-cert KIND's certificate instead of --cert to the connections it hits; the
// certificates come from the operator (or the interop test's openssl), provserver mints none.
//
// --limit gives a server a concurrency limit with a bounded FIFO queue (servers/admission):
// HTTP(S) connections past it wait unread, TFTP requests wait keyed by the client's endpoint;
// past the queue HTTP(S) connections are closed unread, TFTP requests get ERROR 0 "server busy".
// At exit each limited server prints one "queue" line (peak, refused, wait percentiles).
//
// --fault adds a fault window (servers/faults/fault_spec.h: "http:status=503,share=50%,for=60s");
// each server gets a ServerFaults with the windows for it, times counted from the start, drawn
// from a stream seeded with --fault-seed and the server's name, and prints its plan at start.
//
// One io_context on one thread carries every server. Runs until SIGINT or SIGTERM, then exits 0.
// stdout: one "listening" line per server (with the bound port, so port 0 works), then access
// log lines. stderr: errors. Exit status 2 for a bad command line, 1 when a server cannot start.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <csignal>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "firmware-core/config/parameter_value.h"
#include "servers/activation/activation_codes_file.h"
#include "servers/activation/activation_service.h"
#include "servers/content/file_root.h"
#include "servers/faults/fault_spec.h"
#include "servers/provserver/asio_http_host.h"
#include "servers/provserver/asio_syslog_host.h"
#include "servers/provserver/asio_tftp_host.h"
#include "servers/provserver/directory_root.h"
#include "servers/provserver/host_clock.h"
#include "servers/syslog/syslog_server.h"

namespace {
using srv::provserver::AsioHttpHost;
using srv::provserver::AsioSyslogHost;
using srv::provserver::AsioTftpHost;
using srv::provserver::HostClock;

// Access-log lines are written in batches, at most this late: one write per request cost
// provserver about a tenth of its system calls under load (bench_server).
constexpr std::chrono::milliseconds kAccessLogFlushInterval{100};

// Messages kept in memory besides --syslog-out (the file has them all).
constexpr std::size_t kSyslogStoredMessagesMax = 10'000;

struct Options {
  std::string root;
  std::string tftp;
  std::string http;
  std::string https;
  std::string cert;
  std::string key;
  std::string client_ca;
  std::string syslog;
  std::string syslog_out;
  std::vector<std::string> faults;
  std::uint64_t fault_seed = 1;
  std::vector<std::string> limits;
  std::vector<std::string> swap_certs;
  std::string activation;
};

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::optional<fw::Endpoint> endpoint_option(const std::string& flag, const std::string& text) {
  auto endpoint = fw::Endpoint::parse(text);
  if (!endpoint) std::cerr << "provserver: " << flag << " '" << text << "': expected ADDR:PORT\n";
  return endpoint;
}

// An HTTPS server context presenting `cert_path` (with `key_path`), or an error for stderr.
fw::Result<std::shared_ptr<const fw::TlsContext>> https_context(const Options& options,
                                                                const std::string& cert_path,
                                                                const std::string& key_path) {
  auto certificate = read_text(cert_path);
  auto key = read_text(key_path);
  if (!certificate || !key) {
    return fw::fail(fw::ErrorCode::InvalidValue,
                    "cannot read " + (certificate ? key_path : cert_path));
  }
  auto identity = fw::TlsIdentity::from_pem(*certificate, *key);
  if (!identity) return fw::fail(identity.error());
  fw::TlsContextOptions context;
  context.role = fw::TlsRole::Server;
  context.identity = *identity;
  if (!options.client_ca.empty()) {
    auto bundle = read_text(options.client_ca);
    if (!bundle) return fw::fail(fw::ErrorCode::InvalidValue, "cannot read " + options.client_ca);
    context.trusted_certificates_pem = fw::pem_certificate_blocks(*bundle);
    if (context.trusted_certificates_pem.empty()) {
      return fw::fail(fw::ErrorCode::InvalidValue, options.client_ca + ": no PEM certificate");
    }
    context.require_client_certificate = true;
  }
  return fw::TlsContext::create(context);
}

void print_tftp_record(const srv::TftpTransferRecord& record) {
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(record.finished - record.started)
          .count();
  std::cout << "tftp " << record.client.to_string() << ' ' << (record.write ? "WRQ" : "RRQ")
            << ' ' << record.file_name << ' ' << srv::to_string(record.outcome) << ' '
            << record.bytes << " bytes " << elapsed_ms << " ms\n";  // flushed in batches
}

void print_http_record(std::string_view scheme, const srv::HttpAccessRecord& record) {
  std::cout << scheme << ' ' << record.client.to_string() << " \"" << record.method << ' '
            << record.target << "\" " << record.status << ' ' << record.body_bytes << " \""
            << record.user_agent << "\" " << (record.user.empty() ? "-" : record.user)
            << '\n';  // flushed in batches
}

// --swap-cert KIND=CERT,KEY: the contexts certificate faults present, by CertificateSwap.
using SwappedContexts =
    std::array<std::shared_ptr<const fw::TlsContext>, srv::kCertificateSwapCount>;
fw::Result<SwappedContexts> swapped_contexts(const Options& options) {
  SwappedContexts contexts;
  for (const std::string& text : options.swap_certs) {
    const std::size_t equals = text.find('=');
    const std::size_t comma = text.find(',', equals == std::string::npos ? 0 : equals);
    auto swap = srv::parse_certificate_swap(text.substr(0, equals));
    if (!swap || equals == std::string::npos || comma == std::string::npos) {
      return fw::fail(fw::ErrorCode::InvalidValue,
                      "--swap-cert '" + text +
                          "': expected KIND=CERT,KEY with KIND expired, wrong-host or untrusted");
    }
    auto context = https_context(options, text.substr(equals + 1, comma - equals - 1),
                                 text.substr(comma + 1));
    if (!context) {
      return fw::fail(fw::ErrorCode::InvalidValue,
                      "--swap-cert '" + text + "': " + context.error().detail);
    }
    contexts[static_cast<std::size_t>(*swap)] = *context;
  }
  return contexts;
}

// The last --limit for `server`, if any.
std::optional<srv::ServiceQueueSettings> server_limit(const std::vector<srv::LimitSpec>& specs,
                                                      srv::FaultTarget server) {
  std::optional<srv::ServiceQueueSettings> limit;
  for (const srv::LimitSpec& spec : specs) {
    if (spec.applies_to(server)) limit = spec.limit;
  }
  return limit;
}

void print_queue(std::string_view server, const srv::ServiceQueue& queue) {
  auto ms = [](fw::Duration duration) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  };
  std::cout << "queue " << server << ": peak " << queue.peak_waiting() << " waited "
            << queue.waits().size() << " refused " << queue.refused() << " wait_p50 "
            << ms(queue.wait_percentile(500)) << " ms wait_p99 " << ms(queue.wait_percentile(990))
            << " ms" << std::endl;
}

// The fault injector of one server, or nullptr when no --fault applies to it.
std::unique_ptr<srv::ServerFaults> server_faults(const std::vector<srv::FaultSpec>& specs,
                                                 srv::FaultTarget server, std::uint64_t seed) {
  srv::FaultPlan plan;
  for (const srv::FaultSpec& spec : specs) {
    // Certificate windows only mean something to HTTPS (`all:` reaches the others too).
    const bool certificate = spec.window.kind == srv::FaultKind::Certificate;
    if (spec.applies_to(server) && (!certificate || server == srv::FaultTarget::Https)) {
      plan.windows.push_back(spec.window);
    }
  }
  if (plan.windows.empty()) return nullptr;
  std::cout << "faults " << srv::to_string(server) << ":\n" << plan.to_string() << std::endl;
  // Each server its own stream: (seed, server) like the simulator's (seed, id) streams.
  return std::make_unique<srv::ServerFaults>(std::move(plan),
                                             seed * 4 + static_cast<std::uint64_t>(server));
}

// The codes of `path` in a service. Errors: InvalidValue (unreadable file, a bad line, a bad
// code or rule), naming the line.
fw::Result<srv::ActivationService> load_activation(const std::string& path, fw::WallTime now) {
  auto text = read_text(path);
  if (!text) return fw::fail(fw::ErrorCode::InvalidValue, "--activation: cannot read " + path);
  auto codes = srv::parse_activation_codes(*text, now);
  if (!codes) return fw::fail(fw::ErrorCode::InvalidValue, path + ": " + codes.error().detail);
  srv::ActivationService service;
  for (srv::ActivationCodeSpec& spec : *codes) {
    if (auto added = service.add_code(std::move(spec)); !added) {
      return fw::fail(fw::ErrorCode::InvalidValue, path + ": " + added.error().detail);
    }
  }
  std::cout << "activation " << service.code_count() << " codes at POST /activate" << std::endl;
  return service;
}

void print_activation_record(const srv::ActivationRecord& record) {
  std::cout << "activation " << srv::to_string(record.outcome) << ' ' << record.client.to_string()
            << " mac=" << (record.mac.empty() ? "-" : fw::displayable_text(record.mac))
            << " code=" << (record.code_index ? "#" + std::to_string(*record.code_index + 1) : "-")
            << std::endl;
}

int run(const Options& options) {
  std::vector<srv::FaultSpec> fault_specs;
  for (const std::string& text : options.faults) {
    auto spec = srv::parse_fault_spec(text);
    if (!spec) {
      std::cerr << "provserver: " << spec.error().detail << "\n";
      return 2;
    }
    fault_specs.push_back(*spec);
  }
  std::vector<srv::LimitSpec> limit_specs;
  for (const std::string& text : options.limits) {
    auto spec = srv::parse_limit_spec(text);
    if (!spec) {
      std::cerr << "provserver: " << spec.error().detail << "\n";
      return 2;
    }
    limit_specs.push_back(*spec);
  }
  const auto tftp_limit = server_limit(limit_specs, srv::FaultTarget::Tftp);
  const auto http_limit = server_limit(limit_specs, srv::FaultTarget::Http);
  const auto https_limit = server_limit(limit_specs, srv::FaultTarget::Https);
  auto swapped = swapped_contexts(options);
  if (!swapped) {
    std::cerr << "provserver: " << swapped.error().detail << "\n";
    return 2;
  }
  for (const srv::FaultSpec& spec : fault_specs) {
    if (spec.window.kind != srv::FaultKind::Certificate || options.https.empty()) continue;
    const std::string_view swap = srv::to_string(spec.window.certificate);
    if (!(*swapped)[static_cast<std::size_t>(spec.window.certificate)]) {
      std::cerr << "provserver: a certificate=" << swap << " fault needs --swap-cert " << swap
                << "=CERT,KEY\n";
      return 2;
    }
  }
  srv::FileRoot root;
  auto loaded = srv::provserver::load_directory(options.root, root);
  if (!loaded) {
    std::cerr << "provserver: " << loaded.error().to_string() << "\n";
    return 1;
  }

  HostClock clock;
  std::optional<srv::ActivationService> activation;
  if (!options.activation.empty()) {
    auto loaded_activation = load_activation(options.activation, clock.wall_clock());
    if (!loaded_activation) {
      std::cerr << "provserver: " << loaded_activation.error().detail << "\n";
      return 2;
    }
    activation.emplace(std::move(*loaded_activation));
  }
  // The activation service answers its path before the fault hook sees the rest.
  auto hook_for = [&](srv::ServerFaults* faults) {
    srv::HttpRequestHook inner;
    if (activation) {
      inner = [&activation, &clock](const srv::HttpRequestInfo& request) {
        auto reply = activation->handle(request, clock.wall_clock());
        while (auto record = activation->poll_record()) print_activation_record(*record);
        return reply;
      };
    }
    return faults ? faults->http_hook(root, std::move(inner)) : inner;
  };

  // Declared before the hosts: their hooks refer to these.
  std::unique_ptr<srv::ServerFaults> tftp_faults =
      server_faults(fault_specs, srv::FaultTarget::Tftp, options.fault_seed);
  std::unique_ptr<srv::ServerFaults> http_faults =
      server_faults(fault_specs, srv::FaultTarget::Http, options.fault_seed);
  std::unique_ptr<srv::ServerFaults> https_faults =
      server_faults(fault_specs, srv::FaultTarget::Https, options.fault_seed);
  boost::asio::io_context io;
  std::unique_ptr<AsioTftpHost> tftp;
  std::unique_ptr<AsioHttpHost> http;
  std::unique_ptr<AsioHttpHost> https;
  std::unique_ptr<AsioSyslogHost> syslog;
  srv::SyslogServer syslog_server(kSyslogStoredMessagesMax);
  std::ofstream syslog_out;

  auto started = [](std::string_view what, const fw::Endpoint& listen, std::uint16_t port) {
    std::cout << "listening " << what << ' ' << listen.address.to_string() << ':' << port
              << std::endl;
  };
  auto start_failed = [](const fw::Error& error) {
    std::cerr << "provserver: " << error.to_string() << "\n";
    return 1;
  };

  if (!options.tftp.empty()) {
    auto listen = endpoint_option("--tftp", options.tftp);
    if (!listen) return 2;
    // Report uploads land in memory and in the printed transfer records, as HTTP PUT/POST do.
    srv::TftpServerSettings tftp_settings;
    tftp_settings.writes_enabled = true;
    if (tftp_limit) tftp_settings.admission = *tftp_limit;
    auto host = AsioTftpHost::start(io, clock, *listen, root, tftp_settings, print_tftp_record,
                                    tftp_faults ? tftp_faults->tftp_hook(root) : srv::TftpRequestHook{});
    if (!host) return start_failed(host.error());
    tftp = std::move(host).value();
    started("tftp", *listen, tftp->port());
  }
  if (!options.http.empty()) {
    auto listen = endpoint_option("--http", options.http);
    if (!listen) return 2;
    auto host = AsioHttpHost::start(
        io, clock, *listen, root, {}, hook_for(http_faults.get()),
        nullptr,
        [](const srv::HttpAccessRecord& record) { print_http_record("http", record); });
    if (!host) return start_failed(host.error());
    http = std::move(host).value();
    if (http_limit) http->limit_concurrency(*http_limit);
    started("http", *listen, http->port());
  }
  if (!options.https.empty()) {
    auto listen = endpoint_option("--https", options.https);
    if (!listen) return 2;
    auto context = https_context(options, options.cert, options.key);
    if (!context) return start_failed(context.error());
    auto host = AsioHttpHost::start(
        io, clock, *listen, root, {},
        hook_for(https_faults.get()), *context,
        [](const srv::HttpAccessRecord& record) { print_http_record("https", record); },
        [](fw::Endpoint client, const fw::Error& error) {
          std::cout << "https " << client.to_string() << " tls failed: " << error.to_string()
                    << std::endl;
        });
    if (!host) return start_failed(host.error());
    https = std::move(host).value();
    if (https_limit) https->limit_concurrency(*https_limit);
    if (https_faults) {
      https->swap_certificates([&https_faults, contexts = *swapped](fw::Instant now) {
        auto swap = https_faults->certificate_swap(now);
        return swap ? contexts[static_cast<std::size_t>(*swap)]
                    : std::shared_ptr<const fw::TlsContext>();
      });
    }
    started("https", *listen, https->port());
  }
  if (!options.syslog.empty()) {
    auto listen = endpoint_option("--syslog", options.syslog);
    if (!listen) return 2;
    syslog_out.open(options.syslog_out, std::ios::app);
    if (!syslog_out) {
      std::cerr << "provserver: --syslog-out " << options.syslog_out << ": cannot open\n";
      return 1;
    }
    syslog_server.on_message([&syslog_out](const srv::ReceivedSyslog& received) {
      syslog_out << srv::format_log_line(received) << std::endl;
    });
    auto host = AsioSyslogHost::start(io, clock, *listen, syslog_server);
    if (!host) return start_failed(host.error());
    syslog = std::move(host).value();
    started("syslog", *listen, syslog->port());
  }
  std::cout << "serving " << *loaded << " files from " << options.root << std::endl;

  boost::asio::steady_timer log_flush(io);
  std::function<void()> flush_access_log = [&] {
    std::cout.flush();
    log_flush.expires_after(kAccessLogFlushInterval);
    log_flush.async_wait([&](const boost::system::error_code& error) {
      if (!error) flush_access_log();
    });
  };
  flush_access_log();
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](const boost::system::error_code& error, int) {
    if (!error) io.stop();
  });
  io.run();
  if (tftp && tftp_limit) print_queue("tftp", tftp->core().admission());
  if (http && http_limit) print_queue("http", http->queue());
  if (https && https_limit) print_queue("https", https->queue());
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"provserver: phonesim's provisioning servers (TFTP, HTTP, HTTPS, syslog) on real "
               "sockets; serves until SIGINT/SIGTERM"};
  Options options;
  app.add_option("--root", options.root, "serve the files below this directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--tftp", options.tftp, "TFTP on ADDR:PORT (port 0: any free port)");
  app.add_option("--http", options.http, "HTTP on ADDR:PORT");
  auto* https = app.add_option("--https", options.https, "HTTPS on ADDR:PORT");
  auto* cert = app.add_option("--cert", options.cert, "HTTPS: the server certificate (PEM)")
                   ->check(CLI::ExistingFile);
  auto* key = app.add_option("--key", options.key, "HTTPS: the server's private key (PEM)")
                  ->check(CLI::ExistingFile);
  app.add_option("--client-ca", options.client_ca,
                 "HTTPS: require client certificates issued by these CAs (PEM bundle)")
      ->check(CLI::ExistingFile)
      ->needs(https);
  https->needs(cert)->needs(key);
  cert->needs(https);
  key->needs(https);
  auto* syslog = app.add_option("--syslog", options.syslog, "syslog (UDP) on ADDR:PORT");
  auto* syslog_out = app.add_option("--syslog-out", options.syslog_out,
                                    "append each received syslog message to this file");
  syslog->needs(syslog_out);
  app.add_option("--fault", options.faults,
                 "inject a fault window, [SERVER:]KIND[=VALUE][,share=P%][,from=D][,for=D]"
                 "[,retry-after=D] (repeatable; see servers/faults/fault_spec.h)");
  app.add_option("--fault-seed", options.fault_seed, "seed of the fault draws")
      ->capture_default_str();
  app.add_option("--limit", options.limits,
                 "concurrency limit with queueing, SERVER=N[,queue=M] with SERVER tftp, http, "
                 "https or all (repeatable; the last one for a server wins)");
  app.add_option("--activation", options.activation,
                 "serve the activation-code service at POST /activate with the codes in FILE")
      ->check(CLI::ExistingFile);
  app.add_option("--swap-cert", options.swap_certs,
                 "HTTPS: the certificate a certificate=KIND fault presents, KIND=CERT,KEY with "
                 "KIND expired, wrong-host or untrusted (repeatable)")
      ->needs(https);
  syslog_out->needs(syslog);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : 2;
  }
  return run(options);
}
