// AsioPlatform on loopback: the behaviours the simulator's platform also has (the shared
// conformance suite runs against both once it exists), plus what only real sockets show.

#include "firmware-core/target/asio_platform.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sim/flash/sim_flash.h"

namespace fw {
namespace {
namespace asio = boost::asio;

const Ipv4Address kLoopback = *Ipv4Address::parse("127.0.0.1");

// Records every event; the test decides when the io_context has run long enough.
class RecordingListener : public PlatformEvents {
 public:
  void on_timer(TimerId timer) override { log.push_back("timer " + std::to_string(timer)); }
  void on_datagram(SocketId socket, Endpoint from, ByteSpan payload) override {
    log.push_back("datagram " + std::to_string(socket) + " " + std::string(as_text(payload)));
    last_sender = from;
  }
  void on_stream_connected(StreamId) override { log.push_back("connected"); }
  void on_stream_data(StreamId, ByteSpan bytes) override { received += as_text(bytes); }
  void on_stream_closed(StreamId) override { log.push_back("closed"); }
  void on_stream_failed(StreamId, StreamFailure failure) override {
    log.push_back("failed " + std::string(to_string(failure)));
  }
  void on_resolved(QueryId, Result<std::vector<Ipv4Address>> addresses) override {
    log.push_back(addresses ? "resolved " + addresses->front().to_string()
                            : "resolve failed " + std::string(err_text(addresses.error().code)));
  }

  std::vector<std::string> log;
  std::string received;
  Endpoint last_sender;
};

class AsioPlatformTest : public ::testing::Test {
 protected:
  AsioPlatformTest() : platform_(io_, flash_, options()) { platform_.set_listener(&listener_); }

  AsioPlatformOptions options() {
    AsioPlatformOptions result;
    result.trace_output = &trace_;
    result.connect_timeout_ms = std::chrono::milliseconds(2000);
    return result;
  }

  // Runs the loop until `done` holds or five seconds pass (tests never hang).
  template <class Predicate>
  bool run_until(Predicate done) {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < give_up) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  asio::io_context io_;
  sim::SimFlash flash_;
  std::ostringstream trace_;
  AsioPlatform platform_;
  RecordingListener listener_;
};

TEST_F(AsioPlatformTest, TimersFireInDeadlineOrderAndResetReplaces) {
  Instant start = platform_.now();
  platform_.set_timer(1, start + milliseconds(30));
  platform_.set_timer(2, start + milliseconds(10));
  platform_.set_timer(3, start + milliseconds(20));
  platform_.set_timer(3, start + milliseconds(40));  // replaces the 20 ms deadline
  platform_.set_timer(4, start + milliseconds(15));
  platform_.cancel_timer(4);
  ASSERT_TRUE(run_until([&] { return listener_.log.size() >= 3; }));
  io_.run_for(std::chrono::milliseconds(30));
  EXPECT_EQ(listener_.log, (std::vector<std::string>{"timer 2", "timer 1", "timer 3"}));
  EXPECT_GE(platform_.now() - start, milliseconds(40));
}

TEST_F(AsioPlatformTest, PastDeadlineFiresFromTheLoopNotFromTheCall) {
  platform_.set_timer(7, platform_.now() - seconds(1));
  EXPECT_TRUE(listener_.log.empty());
  ASSERT_TRUE(run_until([&] { return !listener_.log.empty(); }));
  EXPECT_EQ(listener_.log.front(), "timer 7");
}

TEST_F(AsioPlatformTest, UdpDatagramsTravelBetweenSockets) {
  auto first = platform_.open_udp(0);
  auto second = platform_.open_udp(0);
  ASSERT_TRUE(first && second);
  std::uint16_t second_port = platform_.local_port(*second);
  ASSERT_NE(second_port, 0);
  platform_.send_datagram(*first, {kLoopback, second_port}, as_bytes("ping"));
  ASSERT_TRUE(run_until([&] { return !listener_.log.empty(); }));
  EXPECT_EQ(listener_.log.front(), "datagram " + std::to_string(*second) + " ping");
  EXPECT_EQ(listener_.last_sender.port, platform_.local_port(*first));
}

TEST_F(AsioPlatformTest, BindingATakenPortFails) {
  auto first = platform_.open_udp(0);
  ASSERT_TRUE(first);
  auto second = platform_.open_udp(platform_.local_port(*first));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::PortInUse);
}

TEST_F(AsioPlatformTest, StreamConnectToAClosedPortIsRefused) {
  std::uint16_t closed_port;
  {
    asio::ip::tcp::acceptor probe(io_, {asio::ip::tcp::v4(), 0});
    closed_port = probe.local_endpoint().port();
  }
  platform_.connect_stream({kLoopback, closed_port});
  ASSERT_TRUE(run_until([&] { return !listener_.log.empty(); }));
  EXPECT_EQ(listener_.log.front(), "failed refused");
}

// A listener whose accept queue (backlog 0) already holds one connection: the kernel drops every
// further SYN, so a connect to it is never answered.
class UnansweringListener {
 public:
  explicit UnansweringListener(asio::io_context& io) : queued_(io) {
    descriptor_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(descriptor_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(descriptor_, 0) != 0 ||
        ::getsockname(descriptor_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "listener: " << std::strerror(errno);
    }
    port_ = ntohs(address.sin_port);
    queued_.connect({asio::ip::address_v4::loopback(), port_});
  }
  ~UnansweringListener() { ::close(descriptor_); }
  std::uint16_t port() const { return port_; }

 private:
  int descriptor_ = -1;
  std::uint16_t port_ = 0;
  asio::ip::tcp::socket queued_;
};

// One timer watches every connect in progress: each stream fails at its own deadline, in the
// order opened, and a later connect does not postpone an earlier one (the first fails before the
// second's deadline; the 400 ms between them leave room for a slow, loaded test machine).
TEST_F(AsioPlatformTest, UnansweredConnectsTimeOutEachAtItsDeadline) {
  UnansweringListener listener(io_);
  AsioPlatformOptions options;
  options.connect_timeout_ms = std::chrono::milliseconds(600);
  AsioPlatform platform(io_, flash_, options);
  std::vector<std::pair<StreamId, std::chrono::steady_clock::duration>> failures;
  struct Listener final : RecordingListener {
    std::function<void(StreamId)> failed;
    void on_stream_failed(StreamId stream, StreamFailure failure) override {
      RecordingListener::on_stream_failed(stream, failure);
      failed(stream);
    }
  } events;
  const auto start = std::chrono::steady_clock::now();
  events.failed = [&](StreamId stream) {
    failures.emplace_back(stream, std::chrono::steady_clock::now() - start);
  };
  platform.set_listener(&events);
  const StreamId first = platform.connect_stream({kLoopback, listener.port()});
  io_.run_for(std::chrono::milliseconds(400));
  const StreamId second = platform.connect_stream({kLoopback, listener.port()});
  ASSERT_TRUE(run_until([&] { return failures.size() >= 2; }));
  EXPECT_EQ(events.log, (std::vector<std::string>{"failed timed out", "failed timed out"}));
  EXPECT_EQ(failures[0].first, first);
  EXPECT_EQ(failures[1].first, second);
  EXPECT_GE(failures[0].second, std::chrono::milliseconds(600));
  EXPECT_LT(failures[0].second, std::chrono::milliseconds(1000));  // not at the second's deadline
  EXPECT_GE(failures[1].second, std::chrono::milliseconds(1000));
}

// A stream that connected outlives its connect deadline untouched.
TEST_F(AsioPlatformTest, AConnectedStreamIsNotTimedOut) {
  asio::ip::tcp::acceptor acceptor(io_, {asio::ip::address_v4::loopback(), 0});
  asio::ip::tcp::socket server(io_);
  acceptor.async_accept(server, [](const boost::system::error_code&) {});
  AsioPlatformOptions options;
  options.connect_timeout_ms = std::chrono::milliseconds(50);
  AsioPlatform platform(io_, flash_, options);
  RecordingListener events;
  platform.set_listener(&events);
  const StreamId stream = platform.connect_stream({kLoopback, acceptor.local_endpoint().port()});
  ASSERT_TRUE(run_until([&] { return !events.log.empty(); }));
  io_.run_for(std::chrono::milliseconds(150));
  platform.send(stream, as_bytes("still here"));
  std::string received(10, '\0');
  io_.run_for(std::chrono::milliseconds(50));
  asio::read(server, asio::buffer(received));
  EXPECT_EQ(events.log, (std::vector<std::string>{"connected"}));
  EXPECT_EQ(received, "still here");
}

TEST_F(AsioPlatformTest, StreamCarriesBytesBothWaysAndSeesThePeerClose) {
  asio::ip::tcp::acceptor acceptor(io_, {asio::ip::address_v4::loopback(), 0});
  asio::ip::tcp::socket server(io_);
  std::string request(5, '\0');
  acceptor.async_accept(server, [&](const boost::system::error_code& error) {
    ASSERT_FALSE(error);
    asio::async_read(server, asio::buffer(request), [&](const boost::system::error_code& read_error,
                                                        std::size_t) {
      ASSERT_FALSE(read_error);
      asio::write(server, asio::buffer(std::string("reply to ") + request));
      server.shutdown(asio::ip::tcp::socket::shutdown_send);
    });
  });
  StreamId stream = platform_.connect_stream({kLoopback, acceptor.local_endpoint().port()});
  platform_.send(stream, as_bytes("hel"));  // queued before the connect completes
  platform_.send(stream, as_bytes("lo"));
  ASSERT_TRUE(run_until([&] { return listener_.log.size() >= 2; }));
  EXPECT_EQ(listener_.log, (std::vector<std::string>{"connected", "closed"}));
  EXPECT_EQ(listener_.received, "reply to hello");
}

// Streams share one read buffer and read synchronously once readable: replies far larger than
// the buffer, on two streams that become readable in the same loop turns, must arrive whole, in
// order and apart, with no end of stream needed to flush what is queued.
TEST_F(AsioPlatformTest, LargeRepliesOnTwoStreamsArriveWholeAndApart) {
  asio::ip::tcp::acceptor acceptor(io_, {asio::ip::address_v4::loopback(), 0});
  std::string replies[2];
  for (int index = 0; index < 2; ++index) {
    replies[index].reserve(300'000);
    for (int line = 0; replies[index].size() < 300'000; ++line) {
      replies[index] += std::to_string(index) + ":" + std::to_string(line) + "\n";
    }
  }
  std::vector<std::shared_ptr<asio::ip::tcp::socket>> servers;
  std::function<void()> accept_next = [&] {
    acceptor.async_accept([&](const boost::system::error_code& error, asio::ip::tcp::socket socket) {
      ASSERT_FALSE(error);
      auto server = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
      servers.push_back(server);
      auto request = std::make_shared<std::array<char, 1>>();
      asio::async_read(*server, asio::buffer(*request), [server, request, &replies](
                                                             const boost::system::error_code& read_error, std::size_t) {
        ASSERT_FALSE(read_error);
        const std::string& reply = replies[(*request)[0] - '0'];
        // No FIN after it: the phone must take in what is queued without a further event.
        asio::async_write(*server, asio::buffer(reply), [server](const boost::system::error_code&, std::size_t) {});
      });
      if (servers.size() < 2) accept_next();
    });
  };
  accept_next();
  // The bytes of each stream apart.
  class PerStream final : public PlatformEvents {
   public:
    void on_timer(TimerId) override {}
    void on_datagram(SocketId, Endpoint, ByteSpan) override {}
    void on_stream_connected(StreamId) override {}
    void on_stream_data(StreamId stream, ByteSpan bytes) override { received[stream] += as_text(bytes); }
    void on_stream_closed(StreamId) override { ++closed; }
    void on_stream_failed(StreamId, StreamFailure) override { ++failed; }
    void on_resolved(QueryId, Result<std::vector<Ipv4Address>>) override {}
    std::map<StreamId, std::string> received;
    int closed = 0;
    int failed = 0;
  } per_stream;
  platform_.set_listener(&per_stream);
  const std::uint16_t port = acceptor.local_endpoint().port();
  const StreamId first = platform_.connect_stream({kLoopback, port});
  const StreamId second = platform_.connect_stream({kLoopback, port});
  platform_.send(first, as_bytes("0"));
  platform_.send(second, as_bytes("1"));
  run_until([&] {
    return per_stream.failed > 0 || (per_stream.received[first].size() >= replies[0].size() &&
                                     per_stream.received[second].size() >= replies[1].size());
  });
  EXPECT_EQ(per_stream.failed, 0);
  EXPECT_EQ(per_stream.closed, 0);
  EXPECT_TRUE(per_stream.received[first] == replies[0]) << per_stream.received[first].size() << " bytes";
  EXPECT_TRUE(per_stream.received[second] == replies[1]) << per_stream.received[second].size() << " bytes";
}

TEST_F(AsioPlatformTest, NoEventsAfterCloseStream) {
  asio::ip::tcp::acceptor acceptor(io_, {asio::ip::address_v4::loopback(), 0});
  asio::ip::tcp::socket server(io_);
  std::string received;
  std::array<char, 64> buffer{};
  bool server_saw_end = false;
  std::function<void()> read_more = [&] {
    server.async_read_some(asio::buffer(buffer), [&](const boost::system::error_code& error,
                                                     std::size_t size) {
      if (error) {
        server_saw_end = true;
        return;
      }
      received.append(buffer.data(), size);
      read_more();
    });
  };
  acceptor.async_accept(server, [&](const boost::system::error_code&) { read_more(); });
  StreamId stream = platform_.connect_stream({kLoopback, acceptor.local_endpoint().port()});
  ASSERT_TRUE(run_until([&] { return !listener_.log.empty(); }));
  platform_.send(stream, as_bytes("last words"));
  platform_.close_stream(stream);
  ASSERT_TRUE(run_until([&] { return server_saw_end; }));
  EXPECT_EQ(received, "last words");  // the queued bytes went out before the FIN
  EXPECT_EQ(listener_.log, (std::vector<std::string>{"connected"}));
}

TEST_F(AsioPlatformTest, ResolvesLocalhost) {
  platform_.resolve("localhost");
  ASSERT_TRUE(run_until([&] { return !listener_.log.empty(); }));
  EXPECT_EQ(listener_.log.front(), "resolved 127.0.0.1");
}

TEST_F(AsioPlatformTest, RandomBytesAreNotAllZero) {
  std::array<std::uint8_t, 32> bytes{};
  platform_.fill_random(bytes);
  bool any_set = false;
  for (auto byte : bytes) any_set |= byte != 0;
  EXPECT_TRUE(any_set);
}

TEST_F(AsioPlatformTest, TraceLinesAreReadable) {
  TraceField fields[] = {{"url", "tftp://10.0.0.1:69/a.cfg"}, {"result", "ok"}};
  platform_.trace(Severity::Info, "agent", "resync_done", fields);
  EXPECT_NE(trace_.str().find(" info agent resync_done url=tftp://10.0.0.1:69/a.cfg result=ok\n"),
            std::string::npos)
      << trace_.str();
}

TEST_F(AsioPlatformTest, RebootStopsEventsAndCallsTheOwner) {
  bool rebooted = false;
  AsioPlatformOptions options;
  options.on_reboot = [&] { rebooted = true; };
  AsioPlatform platform(io_, flash_, options);
  RecordingListener listener;
  platform.set_listener(&listener);
  platform.set_timer(1, platform.now());
  platform.reboot();
  ASSERT_TRUE(run_until([&] { return rebooted; }));
  io_.run_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(listener.log.empty());
}

TEST_F(AsioPlatformTest, HandlersOutliveADestroyedPlatform) {
  {
    AsioPlatform platform(io_, flash_);
    RecordingListener listener;
    platform.set_listener(&listener);
    platform.set_timer(1, platform.now());
    auto socket = platform.open_udp(0);
    ASSERT_TRUE(socket);
    platform.connect_stream({kLoopback, 9});
  }
  io_.restart();
  io_.run_for(std::chrono::milliseconds(50));  // must not touch the destroyed platform (ASan)
  SUCCEED();
}

}  // namespace
}  // namespace fw
