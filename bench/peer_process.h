#pragma once

// Real servers and load tools run by bench_server as child processes: started in their own
// process group, killed with everything they forked (in.tftpd forks per request, nginx has
// workers) when the PeerProcess is destroyed, when the bench is interrupted (SIGINT, SIGTERM,
// SIGHUP) and, for the direct child, when the bench dies (PR_SET_PDEATHSIG).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench {

class PeerProcess {
 public:
  // Starts `argv` (argv[0] searched in PATH) with stdout and stderr appended to the given files
  // ("/dev/null" to discard). Empty optional when fork or exec fails (exec failing shows as an
  // exit status of 127 instead: check running()).
  static std::optional<PeerProcess> start(const std::vector<std::string>& argv,
                                          const std::string& stdout_path,
                                          const std::string& stderr_path);
  PeerProcess(PeerProcess&& other) noexcept;
  PeerProcess& operator=(PeerProcess&& other) noexcept;  // stops this one first
  PeerProcess(const PeerProcess&) = delete;
  ~PeerProcess();

  // False once the child has exited (its status is then kept in exit_status()).
  bool running();
  // Waits up to `limit` for the child to exit by itself; its exit status (128 + signal when
  // killed by one), or nullopt if it is still running.
  std::optional<int> wait_for_exit(std::chrono::milliseconds limit);
  std::optional<int> exit_status() const { return exit_status_; }
  pid_t pid() const { return pid_; }
  // SIGTERM to the process group, then SIGKILL after a grace period; reaps the child.
  void stop();

 private:
  explicit PeerProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

// CPU time (user + system) of process `pid` and of its children it has reaped (in.tftpd's
// per-request forks), from /proc/PID/stat in clock ticks; -1 when unreadable.
double cpu_seconds(pid_t pid);

// The full path of `program` in PATH (or `program` itself when it contains a '/' and is
// executable); empty when not found.
std::string find_program(const std::string& program);

// A loopback port that was free a moment ago (bound to 127.0.0.1:0, then released). SOCK_STREAM
// or SOCK_DGRAM.
std::uint16_t free_loopback_port(int socket_type);

// True once a TCP connection to 127.0.0.1:`port` succeeds, trying for up to `limit`.
bool wait_for_tcp_listener(std::uint16_t port, std::chrono::milliseconds limit);

}  // namespace bench
