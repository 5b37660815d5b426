// Pair tests: the phone's TftpClient (firmware-core/fetch) and the TftpServer joined in memory
// by a tiny loop that can drop, duplicate and reorder datagrams (DESIGN.md testing tier 2).

#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/fetch/tftp_client.h"
#include "servers/tftp/tftp_server.h"
#include "tests/servers/tftp/memory_tftp_root.h"

namespace srv {
namespace {

using fw::Bytes;
using fw::Instant;
using fw::TftpClient;

const fw::Ipv4Address kServerHost = *fw::Ipv4Address::parse("10.0.0.1");
const fw::Endpoint kServer{kServerHost, fw::kTftpPort};
const fw::Endpoint kPhone{*fw::Ipv4Address::parse("10.0.0.2"), 3000};
const Instant kStart = Instant::from_seconds(10);
constexpr std::uint16_t kTransferPortBase = 50000;

struct Wire {
  bool to_server = false;
  fw::Endpoint from;
  fw::Endpoint to;
  Bytes payload;
};

// How many copies of datagram number `index` (0-based, both directions) arrive: 0 drops it.
using Copies = std::function<int(std::size_t index, const Wire& wire)>;

struct PairRun {
  std::optional<fw::Result<Bytes>> result;
  Instant finished_at;
  std::size_t datagrams = 0;
};

// Runs the client against the server until neither has anything left to do. `hold_back`
// delays datagram number `hold_back` until after the next one (a reorder).
PairRun run_pair(TftpClient& client, TftpServer& server, const Copies& copies = {},
                 std::optional<std::size_t> hold_back = std::nullopt) {
  PairRun run;
  Instant now = kStart;
  std::deque<Wire> in_flight;
  std::optional<Wire> held;
  auto collect = [&] {
    while (auto datagram = client.poll_datagram()) {
      in_flight.push_back({true, kPhone, datagram->to, std::move(datagram->payload)});
    }
    while (auto datagram = server.poll_datagram()) {
      std::uint16_t port = datagram->transfer == kListeningTransfer
                               ? fw::kTftpPort
                               : static_cast<std::uint16_t>(kTransferPortBase + datagram->transfer);
      in_flight.push_back({false, {kServerHost, port}, datagram->to, std::move(datagram->payload)});
    }
    while (server.poll_closed_transfer()) {
    }
    if (client.finished() && !run.result) {
      run.result = client.take_result();
      run.finished_at = now;
    }
  };
  auto deliver = [&](const Wire& wire) {
    if (!wire.to_server) {
      if (wire.to == kPhone) {
        client.handle_datagram(now, wire.from, wire.payload);
      }
    } else if (wire.to.port == fw::kTftpPort) {
      server.handle_request(now, wire.from, wire.payload);
    } else {
      server.handle_transfer_datagram(now, wire.to.port - kTransferPortBase, wire.from,
                                      wire.payload);
    }
  };
  collect();
  for (int step = 0; step < 2'000'000; ++step) {
    while (!in_flight.empty()) {
      Wire wire = std::move(in_flight.front());
      in_flight.pop_front();
      std::size_t index = run.datagrams++;
      if (hold_back && index == *hold_back) {
        held = std::move(wire);
        continue;
      }
      int count = copies ? copies(index, wire) : 1;
      for (int copy = 0; copy < count; ++copy) {
        deliver(wire);
      }
      if (held) {
        deliver(*held);
        held.reset();
      }
      collect();
    }
    Instant next = std::min(client.next_deadline(), server.next_deadline());
    if (next == Instant::never()) {
      break;
    }
    now = std::max(now, next);
    client.handle_deadline(now);
    server.handle_deadline(now);
    collect();
  }
  return run;
}

Bytes pattern(std::size_t size) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  }
  return bytes;
}

void expect_file(const PairRun& run, const Bytes& expected) {
  ASSERT_TRUE(run.result.has_value());
  ASSERT_TRUE(*run.result) << run.result->error().to_string();
  EXPECT_EQ(**run.result, expected);
}

TEST(TftpPairTest, ReadsEveryFileSizeAroundBlockBoundaries) {
  // Byte-grind for a block protocol: every size across three 8-byte blocks, with and without
  // options, so the empty last block and the short last block both occur.
  for (bool options : {true, false}) {
    for (std::size_t size = 0; size <= 25; ++size) {
      test::MemoryTftpRoot root;
      Bytes file = pattern(size);
      root.add("f", file);
      TftpServerSettings server_settings;
      server_settings.options_enabled = options;
      server_settings.block_bytes_max = 8;
      TftpServer server(root, server_settings);
      auto client = TftpClient::read(kStart, kServer, "f");
      PairRun run = run_pair(client, server);
      SCOPED_TRACE("size " + std::to_string(size) + (options ? " options" : " plain"));
      expect_file(run, file);
      EXPECT_EQ(client.block_bytes(), options ? 8u : 512u);
      EXPECT_EQ(server.active_transfers(), 0u);
    }
  }
}

TEST(TftpPairTest, OptionIgnoringServerStillDeliversTheFile) {
  test::MemoryTftpRoot root;
  Bytes file = pattern(5000);
  root.add("/cisco/cfg.xml", file);
  TftpServerSettings settings;
  settings.options_enabled = false;
  TftpServer server(root, settings);
  auto client = TftpClient::read(kStart, kServer, "/cisco/cfg.xml");
  PairRun run = run_pair(client, server);
  expect_file(run, file);
  EXPECT_EQ(client.block_bytes(), 512u);
  EXPECT_EQ(run.datagrams, 1 + 2 * 10u);  // RRQ, then 10 DATA (9 full, 1 short) and 10 ACKs
}

TEST(TftpPairTest, LostLastAckIsAnsweredAgainAfterTheResultWasTaken) {
  test::MemoryTftpRoot root;
  Bytes file = pattern(700);
  root.add("f", file);
  TftpServer server(root);
  fw::TftpClientSettings settings;
  settings.offer_block_bytes = 512;
  auto client = TftpClient::read(kStart, kServer, "f", settings);
  // RRQ, OACK, ACK 0, DATA 1, ACK 1, DATA 2, ACK 2 (dropped once).
  PairRun run =
      run_pair(client, server, [](std::size_t index, const Wire&) { return index == 6 ? 0 : 1; });
  expect_file(run, file);
  auto record = server.poll_record();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->outcome, TftpTransferRecord::Outcome::Completed);
  EXPECT_EQ(record->finished - kStart, fw::seconds(2));  // the server resent DATA 2 once
}

TEST(TftpPairTest, MissingFileIsFileNotFound) {
  test::MemoryTftpRoot root;
  TftpServer server(root);
  auto client = TftpClient::read(kStart, kServer, "absent.cfg");
  PairRun run = run_pair(client, server);
  ASSERT_TRUE(run.result);
  EXPECT_EQ(run.result->error().code, fw::ErrorCode::FileNotFound);
}

struct PairSetup {
  bool write = false;
  bool options = true;
};

// A fresh server and client for a 2000-byte transfer in 512-byte blocks.
struct Transfer {
  explicit Transfer(PairSetup setup)
      : file(pattern(2000)),
        server(root, server_settings(setup)),
        client(setup.write ? TftpClient::write(kStart, kServer, "up", file, client_settings())
                           : TftpClient::read(kStart, kServer, "down", client_settings())) {}

  static TftpServerSettings server_settings(PairSetup setup) {
    TftpServerSettings settings;
    settings.options_enabled = setup.options;
    settings.writes_enabled = true;
    return settings;
  }
  static fw::TftpClientSettings client_settings() {
    fw::TftpClientSettings settings;
    settings.offer_block_bytes = 512;
    return settings;
  }
  Bytes received() { return root.written.count("up") ? root.written["up"] : Bytes{}; }
  void add_file() { root.add("down", file); }

  Bytes file;
  test::MemoryTftpRoot root;
  TftpServer server;
  TftpClient client;
};

PairRun run_transfer(PairSetup setup, const Copies& copies,
                     std::optional<std::size_t> hold_back = std::nullopt) {
  Transfer transfer(setup);
  transfer.add_file();
  PairRun run = run_pair(transfer.client, transfer.server, copies, hold_back);
  if (run.result && *run.result) {
    EXPECT_EQ(setup.write ? transfer.received() : **run.result, transfer.file);
  }
  EXPECT_EQ(transfer.server.active_transfers(), 0u);
  return run;
}

const PairSetup kSetups[] = {{false, true}, {false, false}, {true, true}, {true, false}};

std::string name(PairSetup setup) {
  return std::string(setup.write ? "write" : "read") + (setup.options ? " with options" : " plain");
}

TEST(TftpPairTest, FailCountDropTheNthDatagramForEveryN) {
  for (PairSetup setup : kSetups) {
    std::size_t clean = run_transfer(setup, {}).datagrams;
    for (std::size_t drop = 0; drop < clean; ++drop) {
      SCOPED_TRACE(name(setup) + ", drop datagram " + std::to_string(drop));
      PairRun run = run_transfer(
          setup, [&](std::size_t index, const Wire&) { return index == drop ? 0 : 1; });
      ASSERT_TRUE(run.result);
      EXPECT_TRUE(*run.result) << run.result->error().to_string();
    }
  }
}

TEST(TftpPairTest, FailCountLosingEveryCopyTheSenderMayRetryStillCompletes) {
  // Drop the Nth datagram and the next retransmissions_max copies of the same bytes minus one:
  // the sender's last retransmission gets through.
  for (PairSetup setup : kSetups) {
    std::size_t clean = run_transfer(setup, {}).datagrams;
    for (std::size_t drop = 0; drop < clean; ++drop) {
      SCOPED_TRACE(name(setup) + ", lose copies of datagram " + std::to_string(drop));
      std::optional<Wire> victim;
      int dropped = 0;
      PairRun run = run_transfer(setup, [&](std::size_t index, const Wire& wire) {
        if (index == drop) {
          victim = wire;
        }
        bool same =
            victim && victim->to_server == wire.to_server && victim->payload == wire.payload;
        if (same && dropped < 5) {
          ++dropped;
          return 0;
        }
        return 1;
      });
      ASSERT_TRUE(run.result);
      EXPECT_TRUE(*run.result) << run.result->error().to_string();
    }
  }
}

TEST(TftpPairTest, PartitionAtEveryNFailsWithTimeoutExactlyWhenTheClientWasNotDone) {
  // From datagram N on, nothing arrives. The client succeeds iff its last needed datagram
  // (the last DATA of a read, the last ACK of a write) arrived before N; otherwise it fails
  // with TftpTimeout a fixed span after it last made progress: with the negotiated 2 s timeout
  // 6 x 2 s; without options 2+4+8+8+8+8 s of backoff.
  for (PairSetup setup : kSetups) {
    std::size_t clean = run_transfer(setup, {}).datagrams;
    // The last needed datagram is the clean run's next-to-last for a read (the final ACK
    // comes after it) and its last for a write.
    std::size_t needed_last = setup.write ? clean - 1 : clean - 2;
    for (std::size_t cut = 0; cut <= clean; ++cut) {
      SCOPED_TRACE(name(setup) + ", partition at datagram " + std::to_string(cut));
      PairRun run =
          run_transfer(setup, [&](std::size_t index, const Wire&) { return index < cut ? 1 : 0; });
      ASSERT_TRUE(run.result);
      if (cut > needed_last) {
        EXPECT_TRUE(*run.result) << run.result->error().to_string();
      } else {
        ASSERT_FALSE(*run.result);
        EXPECT_EQ(run.result->error().code, fw::ErrorCode::TftpTimeout);
        // Everything happens at kStart in this loop until the partition, so the failure time is
        // the give-up span itself.
        // The timeout is negotiated once the OACK (datagram 1) has arrived.
        fw::Duration give_up = (setup.options && cut > 1) ? fw::seconds(12) : fw::seconds(38);
        EXPECT_EQ(run.finished_at - kStart, give_up);
      }
    }
  }
}

TEST(TftpPairTest, DuplicatedDatagramsAreNotAppendedTwice) {
  for (PairSetup setup : kSetups) {
    std::size_t clean = run_transfer(setup, {}).datagrams;
    for (std::size_t twice = 0; twice < clean; ++twice) {
      SCOPED_TRACE(name(setup) + ", duplicate datagram " + std::to_string(twice));
      PairRun run = run_transfer(
          setup, [&](std::size_t index, const Wire&) { return index == twice ? 2 : 1; });
      ASSERT_TRUE(run.result);
      EXPECT_TRUE(*run.result) << run.result->error().to_string();
    }
  }
}

TEST(TftpPairTest, ReorderedDatagramsStillComplete) {
  for (PairSetup setup : kSetups) {
    std::size_t clean = run_transfer(setup, {}).datagrams;
    for (std::size_t late = 0; late < clean; ++late) {
      SCOPED_TRACE(name(setup) + ", datagram " + std::to_string(late) + " late");
      PairRun run = run_transfer(setup, {}, late);
      ASSERT_TRUE(run.result);
      EXPECT_TRUE(*run.result) << run.result->error().to_string();
    }
  }
}

// Several phones against one server, datagrams delivered in order without loss; `start_at[i]`
// is when phone i sends its request. Returns each phone's result.
std::vector<fw::Result<Bytes>> run_phones(TftpServer& server,
                                          const std::vector<Instant>& start_at) {
  struct Phone {
    fw::Endpoint endpoint;
    Instant start;
    std::optional<TftpClient> client;
    std::optional<fw::Result<Bytes>> result;
  };
  std::vector<Phone> phones;
  for (std::size_t i = 0; i < start_at.size(); ++i) {
    phones.push_back({{*fw::Ipv4Address::parse("10.0.1." + std::to_string(i + 1)), 3000},
                      start_at[i],
                      std::nullopt,
                      std::nullopt});
  }
  Instant now = kStart;
  std::deque<Wire> in_flight;
  auto collect = [&] {
    for (Phone& phone : phones) {
      if (!phone.client)
        continue;
      while (auto datagram = phone.client->poll_datagram()) {
        in_flight.push_back({true, phone.endpoint, datagram->to, std::move(datagram->payload)});
      }
      if (phone.client->finished() && !phone.result)
        phone.result = phone.client->take_result();
    }
    while (auto datagram = server.poll_datagram()) {
      std::uint16_t port = datagram->transfer == kListeningTransfer
                               ? fw::kTftpPort
                               : static_cast<std::uint16_t>(kTransferPortBase + datagram->transfer);
      in_flight.push_back({false, {kServerHost, port}, datagram->to, std::move(datagram->payload)});
    }
    while (server.poll_closed_transfer()) {
    }
  };
  for (int step = 0; step < 100'000; ++step) {
    for (Phone& phone : phones) {
      if (!phone.client && phone.start <= now)
        phone.client = TftpClient::read(now, kServer, "f");
    }
    collect();
    while (!in_flight.empty()) {
      Wire wire = std::move(in_flight.front());
      in_flight.pop_front();
      if (!wire.to_server) {
        for (Phone& phone : phones) {
          if (phone.endpoint == wire.to && phone.client)
            phone.client->handle_datagram(now, wire.from, wire.payload);
        }
      } else if (wire.to.port == fw::kTftpPort) {
        server.handle_request(now, wire.from, wire.payload);
      } else {
        server.handle_transfer_datagram(now, wire.to.port - kTransferPortBase, wire.from,
                                        wire.payload);
      }
      collect();
    }
    Instant next = server.next_deadline();
    for (const Phone& phone : phones) {
      if (!phone.client)
        next = std::min(next, phone.start);
      if (phone.client && !phone.result)
        next = std::min(next, phone.client->next_deadline());
    }
    if (next == Instant::never())
      break;
    now = std::max(now, next);
    for (Phone& phone : phones) {
      if (phone.client && !phone.result)
        phone.client->handle_deadline(now);
    }
    server.handle_deadline(now);
  }
  std::vector<fw::Result<Bytes>> results;
  for (Phone& phone : phones) {
    results.push_back(
        phone.result ? std::move(*phone.result)
                     : fw::Result<Bytes>(fw::fail(fw::ErrorCode::TftpTimeout, "never finished")));
  }
  return results;
}

TEST(TftpPairTest, QueuedPhonesAreServedInTurnAndTheOverflowRetriesLater) {
  // A slow server (3 s before each transfer starts) serving one phone and queueing two: the
  // queued phones keep resending their request (2 s timeout option) and get the file in turn; the
  // fourth is told "server busy" at once and succeeds when it asks again 20 s later.
  test::MemoryTftpRoot root;
  Bytes file = pattern(3000);
  root.add("f", file);
  TftpServerSettings settings;
  settings.admission = {1, 2};
  TftpServer server(root, settings, [](const TftpRequestInfo&) {
    TftpVerdict verdict = TftpVerdict::serve();
    verdict.delay = fw::seconds(3);
    return verdict;
  });
  std::vector<fw::Result<Bytes>> results =
      run_phones(server, {kStart, kStart, kStart, kStart, kStart + fw::seconds(20)});
  for (std::size_t phone : {0u, 1u, 2u, 4u}) {
    SCOPED_TRACE("phone " + std::to_string(phone));
    ASSERT_TRUE(results[phone]) << results[phone].error().to_string();
    EXPECT_EQ(*results[phone], file);
  }
  ASSERT_FALSE(results[3]);
  EXPECT_EQ(results[3].error().code, fw::ErrorCode::TftpError);
  EXPECT_NE(results[3].error().detail.find("server busy"), std::string::npos);
  const ServiceQueue& admission = server.admission();
  EXPECT_EQ(admission.peak_waiting(), 2u);
  EXPECT_EQ(admission.refused(), 1u);
  EXPECT_EQ(admission.waits(), (std::vector<fw::Duration>{fw::seconds(3), fw::seconds(6)}));
  EXPECT_EQ(server.active_transfers(), 0u);
}

}  // namespace
}  // namespace srv
