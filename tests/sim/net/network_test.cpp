#include "sim/net/network.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/trace/trace_log.h"

namespace sim {
namespace {

using fw::Endpoint;
using fw::Instant;
using fw::Ipv4Address;

constexpr Ipv4Address kPhone{0x0A000002};   // 10.0.0.2
constexpr Ipv4Address kServer{0x0A000101};  // 10.0.1.1
constexpr std::uint32_t kPhones = 0;
constexpr std::uint32_t kServers = 1;

std::string text(fw::ByteSpan bytes) { return std::string(fw::as_text(bytes)); }

struct Inbox final : UdpReceiver {
  explicit Inbox(Engine& world) : engine(world) {}
  void on_udp(Endpoint, Endpoint from, fw::ByteSpan payload) override {
    received.push_back(text(payload) + "@" + std::to_string(engine.now().nanoseconds() / 1000000) +
                       "ms<" + from.to_string());
  }
  Engine& engine;
  std::vector<std::string> received;
};

// Records stream events as text; echoes data back when asked (a server end).
struct StreamLog final : StreamHandler, StreamAcceptor {
  explicit StreamLog(Engine& world, Network& net) : engine(world), network(net) {}
  std::string stamp() { return "@" + std::to_string(engine.now().nanoseconds() / 1000000); }
  void on_stream_connected(StreamEndId) override { events.push_back("connected" + stamp()); }
  void on_stream_data(StreamEndId end, fw::ByteSpan bytes) override {
    events.push_back("data " + text(bytes) + stamp());
    if (echo) network.send(end, bytes);
  }
  void on_stream_closed(StreamEndId end) override {
    events.push_back("closed" + stamp());
    if (echo) network.close(end);
  }
  void on_stream_failed(StreamEndId, fw::StreamFailure failure) override {
    events.push_back(std::string(fw::to_string(failure)) + stamp());
  }
  StreamHandler& on_stream_accepted(StreamEndId end, Endpoint, Endpoint remote) override {
    accepted.push_back(end);
    events.push_back("accepted " + remote.address.to_string() + stamp());
    return *this;
  }
  Engine& engine;
  Network& network;
  bool echo = false;
  std::vector<std::string> events;
  std::vector<StreamEndId> accepted;
};

struct World {
  explicit World(std::uint64_t seed = 1) : engine(seed), network(engine) {
    network.add_host(kPhone, "phone", kPhones);
    network.add_host(kServer, "server", kServers);
    LinkSettings link;
    link.latency = fw::milliseconds(10);
    network.set_default_link(link);
  }
  Engine engine;
  Network network;
};

TEST(NetworkTest, UdpArrivesAfterTheLinkLatency) {
  World world;
  Inbox phone(world.engine), server(world.engine);
  ASSERT_TRUE(world.network.open_udp(kServer, 69, server));
  const auto port = world.network.open_udp(kPhone, 0, phone);
  ASSERT_TRUE(port);
  EXPECT_EQ(*port, Network::kEphemeralPortFirst);
  world.network.send_udp({kPhone, *port}, {kServer, 69}, fw::as_bytes("rrq"));
  world.engine.run_until(Instant::never());
  EXPECT_EQ(server.received, (std::vector<std::string>{"rrq@10ms<10.0.0.2:49152"}));
}

TEST(NetworkTest, BindingATakenPortFails) {
  World world;
  Inbox inbox(world.engine);
  ASSERT_TRUE(world.network.open_udp(kServer, 69, inbox));
  const auto again = world.network.open_udp(kServer, 69, inbox);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, fw::ErrorCode::PortInUse);
  EXPECT_FALSE(world.network.open_udp(Ipv4Address{0x01020304}, 69, inbox));
  world.network.close_udp({kServer, 69});
  EXPECT_TRUE(world.network.open_udp(kServer, 69, inbox));
}

TEST(NetworkTest, UdpLossAndDuplicationFollowTheRatiosAndTheSeed) {
  auto run = [](std::uint64_t seed) {
    World world(seed);
    LinkSettings link;
    link.loss = {1, 4};
    link.duplicate = {1, 10};
    link.jitter = fw::milliseconds(5);
    world.network.set_link(kPhones, kServers, link);
    Inbox server(world.engine);
    EXPECT_TRUE(world.network.open_udp(kServer, 514, server));
    for (int index = 0; index < 1000; ++index)
      world.network.send_udp({kPhone, 1000}, {kServer, 514},
                             fw::as_bytes(std::to_string(index)));
    world.engine.run_until(Instant::never());
    return server.received;
  };
  const std::vector<std::string> first = run(5);
  // 750 expected survivors, about 75 of them twice.
  EXPECT_GT(first.size(), 740u);
  EXPECT_LT(first.size(), 900u);
  EXPECT_EQ(run(5), first);
  EXPECT_NE(run(6), first);
}

TEST(NetworkTest, JitterAndReorderLetLaterDatagramsOvertake) {
  World world;
  LinkSettings link;
  link.reorder = {1, 2};
  link.reorder_delay = fw::milliseconds(50);
  world.network.set_link(kPhones, kServers, link);
  Inbox server(world.engine);
  ASSERT_TRUE(world.network.open_udp(kServer, 5060, server));
  for (int index = 0; index < 20; ++index) {
    world.network.send_udp({kPhone, 5060}, {kServer, 5060}, fw::as_bytes(std::to_string(index)));
    world.engine.run_for(fw::milliseconds(1));
  }
  world.engine.run_until(Instant::never());
  ASSERT_EQ(server.received.size(), 20u);
  bool out_of_order = false;
  for (std::size_t index = 0; index < server.received.size(); ++index)
    if (server.received[index].substr(0, server.received[index].find('@')) !=
        std::to_string(index))
      out_of_order = true;
  EXPECT_TRUE(out_of_order);
}

TEST(NetworkTest, PartitionsAndDownHostsDropDatagramsOnATimeline) {
  World world;
  Inbox server(world.engine);
  ASSERT_TRUE(world.network.open_udp(kServer, 69, server));
  world.network.schedule({Instant::from_seconds(1), NetworkChange::Kind::Partition, {}, kPhones,
                          kServers});
  world.network.schedule({Instant::from_seconds(2), NetworkChange::Kind::Heal, {}, kPhones,
                          kServers});
  world.network.schedule({Instant::from_seconds(3), NetworkChange::Kind::HostDown, kServer});
  world.network.schedule({Instant::from_seconds(4), NetworkChange::Kind::HostUp, kServer});
  for (int second = 0; second < 5; ++second) {
    world.engine.run_until(Instant::from_seconds(second) + fw::milliseconds(500));
    world.network.send_udp({kPhone, 1}, {kServer, 69}, fw::as_bytes(std::to_string(second)));
  }
  world.engine.run_until(Instant::never());
  EXPECT_EQ(server.received, (std::vector<std::string>{"0@510ms<10.0.0.2:1",
                                                       "2@2510ms<10.0.0.2:1",
                                                       "4@4510ms<10.0.0.2:1"}));
  EXPECT_EQ(NetworkChange({Instant::from_seconds(1), NetworkChange::Kind::Partition, {}, 0, 1})
                .to_string(),
            "at=1000000000ns partition 0|1");
}

TEST(NetworkTest, StreamConnectsCarriesBytesInOrderAndCloses) {
  World world;
  StreamLog server(world.engine, world.network), client(world.engine, world.network);
  server.echo = true;
  ASSERT_TRUE(world.network.listen({kServer, 80}, server));
  const StreamEndId end = world.network.connect(kPhone, {kServer, 80}, client);
  EXPECT_NE(end, 0u);
  world.engine.run_until(Instant::never());
  world.network.send(end, fw::as_bytes("GET "));
  world.network.send(end, fw::as_bytes("/"));
  world.engine.run_until(Instant::never());
  world.network.close(end);
  world.engine.run_until(Instant::never());
  EXPECT_EQ(server.events, (std::vector<std::string>{"accepted 10.0.0.2@10", "data GET @30",
                                                     "data /@30", "closed@50"}));
  EXPECT_EQ(client.events,
            (std::vector<std::string>{"connected@20", "data GET @40", "data /@40"}));
  EXPECT_EQ(world.network.connections(), 0u);
}

TEST(NetworkTest, BandwidthCapSerialisesSegments) {
  World world;
  LinkSettings link;
  link.latency = fw::milliseconds(10);
  link.bandwidth_bytes_per_s = 100'000;  // 1,460-byte segments take 14.6 ms each
  world.network.set_default_link(link);
  StreamLog server(world.engine, world.network), client(world.engine, world.network);
  ASSERT_TRUE(world.network.listen({kServer, 80}, server));
  const StreamEndId end = world.network.connect(kPhone, {kServer, 80}, client);
  world.engine.run_until(Instant::never());
  world.network.send(end, fw::Bytes(10'000, 'x'));  // 7 segments
  world.engine.run_until(Instant::never());
  ASSERT_EQ(server.events.size(), 8u);
  // 20 ms handshake, 100 ms at 100 kB/s, 10 ms latency.
  EXPECT_EQ(world.engine.now(), Instant::from_nanoseconds(130'000'000));
}

TEST(NetworkTest, ConnectWithoutListenerIsRefusedAfterARoundTrip) {
  World world;
  StreamLog client(world.engine, world.network);
  world.network.connect(kPhone, {kServer, 443}, client);
  world.engine.run_until(Instant::never());
  EXPECT_EQ(client.events, (std::vector<std::string>{"refused@20"}));
  EXPECT_EQ(world.network.connections(), 0u);
}

TEST(NetworkTest, ConnectToADownHostTimesOutAndToNoHostIsUnreachable) {
  World world;
  StreamLog client(world.engine, world.network);
  world.network.set_host_up(kServer, false);
  world.network.connect(kPhone, {kServer, 80}, client);
  world.network.connect(kPhone, {Ipv4Address{0x0A0000FE}, 80}, client);
  world.engine.run_until(Instant::never());
  EXPECT_EQ(client.events, (std::vector<std::string>{"unreachable@3000", "timed out@20000"}));
}

TEST(NetworkTest, AbortAndInjectedResetReachTheOtherEnds) {
  World world;
  StreamLog server(world.engine, world.network), client(world.engine, world.network);
  ASSERT_TRUE(world.network.listen({kServer, 80}, server));
  const StreamEndId first = world.network.connect(kPhone, {kServer, 80}, client);
  world.engine.run_until(Instant::never());
  world.network.abort(first);
  world.engine.run_until(Instant::never());
  EXPECT_EQ(server.events.back(), "reset@30");
  const StreamEndId second = world.network.connect(kPhone, {kServer, 80}, client);
  world.engine.run_until(Instant::never());
  world.network.reset_connection(second);
  world.engine.run_until(Instant::never());
  EXPECT_EQ(client.events.back(), "reset@50");
  EXPECT_EQ(server.events.back(), "reset@50");
  EXPECT_EQ(world.network.connections(), 0u);
}

TEST(NetworkTest, StallHoldsBytesUntilResumed) {
  World world;
  StreamLog server(world.engine, world.network), client(world.engine, world.network);
  ASSERT_TRUE(world.network.listen({kServer, 80}, server));
  const StreamEndId end = world.network.connect(kPhone, {kServer, 80}, client);
  world.engine.run_until(Instant::never());
  world.network.stall_connection(end, true);
  world.network.send(end, fw::as_bytes("a"));
  world.network.send(end, fw::as_bytes("b"));
  world.engine.run_until(Instant::from_seconds(5));
  EXPECT_EQ(server.events.size(), 1u);
  world.network.stall_connection(end, false);
  world.engine.run_until(Instant::never());
  EXPECT_EQ(server.events, (std::vector<std::string>{"accepted 10.0.0.2@10", "data a@5000",
                                                     "data b@5000"}));
}

TEST(NetworkTest, HostCrashResetsItsEndsAndThePeerTimesOutThenGetsReset) {
  World world;
  StreamLog server(world.engine, world.network), client(world.engine, world.network);
  ASSERT_TRUE(world.network.listen({kServer, 80}, server));
  const StreamEndId first = world.network.connect(kPhone, {kServer, 80}, client);
  const StreamEndId second = world.network.connect(kPhone, {kServer, 80}, client);
  world.engine.run_until(Instant::from_seconds(1));
  world.network.set_host_up(kServer, false);
  world.engine.run_until(Instant::from_seconds(2));
  EXPECT_EQ(server.events.back(), "reset@1000");
  // Data into the dead host is lost: the sender times out.
  world.network.send(first, fw::as_bytes("lost"));
  world.engine.run_until(Instant::from_seconds(100));
  EXPECT_EQ(client.events.back(), "timed out@62000");
  // Back up, the host answers stale data with a reset.
  world.network.set_host_up(kServer, true);
  world.network.send(second, fw::as_bytes("stale"));
  world.engine.run_until(Instant::never());
  EXPECT_EQ(client.events.back(), "reset@100020");
  EXPECT_EQ(world.network.connections(), 0u);
}

struct Answers final : DnsClient {
  explicit Answers(Engine& world) : engine(world) {}
  void on_dns_answer(std::uint32_t tag,
                     fw::Result<std::vector<Ipv4Address>> addresses) override {
    std::string line = std::to_string(tag) + "@" +
                       std::to_string(engine.now().nanoseconds() / 1000000) + ":";
    if (!addresses) {
      line += addresses.error().detail;
    } else {
      for (const Ipv4Address address : *addresses) line += " " + address.to_string();
    }
    lines.push_back(line);
  }
  Engine& engine;
  std::vector<std::string> lines;
};

TEST(NetworkTest, DnsAnswersRecordsInOrderAndFailsOnMissesAndTimeouts) {
  World world;
  Answers answers(world.engine);
  world.network.set_dns_records("Prov.Example.com", {kServer, Ipv4Address{0x0A000102}});
  world.network.set_dns_records("slow.example.com", {kServer});
  world.network.set_dns_fault("slow.example.com", DnsFault::NoAnswer);
  world.network.resolve(kPhone, "prov.example.com.", answers, 1);
  world.network.resolve(kPhone, "missing.example.com", answers, 2);
  world.network.resolve(kPhone, "slow.example.com", answers, 3);
  world.engine.run_until(Instant::never());
  EXPECT_EQ(answers.lines, (std::vector<std::string>{
                               "1@2: 10.0.1.1 10.0.1.2",
                               "2@2:no such name 'missing.example.com'",
                               "3@5000:no answer for 'slow.example.com'"}));
  world.network.set_dns_up(false);
  world.network.resolve(kPhone, "prov.example.com", answers, 4);
  world.network.forget_dns_client(answers);
  world.engine.run_until(Instant::never());
  EXPECT_EQ(answers.lines.size(), 3u);
}

TEST(NetworkTest, SettingsPrintAsText) {
  LinkSettings link;
  link.loss = {1, 100};
  EXPECT_EQ(link.to_string(),
            "latency=1ms jitter=0ms loss=1/100 duplicate=0/1 reorder=0/1 reorder_delay=10ms "
            "bandwidth_bytes_per_s=unlimited");
  EXPECT_NE(NetworkSettings{}.to_string().find("connect_timeout=20000ms"), std::string::npos);
}

}  // namespace
}  // namespace sim
