#include "sim/net/network.h"

#include <algorithm>
#include <cassert>
#include <cctype>

#include "sim/trace/pcap_writer.h"
#include "sim/trace/trace_log.h"

namespace sim {
namespace {

constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;

std::string duration_text(fw::Duration span) {
  const std::int64_t ns = span.count();
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

std::string lower_case(std::string_view name) {
  std::string lowered(name);
  for (char& character : lowered)
    character = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
  // "host." and "host" are the same name.
  if (!lowered.empty() && lowered.back() == '.') lowered.pop_back();
  return lowered;
}

// Stands in for an accepted end's handler while the acceptor runs; never called.
class NoHandler final : public StreamHandler {
 public:
  void on_stream_connected(StreamEndId) override {}
  void on_stream_data(StreamEndId, fw::ByteSpan) override {}
  void on_stream_closed(StreamEndId) override {}
  void on_stream_failed(StreamEndId, fw::StreamFailure) override {}
};

// A connection end's initial TCP sequence number in captures: fixed per (connection, side).
std::uint32_t initial_sequence(std::uint32_t connection_id, int side) {
  return static_cast<std::uint32_t>(
      fw::derive_seed(0x5043'4150, (std::uint64_t{connection_id} << 1) | side));
}

std::pair<std::uint32_t, std::uint32_t> group_pair(std::uint32_t a, std::uint32_t b) {
  return {std::min(a, b), std::max(a, b)};
}

}  // namespace

std::string Ratio::to_string() const {
  return std::to_string(numerator) + "/" + std::to_string(denominator);
}

std::string LinkSettings::to_string() const {
  std::string text = "latency=" + duration_text(latency) + " jitter=" + duration_text(jitter) +
                     " loss=" + loss.to_string() + " duplicate=" + duplicate.to_string() +
                     " reorder=" + reorder.to_string() + " reorder_delay=" +
                     duration_text(reorder_delay) + " bandwidth_bytes_per_s=";
  text += bandwidth_bytes_per_s == 0 ? "unlimited" : std::to_string(bandwidth_bytes_per_s);
  return text;
}

std::string NetworkSettings::to_string() const {
  return "connect_timeout=" + duration_text(connect_timeout) +
         " unreachable_delay=" + duration_text(unreachable_delay) +
         " stream_timeout=" + duration_text(stream_timeout) +
         " dns_latency=" + duration_text(dns_latency) + " dns_timeout=" +
         duration_text(dns_timeout) + " dns_up=" + (dns_up ? "yes" : "no") +
         " segment_bytes=" + std::to_string(segment_bytes);
}

std::string NetworkChange::to_string() const {
  std::string text = "at=" + std::to_string(at.nanoseconds()) + "ns ";
  switch (kind) {
    case Kind::HostDown: return text + "host_down " + host.to_string();
    case Kind::HostUp: return text + "host_up " + host.to_string();
    case Kind::Partition:
      return text + "partition " + std::to_string(group_a) + "|" + std::to_string(group_b);
    case Kind::Heal:
      return text + "heal " + std::to_string(group_a) + "|" + std::to_string(group_b);
  }
  return text;
}

Network::Network(Engine& engine, NetworkSettings settings, TraceLog* trace)
    : engine_(engine),
      handler_id_(engine.add_handler(*this)),
      settings_(settings),
      trace_(trace) {
  this->trace(fw::Severity::Info, "settings", {{"settings", settings_.to_string()}});
}

void Network::trace(fw::Severity severity, std::string_view event,
                    std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  if (trace_ == nullptr) return;
  std::vector<fw::TraceField> rendered;
  rendered.reserve(fields.size());
  for (const auto& [field_key, value] : fields) rendered.push_back({field_key, value});
  trace_->record(engine_.now(), "", severity, "net", event, rendered);
}

// --- topology ---

bool Network::add_host(fw::Ipv4Address address, std::string name, std::uint32_t group) {
  const auto index = static_cast<std::uint32_t>(hosts_.size());
  const auto [where, inserted] = hosts_.try_emplace(
      address.value,
      Host{std::move(name), group, index, true, kEphemeralPortFirst,
           engine_.stream(kHostEntityBase + index)});
  return inserted;
}

Network::Host* Network::find_host(fw::Ipv4Address address) {
  const auto found = hosts_.find(address.value);
  return found == hosts_.end() ? nullptr : &found->second;
}

bool Network::host_up(fw::Ipv4Address address) const {
  const auto found = hosts_.find(address.value);
  return found != hosts_.end() && found->second.up;
}

void Network::set_host_up(fw::Ipv4Address address, bool up) {
  Host* host = find_host(address);
  if (host == nullptr || host->up == up) return;
  host->up = up;
  trace(fw::Severity::Info, up ? "host_up" : "host_down",
        {{"host", address.to_string()}, {"name", host->name}});
  if (up) return;
  // Software on the host loses its connections: its live ends are reset (in id order, so the
  // order of events does not depend on the hash map's layout).
  std::vector<StreamEndId> crashed;
  for (const auto& [id, connection] : connections_)
    for (int side = 0; side < 2; ++side)
      if (connection.ends[side].local.address == address &&
          connection.ends[side].handler != nullptr)
        crashed.push_back(end_id(id, side));
  std::sort(crashed.begin(), crashed.end());
  for (const StreamEndId end : crashed) {
    const std::uint32_t id = end >> 1;
    const int side = static_cast<int>(end & 1);
    connections_[id].ends[side].crashed = true;
    post_segment(id, side, SegmentKind::Rst, engine_.now());
  }
}

void Network::set_default_link(const LinkSettings& link) {
  default_link_ = link;
  trace(fw::Severity::Info, "link", {{"groups", "default"}, {"settings", link.to_string()}});
}

void Network::set_link(std::uint32_t group_from, std::uint32_t group_to,
                       const LinkSettings& link) {
  links_[{group_from, group_to}] = link;
  trace(fw::Severity::Info, "link",
        {{"groups", std::to_string(group_from) + ">" + std::to_string(group_to)},
         {"settings", link.to_string()}});
}

const LinkSettings& Network::link(std::uint32_t group_from, std::uint32_t group_to) const {
  const auto found = links_.find({group_from, group_to});
  return found == links_.end() ? default_link_ : found->second;
}

void Network::partition(std::uint32_t group_a, std::uint32_t group_b) {
  partitions_[group_pair(group_a, group_b)] = true;
  trace(fw::Severity::Info, "partition",
        {{"groups", std::to_string(group_a) + "|" + std::to_string(group_b)}});
}

void Network::heal(std::uint32_t group_a, std::uint32_t group_b) {
  partitions_.erase(group_pair(group_a, group_b));
  trace(fw::Severity::Info, "heal",
        {{"groups", std::to_string(group_a) + "|" + std::to_string(group_b)}});
}

void Network::schedule(const NetworkChange& change) {
  trace(fw::Severity::Info, "change_planned", {{"change", change.to_string()}});
  engine_.schedule_call(change.at, [this, change] {
    switch (change.kind) {
      case NetworkChange::Kind::HostDown: set_host_up(change.host, false); break;
      case NetworkChange::Kind::HostUp: set_host_up(change.host, true); break;
      case NetworkChange::Kind::Partition: partition(change.group_a, change.group_b); break;
      case NetworkChange::Kind::Heal: heal(change.group_a, change.group_b); break;
    }
  });
}

bool Network::path_open(const Host& from, const Host& to) const {
  return from.up && to.up && !partitions_.contains(group_pair(from.group, to.group));
}

std::uint16_t Network::next_ephemeral_port(Host& host) {
  const std::uint16_t port = host.next_ephemeral_port;
  host.next_ephemeral_port =
      port == 65535 ? kEphemeralPortFirst : static_cast<std::uint16_t>(port + 1);
  return port;
}

// --- UDP ---

fw::Result<std::uint16_t> Network::open_udp(fw::Ipv4Address address, std::uint16_t port,
                                            UdpReceiver& receiver) {
  Host* host = find_host(address);
  if (host == nullptr)
    return fw::fail(fw::ErrorCode::PortInUse, "open_udp: no host " + address.to_string());
  if (port == 0) {
    for (int attempt = 0; attempt <= 65535 - kEphemeralPortFirst; ++attempt) {
      const std::uint16_t candidate = next_ephemeral_port(*host);
      if (!udp_bindings_.contains(key({address, candidate}))) {
        port = candidate;
        break;
      }
    }
    if (port == 0)
      return fw::fail(fw::ErrorCode::PortInUse, "open_udp: no free port on " +
                                                    address.to_string());
  }
  const auto [where, inserted] = udp_bindings_.try_emplace(key({address, port}), &receiver);
  if (!inserted)
    return fw::fail(fw::ErrorCode::PortInUse,
                    "open_udp: " + fw::Endpoint{address, port}.to_string() + " is bound");
  return port;
}

void Network::close_udp(fw::Endpoint local) { udp_bindings_.erase(key(local)); }

void Network::send_udp(fw::Endpoint from, fw::Endpoint to, fw::ByteSpan payload) {
  Host* source = find_host(from.address);
  Host* target = find_host(to.address);
  if (source == nullptr || !source->up) return;
  if (target == nullptr || !path_open(*source, *target)) {
    trace(fw::Severity::Debug, "udp_unroutable", {{"from", from.to_string()},
                                                  {"to", to.to_string()}});
    return;
  }
  if (capture_ != nullptr) capture_->write_udp(engine_.now(), from, to, payload);
  const LinkSettings& path = link(source->group, target->group);
  fw::RandomStream& random = source->random;
  if (path.loss.numerator != 0 && random.chance(path.loss.numerator, path.loss.denominator)) {
    trace(fw::Severity::Debug, "udp_lost", {{"from", from.to_string()}, {"to", to.to_string()}});
    return;
  }
  const bool duplicated = path.duplicate.numerator != 0 &&
                          random.chance(path.duplicate.numerator, path.duplicate.denominator);
  for (int copy = 0; copy < (duplicated ? 2 : 1); ++copy) {
    fw::Duration delay = path.latency;
    if (path.jitter.count() > 0)
      delay += fw::Duration(random.between(0, path.jitter.count()));
    if (path.reorder.numerator != 0 &&
        random.chance(path.reorder.numerator, path.reorder.denominator))
      delay += path.reorder_delay;
    std::uint32_t index;
    if (free_datagrams_.empty()) {
      index = static_cast<std::uint32_t>(datagrams_.size());
      datagrams_.emplace_back();
    } else {
      index = free_datagrams_.back();
      free_datagrams_.pop_back();
    }
    datagrams_[index] = Datagram{from, to, fw::Bytes(payload.begin(), payload.end())};
    engine_.schedule(engine_.now() + delay, handler_id_, event_tag(EventKind::Datagram, index));
  }
  if (duplicated)
    trace(fw::Severity::Debug, "udp_duplicated",
          {{"from", from.to_string()}, {"to", to.to_string()}});
}

void Network::deliver_datagram(std::uint32_t index) {
  Datagram datagram = std::move(datagrams_[index]);
  datagrams_[index] = Datagram{};
  free_datagrams_.push_back(index);
  // The receiver may have gone down or closed the socket while the datagram flew.
  if (!host_up(datagram.to.address)) return;
  const auto bound = udp_bindings_.find(key(datagram.to));
  if (bound == udp_bindings_.end()) return;
  bound->second->on_udp(datagram.to, datagram.from, datagram.payload);
}

// --- streams ---

fw::Result<void> Network::listen(fw::Endpoint local, StreamAcceptor& acceptor) {
  if (!has_host(local.address))
    return fw::fail(fw::ErrorCode::PortInUse, "listen: no host " + local.address.to_string());
  if (!listeners_.try_emplace(key(local), &acceptor).second)
    return fw::fail(fw::ErrorCode::PortInUse, "listen: " + local.to_string() + " is taken");
  return {};
}

void Network::stop_listening(fw::Endpoint local) { listeners_.erase(key(local)); }

Network::Connection* Network::find_connection(StreamEndId end) {
  const auto found = connections_.find(end >> 1);
  return found == connections_.end() ? nullptr : &found->second;
}

StreamEndId Network::connect(fw::Ipv4Address address, fw::Endpoint to, StreamHandler& handler) {
  const std::uint32_t id = next_connection_++;
  Connection& connection = connections_[id];
  Host* source = find_host(address);
  connection.ends[0].local = {address, source == nullptr ? std::uint16_t{0}
                                                         : next_ephemeral_port(*source)};
  connection.ends[0].handler = &handler;
  connection.ends[1].local = to;
  const Host* target = find_host(to.address);
  if (source == nullptr || !source->up) {
    post_segment(id, 0, SegmentKind::ConnectFailed, engine_.now(),
                 fw::StreamFailure::Unreachable);
  } else if (target == nullptr) {
    post_segment(id, 0, SegmentKind::ConnectFailed, engine_.now() + settings_.unreachable_delay,
                 fw::StreamFailure::Unreachable);
  } else {
    send_segment(id, 0, SegmentKind::Syn, {});
  }
  return end_id(id, 0);
}

std::uint32_t Network::new_segment(Segment segment) {
  std::uint32_t index;
  if (free_segments_.empty()) {
    index = static_cast<std::uint32_t>(segments_.size());
    segments_.push_back(std::move(segment));
  } else {
    index = free_segments_.back();
    free_segments_.pop_back();
    segments_[index] = std::move(segment);
  }
  return index;
}

void Network::post_segment(std::uint32_t connection_id, int to_side, SegmentKind kind,
                           fw::Instant at, fw::StreamFailure failure) {
  Connection& connection = connections_[connection_id];
  ++connection.in_flight;
  const std::uint32_t index = new_segment(
      Segment{connection_id, static_cast<std::uint8_t>(to_side), kind, failure, true, {}});
  engine_.schedule(at, handler_id_, event_tag(EventKind::Segment, index));
}

void Network::send_segment(std::uint32_t connection_id, int from_side, SegmentKind kind,
                           fw::Bytes bytes) {
  Connection& connection = connections_[connection_id];
  const Host* source = find_host(connection.ends[from_side].local.address);
  const Host* target = find_host(connection.ends[1 - from_side].local.address);
  assert(source != nullptr && target != nullptr);
  const LinkSettings& path = link(source->group, target->group);
  Direction& direction = connection.directions[from_side];
  const fw::Instant now = engine_.now();
  fw::Instant sent = std::max(now, direction.link_free_at);
  if (path.bandwidth_bytes_per_s != 0 && !bytes.empty()) {
    const auto bandwidth = static_cast<std::int64_t>(path.bandwidth_bytes_per_s);
    const auto size = static_cast<std::int64_t>(bytes.size());
    // Whole nanoseconds, rounded up, so a tiny segment still takes time on a slow link.
    sent += fw::Duration((size * kNanosecondsPerSecond + bandwidth - 1) / bandwidth);
  }
  direction.link_free_at = sent;
  if (capture_ != nullptr) capture_sent(connection_id, from_side, kind, bytes);
  const fw::Instant arrival = std::max(sent + path.latency, direction.last_arrival);
  direction.last_arrival = arrival;
  ++connection.in_flight;
  const std::uint32_t index = new_segment(Segment{
      connection_id, static_cast<std::uint8_t>(1 - from_side), kind, fw::StreamFailure::Reset,
      false, std::move(bytes)});
  engine_.schedule(arrival, handler_id_, event_tag(EventKind::Segment, index));
}

void Network::send(StreamEndId end, fw::ByteSpan bytes) {
  Connection* connection = find_connection(end);
  const int side = static_cast<int>(end & 1);
  if (connection == nullptr || !connection->established ||
      connection->ends[side].handler == nullptr || bytes.empty())
    return;
  const std::uint32_t id = end >> 1;
  const std::size_t piece_max = std::max<std::uint32_t>(settings_.segment_bytes, 1);
  for (std::size_t offset = 0; offset < bytes.size(); offset += piece_max) {
    const fw::ByteSpan piece = bytes.subspan(offset, std::min(piece_max, bytes.size() - offset));
    send_segment(id, side, SegmentKind::Data, fw::Bytes(piece.begin(), piece.end()));
  }
}

void Network::close(StreamEndId end) {
  Connection* connection = find_connection(end);
  const int side = static_cast<int>(end & 1);
  if (connection == nullptr || connection->ends[side].handler == nullptr) return;
  if (connection->established) send_segment(end >> 1, side, SegmentKind::Fin, {});
  detach(end >> 1, side);
}

void Network::abort(StreamEndId end) {
  Connection* connection = find_connection(end);
  const int side = static_cast<int>(end & 1);
  if (connection == nullptr || connection->ends[side].handler == nullptr) return;
  if (connection->established) send_segment(end >> 1, side, SegmentKind::Rst, {});
  detach(end >> 1, side);
}

void Network::drop(StreamEndId end) {
  Connection* connection = find_connection(end);
  const int side = static_cast<int>(end & 1);
  if (connection == nullptr || connection->ends[side].handler == nullptr) return;
  connection->ends[side].crashed = true;
  detach(end >> 1, side);
}

void Network::reset_connection(StreamEndId end) {
  Connection* connection = find_connection(end);
  if (connection == nullptr) return;
  trace(fw::Severity::Info, "stream_reset",
        {{"a", connection->ends[0].local.to_string()},
         {"b", connection->ends[1].local.to_string()}});
  for (int side = 0; side < 2; ++side)
    if (connection->ends[side].handler != nullptr)
      post_segment(end >> 1, side, SegmentKind::Rst, engine_.now());
}

void Network::stall_connection(StreamEndId end, bool stalled) {
  Connection* connection = find_connection(end);
  if (connection == nullptr || connection->stalled == stalled) return;
  connection->stalled = stalled;
  if (stalled) return;
  // Release what was held, in order, as fresh events (never from inside this call).
  std::vector<std::uint32_t> held = std::move(connection->held);
  connection->held.clear();
  for (const std::uint32_t index : held)
    engine_.schedule(engine_.now(), handler_id_, event_tag(EventKind::Segment, index));
}

void Network::detach(std::uint32_t connection_id, int side) {
  Connection& connection = connections_[connection_id];
  connection.ends[side].handler = nullptr;
  collect(connection_id);
}

void Network::collect(std::uint32_t connection_id) {
  const auto found = connections_.find(connection_id);
  if (found == connections_.end()) return;
  const Connection& connection = found->second;
  if (connection.ends[0].handler == nullptr && connection.ends[1].handler == nullptr &&
      connection.in_flight == 0)
    connections_.erase(found);
}

void Network::time_out_sender(std::uint32_t connection_id, int side, fw::Instant since) {
  End& end = connections_[connection_id].ends[side];
  if (end.handler == nullptr || end.timing_out) return;
  end.timing_out = true;
  post_segment(connection_id, side, SegmentKind::ConnectFailed, since + settings_.stream_timeout,
               fw::StreamFailure::TimedOut);
}

void Network::arrive_segment(std::uint32_t index) {
  const std::uint32_t connection_id = segments_[index].connection;
  const auto found = connections_.find(connection_id);
  assert(found != connections_.end());
  Connection& connection = found->second;
  const SegmentKind kind = segments_[index].kind;
  // A stall holds the connection's bytes (data, FIN, RST from the peer), not its handshake.
  if (connection.stalled && !segments_[index].local &&
      (kind == SegmentKind::Data || kind == SegmentKind::Fin || kind == SegmentKind::Rst)) {
    connection.held.push_back(index);
    return;
  }
  Segment segment = std::move(segments_[index]);
  segments_[index] = Segment{};
  free_segments_.push_back(index);
  --connection.in_flight;
  if (capture_ != nullptr && !segment.local)
    capture_arrived(connection_id, segment.to_side, segment.kind, segment.bytes.size());
  handle_segment(connection, connection_id, segment);
  collect(connection_id);
}

void Network::handle_segment(Connection& connection, std::uint32_t connection_id,
                             Segment& segment) {
  const int side = segment.to_side;
  End& end = connection.ends[side];
  const int peer_side = 1 - side;
  Host* host = find_host(end.local.address);
  Host* peer_host = find_host(connection.ends[peer_side].local.address);
  const StreamEndId id = end_id(connection_id, side);
  switch (segment.kind) {
    case SegmentKind::ConnectFailed: {
      if (end.handler == nullptr) return;
      StreamHandler* handler = end.handler;
      end.handler = nullptr;
      handler->on_stream_failed(id, segment.failure);
      return;
    }
    case SegmentKind::Syn: {
      if (connection.ends[0].handler == nullptr) return;  // the connector gave up already
      if (host == nullptr || peer_host == nullptr || !path_open(*peer_host, *host)) {
        // No answer at all: the connector times out, counted from when it sent the SYN.
        post_segment(connection_id, 0, SegmentKind::ConnectFailed,
                     engine_.now() - link(peer_host->group, host->group).latency +
                         settings_.connect_timeout,
                     fw::StreamFailure::TimedOut);
        return;
      }
      const auto listening = listeners_.find(key(end.local));
      if (listening == listeners_.end()) {
        send_segment(connection_id, 1, SegmentKind::Refuse, {});
        return;
      }
      connection.established = true;
      // The SYN-ACK goes first in this direction, so the server's first bytes follow it.
      send_segment(connection_id, 1, SegmentKind::SynAck, {});
      // The acceptor may send on (or close) the end before it returns its handler.
      static NoHandler accepting;
      end.handler = &accepting;
      StreamHandler& handler =
          listening->second->on_stream_accepted(id, end.local, connection.ends[0].local);
      if (end.handler == &accepting) end.handler = &handler;
      return;
    }
    case SegmentKind::SynAck:
      if (end.handler != nullptr) end.handler->on_stream_connected(id);
      return;
    case SegmentKind::Refuse: {
      if (end.handler == nullptr) return;
      StreamHandler* handler = end.handler;
      end.handler = nullptr;
      handler->on_stream_failed(id, fw::StreamFailure::Refused);
      return;
    }
    case SegmentKind::Data:
    case SegmentKind::Fin:
    case SegmentKind::Rst:
      break;
  }
  // A segment from the peer that cannot reach this end is lost; the peer's data then times out.
  // Locally posted resets (a crash, an injected reset) need no path.
  const bool reachable = host != nullptr && peer_host != nullptr && path_open(*peer_host, *host);
  if (!segment.local && !reachable) {
    if (segment.kind == SegmentKind::Data)
      time_out_sender(connection_id, peer_side,
                      engine_.now() - link(peer_host->group, host->group).latency);
    return;
  }
  if (end.handler == nullptr) {
    // Data for an end whose host crashed and came back: the new host answers with a reset.
    if (end.crashed && segment.kind == SegmentKind::Data)
      send_segment(connection_id, side, SegmentKind::Rst, {});
    return;
  }
  StreamHandler* handler = end.handler;
  switch (segment.kind) {
    case SegmentKind::Data: handler->on_stream_data(id, segment.bytes); return;
    case SegmentKind::Fin:
      end.handler = nullptr;
      handler->on_stream_closed(id);
      return;
    default:
      end.handler = nullptr;
      handler->on_stream_failed(id, fw::StreamFailure::Reset);
      return;
  }
}

void Network::capture_sent(std::uint32_t connection_id, int from_side, SegmentKind kind,
                           fw::ByteSpan payload) {
  Connection& connection = connections_[connection_id];
  Direction& out = connection.directions[from_side];
  const Direction& in = connection.directions[1 - from_side];
  const fw::Endpoint from = connection.ends[from_side].local;
  const fw::Endpoint to = connection.ends[1 - from_side].local;
  std::uint32_t sequence = out.next_sequence;
  std::uint8_t flags = PcapWriter::kAck;
  std::uint32_t length = 0;  // sequence space the segment takes
  switch (kind) {
    case SegmentKind::Syn:
    case SegmentKind::SynAck:
      sequence = initial_sequence(connection_id, from_side);
      flags = kind == SegmentKind::Syn ? PcapWriter::kSyn : PcapWriter::kSyn | PcapWriter::kAck;
      length = 1;
      break;
    case SegmentKind::Refuse:
      sequence = 0;
      flags = PcapWriter::kRst | PcapWriter::kAck;
      break;
    case SegmentKind::Data:
      flags = PcapWriter::kPush | PcapWriter::kAck;
      length = static_cast<std::uint32_t>(payload.size());
      break;
    case SegmentKind::Fin:
      flags = PcapWriter::kFin | PcapWriter::kAck;
      length = 1;
      break;
    case SegmentKind::Rst: flags = PcapWriter::kRst | PcapWriter::kAck; break;
    case SegmentKind::ConnectFailed: return;
  }
  const std::uint32_t acknowledgement = kind == SegmentKind::Syn ? 0 : in.acknowledged;
  capture_->write_tcp(engine_.now(), from, to, sequence, acknowledgement, flags, payload);
  out.next_sequence = sequence + length;
}

void Network::capture_arrived(std::uint32_t connection_id, int to_side, SegmentKind kind,
                              std::size_t bytes) {
  Connection& connection = connections_[connection_id];
  Direction& in = connection.directions[1 - to_side];
  const Host* host = find_host(connection.ends[to_side].local.address);
  const Host* peer = find_host(connection.ends[1 - to_side].local.address);
  if (host == nullptr || peer == nullptr || !path_open(*peer, *host)) return;  // lost
  switch (kind) {
    case SegmentKind::Syn:  // answered by the SYN-ACK (or the refusal), not a bare ACK
      in.acknowledged = initial_sequence(connection_id, 1 - to_side) + 1;
      return;
    case SegmentKind::SynAck:
      in.acknowledged = initial_sequence(connection_id, 1 - to_side) + 1;
      break;
    case SegmentKind::Data: in.acknowledged += static_cast<std::uint32_t>(bytes); break;
    case SegmentKind::Fin: in.acknowledged += 1; break;
    default: return;
  }
  // The receiver acknowledges what arrived (only while its end still exists).
  if (connection.ends[to_side].handler == nullptr && kind != SegmentKind::Fin) return;
  capture_->write_tcp(engine_.now(), connection.ends[to_side].local,
                      connection.ends[1 - to_side].local,
                      connection.directions[to_side].next_sequence, in.acknowledged,
                      PcapWriter::kAck, {});
}

// --- DNS ---

void Network::set_dns_records(std::string_view name, std::vector<fw::Ipv4Address> addresses) {
  dns_[lower_case(name)] = DnsEntry{std::move(addresses), DnsFault::None};
}

void Network::set_dns_fault(std::string_view name, DnsFault fault) {
  dns_[lower_case(name)].fault = fault;
}

void Network::resolve(fw::Ipv4Address host, std::string_view name, DnsClient& client,
                      std::uint32_t tag) {
  fw::Result<std::vector<fw::Ipv4Address>> answer = std::vector<fw::Ipv4Address>{};
  fw::Duration delay = settings_.dns_latency;
  const auto found = dns_.find(lower_case(name));
  const std::string quoted = "'" + std::string(name) + "'";
  if (!settings_.dns_up || !host_up(host) ||
      (found != dns_.end() && found->second.fault == DnsFault::NoAnswer)) {
    answer = fw::fail(fw::ErrorCode::DnsFailed, "no answer for " + quoted);
    delay = settings_.dns_timeout;
  } else if (found == dns_.end() || found->second.fault == DnsFault::NoSuchName ||
             found->second.addresses.empty()) {
    answer = fw::fail(fw::ErrorCode::DnsFailed, "no such name " + quoted);
  } else {
    answer = found->second.addresses;
  }
  std::uint32_t index;
  if (free_dns_queries_.empty()) {
    index = static_cast<std::uint32_t>(dns_queries_.size());
    dns_queries_.emplace_back();
  } else {
    index = free_dns_queries_.back();
    free_dns_queries_.pop_back();
  }
  dns_queries_[index] = DnsQuery{&client, tag, std::move(answer)};
  engine_.schedule(engine_.now() + delay, handler_id_, event_tag(EventKind::Dns, index));
}

void Network::forget_dns_client(const DnsClient& client) {
  for (DnsQuery& query : dns_queries_)
    if (query.client == &client) query.client = nullptr;
}

void Network::deliver_dns(std::uint32_t index) {
  DnsQuery query = std::move(dns_queries_[index]);
  dns_queries_[index] = DnsQuery{};
  free_dns_queries_.push_back(index);
  if (query.client != nullptr) query.client->on_dns_answer(query.tag, std::move(query.answer));
}

void Network::on_event(std::uint32_t tag) {
  const std::uint32_t index = tag & kIndexMask;
  switch (static_cast<EventKind>(tag >> kKindShift)) {
    case EventKind::Datagram: deliver_datagram(index); return;
    case EventKind::Segment: arrive_segment(index); return;
    case EventKind::Dns: deliver_dns(index); return;
  }
}

}  // namespace sim
