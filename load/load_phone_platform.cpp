#include "load/load_phone_platform.h"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "load/target_guard.h"

namespace load {

std::string server_of_url(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t path = url.find_first_of("/?", scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
  return std::string(url.substr(0, path));
}

LoadPhonePlatform::LoadPhonePlatform(boost::asio::io_context& io, fw::FlashStore& flash,
                                     const ScaledClock& clock, RealClock::time_point run_start,
                                     LoadRecorder& recorder, LoadPhonePlatformOptions options)
    : io_(io),
      clock_(clock),
      run_start_(run_start),
      recorder_(recorder),
      options_(std::move(options)),
      inner_(io, flash, options_.asio),
      entropy_(options_.entropy_seed) {
  inner_.set_listener(this);
}

LoadPhonePlatform::~LoadPhonePlatform() = default;

fw::Duration LoadPhonePlatform::real_elapsed() const {
  return std::chrono::duration_cast<fw::Duration>(RealClock::now() - run_start_);
}

fw::Instant LoadPhonePlatform::now() const { return clock_.phone_instant(real_elapsed()); }

fw::WallTime LoadPhonePlatform::wall_clock() const { return clock_.phone_wall(real_elapsed()); }

void LoadPhonePlatform::set_timer(fw::TimerId timer, fw::Instant deadline) {
  const fw::Duration real_due = clock_.real_elapsed_at(deadline);
  auto found = std::find_if(timer_deadlines_.begin(), timer_deadlines_.end(),
                            [timer](const auto& entry) { return entry.first == timer; });
  if (found == timer_deadlines_.end()) {
    timer_deadlines_.emplace_back(timer, real_due);
  } else {
    found->second = real_due;
  }
  // The AsioPlatform's Instant is real time since its own construction.
  const fw::Duration wait = std::max(fw::Duration{0}, real_due - real_elapsed());
  inner_.set_timer(timer, inner_.now() + wait);
}

void LoadPhonePlatform::cancel_timer(fw::TimerId timer) { inner_.cancel_timer(timer); }

void LoadPhonePlatform::send_datagram(fw::SocketId socket, fw::Endpoint to, fw::ByteSpan payload) {
  if (!is_allowed_target(to.address, options_.allow_remote)) {
    recorder_.target_refused(options_.phone, to.to_string());
    return;  // lost, as UDP may lose it
  }
  inner_.send_datagram(socket, to, payload);
}

fw::StreamId LoadPhonePlatform::connect_stream(fw::Endpoint to) {
  if (is_allowed_target(to.address, options_.allow_remote)) return inner_.connect_stream(to);
  recorder_.target_refused(options_.phone, to.to_string());
  const fw::StreamId id = next_refused_stream_++;
  // Delivered from the loop, never from inside this call (platform.h).
  boost::asio::post(io_, [this, alive = std::weak_ptr<const bool>(alive_), id] {
    if (alive.expired() || listener_ == nullptr) return;
    deliver(real_elapsed(), [&] { listener_->on_stream_failed(id, fw::StreamFailure::Unreachable); });
  });
  return id;
}

void LoadPhonePlatform::fill_random(std::span<std::uint8_t> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    std::uint64_t word = entropy_.next();
    for (int byte = 0; byte < 8 && filled < out.size(); ++byte, word >>= 8) {
      out[filled++] = static_cast<std::uint8_t>(word);
    }
  }
}

namespace {
std::string_view field(std::span<const fw::TraceField> fields, std::string_view key) {
  for (const fw::TraceField& entry : fields) {
    if (entry.key == key) return entry.value;
  }
  return {};
}
}  // namespace

void LoadPhonePlatform::trace(fw::Severity severity, std::string_view component, std::string_view event,
                              std::span<const fw::TraceField> fields) {
  if (severity == fw::Severity::Error) {
    std::string line = std::string(component) + " " + std::string(event);
    // Fields are already masked by the firmware (platform.h: no secrets reach trace()).
    for (const fw::TraceField& entry : fields) {
      line += " " + std::string(entry.key) + "=" + std::string(entry.value);
    }
    recorder_.trace_error(options_.phone, line);
  }
  if (component != "agent") return;
  if (event == "resync_start") {
    const fw::Duration now = real_elapsed();
    resync_actual_ = now;
    if (delivering_intended_) {
      resync_intended_ = std::min(*delivering_intended_, now);
    } else if (outside_event_intended_) {
      resync_intended_ = std::min(*outside_event_intended_, now);
      outside_event_intended_.reset();
    } else {
      resync_intended_ = now;
    }
    resync_server_.clear();
  } else if (event == "fetch") {
    resync_server_ = server_of_url(field(fields, "url"));
    recorder_.fetch_started(options_.phone, resync_server_, real_elapsed());
  } else if (event == "resync_done" && resync_intended_) {
    recorder_.resync_finished(options_.phone, resync_server_, field(fields, "result") == "success",
                              std::string(field(fields, "error")), *resync_intended_, resync_actual_,
                              real_elapsed());
    resync_intended_.reset();
  }
}

template <typename Deliver>
void LoadPhonePlatform::deliver(fw::Duration intended, Deliver&& deliver_event) {
  delivering_intended_ = intended;
  deliver_event();
  delivering_intended_.reset();
}

void LoadPhonePlatform::on_timer(fw::TimerId timer) {
  if (listener_ == nullptr) return;
  auto found = std::find_if(timer_deadlines_.begin(), timer_deadlines_.end(),
                            [timer](const auto& entry) { return entry.first == timer; });
  // A timer fires late when the loop is busy: what started then was due at the deadline.
  const fw::Duration intended = found == timer_deadlines_.end() ? real_elapsed() : found->second;
  deliver(intended, [&] { listener_->on_timer(timer); });
}

void LoadPhonePlatform::on_datagram(fw::SocketId socket, fw::Endpoint from, fw::ByteSpan payload) {
  if (listener_ == nullptr) return;
  deliver(real_elapsed(), [&] { listener_->on_datagram(socket, from, payload); });
}

void LoadPhonePlatform::on_stream_connected(fw::StreamId stream) {
  if (listener_ == nullptr) return;
  deliver(real_elapsed(), [&] { listener_->on_stream_connected(stream); });
}

void LoadPhonePlatform::on_stream_data(fw::StreamId stream, fw::ByteSpan bytes) {
  if (listener_ == nullptr) return;
  deliver(real_elapsed(), [&] { listener_->on_stream_data(stream, bytes); });
}

void LoadPhonePlatform::on_stream_closed(fw::StreamId stream) {
  if (listener_ == nullptr) return;
  deliver(real_elapsed(), [&] { listener_->on_stream_closed(stream); });
}

void LoadPhonePlatform::on_stream_failed(fw::StreamId stream, fw::StreamFailure failure) {
  if (listener_ == nullptr) return;
  deliver(real_elapsed(), [&] { listener_->on_stream_failed(stream, failure); });
}

void LoadPhonePlatform::on_resolved(fw::QueryId query, fw::Result<std::vector<fw::Ipv4Address>> addresses) {
  if (listener_ == nullptr) return;
  if (addresses && !options_.allow_remote) {
    std::vector<fw::Ipv4Address> kept;
    std::string refused;
    for (fw::Ipv4Address address : *addresses) {
      if (is_loopback(address)) {
        kept.push_back(address);
      } else {
        recorder_.target_refused(options_.phone, address.to_string());
        refused = address.to_string();
      }
    }
    if (kept.empty()) {
      addresses = fw::fail(fw::ErrorCode::DnsFailed,
                           "resolved only to addresses outside loopback (" + refused +
                               "); phonesim load needs --allow-remote-target for them");
    } else {
      addresses = std::move(kept);
    }
  }
  deliver(real_elapsed(), [&] { listener_->on_resolved(query, std::move(addresses)); });
}

}  // namespace load
