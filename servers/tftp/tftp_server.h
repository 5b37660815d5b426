#pragma once

// TftpServer: the provisioning side's TFTP server (RFC 1350, options of RFC 2347/2348/2349) as
// a sans-IO core. The host (the simulator's network or real sockets in provserver) owns the
// sockets and the timer:
//
// - Requests arrive on the well-known port: handle_request(now, from, payload).
// - Each transfer answers from its own port, its TID (RFC 1350 section 4). The core names
//   transfers by TransferId; the host binds a socket for an id the first time poll_datagram()
//   names it, passes what arrives there to handle_transfer_datagram(), and closes it when
//   poll_closed_transfer() names it. kListeningTransfer is the well-known port itself.
// - Time: arm one timer for next_deadline(); call handle_deadline(now) when it fires.
//
// Transfers are keyed by the client's endpoint: a repeated request from an endpoint that has a
// transfer running, delayed or queued is a retransmission and is ignored (the transfer
// retransmits on its own; a queued request is queued once).
//
// Concurrency limit with queueing (TftpServerSettings::admission, a srv::ServiceQueue): a request
// is in service from its arrival (the hook's delay included) until its transfer ends. Past
// `in_service_max` requests wait in a bounded FIFO and start, hook first, when a place frees;
// past the queue they get ERROR 0 "server busy" at once. TFTP has no "come back later", so we
// answer rather than stay silent: a silent server costs the client its whole retransmission
// budget (about 30 s for the phone) before it fails, an error fails it now and its retry backoff
// spreads the load, as a full HTTP accept backlog does.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "firmware-core/base/bytes.h"
#include "firmware-core/fetch/tftp_packet.h"
#include "firmware-core/runtime/network_address.h"
#include "firmware-core/runtime/time.h"
#include "servers/admission/service_queue.h"

namespace srv {

using TransferId = std::uint32_t;
inline constexpr TransferId kListeningTransfer = 0;

// What the server serves and where written files go.
class TftpRoot {
 public:
  virtual ~TftpRoot() = default;
  // The file for an RRQ, or nullptr when there is none (the client gets ERROR 1). Shared, so
  // a thousand phones fetching one firmware image do not copy it.
  virtual std::shared_ptr<const fw::Bytes> read_file(std::string_view file_name,
                                                     fw::Endpoint client) = 0;
  // Stores a completed WRQ; false refuses it (the client gets ERROR 2 instead of the last ACK).
  virtual bool write_file(std::string_view file_name, fw::Endpoint client, fw::Bytes content) = 0;
};

struct TftpRequestInfo {
  fw::Instant now;
  fw::Endpoint client;
  bool write = false;
  std::string_view file_name;
};

// A hook's answer to a request: serve it, ignore it (as if lost: fault injection), or refuse it
// with an ERROR packet. Serving may be delayed (added latency: the first packet leaves `delay`
// after the request; the client's retransmitted requests meanwhile are ignored) and may send
// `content` instead of the root's file (a truncated or corrupted file).
struct TftpVerdict {
  enum class Kind : std::uint8_t { Serve, Ignore, Refuse };
  Kind kind = Kind::Serve;
  fw::TftpErrorCode error = fw::TftpErrorCode::NotDefined;
  std::string message;
  fw::Duration delay{};
  std::shared_ptr<const fw::Bytes> content = nullptr;

  static TftpVerdict serve() { return {}; }
  static TftpVerdict ignore() { return {Kind::Ignore, {}, {}, {}, {}}; }
  static TftpVerdict refuse(fw::TftpErrorCode error, std::string message) {
    return {Kind::Refuse, error, std::move(message), {}, {}};
  }
};
using TftpRequestHook = std::function<TftpVerdict(const TftpRequestInfo&)>;

struct TftpServerSettings {
  // Wait before resending a packet when the client negotiated no timeout option; doubles per
  // resend up to retransmit_timeout_max. The same policy as the phone's (TftpClientSettings):
  // as the receiver of a WRQ the server must not give up while the client still retransmits.
  fw::Duration retransmit_timeout_initial = fw::seconds(2);
  fw::Duration retransmit_timeout_max = fw::seconds(8);
  // Resends of one packet without progress before the transfer is dropped.
  std::uint32_t retransmissions_max = 5;
  // block_bytes_max: the largest blksize granted (a client asking more gets this).
  std::size_t block_bytes_max = 1468;
  // write_bytes_max: the largest file accepted by WRQ (tsize or received data past it: ERROR 3).
  std::uint64_t write_bytes_max = 4 * 1024 * 1024;
  // transfers_max: concurrent transfers; a request past it gets ERROR 0 "server busy".
  std::size_t transfers_max = 100000;
  // A concurrency limit with a bounded FIFO queue (in_service_max 0: none). See the top.
  ServiceQueueSettings admission;
  // A queued request whose client has not resent it for this long (or for twice its timeout
  // option, if longer) is dropped when its turn comes: the client gave up. The phone resends at
  // most 8 s apart, tftp-hpa's client every 5 s.
  fw::Duration queued_silence_max = fw::seconds(10);
  // Honour RFC 2347 options; false behaves like an RFC 1350-only server (ignores them).
  bool options_enabled = true;
  // Accept WRQ (report uploads into the root's store). Off by default, as on tftp-hpa without
  // --create: a write request then gets ERROR 2 "writes disabled".
  bool writes_enabled = false;
};

struct TftpServerDatagram {
  TransferId transfer = kListeningTransfer;  // the port to send from
  fw::Endpoint to;
  fw::Bytes payload;
};

// One finished transfer, for access logs and metrics.
struct TftpTransferRecord {
  enum class Outcome : std::uint8_t { Completed, NotFound, Refused, TimedOut, ClientError };
  fw::Endpoint client;
  bool write = false;
  std::string file_name;
  std::uint64_t bytes = 0;  // file bytes sent or received
  Outcome outcome = Outcome::Completed;
  fw::Instant started;
  fw::Instant finished;
};
std::string_view to_string(TftpTransferRecord::Outcome outcome);

class TftpServer {
 public:
  // `root` must outlive the server; `hook` (optional) sees every request first.
  TftpServer(TftpRoot& root, TftpServerSettings settings = {}, TftpRequestHook hook = {});

  // A datagram arrived on the well-known port (port 69).
  void handle_request(fw::Instant now, fw::Endpoint from, fw::ByteSpan payload);
  // A datagram arrived on the port of `transfer`.
  void handle_transfer_datagram(fw::Instant now, TransferId transfer, fw::Endpoint from,
                                fw::ByteSpan payload);
  // The next datagram to send, or nullopt. Call after each handle_* until nullopt.
  std::optional<TftpServerDatagram> poll_datagram();
  // A transfer whose port the host should close now, or nullopt.
  std::optional<TransferId> poll_closed_transfer();
  // A finished transfer's record, or nullopt.
  std::optional<TftpTransferRecord> poll_record();
  // The earliest retransmission or give-up time; Instant::never() when idle.
  fw::Instant next_deadline() const;
  // Call when next_deadline() has been reached.
  void handle_deadline(fw::Instant now);

  std::size_t active_transfers() const { return transfers_.size(); }
  // Requests waiting for a place (TftpServerSettings::admission).
  std::size_t queued_requests() const { return queued_.size(); }
  // The admission queue and its measurements (peak, waits, refusals).
  const ServiceQueue& admission() const { return admission_; }

 private:
  struct Transfer {
    TransferId id = 0;
    fw::Endpoint client;
    bool write = false;
    std::string file_name;
    std::shared_ptr<const fw::Bytes> content;  // read
    fw::Bytes received;                        // write
    std::size_t block_bytes = fw::kTftpDefaultBlockBytes;
    std::optional<fw::Duration> negotiated_timeout;  // the timeout option: fixed, no backoff
    fw::Duration retransmit_timeout{};               // the current wait when not negotiated
    std::uint16_t block = 0;       // read: last block sent; write: last block ACKed
    std::uint64_t sent_bytes = 0;  // read
    bool last_block_sent = false;  // read: the short block went out; write: dallying
    fw::Bytes last_packet;
    fw::Instant deadline;
    std::uint32_t retransmissions = 0;
    fw::Instant started;
    std::uint64_t ticket = 0;  // its place in admission_
  };

  // A request waiting in admission_ for a place.
  struct QueuedRequest {
    fw::Endpoint client;
    fw::TftpRequest request;
    fw::Instant arrived;
    fw::Instant last_heard;      // the client's latest (re)sent request
    fw::Duration silence_max{};  // past this without a resend the client has given up
  };

  // A request served later (TftpVerdict::delay).
  struct DelayedRequest {
    fw::Endpoint client;
    fw::TftpRequest request;
    std::shared_ptr<const fw::Bytes> content;
    fw::Instant arrived;
    std::uint64_t ticket = 0;
  };

  // A request admitted into service: the hook, then a transfer, a delay or an answer. Every
  // path that starts no transfer and delays nothing gives the place back.
  void serve(fw::Instant now, std::uint64_t ticket, fw::Endpoint client, fw::TftpRequest request,
             fw::Instant arrived);
  // Gives back the place of `ticket` (served or queued) and serves the requests it admits.
  void release(fw::Instant now, std::uint64_t ticket);
  // False when the request was answered with an error instead (the caller releases its place).
  bool start_transfer(fw::Instant now, std::uint64_t ticket, fw::Endpoint client,
                      fw::TftpRequest request, std::shared_ptr<const fw::Bytes> content,
                      fw::Instant arrived);
  void refuse(fw::Endpoint client, const fw::TftpRequest& request, fw::Instant now,
              TftpTransferRecord::Outcome outcome, fw::TftpErrorCode code,
              std::string_view message);
  void send(Transfer& transfer, fw::Instant now, fw::Bytes payload);
  void send_next_block(Transfer& transfer, fw::Instant now);
  void on_ack(Transfer& transfer, fw::Instant now, std::uint16_t block);
  void on_data(Transfer& transfer, fw::Instant now, const fw::TftpData& data);
  void set_deadline(Transfer& transfer, fw::Instant deadline);
  // How long a peer with our retransmission policy keeps resending one packet before it gives up.
  fw::Duration give_up_span(const Transfer& transfer) const;
  void end(Transfer& transfer, fw::Instant now, TftpTransferRecord::Outcome outcome);

  TftpRoot& root_;
  TftpServerSettings settings_;
  TftpRequestHook hook_;
  TransferId next_id_ = 1;
  std::map<TransferId, Transfer> transfers_;
  std::map<fw::Endpoint, TransferId> by_client_;
  std::set<std::pair<fw::Instant, TransferId>> deadlines_;
  std::deque<TftpServerDatagram> outgoing_;
  std::deque<TransferId> closed_;
  std::deque<TftpTransferRecord> records_;
  std::multimap<fw::Instant, DelayedRequest> delayed_;
  std::set<fw::Endpoint> delayed_clients_;
  ServiceQueue admission_;
  std::uint64_t next_ticket_ = 1;
  std::map<std::uint64_t, QueuedRequest> queued_;
  std::map<fw::Endpoint, std::uint64_t> queued_clients_;
  std::deque<std::uint64_t> admitted_;  // admitted from the queue, served by release()
  bool releasing_ = false;
};

}  // namespace srv
