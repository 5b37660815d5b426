// The Platform conformance suite (tests/firmware-core/runtime/platform_conformance.h) against
// AsioPlatform on loopback: the echo, greeter and resetter peers are small Asio services on the
// same io_context, so one thread runs the phone and its peers.

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include <gtest/gtest.h>

#include "firmware-core/target/asio_platform.h"
#include "sim/flash/sim_flash.h"
#include "tests/firmware-core/runtime/platform_conformance.h"

namespace fw {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

const Ipv4Address kLoopback = *Ipv4Address::parse("127.0.0.1");

enum class Service { Echo, Greeter, Resetter };

// One accepted connection of a TestService; keeps itself alive through its handlers.
class ServiceConnection : public std::enable_shared_from_this<ServiceConnection> {
 public:
  ServiceConnection(tcp::socket socket, Service service)
      : socket_(std::move(socket)), service_(service) {}

  void start() {
    if (service_ == Service::Greeter) {
      auto self = shared_from_this();
      asio::async_write(socket_, asio::buffer(std::string_view("hello")),
                        [self](const boost::system::error_code&, std::size_t) {
                          boost::system::error_code ignored;
                          self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                          self->socket_.close(ignored);
                        });
      return;
    }
    read_next();
  }

 private:
  void read_next() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buffer_), [self](const boost::system::error_code& error,
                                                          std::size_t size) {
      boost::system::error_code ignored;
      if (error) {  // the client closed (or aborted): close our side too
        self->socket_.close(ignored);
        return;
      }
      if (self->service_ == Service::Resetter) {
        self->socket_.set_option(asio::socket_base::linger(true, 0), ignored);
        self->socket_.close(ignored);  // with linger 0: RST
        return;
      }
      // Echo: a blocking write on loopback with a few bytes cannot stall the loop.
      asio::write(self->socket_, asio::buffer(self->buffer_.data(), size), ignored);
      self->read_next();
    });
  }

  tcp::socket socket_;
  Service service_;
  std::array<char, 4096> buffer_{};
};

class TestService {
 public:
  TestService(asio::io_context& io, Service service)
      : acceptor_(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)), service_(service) {
    accept_next();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept_next() {
    acceptor_.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
      if (error) return;
      std::make_shared<ServiceConnection>(std::move(socket), service_)->start();
      accept_next();
    });
  }

  tcp::acceptor acceptor_;
  Service service_;
};

class UdpEcho {
 public:
  explicit UdpEcho(asio::io_context& io)
      : socket_(io, udp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    receive_next();
  }
  std::uint16_t port() const { return socket_.local_endpoint().port(); }

 private:
  void receive_next() {
    socket_.async_receive_from(asio::buffer(buffer_), sender_,
                               [this](const boost::system::error_code& error, std::size_t size) {
                                 if (error) return;
                                 boost::system::error_code ignored;
                                 socket_.send_to(asio::buffer(buffer_.data(), size), sender_, 0,
                                                 ignored);
                                 receive_next();
                               });
  }

  udp::socket socket_;
  udp::endpoint sender_;
  std::array<char, 2048> buffer_{};
};

// A loopback port nobody listens on: bound once by the kernel's choice, then released.
std::uint16_t free_tcp_port(asio::io_context& io) {
  tcp::acceptor probe(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return probe.local_endpoint().port();
}

class AsioHarness final : public conformance::ConformanceHarness {
 public:
  AsioHarness()
      : platform_(io_, flash_, options()),
        udp_echo_(io_),
        echo_(io_, Service::Echo),
        greeter_(io_, Service::Greeter),
        resetter_(io_, Service::Resetter),
        refuser_port_(free_tcp_port(io_)) {}

  Platform& platform() override { return platform_; }
  void run_for(Duration span) override {
    io_.restart();
    io_.run_for(span);
  }
  // Loopback answers in microseconds; this leaves room for a loaded machine.
  Duration patience() override { return milliseconds(100); }
  Endpoint udp_echo() override { return {kLoopback, udp_echo_.port()}; }
  Endpoint stream_echo() override { return {kLoopback, echo_.port()}; }
  Endpoint stream_greeter() override { return {kLoopback, greeter_.port()}; }
  Endpoint stream_resetter() override { return {kLoopback, resetter_.port()}; }
  Endpoint stream_refuser() override { return {kLoopback, refuser_port_}; }
  // /etc/hosts gives localhost one IPv4 address; several A records would need a DNS server of
  // our own, which the simulator's harness covers.
  std::string known_name() override { return "localhost"; }
  std::vector<Ipv4Address> known_addresses() override { return {kLoopback}; }
  // RFC 6761: .invalid never resolves.
  std::string unknown_name() override { return "nowhere.invalid"; }

 private:
  static AsioPlatformOptions options() {
    AsioPlatformOptions result;
    result.connect_timeout_ms = std::chrono::milliseconds(2000);
    return result;
  }

  asio::io_context io_;
  sim::SimFlash flash_;
  AsioPlatform platform_;
  UdpEcho udp_echo_;
  TestService echo_;
  TestService greeter_;
  TestService resetter_;
  std::uint16_t refuser_port_;
};

std::unique_ptr<conformance::ConformanceHarness> make_asio_harness() {
  return std::make_unique<AsioHarness>();
}

}  // namespace

namespace conformance {
INSTANTIATE_TEST_SUITE_P(AsioPlatform, PlatformConformanceTest,
                         ::testing::Values(HarnessFactory(make_asio_harness)),
                         [](const auto&) { return std::string("loopback"); });
}  // namespace conformance
}  // namespace fw
