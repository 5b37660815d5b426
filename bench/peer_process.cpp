#include "bench/peer_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace bench {
namespace {

// Process groups to kill when the bench is interrupted; read by the signal handler, so fixed
// slots of atomics (0 = free).
constexpr std::size_t kGroupSlots = 16;
std::array<std::atomic<pid_t>, kGroupSlots> live_groups{};

void forget_group(pid_t group) {
  for (auto& slot : live_groups) {
    pid_t expected = group;
    if (slot.compare_exchange_strong(expected, 0))
      return;
  }
}

void remember_group(pid_t group) {
  for (auto& slot : live_groups) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, group))
      return;
  }
  // More peers than slots: an interrupt cannot reach this one, PR_SET_PDEATHSIG still does.
}

extern "C" void kill_groups_and_exit(int signal_number) {
  for (auto& slot : live_groups) {
    const pid_t group = slot.load();
    if (group > 0)
      kill(-group, SIGKILL);
  }
  _exit(128 + signal_number);
}

void install_interrupt_handler() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = kill_groups_and_exit;
    sigemptyset(&action.sa_mask);
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP})
      sigaction(signal_number, &action, nullptr);
    return true;
  }();
  (void)installed;
}

int decoded_status(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return -1;
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

std::optional<PeerProcess> PeerProcess::start(const std::vector<std::string>& argv,
                                              const std::string& stdout_path,
                                              const std::string& stderr_path) {
  if (argv.empty())
    return std::nullopt;
  install_interrupt_handler();
  // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
  std::vector<char*> arguments;
  arguments.reserve(argv.size() + 1);
  for (const std::string& argument : argv)
    arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  const int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0 || err < 0) {
    if (out >= 0)
      close(out);
    if (err >= 0)
      close(err);
    return std::nullopt;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(126);  // the bench died before prctl took effect
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    const int null_input = open("/dev/null", O_RDONLY);
    if (null_input >= 0)
      dup2(null_input, STDIN_FILENO);
    execvp(arguments[0], arguments.data());
    _exit(127);
  }
  close(out);
  close(err);
  if (pid < 0)
    return std::nullopt;
  setpgid(pid, pid);  // also here: no window in which a kill of the group misses the child
  remember_group(pid);
  return PeerProcess(pid);
}

PeerProcess::PeerProcess(PeerProcess&& other) noexcept
    : pid_(other.pid_), exit_status_(other.exit_status_) {
  other.pid_ = -1;
}

PeerProcess& PeerProcess::operator=(PeerProcess&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = other.pid_;
    exit_status_ = other.exit_status_;
    other.pid_ = -1;
  }
  return *this;
}

PeerProcess::~PeerProcess() {
  stop();
}

bool PeerProcess::running() {
  if (pid_ < 0 || exit_status_)
    return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_status_ = decoded_status(status);
    return false;
  }
  return true;
}

std::optional<int> PeerProcess::wait_for_exit(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (running()) {
    if (std::chrono::steady_clock::now() >= until)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_status_;
}

void PeerProcess::stop() {
  if (pid_ < 0)
    return;
  // The group outlives its leader when the leader forked (in.tftpd's transfers): kill it whole.
  kill(-pid_, SIGTERM);
  if (!wait_for_exit(std::chrono::seconds(3)))
    kill(-pid_, SIGKILL);
  wait_for_exit(std::chrono::seconds(3));
  kill(-pid_, SIGKILL);
  forget_group(pid_);
  pid_ = -1;
}

double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // "PID (COMM) STATE ..." where COMM may hold spaces: the fields counted after the last ')'.
  const std::size_t comm_end = text.rfind(')');
  if (comm_end == std::string::npos)
    return -1;
  std::istringstream fields(text.substr(comm_end + 1));
  std::string field;
  // Fields 3..13 (state .. cmajflt), then utime, stime, cutime, cstime (proc(5)).
  for (int skipped = 3; skipped <= 13; ++skipped)
    fields >> field;
  long long utime = 0, stime = 0, cutime = 0, cstime = 0;
  if (!(fields >> utime >> stime >> cutime >> cstime))
    return -1;
  return static_cast<double>(utime + stime + cutime + cstime) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0 ? program : std::string();
  }
  const char* path = std::getenv("PATH");
  std::istringstream directories(path ? std::string(path) + ":/usr/sbin:/sbin"
                                      : std::string("/usr/bin:/bin:/usr/sbin:/sbin"));
  for (std::string directory; std::getline(directories, directory, ':');) {
    if (directory.empty())
      continue;
    const std::string candidate = directory + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

std::uint16_t free_loopback_port(int socket_type) {
  const int socket_fd = socket(AF_INET, socket_type | SOCK_CLOEXEC, 0);
  if (socket_fd < 0)
    return 0;
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  std::uint16_t port = 0;
  if (bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(socket_fd);
  return port;
}

bool wait_for_tcp_listener(std::uint16_t port, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  do {
    const int socket_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (socket_fd < 0)
      return false;
    const sockaddr_in address = loopback(port);
    const bool connected =
        connect(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    close(socket_fd);
    if (connected)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < until);
  return false;
}

}  // namespace bench
