#include "sim/platform/sim_platform.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace sim {
namespace {

constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;
constexpr std::int64_t kPartsPerMillion = 1'000'000;

// Floor division: wall times before 1970 must still round down.
std::int64_t floor_divide(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

}  // namespace

SimPlatform::SimPlatform(SimWorld& world, PhoneSettings settings)
    : world_(world),
      settings_(std::move(settings)),
      handler_id_(world.engine.add_handler(*this)),
      flash_(settings_.torn_write, world.engine.stream(settings_.entity_id).next()),
      random_(world.engine.stream(settings_.entity_id)),
      boot_timer_(world.engine.add_timer(world.engine.add_handler(boot_timer_handler_), 0)),
      wall_base_(world.engine.now()),
      wall_base_ns_(settings_.wall_start.unix_seconds * kNanosecondsPerSecond) {
  // The flash's torn-write draws and the entropy must not share numbers: skip the word the
  // flash seed took.
  random_.next();
  if (!world_.network.has_host(settings_.address))
    world_.network.add_host(settings_.address, settings_.name, settings_.group);
}

SimPlatform::~SimPlatform() {
  // Nothing this phone started may call back into it once it is gone.
  power_off(false);
  world_.network.forget_dns_client(*this);
  world_.engine.remove_timer(boot_timer_);
}

// --- clocks ---

std::int64_t SimPlatform::wall_nanoseconds() const {
  const std::int64_t elapsed = (world_.engine.now() - wall_base_).count();
  // elapsed * drift / 1e6 without overflow: whole millionths and the rest separately.
  const std::int64_t drift = (elapsed / kPartsPerMillion) * settings_.drift_ppm +
                             (elapsed % kPartsPerMillion) * settings_.drift_ppm / kPartsPerMillion;
  return wall_base_ns_ + elapsed + drift;
}

fw::WallTime SimPlatform::wall_clock() const {
  return {floor_divide(wall_nanoseconds(), kNanosecondsPerSecond)};
}

void SimPlatform::step_wall_clock(fw::WallTime to) {
  wall_base_ = world_.engine.now();
  wall_base_ns_ = to.unix_seconds * kNanosecondsPerSecond;
}

void SimPlatform::set_drift_ppm(std::int32_t drift_ppm) {
  wall_base_ns_ = wall_nanoseconds();
  wall_base_ = world_.engine.now();
  settings_.drift_ppm = drift_ppm;
}

// --- timers ---

void SimPlatform::set_timer(fw::TimerId timer, fw::Instant deadline) {
  if (!powered_) return;
  auto [where, inserted] = timers_.try_emplace(timer, 0);
  if (inserted) where->second = world_.engine.add_timer(handler_id_, timer);
  world_.engine.arm_timer(where->second, deadline);
}

void SimPlatform::cancel_timer(fw::TimerId timer) {
  const auto found = timers_.find(timer);
  if (found != timers_.end()) world_.engine.cancel_timer(found->second);
}

void SimPlatform::on_event(std::uint32_t tag) {
  if (powered_ && listener_ != nullptr) listener_->on_timer(tag);
}

// --- UDP ---

fw::Result<fw::SocketId> SimPlatform::open_udp(std::uint16_t local_port) {
  if (!powered_) return fw::fail(fw::ErrorCode::PortInUse, "open_udp: the phone is off");
  auto port = world_.network.open_udp(settings_.address, local_port, *this);
  if (!port) return fw::fail(std::move(port).error());
  const fw::SocketId socket = next_socket_++;
  sockets_.emplace(socket, *port);
  socket_by_port_.emplace(*port, socket);
  return socket;
}

std::uint16_t SimPlatform::local_port(fw::SocketId socket) const {
  const auto found = sockets_.find(socket);
  return found == sockets_.end() ? 0 : found->second;
}

void SimPlatform::send_datagram(fw::SocketId socket, fw::Endpoint to, fw::ByteSpan payload) {
  const auto found = sockets_.find(socket);
  if (found == sockets_.end()) return;
  world_.network.send_udp({settings_.address, found->second}, to, payload);
}

void SimPlatform::close_udp(fw::SocketId socket) {
  const auto found = sockets_.find(socket);
  if (found == sockets_.end()) return;
  world_.network.close_udp({settings_.address, found->second});
  socket_by_port_.erase(found->second);
  sockets_.erase(found);
}

void SimPlatform::on_udp(fw::Endpoint local, fw::Endpoint from, fw::ByteSpan payload) {
  const auto found = socket_by_port_.find(local.port);
  if (found == socket_by_port_.end() || listener_ == nullptr) return;
  listener_->on_datagram(found->second, from, payload);
}

// --- streams ---

fw::StreamId SimPlatform::connect_stream(fw::Endpoint to) {
  const StreamEndId end = world_.network.connect(settings_.address, to, *this);
  // Switched off, the connect still gets its handle but never delivers.
  if (powered_) {
    streams_.insert(end);
  } else {
    world_.network.drop(end);
  }
  return end;
}

void SimPlatform::send(fw::StreamId stream, fw::ByteSpan bytes) {
  if (streams_.contains(stream)) world_.network.send(stream, bytes);
}

void SimPlatform::close_stream(fw::StreamId stream) {
  if (streams_.erase(stream) != 0) world_.network.close(stream);
}

void SimPlatform::abort_stream(fw::StreamId stream) {
  if (streams_.erase(stream) != 0) world_.network.abort(stream);
}

void SimPlatform::on_stream_connected(StreamEndId end) {
  if (streams_.contains(end) && listener_ != nullptr) listener_->on_stream_connected(end);
}

void SimPlatform::on_stream_data(StreamEndId end, fw::ByteSpan bytes) {
  if (streams_.contains(end) && listener_ != nullptr) listener_->on_stream_data(end, bytes);
}

void SimPlatform::on_stream_closed(StreamEndId end) {
  if (streams_.erase(end) != 0 && listener_ != nullptr) listener_->on_stream_closed(end);
}

void SimPlatform::on_stream_failed(StreamEndId end, fw::StreamFailure failure) {
  if (streams_.erase(end) != 0 && listener_ != nullptr) listener_->on_stream_failed(end, failure);
}

// --- DNS ---

fw::QueryId SimPlatform::resolve(std::string_view host_name) {
  const fw::QueryId query = next_query_++;
  if (powered_) world_.network.resolve(settings_.address, host_name, *this, query);
  return query;
}

void SimPlatform::on_dns_answer(std::uint32_t tag,
                                fw::Result<std::vector<fw::Ipv4Address>> addresses) {
  if (powered_ && tag >= first_query_of_life_ && listener_ != nullptr)
    listener_->on_resolved(tag, std::move(addresses));
}

// --- entropy, trace, power ---

void SimPlatform::fill_random(std::span<std::uint8_t> out) {
  std::size_t offset = 0;
  while (offset < out.size()) {
    std::uint64_t word = random_.next();
    for (int byte = 0; byte < 8 && offset < out.size(); ++byte, ++offset) {
      out[offset] = static_cast<std::uint8_t>(word);
      word >>= 8;
    }
  }
}

void SimPlatform::trace(fw::Severity severity, std::string_view component,
                        std::string_view event, std::span<const fw::TraceField> fields) {
  world_.trace.record(world_.engine.now(), settings_.name, severity, component, event, fields);
}

void SimPlatform::reboot() {
  if (!powered_) return;
  trace(fw::Severity::Info, "platform", "reboot", {});
  power_off(false);
  world_.engine.arm_timer(boot_timer_, world_.engine.now() + settings_.boot_delay);
}

void SimPlatform::boot_after_reboot() {
  power_on();
  if (reboot_handler_) reboot_handler_();
}

void SimPlatform::power_off(bool power_lost) {
  if (!powered_) return;
  powered_ = false;
  listener_ = nullptr;
  for (const auto& [timer, engine_timer] : timers_) world_.engine.remove_timer(engine_timer);
  timers_.clear();
  for (const auto& [socket, port] : sockets_)
    world_.network.close_udp({settings_.address, port});
  sockets_.clear();
  socket_by_port_.clear();
  // In id order, so that the resets leave in the same order in every build.
  std::vector<fw::StreamId> streams(streams_.begin(), streams_.end());
  std::sort(streams.begin(), streams.end());
  streams_.clear();
  if (power_lost) {
    // The host vanishes mid-conversation: no resets are sent, peers time out.
    for (const fw::StreamId stream : streams) world_.network.drop(stream);
    world_.network.set_host_up(settings_.address, false);
    flash_.lose_power_after(0);
    flash_power_lost_ = true;
  } else {
    for (const fw::StreamId stream : streams) world_.network.abort(stream);
  }
  first_query_of_life_ = next_query_;
}

void SimPlatform::power_on() {
  world_.engine.cancel_timer(boot_timer_);  // powered on by hand during a reboot's boot delay
  if (powered_) return;
  powered_ = true;
  world_.network.set_host_up(settings_.address, true);
  if (flash_power_lost_) {
    flash_.power_cycle();
    flash_power_lost_ = false;
  }
}

}  // namespace sim
