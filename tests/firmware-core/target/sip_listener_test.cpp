#include "firmware-core/target/sip_listener.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "firmware-core/sip/sip_notify.h"

namespace fw {
namespace {
namespace asio = boost::asio;
using asio::ip::udp;

// Sends `request` to the listener and runs the io_context until the reply arrives (or 5 s).
std::string exchange(asio::io_context& io, std::uint16_t port, const std::string& request) {
  udp::socket client(io, udp::endpoint(asio::ip::address_v4::loopback(), 0));
  client.send_to(asio::buffer(request), udp::endpoint(asio::ip::address_v4::loopback(), port));
  std::array<char, 4096> buffer{};
  std::string reply;
  client.async_receive(asio::buffer(buffer), [&](const boost::system::error_code& error,
                                                 std::size_t size) {
    if (!error) reply.assign(buffer.data(), size);
    io.stop();  // the listener's receive stays pending
  });
  io.restart();
  io.run_for(std::chrono::seconds(5));
  return reply;
}

TEST(SipListenerTest, AnswersNotifyAndHandsOverTheEvent) {
  asio::io_context io;
  std::vector<std::string> events;
  std::ostringstream log;
  auto listener = SipListener::start(
      io, Endpoint{Ipv4Address{0x7F000001}, 0},
      [&events](const std::string& event) { events.push_back(event); }, &log);
  ASSERT_TRUE(listener) << listener.error().to_string();
  const std::uint16_t port = (*listener)->port();
  ASSERT_NE(port, 0);

  const std::string reply =
      exchange(io, port, sip_notify_request("Check-Sync", "127.0.0.1", "127.0.0.1:1", "t1"));
  EXPECT_TRUE(reply.starts_with("SIP/2.0 200 OK\r\n")) << reply;
  EXPECT_EQ(events, std::vector<std::string>{"check-sync"});

  const std::string refused =
      exchange(io, port, sip_notify_request("dialog", "127.0.0.1", "127.0.0.1:1", "t2"));
  EXPECT_TRUE(refused.starts_with("SIP/2.0 489 Bad Event\r\n")) << refused;
  EXPECT_EQ(events.size(), 1u);
  EXPECT_NE(log.str().find("bad sip message"), std::string::npos) << log.str();
}

TEST(SipListenerTest, BusyPortIsPortInUse) {
  asio::io_context io;
  auto first = SipListener::start(io, Endpoint{Ipv4Address{0x7F000001}, 0}, {}, nullptr);
  ASSERT_TRUE(first);
  auto second = SipListener::start(io, Endpoint{Ipv4Address{0x7F000001}, (*first)->port()}, {},
                                   nullptr);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::PortInUse);
}

}  // namespace
}  // namespace fw
