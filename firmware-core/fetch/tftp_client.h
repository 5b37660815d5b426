#pragma once

// TftpClient: one TFTP transfer (RFC 1350 with RFC 2347/2348/2349 options) as a sans-IO state
// machine: datagrams and time in, datagrams to send and a result out. The driver owns the UDP
// socket (one per transfer, so the client's port is its TID) and the timer.
//
//   TftpClient client = TftpClient::read(now, server, "/basic.txt", settings);
//   loop: while (auto d = client.poll_datagram()) send d->payload to d->to;
//         arm a timer for client.next_deadline(); on it, client.handle_deadline(now);
//         on a datagram, client.handle_datagram(now, from, payload);
//         when client.finished(), take_result() once.
//
// Behaviour that servers in the field rely on or break:
// - Options are offered in the request; a server that ignores them answers with DATA 1 (read)
//   or ACK 0 (write) and the transfer runs with RFC 1350 defaults; an OACK may accept a subset.
//   An OACK that grows the block size, changes the timeout or names an option we did not offer
//   is refused with ERROR 8. An ERROR 8 answer to the request repeats it once without options.
// - The server's TID (address and port) is learned from its first reply; packets from any
//   other TID get ERROR 5 and are otherwise ignored (RFC 1350 section 4).
// - A duplicate DATA is ACKed again but not appended; a duplicate ACK is ignored (no
//   retransmission on it: the Sorcerer's Apprentice bug, RFC 1123 4.2.3.1).
// - Retransmission: the last packet is resent after retransmit_timeout_initial, doubling up to
//   retransmit_timeout_max (or the negotiated timeout option, fixed); after retransmissions_max
//   resends without progress the transfer fails with TftpTimeout.
// - Block numbers wrap from 65535 to 0, as tftp-hpa and most servers do.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/fetch/tftp_packet.h"
#include "firmware-core/runtime/network_address.h"
#include "firmware-core/runtime/time.h"

namespace fw {

// The well-known TFTP port (the request goes there; the transfer moves to the server's TID).
inline constexpr std::uint16_t kTftpPort = 69;

struct TftpClientSettings {
  // Wait before the first retransmission of a packet; doubles per retransmission up to
  // retransmit_timeout_max. A negotiated timeout option replaces both.
  Duration retransmit_timeout_initial = seconds(2);
  Duration retransmit_timeout_max = seconds(8);
  // Resends of one packet without progress before TftpTimeout.
  std::uint32_t retransmissions_max = 5;
  // transfer_bytes_max: the largest file read (or announced by tsize); past it the transfer
  // fails at once with ProfileTooLarge (the caller sets its profile or firmware limit).
  std::uint64_t transfer_bytes_max = 1024 * 1024;
  // Options offered in the request (tsize is filled in by the client: 0 for a read, the size for
  // a write). An empty block_bytes/timeout_s offers none.
  std::optional<std::size_t> offer_block_bytes = 1428;
  std::optional<std::int64_t> offer_timeout_s = 2;
  bool offer_transfer_size = true;
};

struct TftpDatagram {
  Endpoint to;
  Bytes payload;
};

class TftpClient {
 public:
  // Starts reading `file_name` from `server` (normally port kTftpPort); the RRQ is ready to
  // poll at once.
  static TftpClient read(Instant now, Endpoint server, std::string file_name,
                         TftpClientSettings settings = {});
  // Starts writing `content` as `file_name` to `server` (the report rule's TFTP PUT).
  static TftpClient write(Instant now, Endpoint server, std::string file_name, Bytes content,
                          TftpClientSettings settings = {});

  // Call for every datagram that arrives on the transfer's socket, with its sender.
  void handle_datagram(Instant now, Endpoint from, ByteSpan payload);
  // The next datagram to send, or nullopt. Call after each handle_* until it returns nullopt.
  std::optional<TftpDatagram> poll_datagram();
  // When handle_deadline must be called next; Instant::never() once finished.
  Instant next_deadline() const;
  // Call when next_deadline() has been reached: retransmits or gives up with TftpTimeout.
  void handle_deadline(Instant now);

  // True once the transfer succeeded or failed (datagrams may still be pending: send them).
  // After a read, the server may resend its last block if our last ACK was lost: a driver that
  // keeps the socket open a little longer (RFC 1350 dallying) and keeps calling
  // handle_datagram() lets the client ACK it again.
  bool finished() const { return result_.has_value(); }
  // The outcome; call once after finished(). A read gives the file; a write gives no bytes.
  // Errors: FileNotFound (ERROR 1), TftpError (other ERROR packets, protocol violations, refused
  // options), TftpTimeout, ProfileTooLarge (file over transfer_bytes_max).
  Result<Bytes> take_result();

  // The block size in use (512 until an OACK says otherwise).
  std::size_t block_bytes() const { return block_bytes_; }
  // The server's TID, once learned.
  std::optional<Endpoint> server_transfer_id() const { return server_tid_; }
  // Retransmissions sent so far (all packets), for traces and tests.
  std::uint32_t retransmissions_total() const { return retransmissions_total_; }

 private:
  enum class Phase : std::uint8_t { Requesting, Transferring, Finished };

  TftpClient(Instant now, Endpoint server, std::string file_name, bool write, Bytes content,
             TftpClientSettings settings);

  void send_request(Instant now, bool with_options);
  void send_last(Instant now, Endpoint to, Bytes payload);
  void on_option_ack(Instant now, const TftpOptionAck& ack);
  void on_data(Instant now, const TftpData& data);
  void on_ack(Instant now, const TftpAck& ack);
  void send_next_block(Instant now);
  void finish(Result<Bytes> result);
  // Fails the transfer and tells the server why.
  void abort(TftpErrorCode code, ErrorCode error, std::string detail);

  TftpClientSettings settings_;
  Endpoint server_;
  std::string file_name_;
  bool write_ = false;
  bool options_offered_ = false;
  Bytes content_;  // read: received so far; write: the file to send

  Phase phase_ = Phase::Requesting;
  std::optional<Endpoint> server_tid_;
  std::size_t block_bytes_ = kTftpDefaultBlockBytes;
  std::optional<Duration> negotiated_timeout_;
  std::uint16_t block_ = 0;     // read: last block ACKed; write: last block sent
  std::size_t sent_bytes_ = 0;  // write: bytes of content_ already sent in DATA
  bool final_block_sent_ = false;
  bool read_complete_ = false;  // the last block arrived: resent copies of it are ACKed again

  Bytes last_packet_;
  Endpoint last_to_;
  Instant deadline_ = Instant::never();
  Duration retransmit_timeout_{};
  std::uint32_t retransmissions_ = 0;
  std::uint32_t retransmissions_total_ = 0;

  std::deque<TftpDatagram> outgoing_;
  std::optional<Result<Bytes>> result_;
};

}  // namespace fw
