// bench_server: provserver against real servers on loopback, all measured in one run (issue #10):
// HTTP requests/s against nginx (wrk, keep-alive and Connection: close) and TFTP fetches/s
// against tftp-hpa's in.tftpd (many transfers in flight from one process). The peers run as
// child processes on free loopback ports and serve the same 5 KB file from the same directory.
// README.md ("bench_server") says what each row does and how to read the counters.

#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/vector_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/peer_process.h"
#include "bench/tftp_load.h"

namespace bench {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using std::chrono::milliseconds;

// ctest's SKIP_RETURN_CODE: a peer (or wrk) is not installed, its rows were skipped.
constexpr int kExitPeerMissing = 77;
constexpr std::string_view kFileName = "file5k.bin";
constexpr std::size_t kFileBytes = 5 * 1024;
constexpr milliseconds kStartLimit{5000};

struct Options {
  double seconds = 3.0;    // per server and iteration, in slices (slice_count)
  int connections = 32;    // wrk -c
  int tftp_clients = 64;   // transfers in flight
  std::string provserver;  // default: next to this program
};

constexpr std::string_view kUsage =
    "bench_server [benchmark flags] [--seconds=S] [--connections=N] [--tftp_clients=N]\n"
    "             [--provserver=PATH]\n"
    "  --seconds=S        each server's measuring time per iteration, in slices of about 1 s\n"
    "                     alternating with its peer (wrk: whole seconds, at least 1) (default 3)\n"
    "  --connections=N    wrk -c: connections held open by wrk's one thread (default 32)\n"
    "  --tftp_clients=N   TFTP transfers in flight at once (default 64)\n"
    "  --provserver=PATH  the provserver binary (default: next to this program)\n"
    "Exit status 77 when nginx, in.tftpd (needs root for its chroot) or wrk is missing: their\n"
    "rows are skipped, the others run.\n";

// The same bytes on every run, not compressible to nothing.
fw::Bytes file_content() {
  fw::Bytes bytes(kFileBytes);
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (auto& byte : bytes) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    byte = static_cast<std::uint8_t>(state >> 56);
  }
  return bytes;
}

fw::Endpoint loopback(std::uint16_t port) {
  return {fw::Ipv4Address{0x7F000001}, port};
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One server under test. `unavailable` says why its rows are skipped.
struct Peer {
  explicit Peer(std::string peer_name) : name(std::move(peer_name)) {}
  std::string name;
  std::optional<PeerProcess> process;
  std::uint16_t http_port = 0;
  std::uint16_t tftp_port = 0;
  std::string unavailable;
};

// GET of the file over a fresh connection (Beast, bounded by a deadline): the server serves
// exactly the file, before any load is put on it.
std::string check_http_file(std::uint16_t port, const fw::Bytes& expected) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::empty_body> request{http::verb::get, "/" + std::string(kFileName), 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::connection, "close");
  http::response<http::vector_body<std::uint8_t>> response;
  beast::flat_buffer buffer;
  boost::system::error_code result = asio::error::timed_out;
  stream.expires_after(std::chrono::seconds(5));
  stream.async_connect(
      asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), port),
      [&](boost::system::error_code connect_error) {
        if (connect_error) {
          result = connect_error;
          return;
        }
        http::async_write(stream, request, [&](boost::system::error_code write_error, std::size_t) {
          if (write_error) {
            result = write_error;
            return;
          }
          http::async_read(
              stream, buffer, response,
              [&](boost::system::error_code read_error, std::size_t) { result = read_error; });
        });
      });
  io.run_for(std::chrono::seconds(6));
  if (result)
    return "GET /" + std::string(kFileName) + ": " + result.message();
  if (response.result_int() != 200 || response.body() != expected) {
    return "GET /" + std::string(kFileName) + ": status " + std::to_string(response.result_int()) +
           ", " + std::to_string(response.body().size()) + " bytes, not the file";
  }
  return {};
}

TftpLoadSettings tftp_settings(std::uint16_t port, const fw::Bytes& expected) {
  TftpLoadSettings settings;
  settings.server = loopback(port);
  settings.file_name = std::string(kFileName);
  settings.expected = expected;
  return settings;
}

// One verified transfer (retrying quickly while the server starts up).
std::string check_tftp_file(std::uint16_t port, const fw::Bytes& expected) {
  TftpLoadSettings probe = tftp_settings(port, expected);
  probe.clients = 1;
  probe.transfers_max = 1;
  probe.window = kStartLimit;
  probe.drain_max = kStartLimit;
  probe.client.retransmit_timeout_initial = fw::milliseconds(100);
  probe.client.retransmit_timeout_max = fw::milliseconds(200);
  probe.client.retransmissions_max = 20;
  const TftpLoadResult result = run_tftp_load(probe);
  if (result.verified == 1)
    return {};
  return "TFTP get " + std::string(kFileName) + ": " +
         (result.first_error.empty() ? std::string("no answer") : result.first_error);
}

// Starts `argv`, then `ready()` must return "" (else the error) while the process still runs.
template <class Ready>
void start_peer(Peer& peer, const std::vector<std::string>& argv, const std::filesystem::path& work,
                Ready ready) {
  const std::string stderr_path = (work / (peer.name + ".err")).string();
  // provserver prints an access-log line per request: discarded, as nginx runs access_log off.
  peer.process = PeerProcess::start(argv, "/dev/null", stderr_path);
  if (!peer.process) {
    peer.unavailable = "cannot start " + argv[0];
    return;
  }
  std::string error = ready();
  if (error.empty() && !peer.process->running())
    error = "exited at start";
  if (!error.empty()) {
    peer.unavailable = peer.name + ": " + error + "; stderr: " + read_text(stderr_path);
    peer.process.reset();
  }
}

void start_provserver(Peer& peer, const Options& options, const std::filesystem::path& work,
                      const fw::Bytes& file) {
  if (find_program(options.provserver).empty()) {
    peer.unavailable = "provserver not found at " + options.provserver +
                       " (build the provserver target, or pass --provserver=PATH)";
    return;
  }
  peer.http_port = free_loopback_port(SOCK_STREAM);
  peer.tftp_port = free_loopback_port(SOCK_DGRAM);
  start_peer(peer,
             {options.provserver, "--root", (work / "root").string(), "--http",
              "127.0.0.1:" + std::to_string(peer.http_port), "--tftp",
              "127.0.0.1:" + std::to_string(peer.tftp_port)},
             work, [&] {
               if (!wait_for_tcp_listener(peer.http_port, kStartLimit))
                 return std::string("no HTTP listener");
               std::string error = check_http_file(peer.http_port, file);
               return error.empty() ? check_tftp_file(peer.tftp_port, file) : error;
             });
}

std::string user_name() {
  const char* name = std::getenv("USER");
  if (geteuid() == 0)
    return "root";
  return name ? name : "nobody";
}

// nginx-light as the current user, everything in `work`: one process serving (master_process off:
// nginx's event loop in the process we started, whose CPU time we read; provserver is one thread
// too), access_log off, sendfile, the file opened once (open_file_cache: provserver serves from
// memory).
void start_nginx(Peer& peer, const std::filesystem::path& work, const fw::Bytes& file) {
  const std::string nginx = find_program("nginx");
  if (nginx.empty()) {
    peer.unavailable = "nginx is not installed (Debian: nginx-light)";
    return;
  }
  peer.http_port = free_loopback_port(SOCK_STREAM);
  const std::filesystem::path prefix = work / "nginx";
  std::filesystem::create_directories(prefix);
  std::ofstream(prefix / "nginx.conf")
      << "daemon off;\n"
      << "master_process off;\n"
      << "user " << user_name() << ";\n"
      << "pid " << (prefix / "nginx.pid").string() << ";\n"
      << "error_log " << (prefix / "error.log").string() << " warn;\n"
      << "events { worker_connections 4096; }\n"
      << "http {\n"
      << "  access_log off;\n"
      << "  sendfile on;\n"
      << "  tcp_nopush on;\n"
      << "  keepalive_requests 1000000;\n"
      << "  open_file_cache max=64;\n"
      << "  default_type application/octet-stream;\n"
      << "  client_body_temp_path " << prefix.string() << ";\n"
      << "  proxy_temp_path " << prefix.string() << ";\n"
      << "  fastcgi_temp_path " << prefix.string() << ";\n"
      << "  uwsgi_temp_path " << prefix.string() << ";\n"
      << "  scgi_temp_path " << prefix.string() << ";\n"
      << "  server {\n"
      << "    listen 127.0.0.1:" << peer.http_port << ";\n"
      << "    root " << (work / "root").string() << ";\n"
      << "  }\n"
      << "}\n";
  start_peer(peer,
             {nginx, "-p", prefix.string(), "-c", (prefix / "nginx.conf").string(), "-e",
              (prefix / "error.log").string()},
             work, [&] {
               if (!wait_for_tcp_listener(peer.http_port, kStartLimit))
                 return std::string("no listener");
               return check_http_file(peer.http_port, file);
             });
}

// tftp-hpa's in.tftpd standalone in the foreground (-L), forking a child per request as it does
// in production; -s (chroot into the root) needs root.
void start_tftpd(Peer& peer, const std::filesystem::path& work, const fw::Bytes& file) {
  const std::string tftpd = find_program("in.tftpd");
  if (tftpd.empty()) {
    peer.unavailable = "in.tftpd is not installed (Debian: tftpd-hpa)";
    return;
  }
  if (geteuid() != 0) {
    peer.unavailable = "in.tftpd -s (chroot) needs root";
    return;
  }
  peer.tftp_port = free_loopback_port(SOCK_DGRAM);
  start_peer(peer,
             {tftpd, "-L", "-a", "127.0.0.1:" + std::to_string(peer.tftp_port), "-u", user_name(),
              "-s", (work / "root").string()},
             work, [&] { return check_tftp_file(peer.tftp_port, file); });
}

// What wrk printed, read from its summary lines.
struct WrkResult {
  double requests_per_second = 0;
  std::uint64_t requests = 0;
  double bytes_read = 0;
  std::uint64_t socket_errors = 0;
  std::uint64_t non_success = 0;  // "Non-2xx or 3xx responses"
  std::string error;
};

// "159.09MB" (wrk's binary units) in bytes.
double wrk_bytes(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc())
    return 0;
  const std::string_view unit(end, text.data() + text.size() - end);
  constexpr std::string_view kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  double scale = 1;
  for (std::string_view known : kUnits) {
    if (unit == known)
      return value * scale;
    scale *= 1024;
  }
  return 0;
}

WrkResult parse_wrk(const std::string& output) {
  WrkResult result;
  std::istringstream lines(output);
  bool rate_seen = false;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "Requests/sec:") {
      rate_seen = static_cast<bool>(words >> result.requests_per_second);
    } else if (line.find(" requests in ") != std::string::npos) {
      std::string requests_word, in_word, duration, read_amount;
      result.requests = std::strtoull(first.c_str(), nullptr, 10);
      words >> requests_word >> in_word >> duration >> read_amount;
      result.bytes_read = wrk_bytes(read_amount);
    } else if (first == "Socket") {  // Socket errors: connect 0, read 0, write 0, timeout 0
      for (std::string word; words >> word;) {
        if (!word.empty() && std::isdigit(static_cast<unsigned char>(word.front()))) {
          result.socket_errors += std::strtoull(word.c_str(), nullptr, 10);
        }
      }
    } else if (first == "Non-2xx") {
      const std::size_t colon = line.rfind(':');
      result.non_success = std::strtoull(line.c_str() + colon + 1, nullptr, 10);
    }
  }
  if (!rate_seen || result.requests == 0)
    result.error = "no result in wrk's output: " + output;
  return result;
}

// wrk takes whole seconds.
int wrk_seconds(double seconds) {
  return std::max(1, static_cast<int>(seconds + 0.5));
}

// Each server's --seconds are measured in this many slices of about a second, alternating with
// its peer.
int slice_count(double seconds) {
  return std::max(1, static_cast<int>(seconds + 0.5));
}

WrkResult run_wrk(const std::string& wrk, std::uint16_t port, bool close, double seconds,
                  int connections, const std::filesystem::path& work) {
  const std::filesystem::path out = work / "wrk.out";
  std::filesystem::remove(out);
  std::vector<std::string> argv = {wrk, "-t1", "-c" + std::to_string(connections),
                                   "-d" + std::to_string(wrk_seconds(seconds)) + "s"};
  if (close) {
    argv.push_back("-H");
    argv.push_back("Connection: close");
  }
  argv.push_back("http://127.0.0.1:" + std::to_string(port) + "/" + std::string(kFileName));
  auto process = PeerProcess::start(argv, out.string(), out.string());
  if (!process)
    return {.error = "cannot start wrk"};
  const auto limit = milliseconds(wrk_seconds(seconds) * 1000L + 15000);
  const std::optional<int> status = process->wait_for_exit(limit);
  if (status != 0) {
    return {.error = "wrk " + (status ? "exited with " + std::to_string(*status) : "timed out") +
                     ": " + read_text(out)};
  }
  return parse_wrk(read_text(out));
}

// The run's state, shared by the benchmark functions.
struct Bench {
  Options options;
  std::filesystem::path work;
  fw::Bytes file;
  std::string wrk;  // empty: not installed
  Peer provserver{"provserver"};
  Peer nginx{"nginx"};
  Peer tftpd{"in.tftpd"};
  bool failed = false;  // a row could not measure
};

// One server's measurement: requests (or verified transfers), the time they took, and the
// server's CPU time meanwhile (the server process plus, for in.tftpd, its reaped per-request
// children). The CPU figure moves little when other programs compete for the cores; the rate
// moves a lot.
struct Measurement {
  double requests = 0;
  double seconds = 0;
  double cpu_seconds = 0;
  std::string error;

  double per_second() const { return seconds > 0 ? requests / seconds : 0; }
  double cpu_us_per_request() const { return requests > 0 ? cpu_seconds * 1e6 / requests : 0; }
  void add(const Measurement& slice) {
    requests += slice.requests;
    seconds += slice.seconds;
    cpu_seconds += slice.cpu_seconds;
    if (error.empty())
      error = slice.error;
  }
};

// Runs `measure` (which fills in requests, seconds and error) with the server's CPU clock read
// around it.
template <class Measure>
Measurement measured(const Peer& peer, Measure measure) {
  const double cpu_before = cpu_seconds(peer.process->pid());
  Measurement result;
  measure(result);
  const double cpu_after = cpu_seconds(peer.process->pid());
  if (cpu_before >= 0 && cpu_after >= 0)
    result.cpu_seconds = cpu_after - cpu_before;
  return result;
}

Measurement wrk_measurement(const Bench& bench, const Peer& peer, bool close, int seconds) {
  return measured(peer, [&](Measurement& result) {
    const WrkResult wrk =
        run_wrk(bench.wrk, peer.http_port, close, seconds, bench.options.connections, bench.work);
    result.error = wrk.error;
    if (result.error.empty() && wrk.non_success > 0) {
      result.error = peer.name + ": " + std::to_string(wrk.non_success) + " responses not 2xx/3xx";
    }
    const double bytes_per_request =
        wrk.bytes_read / static_cast<double>(std::max<std::uint64_t>(1, wrk.requests));
    if (result.error.empty() && bytes_per_request < static_cast<double>(kFileBytes)) {
      result.error = peer.name + ": " + std::to_string(bytes_per_request) +
                     " bytes read per request, less than the file";
    }
    if (!result.error.empty() || wrk.requests_per_second <= 0)
      return;
    result.requests = static_cast<double>(wrk.requests);
    result.seconds = result.requests / wrk.requests_per_second;
  });
}

// `tftp_clients` transfers in flight for `window`; only verified transfers count.
Measurement tftp_measurement(const Bench& bench, const Peer& peer, milliseconds window) {
  return measured(peer, [&](Measurement& result) {
    TftpLoadSettings settings = tftp_settings(peer.tftp_port, bench.file);
    settings.clients = static_cast<std::size_t>(bench.options.tftp_clients);
    settings.window = window;
    const TftpLoadResult load = run_tftp_load(settings);
    if (load.mismatched > 0 || load.verified == 0) {
      result.error = peer.name + ": " + std::to_string(load.verified) + " transfers verified, " +
                     std::to_string(load.mismatched) + " with wrong bytes; " + load.first_error;
      return;
    }
    if (load.failed + load.unfinished > 0) {
      // Reported, not fatal: a server that loses transfers under load is slower by that much.
      std::cout << peer.name << ": " << load.failed + load.unfinished
                << " transfers failed or unfinished (" << load.first_error << "), "
                << load.retransmissions << " retransmissions" << std::endl;
    }
    result.requests = static_cast<double>(load.verified);
    result.seconds = std::chrono::duration<double>(load.elapsed).count();
  });
}

// One comparison. An iteration alternates between the peer and provserver in slices of about a
// second (--seconds of each in all), so both see the same machine load even when it drifts.
// Time per iteration = provserver's time per request. Counters: ours_per_s, peer_per_s,
// x_peer = ours/peer (the target is on this one), and the servers' CPU µs per request
// with x_peer_cpu = peer CPU / ours CPU (> 1: provserver needs less). Without the peer only
// provserver is measured. `measure(peer, slice_seconds)`.
template <class Measure>
void comparison_row(benchmark::State& state, Bench& bench, const Peer& peer, double target,
                    Measure measure) {
  if (!bench.provserver.unavailable.empty()) {
    state.SkipWithError(bench.provserver.unavailable.c_str());
  }
  const bool with_peer = peer.unavailable.empty();
  const int slices = slice_count(bench.options.seconds);
  const double slice_seconds = bench.options.seconds / slices;
  for (auto _ : state) {
    Measurement theirs;
    Measurement ours;
    for (int slice = 0; slice < slices && theirs.error.empty() && ours.error.empty(); ++slice) {
      if (with_peer)
        theirs.add(measure(peer, slice_seconds));
      if (theirs.error.empty())
        ours.add(measure(bench.provserver, slice_seconds));
    }
    const std::string& error = theirs.error.empty() ? ours.error : theirs.error;
    if (!error.empty() || ours.per_second() <= 0 || (with_peer && theirs.per_second() <= 0)) {
      bench.failed = true;
      state.SkipWithError(error.empty() ? "no rate" : error.c_str());
      break;
    }
    state.SetIterationTime(1.0 / ours.per_second());
    state.counters["ours_per_s"] = ours.per_second();
    state.counters["ours_cpu_us"] = ours.cpu_us_per_request();
    if (!with_peer)
      continue;
    state.counters["peer_per_s"] = theirs.per_second();
    state.counters["peer_cpu_us"] = theirs.cpu_us_per_request();
    state.counters["x_peer"] = ours.per_second() / theirs.per_second();
    if (ours.cpu_us_per_request() > 0) {
      state.counters["x_peer_cpu"] = theirs.cpu_us_per_request() / ours.cpu_us_per_request();
    }
    state.counters["target"] = target;
  }
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  options.provserver =
      (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "provserver").string();
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    const std::size_t equals = argument.find('=');
    const std::string_view flag = argument.substr(0, equals);
    const std::string value(equals == std::string_view::npos ? "" : argument.substr(equals + 1));
    char* end = nullptr;
    if (flag == "--seconds") {
      options.seconds = std::strtod(value.c_str(), &end);
      if (options.seconds > 0 && options.seconds <= 600 && *end == 0)
        continue;
    } else if (flag == "--connections" || flag == "--tftp_clients") {
      const long number = std::strtol(value.c_str(), &end, 10);
      if (number > 0 && number <= 10000 && *end == 0 && !value.empty()) {
        (flag == "--connections" ? options.connections : options.tftp_clients) =
            static_cast<int>(number);
        continue;
      }
    } else if (flag == "--provserver" && !value.empty()) {
      options.provserver = value;
      continue;
    } else if (flag == "-h") {
      std::cout << kUsage;
      return std::nullopt;
    }
    std::cerr << "bench_server: bad argument '" << argument << "'\n" << kUsage;
    std::exit(2);
  }
  return options;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  // Google Benchmark answers --help itself and exits: our flags first.
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help")
      std::cout << kUsage << "\n";
  }
  benchmark::Initialize(&argc, argv);
  auto options = parse_options(argc, argv);
  if (!options)
    return 0;

  Bench bench;
  bench.options = *options;
  char work_template[] = "/tmp/bench_server.XXXXXX";
  if (mkdtemp(work_template) == nullptr) {
    std::perror("bench_server: mkdtemp");
    return 1;
  }
  bench.work = work_template;
  std::filesystem::create_directories(bench.work / "root");
  bench.file = file_content();
  std::ofstream(bench.work / "root" / std::string(kFileName), std::ios::binary)
      .write(reinterpret_cast<const char*>(bench.file.data()),
             static_cast<std::streamsize>(bench.file.size()));
  bench.wrk = find_program("wrk");

  start_provserver(bench.provserver, bench.options, bench.work, bench.file);
  start_nginx(bench.nginx, bench.work, bench.file);
  start_tftpd(bench.tftpd, bench.work, bench.file);
  std::vector<std::string> missing;
  if (bench.wrk.empty())
    missing.push_back("wrk is not installed (Debian: wrk)");
  for (const Peer* peer : {&bench.provserver, &bench.nginx, &bench.tftpd}) {
    if (!peer->unavailable.empty())
      missing.push_back(peer->unavailable);
  }
  std::cout << "peers on 127.0.0.1, file /" << kFileName << " (" << kFileBytes << " bytes): "
            << "provserver http " << bench.provserver.http_port << " tftp "
            << bench.provserver.tftp_port << ", nginx " << bench.nginx.http_port
            << " (one process), in.tftpd " << bench.tftpd.tftp_port << "; wrk -t1 -c"
            << bench.options.connections << "; each server " << bench.options.seconds << " s in "
            << slice_count(bench.options.seconds) << " slices alternating with its peer; "
            << bench.options.tftp_clients << " TFTP transfers in flight\n";
  for (const std::string& reason : missing)
    std::cout << "skipped: " << reason << "\n";
  std::cout << std::flush;

  // One iteration = one measurement of each server; its time is provserver's per request.
  auto configure = [](benchmark::internal::Benchmark* registered) {
    registered->Iterations(1)->UseManualTime()->Unit(benchmark::kMicrosecond);
  };
  const bool no_wrk = bench.wrk.empty();
  for (const bool close : {false, true}) {
    const std::string name =
        std::string(close ? "http_close" : "http_keepalive") + "/provserver_vs_nginx";
    configure(benchmark::RegisterBenchmark(
        name.c_str(), [&bench, close, no_wrk](benchmark::State& state) {
          if (no_wrk)
            state.SkipWithError("wrk is not installed");
          comparison_row(state, bench, bench.nginx, 0.5, [&](const Peer& peer, double seconds) {
            return wrk_measurement(bench, peer, close, wrk_seconds(seconds));
          });
        }));
  }
  configure(benchmark::RegisterBenchmark(
      "tftp_5k/provserver_vs_in.tftpd", [&bench](benchmark::State& state) {
        comparison_row(state, bench, bench.tftpd, 10.0, [&](const Peer& peer, double seconds) {
          return tftp_measurement(bench, peer, milliseconds(static_cast<long>(seconds * 1000)));
        });
      }));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  bench.provserver.process.reset();
  bench.nginx.process.reset();
  bench.tftpd.process.reset();
  std::error_code ignored;
  std::filesystem::remove_all(bench.work, ignored);
  if (bench.failed)
    return 1;
  return missing.empty() ? 0 : kExitPeerMissing;
}
