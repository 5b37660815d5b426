#include "firmware-core/fetch/tftp_client.h"

#include <algorithm>
#include <cassert>
#include <utility>
#include <variant>

namespace fw {

TftpClient::TftpClient(Instant now, Endpoint server, std::string file_name, bool write,
                       Bytes content, TftpClientSettings settings)
    : settings_(std::move(settings)),
      server_(server),
      file_name_(std::move(file_name)),
      write_(write),
      content_(std::move(content)) {
  if (write_ && content_.size() > settings_.transfer_bytes_max) {
    finish(fail(ErrorCode::ProfileTooLarge, "tftp: " + std::to_string(content_.size()) +
                                                " bytes to write exceed " +
                                                std::to_string(settings_.transfer_bytes_max)));
    return;
  }
  send_request(now, true);
}

TftpClient TftpClient::read(Instant now, Endpoint server, std::string file_name,
                            TftpClientSettings settings) {
  return TftpClient(now, server, std::move(file_name), false, {}, std::move(settings));
}

TftpClient TftpClient::write(Instant now, Endpoint server, std::string file_name, Bytes content,
                             TftpClientSettings settings) {
  return TftpClient(now, server, std::move(file_name), true, std::move(content),
                    std::move(settings));
}

void TftpClient::send_request(Instant now, bool with_options) {
  TftpRequest request;
  request.write = write_;
  request.file_name = file_name_;
  if (with_options) {
    TftpTransferOptions offer;
    offer.block_bytes = settings_.offer_block_bytes;
    offer.timeout_s = settings_.offer_timeout_s;
    if (settings_.offer_transfer_size) {
      offer.transfer_bytes = write_ ? content_.size() : 0;
    }
    request.options = tftp_option_list(offer);
  }
  auto wire = encode_tftp_packet(request);
  if (!wire) {
    finish(fail(wire.error()));
    return;
  }
  options_offered_ = !request.options.empty();
  send_last(now, server_, std::move(*wire));
}

void TftpClient::send_last(Instant now, Endpoint to, Bytes payload) {
  last_packet_ = payload;
  last_to_ = to;
  retransmissions_ = 0;
  retransmit_timeout_ = settings_.retransmit_timeout_initial;
  deadline_ = now + negotiated_timeout_.value_or(retransmit_timeout_);
  outgoing_.push_back({to, std::move(payload)});
}

void TftpClient::finish(Result<Bytes> result) {
  phase_ = Phase::Finished;
  deadline_ = Instant::never();
  result_ = std::move(result);
}

void TftpClient::abort(TftpErrorCode code, ErrorCode error, std::string detail) {
  outgoing_.push_back({server_tid_.value_or(server_), encode_tftp_error(code, detail)});
  finish(fail(error, std::move(detail)));
}

void TftpClient::handle_datagram(Instant now, Endpoint from, ByteSpan payload) {
  // The first reply must come from the server's host; its port becomes the TID. Anything from
  // another TID is a stray: tell it so, and carry on.
  bool from_server = server_tid_ ? from == *server_tid_ : from.address == server_.address;
  if (!from_server) {
    outgoing_.push_back(
        {from, encode_tftp_error(TftpErrorCode::UnknownTransferId, "unknown transfer ID")});
    return;
  }
  auto packet = decode_tftp_packet(payload);
  if (phase_ == Phase::Finished) {
    // After the last ACK the server may resend the last DATA (our ACK was lost): ACK it again,
    // also after take_result(), for as long as the driver keeps the socket.
    if (packet && !write_ && read_complete_) {
      if (const auto* data = std::get_if<TftpData>(&*packet); data && data->block == block_) {
        outgoing_.push_back({from, encode_tftp_ack(block_)});
      }
    }
    return;
  }
  if (!packet) {
    server_tid_ = from;
    abort(TftpErrorCode::IllegalOperation, ErrorCode::TftpError,
          "tftp: malformed packet from server: " + packet.error().detail);
    return;
  }
  server_tid_ = from;
  if (const auto* error = std::get_if<TftpErrorPacket>(&*packet)) {
    if (error->code == static_cast<std::uint16_t>(TftpErrorCode::OptionRefused) &&
        phase_ == Phase::Requesting && options_offered_) {
      // RFC 2347: the server refused our options; ask again without them (once). The answer
      // may come from yet another TID.
      server_tid_.reset();
      send_request(now, false);
      return;
    }
    ErrorCode code = error->code == static_cast<std::uint16_t>(TftpErrorCode::FileNotFound)
                         ? ErrorCode::FileNotFound
                         : ErrorCode::TftpError;
    finish(fail(code, "tftp: " + file_name_ + ": server error " + std::to_string(error->code) +
                          " '" + error->message + "'"));
    return;
  }
  if (const auto* ack = std::get_if<TftpOptionAck>(&*packet)) {
    if (phase_ != Phase::Requesting) {
      // A resent OACK: our ACK 0 was lost. A reader ACKs again (as for a duplicate DATA); a
      // writer's DATA 1 goes again on its own timer, never on a duplicate.
      if (!write_ && block_ == 0) {
        outgoing_.push_back({*server_tid_, encode_tftp_ack(0)});
      }
      return;
    }
    on_option_ack(now, *ack);
    return;
  }
  if (const auto* data = std::get_if<TftpData>(&*packet); data && !write_) {
    on_data(now, *data);
    return;
  }
  if (const auto* ack = std::get_if<TftpAck>(&*packet); ack && write_) {
    on_ack(now, *ack);
    return;
  }
  auto opcode = static_cast<TftpOpcode>((payload[0] << 8) | payload[1]);
  abort(TftpErrorCode::IllegalOperation, ErrorCode::TftpError,
        "tftp: unexpected " + std::string(to_string(opcode)) + " from server");
}

void TftpClient::on_option_ack(Instant now, const TftpOptionAck& ack) {
  if (!options_offered_) {
    abort(TftpErrorCode::OptionRefused, ErrorCode::TftpError,
          "tftp: OACK to a request without options");
    return;
  }
  for (const TftpOption& option : ack.options) {
    auto known = parse_tftp_options({option});
    if (!known) {
      abort(TftpErrorCode::OptionRefused, ErrorCode::TftpError,
            "tftp: OACK " + known.error().detail);
      return;
    }
    if (*known == TftpTransferOptions{} || (known->block_bytes && !settings_.offer_block_bytes) ||
        (known->timeout_s && !settings_.offer_timeout_s) ||
        (known->transfer_bytes && !settings_.offer_transfer_size)) {
      abort(TftpErrorCode::OptionRefused, ErrorCode::TftpError,
            "tftp: OACK names option '" + option.name + "' that was not offered");
      return;
    }
  }
  auto accepted = parse_tftp_options(ack.options);
  if (!accepted) {
    abort(TftpErrorCode::OptionRefused, ErrorCode::TftpError,
          "tftp: OACK " + accepted.error().detail);
    return;
  }
  if (accepted->block_bytes && *accepted->block_bytes > *settings_.offer_block_bytes) {
    abort(TftpErrorCode::OptionRefused, ErrorCode::TftpError,
          "tftp: OACK blksize " + std::to_string(*accepted->block_bytes) + " exceeds the " +
              std::to_string(*settings_.offer_block_bytes) + " offered");
    return;
  }
  if (accepted->timeout_s && *accepted->timeout_s != *settings_.offer_timeout_s) {
    abort(TftpErrorCode::OptionRefused, ErrorCode::TftpError,
          "tftp: OACK timeout " + std::to_string(*accepted->timeout_s) + " differs from the " +
              std::to_string(*settings_.offer_timeout_s) + " offered");
    return;
  }
  if (!write_ && accepted->transfer_bytes &&
      *accepted->transfer_bytes > settings_.transfer_bytes_max) {
    // Fail before the first block rather than after transfer_bytes_max bytes.
    abort(TftpErrorCode::DiskFull, ErrorCode::ProfileTooLarge,
          "tftp: " + file_name_ + " has " + std::to_string(*accepted->transfer_bytes) +
              " bytes, more than " + std::to_string(settings_.transfer_bytes_max));
    return;
  }
  block_bytes_ = accepted->block_bytes.value_or(kTftpDefaultBlockBytes);
  if (accepted->timeout_s) {
    negotiated_timeout_ = seconds(*accepted->timeout_s);
  }
  phase_ = Phase::Transferring;
  if (write_) {
    send_next_block(now);
  } else {
    send_last(now, *server_tid_, encode_tftp_ack(0));
  }
}

void TftpClient::on_data(Instant now, const TftpData& data) {
  if (data.payload.size() > block_bytes_) {
    abort(TftpErrorCode::IllegalOperation, ErrorCode::TftpError,
          "tftp: DATA block " + std::to_string(data.block) + " of " +
              std::to_string(data.payload.size()) + " bytes exceeds the block size " +
              std::to_string(block_bytes_));
    return;
  }
  auto expected = static_cast<std::uint16_t>(block_ + 1);
  if (data.block != expected) {
    if (phase_ == Phase::Transferring && data.block == block_) {
      // Our ACK was lost or is late: ACK again, append nothing.
      outgoing_.push_back({*server_tid_, encode_tftp_ack(block_)});
    }
    return;
  }
  // A server that ignores the options answers the RRQ with DATA 1 in 512-byte blocks.
  phase_ = Phase::Transferring;
  if (content_.size() + data.payload.size() > settings_.transfer_bytes_max) {
    abort(TftpErrorCode::DiskFull, ErrorCode::ProfileTooLarge,
          "tftp: " + file_name_ + " exceeds " + std::to_string(settings_.transfer_bytes_max) +
              " bytes at block " + std::to_string(data.block));
    return;
  }
  content_.insert(content_.end(), data.payload.begin(), data.payload.end());
  block_ = expected;
  if (data.payload.size() < block_bytes_) {
    outgoing_.push_back({*server_tid_, encode_tftp_ack(block_)});
    read_complete_ = true;
    finish(std::move(content_));
    return;
  }
  send_last(now, *server_tid_, encode_tftp_ack(block_));
}

void TftpClient::on_ack(Instant now, const TftpAck& ack) {
  if (phase_ == Phase::Requesting) {
    if (ack.block != 0) {
      return;
    }
    phase_ = Phase::Transferring;  // the server ignored the options: 512-byte blocks
    send_next_block(now);
    return;
  }
  if (ack.block != block_) {
    return;  // a duplicate or stale ACK: never retransmit on it
  }
  if (final_block_sent_) {
    finish(Bytes{});
    return;
  }
  send_next_block(now);
}

void TftpClient::send_next_block(Instant now) {
  std::size_t length = std::min(block_bytes_, content_.size() - sent_bytes_);
  ByteSpan chunk = ByteSpan(content_).subspan(sent_bytes_, length);
  ++block_;
  sent_bytes_ += length;
  final_block_sent_ = length < block_bytes_;
  send_last(now, *server_tid_, encode_tftp_data(block_, chunk));
}

std::optional<TftpDatagram> TftpClient::poll_datagram() {
  if (outgoing_.empty()) {
    return std::nullopt;
  }
  TftpDatagram datagram = std::move(outgoing_.front());
  outgoing_.pop_front();
  return datagram;
}

Instant TftpClient::next_deadline() const {
  return deadline_;
}

void TftpClient::handle_deadline(Instant now) {
  if (phase_ == Phase::Finished || now < deadline_) {
    return;
  }
  if (retransmissions_ >= settings_.retransmissions_max) {
    finish(fail(ErrorCode::TftpTimeout,
                "tftp: " + file_name_ + ": no answer after " + std::to_string(retransmissions_) +
                    " retransmissions" +
                    (phase_ == Phase::Requesting ? " of the request"
                                                 : " at block " + std::to_string(block_))));
    return;
  }
  ++retransmissions_;
  ++retransmissions_total_;
  if (!negotiated_timeout_) {
    retransmit_timeout_ = std::min(retransmit_timeout_ * 2, settings_.retransmit_timeout_max);
  }
  deadline_ = now + negotiated_timeout_.value_or(retransmit_timeout_);
  outgoing_.push_back({last_to_, last_packet_});
}

Result<Bytes> TftpClient::take_result() {
  assert(result_.has_value());
  Result<Bytes> result = std::move(*result_);
  result_ = fail(ErrorCode::TftpError, "tftp: result already taken");
  return result;
}

}  // namespace fw
