#include "firmware-core/target/asio_platform.h"

#include <sys/random.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <optional>
#include <vector>

namespace fw {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

constexpr std::size_t kDatagramBytesMax = 65536;
constexpr std::size_t kStreamReadBytes = 16384;

// Every stream reads into this one buffer (per thread: the io_context's handlers run on the
// thread that runs it). A stream waits for readability and then reads synchronously, so bytes
// sit in the buffer only while on_stream_data() looks at them, and an open connection costs no
// read buffer: `phonesim load` holds 10,000 of them in one process (bench/load_bench.cpp).
std::span<std::uint8_t> stream_read_buffer() {
  thread_local std::array<std::uint8_t, kStreamReadBytes> buffer;
  return buffer;
}

asio::ip::address_v4 to_asio(Ipv4Address address) { return asio::ip::address_v4(address.value); }
Ipv4Address from_asio(const asio::ip::address_v4& address) { return {address.to_uint()}; }

StreamFailure connect_failure(const boost::system::error_code& error) {
  if (error == asio::error::connection_refused) return StreamFailure::Refused;
  if (error == asio::error::timed_out) return StreamFailure::TimedOut;
  if (error == asio::error::host_unreachable || error == asio::error::network_unreachable) {
    return StreamFailure::Unreachable;
  }
  return StreamFailure::Refused;
}

}  // namespace

struct AsioPlatform::Timer {
  explicit Timer(asio::io_context& io) : timer(io) {}
  asio::steady_timer timer;
  std::uint64_t generation = 0;  // a firing whose generation is stale was re-set or cancelled
};

struct AsioPlatform::UdpSocket {
  explicit UdpSocket(asio::io_context& io) : socket(io) {}
  udp::socket socket;
  udp::endpoint sender;
  std::array<std::uint8_t, kDatagramBytesMax> buffer{};
};

// The smallest segment a TCP peer may be sent without asking: the IPv4 default MSS (RFC 9293).
constexpr std::size_t kSmallestSegmentBytes = 536;

struct AsioPlatform::Stream {
  explicit Stream(asio::io_context& io) : socket(io) {}
  tcp::socket socket;
  std::chrono::steady_clock::time_point connect_deadline;  // until connected
  bool connected = false;
  bool closing = false;  // close_stream(): shut down after the queued bytes, deliver nothing more
  bool writing = false;
  bool wrote = false;     // a write was started (Nagle's algorithm may hold back the next one)
  bool no_delay = false;  // TCP_NODELAY set
  std::deque<Bytes> outgoing;
};

struct AsioPlatform::Query {
  explicit Query(asio::io_context& io) : resolver(io) {}
  tcp::resolver resolver;
};

AsioPlatform::AsioPlatform(asio::io_context& io, FlashStore& flash, AsioPlatformOptions options)
    : io_(io),
      flash_(flash),
      options_(std::move(options)),
      epoch_(std::chrono::steady_clock::now()),
      connect_watch_(io) {}

AsioPlatform::~AsioPlatform() {
  // Handlers still queued hold shared_ptrs to their objects and check `this` state through the
  // maps; closing everything here makes them complete with operation_aborted.
  for (auto& [id, timer] : timers_) timer->timer.cancel();
  for (auto& [id, socket] : udp_sockets_) socket->socket.close();
  for (auto& [id, stream] : streams_) {
    boost::system::error_code ignored;
    stream->socket.close(ignored);
  }
  connect_watch_.cancel();
  for (auto& [id, query] : queries_) query->resolver.cancel();
}

void AsioPlatform::set_listener(PlatformEvents* listener) { listener_ = listener; }

Instant AsioPlatform::now() const {
  return Instant::from_nanoseconds(
      std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - epoch_).count());
}

WallTime AsioPlatform::wall_clock() const {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return {std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count()};
}

void AsioPlatform::set_timer(TimerId id, Instant deadline) {
  auto& slot = timers_[id];
  if (!slot) slot = std::make_shared<Timer>(io_);
  std::shared_ptr<Timer> timer = slot;
  const std::uint64_t generation = ++timer->generation;
  timer->timer.expires_at(epoch_ + deadline.since_epoch());
  timer->timer.async_wait([this, alive = alive_token(), id, timer, generation](const boost::system::error_code&) {
    if (alive.expired()) return;
// Whatever the error code says, only the latest arming may fire.
    if (timer->generation != generation) return;
    ++timer->generation;
    if (delivering()) listener_->on_timer(id);
  });
}

void AsioPlatform::cancel_timer(TimerId id) {
  auto found = timers_.find(id);
  if (found == timers_.end()) return;
  ++found->second->generation;
  found->second->timer.cancel();
}

Result<SocketId> AsioPlatform::open_udp(std::uint16_t port) {
  auto socket = std::make_shared<UdpSocket>(io_);
  boost::system::error_code error;
  socket->socket.open(udp::v4(), error);
  if (!error) socket->socket.bind(udp::endpoint(to_asio(options_.udp_bind_address), port), error);
  if (error) {
    return fail(ErrorCode::PortInUse, "udp port " + std::to_string(port) + ": " + error.message());
  }
  const SocketId id = next_handle();
  udp_sockets_.emplace(id, socket);
  receive_next(id, socket);
  return id;
}

void AsioPlatform::receive_next(SocketId id, const std::shared_ptr<UdpSocket>& socket) {
  socket->socket.async_receive_from(
      asio::buffer(socket->buffer), socket->sender,
      [this, alive = alive_token(), id, socket](const boost::system::error_code& error, std::size_t size) {
        if (alive.expired()) return;
if (error == asio::error::operation_aborted || !udp_sockets_.contains(id)) return;
        if (!error && delivering() && socket->sender.address().is_v4()) {
          Endpoint from{from_asio(socket->sender.address().to_v4()), socket->sender.port()};
          listener_->on_datagram(id, from, ByteSpan(socket->buffer.data(), size));
        }
        // The listener may have closed the socket while handling the datagram.
        if (udp_sockets_.contains(id)) receive_next(id, socket);
      });
}

std::uint16_t AsioPlatform::local_port(SocketId id) const {
  auto found = udp_sockets_.find(id);
  if (found == udp_sockets_.end()) return 0;
  boost::system::error_code error;
  auto endpoint = found->second->socket.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

void AsioPlatform::send_datagram(SocketId id, Endpoint to, ByteSpan payload) {
  auto found = udp_sockets_.find(id);
  if (found == udp_sockets_.end()) return;
  // UDP is best effort: a failed send is a lost datagram, as the Platform contract says.
  boost::system::error_code ignored;
  found->second->socket.send_to(asio::buffer(payload.data(), payload.size()),
                                udp::endpoint(to_asio(to.address), to.port), 0, ignored);
}

void AsioPlatform::close_udp(SocketId id) {
  auto found = udp_sockets_.find(id);
  if (found == udp_sockets_.end()) return;
  boost::system::error_code ignored;
  found->second->socket.close(ignored);
  udp_sockets_.erase(found);
}

StreamId AsioPlatform::connect_stream(Endpoint to) {
  const StreamId id = next_handle();
  auto stream = std::make_shared<Stream>(io_);
  streams_.emplace(id, stream);
  stream->connect_deadline = std::chrono::steady_clock::now() + options_.connect_timeout_ms;
  watch_connects(stream->connect_deadline);
  // Non-blocking from the start (read_next() reads synchronously once the socket is readable);
  // Asio then needs no ioctl of its own for the connect.
  boost::system::error_code open_error;
  stream->socket.open(tcp::v4(), open_error);
  if (!open_error) stream->socket.non_blocking(true, open_error);
  // No socket (out of descriptors) fails as a failed connect would; a source address that is not
  // usable (not local, or out of ports) as Unreachable.
  StreamFailure failure = connect_failure(open_error);
  if (!open_error && options_.stream_bind_address.value != 0) {
    stream->socket.bind(tcp::endpoint(to_asio(options_.stream_bind_address), 0), open_error);
    failure = StreamFailure::Unreachable;
  }
  if (open_error) {
    // From the loop (platform.h: no event from inside a call).
    asio::post(io_, [this, alive = alive_token(), id, failure] {
      if (!alive.expired()) fail_stream(id, failure);
    });
    return id;
  }
  // The connect itself, then a wait for writability and SO_ERROR: what Asio's async_connect
  // does, less the poll() it adds before reading SO_ERROR (one system call per connection;
  // `phonesim load` opens thousands a second).
  const tcp::endpoint peer(to_asio(to.address), to.port);
  int connected = ::connect(stream->socket.native_handle(), peer.data(), static_cast<socklen_t>(peer.size()));
  const int connect_errno = connected == 0 ? 0 : errno;
  if (connected != 0 && connect_errno != EINPROGRESS && connect_errno != EINTR) {
    const boost::system::error_code error(connect_errno, boost::system::system_category());
    asio::post(io_, [this, alive = alive_token(), id, stream, error] {
      if (alive.expired() || !streams_.contains(id) || streams_.at(id) != stream) return;
      fail_stream(id, connect_failure(error));
    });
    return id;
  }
  stream->socket.async_wait(
      tcp::socket::wait_write, [this, alive = alive_token(), id, stream](const boost::system::error_code& wait_error) {
        if (alive.expired()) return;
        if (!streams_.contains(id) || streams_.at(id) != stream) return;
        boost::system::error_code error = wait_error;
        if (!error) {
          int socket_error = 0;
          socklen_t length = sizeof socket_error;
          if (::getsockopt(stream->socket.native_handle(), SOL_SOCKET, SO_ERROR, &socket_error, &length) != 0) {
            socket_error = errno;
          }
          if (socket_error != 0) error = boost::system::error_code(socket_error, boost::system::system_category());
        }
        if (error) {
          fail_stream(id, connect_failure(error));
          return;
        }
        stream->connected = true;
        if (!stream->outgoing.empty()) write_next(id, stream);
        if (delivering()) listener_->on_stream_connected(id);
        if (streams_.contains(id) && !stream->closing) read_next(id, stream);
      });
  return id;
}

void AsioPlatform::read_next(StreamId id, const std::shared_ptr<Stream>& stream) {
  stream->socket.async_wait(
      tcp::socket::wait_read, [this, alive = alive_token(), id, stream](const boost::system::error_code& error) {
        if (alive.expired()) return;
        if (!streams_.contains(id) || streams_.at(id) != stream || stream->closing) return;
        if (error) {
          fail_stream(id, StreamFailure::Reset);
          return;
        }
        read_available(id, stream);
      });
}

void AsioPlatform::read_available(StreamId id, const std::shared_ptr<Stream>& stream) {
  const std::span<std::uint8_t> buffer = stream_read_buffer();
  // Reads until a short read (the kernel had no more, as Asio's own reads assume) instead of
  // waiting again after each full buffer: a wait for bytes already queued costs a loop turn.
  for (;;) {
    boost::system::error_code error;
    const std::size_t size = stream->socket.read_some(asio::buffer(buffer.data(), buffer.size()), error);
    if (error == asio::error::would_block || error == asio::error::try_again) break;
    if (error == asio::error::eof) {
      streams_.erase(id);
      if (delivering()) listener_->on_stream_closed(id);
      return;
    }
    if (error) {
      fail_stream(id, StreamFailure::Reset);
      return;
    }
    if (delivering()) listener_->on_stream_data(id, ByteSpan(buffer.data(), size));
    if (!streams_.contains(id) || stream->closing) return;
    if (size < buffer.size()) break;
  }
  read_next(id, stream);
}

void AsioPlatform::send(StreamId id, ByteSpan bytes) {
  auto found = streams_.find(id);
  if (found == streams_.end() || found->second->closing || bytes.empty()) return;
  auto stream = found->second;
  stream->outgoing.emplace_back(bytes.begin(), bytes.end());
  if (stream->connected && !stream->writing) write_next(id, stream);
}

void AsioPlatform::write_next(StreamId id, const std::shared_ptr<Stream>& stream) {
  if (stream->outgoing.empty()) {
    if (stream->closing) {
      // close() sends the FIN after the queued bytes (a shutdown() first would only cost a
      // system call: with unread bytes both end in an RST).
      boost::system::error_code ignored;
      stream->socket.close(ignored);
    }
    return;
  }
  // Nagle's algorithm holds back a short segment only while earlier bytes are unacknowledged: not
  // the first write of a connection that fits one segment (an HTTP GET, a TLS ClientHello).
  // TCP_NODELAY, a system call per connection, is set before any later write (the rest of a TLS
  // handshake, the request after it) or a longer first one, which Nagle would split and hold.
  if (!stream->no_delay && (stream->wrote || stream->outgoing.front().size() > kSmallestSegmentBytes)) {
    boost::system::error_code ignored;
    stream->socket.set_option(tcp::no_delay(true), ignored);
    stream->no_delay = true;
  }
  stream->wrote = true;
  stream->writing = true;
  asio::async_write(stream->socket, asio::buffer(stream->outgoing.front()),
                    [this, alive = alive_token(), id, stream](const boost::system::error_code& error, std::size_t) {
                      if (alive.expired()) return;
stream->writing = false;
                      if (error) {
                        if (!stream->closing && streams_.contains(id)) fail_stream(id, StreamFailure::Reset);
                        return;
                      }
                      stream->outgoing.pop_front();
                      write_next(id, stream);
                    });
}

void AsioPlatform::close_stream(StreamId id) {
  auto found = streams_.find(id);
  if (found == streams_.end()) return;
  auto stream = found->second;
  streams_.erase(found);  // no more events for it; the handlers keep the object alive
  stream->closing = true;
  if (!stream->connected) {
    boost::system::error_code ignored;
    stream->socket.close(ignored);
    return;
  }
  if (!stream->writing) write_next(id, stream);
}

void AsioPlatform::abort_stream(StreamId id) {
  auto found = streams_.find(id);
  if (found == streams_.end()) return;
  auto stream = found->second;
  streams_.erase(found);
  stream->closing = true;
  boost::system::error_code ignored;
  stream->socket.set_option(asio::socket_base::linger(true, 0), ignored);  // close sends RST
  stream->socket.close(ignored);
}

void AsioPlatform::fail_stream(StreamId id, StreamFailure failure) {
  auto found = streams_.find(id);
  if (found == streams_.end()) return;
  auto stream = found->second;
  streams_.erase(found);
  stream->closing = true;
  boost::system::error_code ignored;
  stream->socket.close(ignored);
  if (delivering()) listener_->on_stream_failed(id, failure);
}

void AsioPlatform::watch_connects(std::chrono::steady_clock::time_point deadline) {
  if (connect_watch_armed_ && connect_watch_expiry_ <= deadline) return;
  connect_watch_armed_ = true;
  connect_watch_expiry_ = deadline;
  connect_watch_.expires_at(deadline);  // a wait for a later deadline ends as operation_aborted
  connect_watch_.async_wait([this, alive = alive_token()](const boost::system::error_code& error) {
    if (alive.expired() || error == asio::error::operation_aborted) return;
    connect_watch_armed_ = false;
    fail_late_connects();
  });
}

void AsioPlatform::fail_late_connects() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<StreamId> late;
  std::optional<std::chrono::steady_clock::time_point> next;
  for (const auto& [id, stream] : streams_) {
    if (stream->connected || stream->closing) continue;
    if (stream->connect_deadline <= now) {
      late.push_back(id);
    } else if (!next || stream->connect_deadline < *next) {
      next = stream->connect_deadline;
    }
  }
  if (next) watch_connects(*next);
  std::sort(late.begin(), late.end());  // in the order they were opened
  // fail_stream() skips a stream an earlier failure's listener closed meanwhile.
  for (StreamId id : late) fail_stream(id, StreamFailure::TimedOut);
}

QueryId AsioPlatform::resolve(std::string_view host_name) {
  const QueryId id = next_handle();
  auto query = std::make_shared<Query>(io_);
  queries_.emplace(id, query);
  std::string name(host_name);
  query->resolver.async_resolve(
      tcp::v4(), name, "", [this, alive = alive_token(), id, query, name](const boost::system::error_code& error,
                                                   tcp::resolver::results_type results) {
        if (alive.expired()) return;
if (!queries_.contains(id)) return;
        queries_.erase(id);
        if (!delivering()) return;
        std::vector<Ipv4Address> addresses;
        if (!error) {
          for (const auto& entry : results) {
            auto address = entry.endpoint().address();
            if (!address.is_v4()) continue;
            Ipv4Address v4 = from_asio(address.to_v4());
            bool seen = false;
            for (auto known : addresses) seen |= known == v4;
            if (!seen) addresses.push_back(v4);
          }
        }
        if (addresses.empty()) {
          listener_->on_resolved(
              id, fail(ErrorCode::DnsFailed, name + ": " + (error ? error.message() : "no IPv4 address")));
          return;
        }
        listener_->on_resolved(id, std::move(addresses));
      });
  return id;
}

void AsioPlatform::fill_random(std::span<std::uint8_t> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    ssize_t result = ::getrandom(out.data() + filled, out.size() - filled, 0);
    if (result < 0) {
      if (errno == EINTR) continue;
      // getrandom only fails on a kernel without it (before 3.17); nothing sensible remains.
      std::perror("getrandom");
      std::abort();
    }
    filled += static_cast<std::size_t>(result);
  }
}

void AsioPlatform::trace(Severity severity, std::string_view component, std::string_view event,
                         std::span<const TraceField> fields) {
  if (options_.trace_output == nullptr) return;
  auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(now().since_epoch()).count();
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%lld.%06lld", static_cast<long long>(elapsed_us / 1'000'000),
                static_cast<long long>(elapsed_us % 1'000'000));
  std::ostream& out = *options_.trace_output;
  out << stamp << ' ' << to_string(severity) << ' ' << component << ' ' << event;
  for (const TraceField& field : fields) out << ' ' << field.key << '=' << field.value;
  out << '\n';
  out.flush();
}

void AsioPlatform::reboot() {
  if (rebooting_) return;
  rebooting_ = true;
  for (auto& [id, timer] : timers_) {
    ++timer->generation;
    timer->timer.cancel();
  }
  asio::post(io_, [this, alive = alive_token()] {
    if (alive.expired()) return;
    if (options_.on_reboot) options_.on_reboot();
  });
}

}  // namespace fw
