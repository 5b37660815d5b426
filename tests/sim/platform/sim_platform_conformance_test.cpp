// The Platform conformance suite (tests/firmware-core/runtime/platform_conformance.h) against
// SimPlatform: a phone and a server host with small echo, greeter and resetter services written
// on the Network's server-side API.

#include <memory>

#include <gtest/gtest.h>

#include "sim/platform/sim_platform.h"
#include "tests/firmware-core/runtime/platform_conformance.h"

namespace sim {
namespace {

constexpr fw::Ipv4Address kPhone{0x0A000002};   // 10.0.0.2
constexpr fw::Ipv4Address kServer{0x0A000101};  // 10.0.1.1
constexpr fw::Ipv4Address kMirror{0x0A000102};  // 10.0.1.2

enum class Service { Echo, Greeter, Resetter };

// One listening port and what it does with each connection.
class TestService final : public StreamAcceptor, public StreamHandler {
 public:
  TestService(Network& network, Service service) : network_(network), service_(service) {}

  StreamHandler& on_stream_accepted(StreamEndId end, fw::Endpoint, fw::Endpoint) override {
    if (service_ == Service::Greeter) {
      network_.send(end, fw::as_bytes("hello"));
      network_.close(end);
    }
    return *this;
  }
  void on_stream_connected(StreamEndId) override {}
  void on_stream_data(StreamEndId end, fw::ByteSpan bytes) override {
    if (service_ == Service::Echo) network_.send(end, bytes);
    if (service_ == Service::Resetter) network_.abort(end);
  }
  void on_stream_closed(StreamEndId end) override { network_.close(end); }
  void on_stream_failed(StreamEndId, fw::StreamFailure) override {}

 private:
  Network& network_;
  Service service_;
};

class UdpEcho final : public UdpReceiver {
 public:
  explicit UdpEcho(Network& network) : network_(network) {}
  void on_udp(fw::Endpoint local, fw::Endpoint from, fw::ByteSpan payload) override {
    network_.send_udp(local, from, payload);
  }

 private:
  Network& network_;
};

class SimHarness final : public fw::conformance::ConformanceHarness {
 public:
  SimHarness()
      : world_(1234),
        phone_(world_, PhoneSettings{.name = "phone", .address = kPhone, .entity_id = 1}),
        udp_echo_(world_.network),
        echo_(world_.network, Service::Echo),
        greeter_(world_.network, Service::Greeter),
        resetter_(world_.network, Service::Resetter) {
    LinkSettings link;
    link.latency = fw::milliseconds(3);
    world_.network.set_default_link(link);
    world_.network.add_host(kServer, "server", 1);
    EXPECT_TRUE(world_.network.open_udp(kServer, 7, udp_echo_));
    EXPECT_TRUE(world_.network.listen({kServer, 7}, echo_));
    EXPECT_TRUE(world_.network.listen({kServer, 8}, greeter_));
    EXPECT_TRUE(world_.network.listen({kServer, 9}, resetter_));
    world_.network.set_dns_records("prov.example.com", {kServer, kMirror});
  }

  fw::Platform& platform() override { return phone_; }
  void run_for(fw::Duration span) override { world_.engine.run_for(span); }
  fw::Duration patience() override { return fw::milliseconds(20); }
  fw::Endpoint udp_echo() override { return {kServer, 7}; }
  fw::Endpoint stream_echo() override { return {kServer, 7}; }
  fw::Endpoint stream_greeter() override { return {kServer, 8}; }
  fw::Endpoint stream_resetter() override { return {kServer, 9}; }
  fw::Endpoint stream_refuser() override { return {kServer, 10}; }
  std::string known_name() override { return "prov.example.com"; }
  std::vector<fw::Ipv4Address> known_addresses() override { return {kServer, kMirror}; }
  std::string unknown_name() override { return "nowhere.example.com"; }

 private:
  SimWorld world_;
  SimPlatform phone_;
  UdpEcho udp_echo_;
  TestService echo_;
  TestService greeter_;
  TestService resetter_;
};

std::unique_ptr<fw::conformance::ConformanceHarness> make_sim_harness() {
  return std::make_unique<SimHarness>();
}

}  // namespace
}  // namespace sim

namespace fw::conformance {
INSTANTIATE_TEST_SUITE_P(SimPlatform, PlatformConformanceTest,
                         ::testing::Values(HarnessFactory(sim::make_sim_harness)),
                         [](const auto&) { return std::string("virtual_network"); });
}  // namespace fw::conformance
