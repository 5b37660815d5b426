#pragma once

// Platform: the one seam between the phone's firmware core and the world it runs in
// (DESIGN.md "The seam"). Two implementations: SimPlatform (sim/, virtual time and network)
// and AsioPlatform (firmware-core/target/, real sockets on the device). A conformance suite runs
// the same tests against both.
//
// Shape: calls into the Platform only *request* things and return at once; everything that
// completes later arrives as a call on the PlatformEvents listener. A Platform never calls the
// listener from inside one of its own methods (no re-entrancy): events are delivered from the
// platform's loop (the simulator's event queue, the io_context), one at a time, in the order the
// platform produced them. So a state machine may call send() while handling on_stream_data()
// without being re-entered.
//
// Handles (SocketId, StreamId, QueryId) are chosen by the platform, unique for the platform's
// lifetime (never reused), and never 0. TimerIds are chosen by the caller.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/flash_store.h"
#include "firmware-core/runtime/network_address.h"
#include "firmware-core/runtime/time.h"

namespace fw {

using TimerId = std::uint32_t;
using SocketId = std::uint32_t;
using StreamId = std::uint32_t;
using QueryId = std::uint32_t;

// Why a stream ended other than by the peer's orderly close.
enum class StreamFailure : std::uint8_t {
  Refused,      // the peer answered the connect with a reset (nothing listens)
  TimedOut,     // no answer to the connect, or no progress for the platform's stall limit
  Reset,        // the established connection was reset by the peer or the network
  Unreachable,  // no route to the address (host down, network partitioned)
};
std::string_view to_string(StreamFailure failure);

enum class Severity : std::uint8_t { Debug, Info, Warning, Error };
std::string_view to_string(Severity severity);

// One key=value of a structured trace event. Values are already rendered as text; secrets must
// never be passed (mask them first: parameter_value.h kSecretMask).
struct TraceField {
  std::string_view key;
  std::string_view value;
};

// Completions and inputs from the platform. Implemented by the runtime driver; the spans passed
// are valid only during the call.
class PlatformEvents {
 public:
  virtual ~PlatformEvents() = default;

  // A timer set with Platform::set_timer reached its deadline (and was not re-set or cancelled).
  virtual void on_timer(TimerId timer) = 0;

  // A datagram arrived on an open UDP socket.
  virtual void on_datagram(SocketId socket, Endpoint from, ByteSpan payload) = 0;

  // Platform::connect_stream succeeded; send() may be called from now on.
  virtual void on_stream_connected(StreamId stream) = 0;
  // Bytes arrived on a connected stream, in order.
  virtual void on_stream_data(StreamId stream, ByteSpan bytes) = 0;
  // The peer closed its side in order (end of data). The stream is gone afterwards.
  virtual void on_stream_closed(StreamId stream) = 0;
  // The connect failed or the connection broke. The stream is gone afterwards.
  virtual void on_stream_failed(StreamId stream, StreamFailure failure) = 0;

  // A Platform::resolve finished: the addresses in the order to try them, or an error
  // (DnsFailed: no such name, no answer or no server).
  virtual void on_resolved(QueryId query, Result<std::vector<Ipv4Address>> addresses) = 0;
};

class Platform {
 public:
  virtual ~Platform() = default;

  // Sets who receives events. Call once before any other request; the listener must outlive
  // every request made through this platform.
  virtual void set_listener(PlatformEvents* listener) = 0;

  // --- clocks ---
  // Monotonic now. Constant while one event is being handled.
  virtual Instant now() const = 0;
  // The phone's real-time clock (may step and drift; see time.h).
  virtual WallTime wall_clock() const = 0;

  // --- timers ---
  // Arms `timer` to fire at `deadline` (at once, via the loop, if the deadline has passed).
  // Setting an armed timer again replaces its deadline; there is at most one pending firing.
  virtual void set_timer(TimerId timer, Instant deadline) = 0;
  // Disarms `timer`; nothing happens if it is not armed.
  virtual void cancel_timer(TimerId timer) = 0;

  // --- UDP ---
  // Opens a UDP socket bound to `local_port` (0 = any free port). Errors: PortInUse.
  virtual Result<SocketId> open_udp(std::uint16_t local_port) = 0;
  // The local port an open socket is bound to (useful after open_udp(0)).
  virtual std::uint16_t local_port(SocketId socket) const = 0;
  // Sends one datagram. Best effort, like UDP: loss is not reported.
  virtual void send_datagram(SocketId socket, Endpoint to, ByteSpan payload) = 0;
  virtual void close_udp(SocketId socket) = 0;

  // --- streams (TCP-like: reliable, ordered) ---
  // Starts connecting; the answer is on_stream_connected or on_stream_failed.
  virtual StreamId connect_stream(Endpoint to) = 0;
  // Queues bytes to send on a connected stream (the platform buffers them).
  virtual void send(StreamId stream, ByteSpan bytes) = 0;
  // Closes our side in order after the queued bytes (FIN); the peer's remaining data is dropped
  // and no more events arrive for this stream.
  virtual void close_stream(StreamId stream) = 0;
  // Aborts the stream at once (RST); no more events arrive for it.
  virtual void abort_stream(StreamId stream) = 0;

  // --- DNS ---
  // Resolves a host name to IPv4 addresses; the answer is on_resolved.
  virtual QueryId resolve(std::string_view host_name) = 0;

  // --- storage, entropy, log, power ---
  virtual FlashStore& flash() = 0;
  // Fills `out` with random bytes: the OS on the device, the phone's seeded stream in the
  // simulator (so runs replay).
  virtual void fill_random(std::span<std::uint8_t> out) = 0;
  // One structured trace event {now, phone, component, event, fields}.
  virtual void trace(Severity severity, std::string_view component, std::string_view event,
                     std::span<const TraceField> fields) = 0;
  // The firmware asks for a restart (after an upgrade, SIP reboot_now, admin reboot). The
  // platform powers the phone down and up again; nothing after this call is delivered.
  virtual void reboot() = 0;
};

}  // namespace fw
