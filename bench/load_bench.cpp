// bench_load: `phonesim load`'s machinery against real peers on loopback (issue #10), each pair
// measured in the same run, in alternating rounds (ours, peer, ours, peer, ...) so that a change in
// the machine's other load hits both sides alike; the ratio is printed as a counter:
//
//   http_resyncs/phones:P       P phones resync back to back from nginx (one connection per
//                               resync, as phones do: GET of a 5.2 KB profile, applied), against
//                               wrk -t1 -cP -H 'Connection: close' on the same nginx and file.
//                               Counters: ours_per_s, wrk_per_s, ratio (target >= 0.8), and the
//                               CPU time per request of each client side (ours_cpu_us,
//                               wrk_cpu_us: user + system, getrusage), which on a loaded machine
//                               says more than the rates.
//   https_handshakes/phones:P/s_time_clients:C
//                               P phones resync back to back over HTTPS (a full TLS 1.3 handshake
//                               with ECDSA P-256 per resync, no session reuse, then the GET)
//                               against C parallel `openssl s_time -new` (handshake only) on the
//                               same nginx. Counters as above (s_time_per_s, s_time_cpu_us; target
//                               >= 0.8), and against `s_time -new -www /profile.xml` (each new
//                               connection also GETs the profile, as the phone does):
//                               s_time_www_per_s, ratio_www, s_time_www_cpu_us. P = C = 1 compares one sequential client each (bound by
//                               round trips); P = 32, C = 2 each side's throughput on this 2-core
//                               machine (one s_time process per core; ours is one thread).
//   held_connections/phones:N   N phones connected at once to a server (a forked child) that
//                               accepts and never answers; counters held, rss_per_phone_bytes
//                               (the process's resident memory growth over the run / N) and
//                               heap_per_phone_bytes (glibc mallinfo2 in-use growth / N); the
//                               kernel's socket buffers are in neither.
//
// Each benchmark is one iteration (the work is seconds of real traffic). `--load_smoke` runs tiny
// counts for ctest (bench_load_smoke) and still checks that every side did work (a side that did
// none fails the run). Skips (exit 77, "skipped: ...") when nginx, wrk or openssl is missing.
// Traffic only to 127.0.0.1.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "bench/peer_process.h"
#include "load/load_run.h"

namespace {
namespace asio = boost::asio;

constexpr int kSkipped = 77;  // ctest SKIP_RETURN_CODE
bool smoke = false;
bool any_failed = false;  // the exit code: Google Benchmark exits 0 after an errored benchmark

void fail(benchmark::State& state, const std::string& why) {
  any_failed = true;
  state.SkipWithError(why.c_str());
}
std::filesystem::path work;

// Each side's share of a benchmark: rounds() rounds of seconds_per_round() (wrk and s_time take
// whole seconds), alternating with the peer's. About 16 s per benchmark (24 s for
// https_handshakes, which has two peers), 2-3 s in the smoke run.
int rounds() { return smoke ? 1 : 4; }
int seconds_per_round() { return smoke ? 1 : 2; }

// What one side did over its rounds.
struct Side {
  double requests = 0;
  double seconds = 0;
  double cpu_seconds = 0;  // user + system of the client side
  double per_second() const { return seconds > 0 ? requests / seconds : 0; }
  double cpu_us_per_request() const { return requests > 0 ? cpu_seconds * 1e6 / requests : 0; }
};

double cpu_seconds(int who) {
  rusage usage{};
  ::getrusage(who, &usage);
  const auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void set_counters(benchmark::State& state, const Side& ours, const Side& peer, const std::string& peer_name) {
  state.counters["ours_per_s"] = ours.per_second();
  state.counters[peer_name + "_per_s"] = peer.per_second();
  state.counters["ratio"] = peer.per_second() > 0 ? ours.per_second() / peer.per_second() : 0;
  state.counters["ours_cpu_us"] = ours.cpu_us_per_request();
  state.counters[peer_name + "_cpu_us"] = peer.cpu_us_per_request();
  if (ours.requests <= 0 || peer.requests <= 0) fail(state, "a side did no work (see stderr)");
}

std::string run_capture(const std::string& command) {
  std::string output;
  if (FILE* pipe = ::popen((command + " 2>&1").c_str(), "r")) {
    char buffer[4096];
    while (std::size_t count = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, count);
    ::pclose(pipe);
  }
  return output;
}

std::uint64_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

std::uint64_t heap_bytes() { return ::mallinfo2().uordblks; }

// nginx as this user in `work`, one worker (wrk and the phones are one thread each too); a
// bench::PeerProcess, so it goes with its process group whatever ends the bench.
class Nginx {
 public:
  explicit Nginx(const std::string& listen_extra) : port_(bench::free_loopback_port(SOCK_STREAM)) {
    const std::string dir = work.string();
    std::ofstream conf(work / "nginx.conf");
    conf << "daemon off; master_process off; worker_processes 1; pid " << dir << "/nginx.pid;\n"
         << "error_log " << dir << "/error.log error; worker_rlimit_nofile 20000;\n"
         << "events { worker_connections 16384; }\n"
         << "http { access_log off; client_body_temp_path " << dir << "/tmp; proxy_temp_path " << dir
         << "/tmp; fastcgi_temp_path " << dir << "/tmp; uwsgi_temp_path " << dir << "/tmp; scgi_temp_path "
         << dir << "/tmp;\n  server { listen 127.0.0.1:" << port_ << " " << listen_extra << "; root " << dir
         << "/root; }\n}\n";
    conf.close();
    process_ = bench::PeerProcess::start({bench::find_program("nginx"), "-p", dir, "-c", dir + "/nginx.conf", "-e",
                                          dir + "/error.log"},
                                         "/dev/null", dir + "/nginx.err");
    ready_ = process_ && bench::wait_for_tcp_listener(port_, std::chrono::seconds(5));
    if (!ready_) std::cerr << "nginx did not start (see " << dir << "/error.log)\n";
  }
  std::uint16_t port() const { return port_; }
  bool ready() const { return ready_; }

 private:
  std::uint16_t port_;
  std::optional<bench::PeerProcess> process_;
  bool ready_ = false;
};

// A back-to-back load run of `phones` phones for `seconds`, added to `ours`.
void load_round(Side& ours, const std::string& rule, std::uint64_t phones, int seconds,
                const std::string& ca_file = {}) {
  load::LoadSettings settings;
  load::LoadPhoneGroup group;
  group.spec.count = phones;
  group.spec.parameters = {{"Profile_Rule", rule}, {"Resync_Random_Delay", "0"}, {"Resync_Periodic", "0"}};
  settings.groups = {group};
  settings.back_to_back = true;
  settings.duration = fw::seconds(seconds);
  if (!ca_file.empty()) {
    std::ifstream in(ca_file);
    std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fw::TlsContextOptions options;
    options.trusted_certificates_pem = fw::pem_certificate_blocks(pem);
    settings.tls_context = *fw::TlsContext::create(options);
    settings.builtin_roots_pem = options.trusted_certificates_pem;
  }
  load::LoadRun run(std::move(settings));
  if (!run.prepare()) return;
  const double cpu_before = cpu_seconds(RUSAGE_SELF);
  const load::LoadOutcome outcome = run.run();
  ours.cpu_seconds += cpu_seconds(RUSAGE_SELF) - cpu_before;
  ours.seconds += static_cast<double>(outcome.real_elapsed.count()) / 1e9;
  ours.requests += static_cast<double>(run.metrics().resyncs_succeeded());
  if (run.metrics().resyncs_failed() > 0) {
    std::cerr << "load: " << run.metrics().resyncs_failed() << " resyncs failed:";
    for (const auto& [err, count] : run.metrics().errors_by_err()) std::cerr << " " << err << " " << count;
    std::cerr << "\n";
  }
}

// Runs `command` (a client peer), adding its CPU time (it and its shell are waited for) to `peer`.
std::string peer_round(Side& peer, const std::string& command) {
  const double cpu_before = cpu_seconds(RUSAGE_CHILDREN);
  std::string output = run_capture(command);
  peer.cpu_seconds += cpu_seconds(RUSAGE_CHILDREN) - cpu_before;
  return output;
}

void write_profile() {
  std::filesystem::create_directories(work / "root");
  std::filesystem::create_directories(work / "tmp");
  // About 5 KB that leaves the rules alone (so every resync fetches the same file): the general
  // purpose parameters GPP_A..GPP_P with 300 characters each.
  std::string profile = "<flat-profile>\n";
  for (char letter = 'A'; letter <= 'P'; ++letter) {
    profile += std::string("  <GPP_") + letter + ">" + std::string(300, static_cast<char>('a' + (letter - 'A'))) +
               "</GPP_" + letter + ">\n";
  }
  profile += "</flat-profile>\n";
  std::ofstream(work / "root" / "profile.xml") << profile;
}

void http_resyncs(benchmark::State& state) {
  const auto phones = static_cast<std::uint64_t>(state.range(0));
  write_profile();
  Nginx nginx("");
  if (!nginx.ready()) {
    fail(state, "nginx did not start");
    return;
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(nginx.port()) + "/profile.xml";
  Side ours;
  Side wrk;
  for (auto _ : state) {
    for (int round = 0; round < rounds(); ++round) {
      load_round(ours, url, phones, seconds_per_round());
      const std::string output =
          peer_round(wrk, "wrk -t1 -c" + std::to_string(phones) + " -d" + std::to_string(seconds_per_round()) +
                              "s -H 'Connection: close' " + url);
      // "  12345 requests in 2.00s, 64.1MB read"
      std::smatch match;
      if (std::regex_search(output, match, std::regex(R"(([0-9]+) requests in ([0-9.]+)s)"))) {
        wrk.requests += std::stod(match[1]);
        wrk.seconds += std::stod(match[2]);
      } else {
        std::cerr << "wrk: " << output.substr(0, 400) << "\n";
      }
    }
  }
  set_counters(state, ours, wrk, "wrk");
}

void https_handshakes(benchmark::State& state) {
  const auto phones = static_cast<std::uint64_t>(state.range(0));
  const auto clients = static_cast<std::uint64_t>(state.range(1));
  write_profile();
  const std::string dir = work.string();
  const std::string ec = "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
  run_capture(ec + "-x509 -days 2 -subj /CN=bench-ca -keyout " + dir + "/ca.key -out " + dir + "/ca.pem");
  run_capture(ec + "-subj /CN=127.0.0.1 -keyout " + dir + "/server.key -out " + dir + "/server.csr");
  std::ofstream(work / "server.ext") << "subjectAltName=IP:127.0.0.1\n";
  run_capture("openssl x509 -req -in " + dir + "/server.csr -CA " + dir + "/ca.pem -CAkey " + dir +
              "/ca.key -CAcreateserial -days 2 -extfile " + dir + "/server.ext -out " + dir + "/server.pem");
  Nginx nginx("ssl; ssl_certificate " + dir + "/server.pem; ssl_certificate_key " + dir +
              "/server.key; ssl_protocols TLSv1.3; ssl_session_cache off; ssl_session_tickets off");
  if (!nginx.ready()) {
    fail(state, "nginx did not start");
    return;
  }
  const std::string port = std::to_string(nginx.port());
  Side ours;
  Side s_time;
  Side s_time_www;
  // One round of `clients` parallel s_time processes (handshakes only, or with `-www PAGE` a GET
  // of PAGE over each new connection too: the phone's work), added to `side`.
  const auto s_time_round = [&](Side& side, const std::string& www) {
    std::string command;
    for (std::uint64_t client = 0; client < clients; ++client) {
      command += "openssl s_time -connect 127.0.0.1:" + port + " -new " + www + "-time " +
                 std::to_string(seconds_per_round()) + " & ";
    }
    // s_time checks its -time against time(), whole seconds, so a round of -time 2 runs for
    // 2 to 3 s ("in 3 real seconds"): the round's own wall time is the divisor, not -time.
    const auto started = std::chrono::steady_clock::now();
    const std::string output = peer_round(side, command + "wait");
    side.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // Each s_time prints "N connections in T real seconds, ..." for its run; the clients ran
    // side by side, so their connections add up over the round.
    const std::regex connections(R"(([0-9]+) connections in ([0-9]+) real seconds)");
    std::uint64_t found = 0;
    for (auto it = std::sregex_iterator(output.begin(), output.end(), connections); it != std::sregex_iterator();
         ++it, ++found) {
      side.requests += std::stod((*it)[1]);
    }
    if (found == 0) std::cerr << "openssl s_time: " << output.substr(0, 400) << "\n";
  };
  for (auto _ : state) {
    for (int round = 0; round < rounds(); ++round) {
      load_round(ours, "https://127.0.0.1:" + port + "/profile.xml", phones, seconds_per_round(), dir + "/ca.pem");
      s_time_round(s_time, "");
      s_time_round(s_time_www, "-www /profile.xml ");
    }
  }
  set_counters(state, ours, s_time, "s_time");
  // The same work as a phone's resync: handshake, GET of the profile, close.
  state.counters["s_time_www_per_s"] = s_time_www.per_second();
  state.counters["ratio_www"] = s_time_www.per_second() > 0 ? ours.per_second() / s_time_www.per_second() : 0;
  state.counters["s_time_www_cpu_us"] = s_time_www.cpu_us_per_request();
  if (s_time_www.requests <= 0) fail(state, "s_time -www did no work (see stderr)");
}

// A forked server that accepts and reads, never answers; reports the held count on a pipe.
void hold_server(int listen_fd, int report_fd) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::v4(), listen_fd);
  std::vector<std::shared_ptr<asio::ip::tcp::socket>> held;
  std::function<void()> accept_next = [&] {
    acceptor.async_accept([&](const boost::system::error_code& error, asio::ip::tcp::socket socket) {
      if (!error) {
        held.push_back(std::make_shared<asio::ip::tcp::socket>(std::move(socket)));
        const std::uint64_t count = held.size();
        if (::write(report_fd, &count, sizeof count) < 0) ::_exit(1);
      }
      accept_next();
    });
  };
  accept_next();
  io.run_for(std::chrono::seconds(120));  // bounded even if the parent never kills it
  ::_exit(0);
}

void held_connections(benchmark::State& state) {
  const auto phones = static_cast<std::uint64_t>(state.range(0));
  // Soft limit up to the hard one, before the fork: the holding child needs as many descriptors.
  if (auto limit = load::raise_descriptor_limit(phones); !limit) {
    fail(state, limit.error().detail);
    return;
  }
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address_v4("127.0.0.1"), 0});
  acceptor.listen(asio::socket_base::max_listen_connections);
  const std::uint16_t port = acceptor.local_endpoint().port();
  int report[2];
  if (::pipe(report) != 0) {
    fail(state, "pipe");
    return;
  }
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(report[0]);
    hold_server(::dup(acceptor.native_handle()), report[1]);
  }
  ::close(report[1]);
  ::fcntl(report[0], F_SETFL, O_NONBLOCK);  // read from the phones' loop: never block it
  acceptor.close();
  std::uint64_t held = 0;
  double rss_per_phone = 0;
  double heap_per_phone = 0;
  for (auto _ : state) {
    const std::uint64_t rss_before = rss_bytes();
    const std::uint64_t heap_before = heap_bytes();
    load::LoadSettings settings;
    load::LoadPhoneGroup group;
    group.spec.count = phones;
    group.spec.parameters = {{"Profile_Rule", "http://127.0.0.1:" + std::to_string(port) + "/profile.xml"},
                             {"Resync_Random_Delay", "0"}};
    settings.groups = {group};
    settings.ramp = *load::Ramp::parse("5000/s");
    settings.duration = fw::seconds(30);  // bounded if the server never holds them all
    settings.progress_interval = std::chrono::milliseconds(100);
    load::LoadRun* running = nullptr;
    settings.progress = [&](fw::Duration, const load::LoadMetrics&) {
      std::uint64_t count = 0;
      while (held < phones && ::read(report[0], &count, sizeof count) == sizeof count) {
        held = count;
        if (held >= phones) break;
      }
      if (held >= phones && running != nullptr) {
        rss_per_phone = static_cast<double>(rss_bytes() - rss_before) / static_cast<double>(phones);
        heap_per_phone = static_cast<double>(heap_bytes() - heap_before) / static_cast<double>(phones);
        running->stop();
      }
    };
    load::LoadRun run(std::move(settings));
    running = &run;
    if (!run.prepare()) {
      fail(state, "prepare failed");
      break;
    }
    run.run();
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(report[0]);
  state.counters["held"] = static_cast<double>(held);
  state.counters["rss_per_phone_bytes"] = rss_per_phone;
  state.counters["heap_per_phone_bytes"] = heap_per_phone;
  if (held < phones) fail(state, "not every phone was held");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> arguments;
  for (int index = 0; index < argc; ++index) {
    if (std::strcmp(argv[index], "--load_smoke") == 0) {
      smoke = true;
    } else {
      arguments.push_back(argv[index]);
    }
  }
  for (const char* tool : {"nginx", "wrk", "openssl"}) {
    if (bench::find_program(tool).empty()) {
      std::cout << "skipped: " << tool << " is not installed (scripts/setup installs it)\n";
      return kSkipped;
    }
  }
  work = std::filesystem::temp_directory_path() / ("bench_load." + std::to_string(::getpid()));
  std::filesystem::create_directories(work);
  ::signal(SIGPIPE, SIG_IGN);
  const std::int64_t held = smoke ? 20 : 10'000;
  benchmark::RegisterBenchmark("http_resyncs", http_resyncs)->ArgName("phones")->Arg(smoke ? 2 : 64)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
  benchmark::RegisterBenchmark("https_handshakes", https_handshakes)->ArgNames({"phones", "s_time_clients"})->Args({1, 1})->Args({smoke ? 4 : 32, 2})->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
  benchmark::RegisterBenchmark("held_connections", held_connections)->ArgName("phones")->Arg(held)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
  int count = static_cast<int>(arguments.size());
  benchmark::Initialize(&count, arguments.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(work);
  return any_failed ? 1 : 0;
}
