#pragma once

// Network: the virtual IPv4 network of one world. Hosts (phones and servers) have addresses and
// belong to a host group; the path between two groups has latency, jitter, loss, duplication,
// reordering and a bandwidth cap (LinkSettings). UDP datagrams, reliable ordered streams and DNS
// run over it; hosts go down and up and groups are partitioned on a timeline (NetworkChange).
//
// Everything is delivered through the engine's event queue, never from inside a call, so a
// handler may call back into the network while handling an event. Every random draw comes from a
// per-host stream derived from the world's seed; delays are integer nanoseconds and probabilities
// integer ratios.
//
// The same API serves both sides: a phone's SimPlatform opens UDP sockets and connects streams,
// a server core opens a UDP port with a receive handler or listens on a stream port with an
// accept handler.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/runtime/network_address.h"
#include "firmware-core/runtime/platform.h"
#include "firmware-core/runtime/time.h"
#include "sim/engine/engine.h"

namespace sim {

class PcapWriter;
class TraceLog;

// A probability as an exact integer ratio (no double in anything that decides an outcome).
struct Ratio {
  std::uint32_t numerator = 0;
  std::uint32_t denominator = 1;
  std::string to_string() const;  // "1/100"
};

// The path from one host group to another (one direction). Plain data: scenarios build it,
// print it at the start of a run.
struct LinkSettings {
  fw::Duration latency = fw::milliseconds(1);
  fw::Duration jitter{0};  // datagrams: extra delay uniform in [0, jitter]
  Ratio loss{};            // datagrams dropped
  Ratio duplicate{};       // datagrams delivered twice (each copy with its own delay)
  Ratio reorder{};         // datagrams held back by reorder_delay, so later ones overtake them
  fw::Duration reorder_delay = fw::milliseconds(10);
  std::uint64_t bandwidth_bytes_per_s = 0;  // streams: serialisation rate; 0 = unlimited
  std::string to_string() const;
};

struct NetworkSettings {
  fw::Duration connect_timeout = fw::seconds(20);   // connect with no answer (host down, cut)
  fw::Duration unreachable_delay = fw::seconds(3);  // no host has the address (ARP gives up)
  fw::Duration stream_timeout = fw::seconds(60);    // stream data lost in a cut: sender times out
  fw::Duration dns_latency = fw::milliseconds(2);
  fw::Duration dns_timeout = fw::seconds(5);  // a query without answer fails after this
  bool dns_up = true;                         // false: every query times out
  std::uint32_t segment_bytes = 1460;         // streams deliver data in pieces of at most this
  std::string to_string() const;
};

enum class DnsFault : std::uint8_t {
  None,
  NoSuchName,  // NXDOMAIN after the DNS latency
  NoAnswer,    // the query times out after dns_timeout
};

// One step of a network timeline. Plain data, printable.
struct NetworkChange {
  enum class Kind : std::uint8_t { HostDown, HostUp, Partition, Heal };
  fw::Instant at;
  Kind kind = Kind::HostDown;
  fw::Ipv4Address host;     // HostDown, HostUp
  std::uint32_t group_a = 0;  // Partition, Heal
  std::uint32_t group_b = 0;
  std::string to_string() const;
};

// Stream ends are network-wide ids, never 0 and never reused.
using StreamEndId = std::uint32_t;

class UdpReceiver {
 public:
  virtual ~UdpReceiver() = default;
  // A datagram for the socket bound to `local` arrived.
  virtual void on_udp(fw::Endpoint local, fw::Endpoint from, fw::ByteSpan payload) = 0;
};

class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  virtual void on_stream_connected(StreamEndId end) = 0;
  virtual void on_stream_data(StreamEndId end, fw::ByteSpan bytes) = 0;
  // The peer closed (after its data); the end is gone afterwards.
  virtual void on_stream_closed(StreamEndId end) = 0;
  // The connect failed or the connection broke; the end is gone afterwards.
  virtual void on_stream_failed(StreamEndId end, fw::StreamFailure failure) = 0;
};

class StreamAcceptor {
 public:
  virtual ~StreamAcceptor() = default;
  // A connection to a listening port arrived; the returned handler receives the new end's
  // events (data can be sent on `end` at once). Called from the event queue.
  virtual StreamHandler& on_stream_accepted(StreamEndId end, fw::Endpoint local,
                                            fw::Endpoint remote) = 0;
};

class DnsClient {
 public:
  virtual ~DnsClient() = default;
  virtual void on_dns_answer(std::uint32_t tag,
                             fw::Result<std::vector<fw::Ipv4Address>> addresses) = 0;
};

class Network final : public EventHandler {
 public:
  // Random streams of hosts are derived from (seed, kHostEntityBase + host index), so they never
  // collide with phone or server entity ids.
  static constexpr std::uint64_t kHostEntityBase = std::uint64_t{1} << 48;
  static constexpr std::uint16_t kEphemeralPortFirst = 49152;

  Network(Engine& engine, NetworkSettings settings = {}, TraceLog* trace = nullptr);

  const NetworkSettings& settings() const { return settings_; }
  // Writes every datagram and stream segment to `capture` as it is sent (nullptr: off).
  // Streams appear as TCP with handshake, sequence and acknowledgement numbers and ACKs.
  void set_capture(PcapWriter* capture) { capture_ = capture; }

  // --- topology ---
  // Adds a host (up). Returns false if the address is taken.
  bool add_host(fw::Ipv4Address address, std::string name, std::uint32_t group = 0);
  bool has_host(fw::Ipv4Address address) const { return hosts_.contains(address.value); }
  bool host_up(fw::Ipv4Address address) const;
  // A host going down resets its own stream ends (their handlers get Reset, as software on a
  // crashing host loses its connections); the remote ends notice only when they send (their
  // data is lost: TimedOut, or Reset once the host is back up). Bound ports stay bound.
  void set_host_up(fw::Ipv4Address address, bool up);
  // Link settings and planned changes are recorded in the trace when set, so a run's fault plan
  // is printed at its start (and is part of the determinism hash).
  void set_default_link(const LinkSettings& link);
  void set_link(std::uint32_t group_from, std::uint32_t group_to, const LinkSettings& link);
  const LinkSettings& link(std::uint32_t group_from, std::uint32_t group_to) const;
  // Cuts (or restores) every path between the two groups, both directions.
  void partition(std::uint32_t group_a, std::uint32_t group_b);
  void heal(std::uint32_t group_a, std::uint32_t group_b);
  // Applies `change` at change.at (now if passed), through the event queue.
  void schedule(const NetworkChange& change);

  // --- UDP ---
  // Binds `port` on `host` (0: the next free ephemeral port); returns the port bound.
  // Errors: PortInUse (also when the host does not exist).
  fw::Result<std::uint16_t> open_udp(fw::Ipv4Address host, std::uint16_t port,
                                     UdpReceiver& receiver);
  void close_udp(fw::Endpoint local);
  void send_udp(fw::Endpoint from, fw::Endpoint to, fw::ByteSpan payload);

  // --- streams ---
  // Errors: PortInUse.
  fw::Result<void> listen(fw::Endpoint local, StreamAcceptor& acceptor);
  void stop_listening(fw::Endpoint local);
  // Starts a connection from `host`; the answer arrives at `handler`.
  StreamEndId connect(fw::Ipv4Address host, fw::Endpoint to, StreamHandler& handler);
  // Queues bytes on an established end (ignored on an end that is not connected or is gone).
  void send(StreamEndId end, fw::ByteSpan bytes);
  // Orderly close after the queued bytes; no more events for `end`.
  void close(StreamEndId end);
  // Reset at once; no more events for `end`; the peer gets Reset.
  void abort(StreamEndId end);
  // Forgets `end` silently, as a host losing power does: nothing is sent, no more events; the
  // peer's later data is lost (it times out) or, once the host is up again, answered by a reset.
  void drop(StreamEndId end);
  // Faults on a live connection, named by either end: reset both ends now; stall (hold every
  // byte in flight and later sent, both directions) or resume.
  void reset_connection(StreamEndId end);
  void stall_connection(StreamEndId end, bool stalled);
  // Live connections (for tests and leak checks).
  std::size_t connections() const { return connections_.size(); }

  // --- DNS ---
  // Sets a name's A records, in the order clients should try them (clears a fault).
  void set_dns_records(std::string_view name, std::vector<fw::Ipv4Address> addresses);
  void set_dns_fault(std::string_view name, DnsFault fault);
  void set_dns_up(bool up) { settings_.dns_up = up; }
  // Resolves `name` for `host`; the answer arrives at client.on_dns_answer(tag, ...).
  void resolve(fw::Ipv4Address host, std::string_view name, DnsClient& client, std::uint32_t tag);
  // Drops the answers still due to `client` (it is going away).
  void forget_dns_client(const DnsClient& client);

  void on_event(std::uint32_t tag) override;

 private:
  enum class EventKind : std::uint32_t { Datagram = 0, Segment = 1, Dns = 2 };
  static constexpr std::uint32_t kKindShift = 28;
  static constexpr std::uint32_t kIndexMask = (1u << kKindShift) - 1;

  struct Host {
    std::string name;
    std::uint32_t group = 0;
    std::uint32_t index = 0;
    bool up = true;
    std::uint16_t next_ephemeral_port = kEphemeralPortFirst;
    fw::RandomStream random;
  };
  struct Datagram {
    fw::Endpoint from;
    fw::Endpoint to;
    fw::Bytes payload;
  };
  enum class SegmentKind : std::uint8_t { Syn, SynAck, Refuse, Data, Fin, Rst, ConnectFailed };
  struct Segment {
    std::uint32_t connection = 0;
    std::uint8_t to_side = 0;  // the end that receives it
    SegmentKind kind = SegmentKind::Data;
    fw::StreamFailure failure = fw::StreamFailure::Reset;  // ConnectFailed
    bool local = false;  // posted by the network itself (failure, crash, injected reset)
    fw::Bytes bytes;
  };
  struct End {
    fw::Endpoint local;
    StreamHandler* handler = nullptr;  // nullptr: closed, aborted or failed; no more events
    bool crashed = false;              // detached because its host went down
    bool timing_out = false;           // a TimedOut is already on its way
  };
  struct Direction {
    fw::Instant link_free_at;
    fw::Instant last_arrival;
    // Capture only: the sender's next TCP sequence number and the receiver's acknowledgement.
    std::uint32_t next_sequence = 0;
    std::uint32_t acknowledged = 0;
  };
  struct Connection {
    End ends[2];  // [0] the connecting side, [1] the accepting side
    Direction directions[2];  // [d]: from end d to end 1 - d
    bool established = false;
    bool stalled = false;
    std::uint32_t in_flight = 0;  // queued segments and held ones
    std::vector<std::uint32_t> held;  // segment slots held by a stall, in arrival order
  };
  struct DnsQuery {
    DnsClient* client = nullptr;
    std::uint32_t tag = 0;
    fw::Result<std::vector<fw::Ipv4Address>> answer = std::vector<fw::Ipv4Address>{};
  };
  struct DnsEntry {
    std::vector<fw::Ipv4Address> addresses;
    DnsFault fault = DnsFault::None;
  };

  static std::uint64_t key(fw::Endpoint endpoint) {
    return (std::uint64_t{endpoint.address.value} << 16) | endpoint.port;
  }
  static std::uint32_t event_tag(EventKind kind, std::uint32_t index) {
    return (static_cast<std::uint32_t>(kind) << kKindShift) | index;
  }
  static StreamEndId end_id(std::uint32_t connection, int side) {
    return (connection << 1) | static_cast<std::uint32_t>(side);
  }

  Host* find_host(fw::Ipv4Address address);
  bool path_open(const Host& from, const Host& to) const;
  std::uint16_t next_ephemeral_port(Host& host);
  void trace(fw::Severity severity, std::string_view event,
             std::initializer_list<std::pair<std::string_view, std::string>> fields);

  void deliver_datagram(std::uint32_t index);
  // Queues a segment from end `from_side` to the other end: serialised at the link's bandwidth,
  // after the link latency, never before the direction's previous segment.
  void send_segment(std::uint32_t connection, int from_side, SegmentKind kind, fw::Bytes bytes);
  // Queues a segment to end `to_side` at `at` (locally generated: failures, resets).
  void post_segment(std::uint32_t connection, int to_side, SegmentKind kind, fw::Instant at,
                    fw::StreamFailure failure = fw::StreamFailure::Reset);
  std::uint32_t new_segment(Segment segment);
  void arrive_segment(std::uint32_t index);
  void handle_segment(Connection& connection, std::uint32_t connection_id, Segment& segment);
  void time_out_sender(std::uint32_t connection_id, int side, fw::Instant since);
  // Detaches an end; erases the connection when both ends are gone and nothing is in flight.
  void detach(std::uint32_t connection_id, int side);
  void collect(std::uint32_t connection_id);
  Connection* find_connection(StreamEndId end);
  void deliver_dns(std::uint32_t index);
  // Capture: the synthesized TCP packet for a segment leaving end `from_side`, and the ACK the
  // receiving end answers an arrived segment with.
  void capture_sent(std::uint32_t connection_id, int from_side, SegmentKind kind,
                    fw::ByteSpan payload);
  void capture_arrived(std::uint32_t connection_id, int to_side, SegmentKind kind,
                       std::size_t bytes);

  Engine& engine_;
  HandlerId handler_id_;
  NetworkSettings settings_;
  TraceLog* trace_;
  PcapWriter* capture_ = nullptr;
  LinkSettings default_link_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, LinkSettings> links_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, bool> partitions_;  // (min, max) group
  std::unordered_map<std::uint32_t, Host> hosts_;
  std::unordered_map<std::uint64_t, UdpReceiver*> udp_bindings_;
  std::unordered_map<std::uint64_t, StreamAcceptor*> listeners_;
  std::unordered_map<std::uint32_t, Connection> connections_;
  std::uint32_t next_connection_ = 1;
  std::vector<Datagram> datagrams_;
  std::vector<std::uint32_t> free_datagrams_;
  std::vector<Segment> segments_;
  std::vector<std::uint32_t> free_segments_;
  std::vector<DnsQuery> dns_queries_;
  std::vector<std::uint32_t> free_dns_queries_;
  std::map<std::string, DnsEntry, std::less<>> dns_;
};

}  // namespace sim
