#include "servers/tftp/tftp_server.h"

#include <algorithm>
#include <variant>

namespace srv {

using fw::TftpErrorCode;

std::string_view to_string(TftpTransferRecord::Outcome outcome) {
  switch (outcome) {
    case TftpTransferRecord::Outcome::Completed:
      return "completed";
    case TftpTransferRecord::Outcome::NotFound:
      return "not found";
    case TftpTransferRecord::Outcome::Refused:
      return "refused";
    case TftpTransferRecord::Outcome::TimedOut:
      return "timed out";
    case TftpTransferRecord::Outcome::ClientError:
      return "client error";
  }
  return "?";
}

TftpServer::TftpServer(TftpRoot& root, TftpServerSettings settings, TftpRequestHook hook)
    : root_(root),
      settings_(std::move(settings)),
      hook_(std::move(hook)),
      admission_(settings_.admission) {}

void TftpServer::handle_request(fw::Instant now, fw::Endpoint from, fw::ByteSpan payload) {
  if (by_client_.contains(from) || delayed_clients_.contains(from)) {
    return;  // the client resent its request: the running transfer answers it
  }
  if (auto queued = queued_clients_.find(from); queued != queued_clients_.end()) {
    queued_.at(queued->second).last_heard = now;  // still there: keep its place
    return;
  }
  auto packet = fw::decode_tftp_packet(payload);
  if (!packet) {
    outgoing_.push_back(
        {kListeningTransfer, from,
         fw::encode_tftp_error(TftpErrorCode::IllegalOperation, packet.error().detail)});
    return;
  }
  auto* request = std::get_if<fw::TftpRequest>(&*packet);
  if (request == nullptr) {
    // A stray DATA/ACK on the well-known port belongs to no transfer.
    outgoing_.push_back(
        {kListeningTransfer, from,
         fw::encode_tftp_error(TftpErrorCode::UnknownTransferId, "unknown transfer ID")});
    return;
  }
  const std::uint64_t ticket = next_ticket_++;
  switch (admission_.arrive(now, ticket)) {
    case ServiceQueue::Admission::Serve:
      serve(now, ticket, from, std::move(*request), now);
      return;
    case ServiceQueue::Admission::Wait: {
      fw::Duration silence_max = settings_.queued_silence_max;
      if (auto asked = fw::parse_tftp_options(request->options); asked && asked->timeout_s) {
        silence_max = std::max(silence_max, fw::seconds(*asked->timeout_s) * 2);
      }
      queued_clients_[from] = ticket;
      queued_.emplace(ticket, QueuedRequest{from, std::move(*request), now, now, silence_max});
      return;
    }
    case ServiceQueue::Admission::Refuse:
      refuse(from, *request, now, TftpTransferRecord::Outcome::Refused, TftpErrorCode::NotDefined,
             "server busy");
      return;
  }
}

void TftpServer::serve(fw::Instant now, std::uint64_t ticket, fw::Endpoint client,
                       fw::TftpRequest request, fw::Instant arrived) {
  std::shared_ptr<const fw::Bytes> content;
  if (hook_) {
    TftpVerdict verdict = hook_({now, client, request.write, request.file_name});
    if (verdict.kind == TftpVerdict::Kind::Ignore) {
      release(now, ticket);
      return;
    }
    if (verdict.kind == TftpVerdict::Kind::Refuse) {
      refuse(client, request, now,
             verdict.error == TftpErrorCode::FileNotFound ? TftpTransferRecord::Outcome::NotFound
                                                          : TftpTransferRecord::Outcome::Refused,
             verdict.error, verdict.message);
      release(now, ticket);
      return;
    }
    content = std::move(verdict.content);
    if (verdict.delay > fw::Duration::zero() && (!request.write || settings_.writes_enabled)) {
      delayed_clients_.insert(client);
      delayed_.emplace(now + verdict.delay, DelayedRequest{client, std::move(request),
                                                           std::move(content), arrived, ticket});
      return;
    }
  }
  if (request.write && !settings_.writes_enabled) {
    refuse(client, request, now, TftpTransferRecord::Outcome::Refused,
           TftpErrorCode::AccessViolation, "writes disabled");
    release(now, ticket);
    return;
  }
  if (transfers_.size() >= settings_.transfers_max) {
    refuse(client, request, now, TftpTransferRecord::Outcome::Refused, TftpErrorCode::NotDefined,
           "server busy");
    release(now, ticket);
    return;
  }
  if (!start_transfer(now, ticket, client, std::move(request), std::move(content), arrived)) {
    release(now, ticket);
  }
}

void TftpServer::release(fw::Instant now, std::uint64_t ticket) {
  if (auto next = admission_.finish(now, ticket)) {
    admitted_.push_back(*next);
  }
  if (releasing_) {
    return;  // the outer release() serves what this one admitted: no recursion per queued request
  }
  releasing_ = true;
  while (!admitted_.empty()) {
    const std::uint64_t admitted = admitted_.front();
    admitted_.pop_front();
    auto found = queued_.find(admitted);
    QueuedRequest queued = std::move(found->second);
    queued_.erase(found);
    queued_clients_.erase(queued.client);
    if (now - queued.last_heard > queued.silence_max) {
      records_.push_back({queued.client, queued.request.write, queued.request.file_name, 0,
                          TftpTransferRecord::Outcome::TimedOut, queued.arrived, now});
      release(now, admitted);
      continue;
    }
    serve(now, admitted, queued.client, std::move(queued.request), queued.arrived);
  }
  releasing_ = false;
}

void TftpServer::refuse(fw::Endpoint client, const fw::TftpRequest& request, fw::Instant now,
                        TftpTransferRecord::Outcome outcome, TftpErrorCode code,
                        std::string_view message) {
  outgoing_.push_back({kListeningTransfer, client, fw::encode_tftp_error(code, message)});
  records_.push_back({client, request.write, request.file_name, 0, outcome, now, now});
}

bool TftpServer::start_transfer(fw::Instant now, std::uint64_t ticket, fw::Endpoint client,
                                fw::TftpRequest request, std::shared_ptr<const fw::Bytes> content,
                                fw::Instant arrived) {
  fw::TftpTransferOptions asked;
  if (settings_.options_enabled) {
    auto parsed = fw::parse_tftp_options(request.options);
    if (!parsed) {
      refuse(client, request, now, TftpTransferRecord::Outcome::Refused,
             TftpErrorCode::OptionRefused, parsed.error().detail);
      return false;
    }
    asked = *parsed;
  }
  Transfer transfer;
  transfer.client = client;
  transfer.write = request.write;
  transfer.file_name = std::move(request.file_name);
  transfer.started = arrived;
  transfer.ticket = ticket;

  fw::TftpTransferOptions granted;
  if (asked.block_bytes) {
    granted.block_bytes = std::min(*asked.block_bytes, settings_.block_bytes_max);
    transfer.block_bytes = *granted.block_bytes;
  }
  if (asked.timeout_s) {
    granted.timeout_s = asked.timeout_s;
    transfer.negotiated_timeout = fw::seconds(*asked.timeout_s);
  }
  if (transfer.write) {
    if (asked.transfer_bytes && *asked.transfer_bytes > settings_.write_bytes_max) {
      refuse(client, request, now, TftpTransferRecord::Outcome::Refused, TftpErrorCode::DiskFull,
             "file larger than " + std::to_string(settings_.write_bytes_max) + " bytes");
      return false;
    }
    granted.transfer_bytes = asked.transfer_bytes;
  } else {
    transfer.content = content ? std::move(content) : root_.read_file(transfer.file_name, client);
    if (!transfer.content) {
      refuse(client, request, now, TftpTransferRecord::Outcome::NotFound,
             TftpErrorCode::FileNotFound, "File not found");
      return false;
    }
    if (asked.transfer_bytes) {
      granted.transfer_bytes = transfer.content->size();
    }
  }

  TransferId id = next_id_++;
  transfer.id = id;
  by_client_[client] = id;
  Transfer& stored = transfers_.emplace(id, std::move(transfer)).first->second;
  if (granted != fw::TftpTransferOptions{}) {
    // OACK: a read waits for ACK 0, a write for DATA 1.
    send(stored, now, *fw::encode_tftp_packet(fw::TftpOptionAck{fw::tftp_option_list(granted)}));
  } else if (stored.write) {
    send(stored, now, fw::encode_tftp_ack(0));
  } else {
    send_next_block(stored, now);
  }
  return true;
}

void TftpServer::send(Transfer& transfer, fw::Instant now, fw::Bytes payload) {
  transfer.last_packet = payload;
  transfer.retransmissions = 0;
  transfer.retransmit_timeout = settings_.retransmit_timeout_initial;
  set_deadline(transfer, now + transfer.negotiated_timeout.value_or(transfer.retransmit_timeout));
  outgoing_.push_back({transfer.id, transfer.client, std::move(payload)});
}

void TftpServer::set_deadline(Transfer& transfer, fw::Instant deadline) {
  deadlines_.erase({transfer.deadline, transfer.id});
  transfer.deadline = deadline;
  deadlines_.insert({deadline, transfer.id});
}

void TftpServer::send_next_block(Transfer& transfer, fw::Instant now) {
  std::uint64_t remaining = transfer.content->size() - transfer.sent_bytes;
  auto length = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, transfer.block_bytes));
  fw::ByteSpan chunk = fw::ByteSpan(*transfer.content)
                           .subspan(static_cast<std::size_t>(transfer.sent_bytes), length);
  ++transfer.block;
  transfer.sent_bytes += length;
  transfer.last_block_sent = length < transfer.block_bytes;
  send(transfer, now, fw::encode_tftp_data(transfer.block, chunk));
}

void TftpServer::handle_transfer_datagram(fw::Instant now, TransferId id, fw::Endpoint from,
                                          fw::ByteSpan payload) {
  auto found = transfers_.find(id);
  if (found == transfers_.end()) {
    return;  // the host closes the port; a late packet for it is dropped like on a closed port
  }
  Transfer& transfer = found->second;
  if (from != transfer.client) {
    outgoing_.push_back(
        {id, from, fw::encode_tftp_error(TftpErrorCode::UnknownTransferId, "unknown transfer ID")});
    return;
  }
  auto packet = fw::decode_tftp_packet(payload);
  if (!packet) {
    outgoing_.push_back(
        {id, from, fw::encode_tftp_error(TftpErrorCode::IllegalOperation, packet.error().detail)});
    end(transfer, now, TftpTransferRecord::Outcome::ClientError);
    return;
  }
  if (std::holds_alternative<fw::TftpErrorPacket>(*packet)) {
    end(transfer, now, TftpTransferRecord::Outcome::ClientError);
    return;
  }
  if (const auto* ack = std::get_if<fw::TftpAck>(&*packet); ack && !transfer.write) {
    on_ack(transfer, now, ack->block);
    return;
  }
  if (const auto* data = std::get_if<fw::TftpData>(&*packet); data && transfer.write) {
    on_data(transfer, now, *data);
    return;
  }
  outgoing_.push_back({id, from,
                       fw::encode_tftp_error(TftpErrorCode::IllegalOperation,
                                             "unexpected packet in this transfer")});
  end(transfer, now, TftpTransferRecord::Outcome::ClientError);
}

void TftpServer::on_ack(Transfer& transfer, fw::Instant now, std::uint16_t block) {
  if (block != transfer.block) {
    return;  // duplicate or stale: never resend on it (Sorcerer's Apprentice)
  }
  if (transfer.last_block_sent) {
    end(transfer, now, TftpTransferRecord::Outcome::Completed);
    return;
  }
  send_next_block(transfer, now);
}

void TftpServer::on_data(Transfer& transfer, fw::Instant now, const fw::TftpData& data) {
  if (transfer.last_block_sent) {
    // Dallying after the last ACK: the client lost it and sends the last block again.
    if (data.block == transfer.block) {
      outgoing_.push_back({transfer.id, transfer.client, fw::encode_tftp_ack(transfer.block)});
    }
    return;
  }
  auto expected = static_cast<std::uint16_t>(transfer.block + 1);
  if (data.block != expected) {
    if (data.block == transfer.block) {
      outgoing_.push_back({transfer.id, transfer.client, fw::encode_tftp_ack(transfer.block)});
    }
    return;
  }
  if (data.payload.size() > transfer.block_bytes) {
    outgoing_.push_back({transfer.id, transfer.client,
                         fw::encode_tftp_error(TftpErrorCode::IllegalOperation,
                                               "block larger than the block size")});
    end(transfer, now, TftpTransferRecord::Outcome::ClientError);
    return;
  }
  if (transfer.received.size() + data.payload.size() > settings_.write_bytes_max) {
    outgoing_.push_back({transfer.id, transfer.client,
                         fw::encode_tftp_error(TftpErrorCode::DiskFull, "file too large")});
    end(transfer, now, TftpTransferRecord::Outcome::Refused);
    return;
  }
  transfer.received.insert(transfer.received.end(), data.payload.begin(), data.payload.end());
  transfer.block = expected;
  if (data.payload.size() == transfer.block_bytes) {
    send(transfer, now, fw::encode_tftp_ack(transfer.block));
    return;
  }
  std::uint64_t size = transfer.received.size();
  if (!root_.write_file(transfer.file_name, transfer.client, std::move(transfer.received))) {
    outgoing_.push_back({transfer.id, transfer.client,
                         fw::encode_tftp_error(TftpErrorCode::AccessViolation, "write refused")});
    end(transfer, now, TftpTransferRecord::Outcome::Refused);
    return;
  }
  records_.push_back({transfer.client, true, transfer.file_name, size,
                      TftpTransferRecord::Outcome::Completed, transfer.started, now});
  // Dally (RFC 1350 section 6): stay to ACK a resent last block for as long as a client with
  // our own retransmission policy could be resending it.
  transfer.last_block_sent = true;
  outgoing_.push_back({transfer.id, transfer.client, fw::encode_tftp_ack(transfer.block)});
  set_deadline(transfer, now + give_up_span(transfer));
  // The file is stored: dallying only answers a lost last ACK, so it holds no place (end()'s
  // second release is a no-op).
  release(now, transfer.ticket);
}

fw::Duration TftpServer::give_up_span(const Transfer& transfer) const {
  if (transfer.negotiated_timeout) {
    return *transfer.negotiated_timeout *
           static_cast<std::int64_t>(settings_.retransmissions_max + 1);
  }
  fw::Duration span{0};
  fw::Duration wait = settings_.retransmit_timeout_initial;
  for (std::uint32_t i = 0; i <= settings_.retransmissions_max; ++i) {
    span += wait;
    wait = std::min(wait * 2, settings_.retransmit_timeout_max);
  }
  return span;
}

void TftpServer::end(Transfer& transfer, fw::Instant now, TftpTransferRecord::Outcome outcome) {
  std::uint64_t bytes = transfer.write ? transfer.received.size() : transfer.sent_bytes;
  if (!(transfer.write && transfer.last_block_sent)) {
    records_.push_back({transfer.client, transfer.write, transfer.file_name, bytes, outcome,
                        transfer.started, now});
  }
  TransferId id = transfer.id;
  const std::uint64_t ticket = transfer.ticket;
  deadlines_.erase({transfer.deadline, id});
  by_client_.erase(transfer.client);
  closed_.push_back(id);
  transfers_.erase(id);  // `transfer` dangles from here on
  release(now, ticket);
}

fw::Instant TftpServer::next_deadline() const {
  fw::Instant next = deadlines_.empty() ? fw::Instant::never() : deadlines_.begin()->first;
  return delayed_.empty() ? next : std::min(next, delayed_.begin()->first);
}

void TftpServer::handle_deadline(fw::Instant now) {
  while (!delayed_.empty() && delayed_.begin()->first <= now) {
    DelayedRequest delayed = std::move(delayed_.begin()->second);
    delayed_.erase(delayed_.begin());
    delayed_clients_.erase(delayed.client);
    if (transfers_.size() >= settings_.transfers_max) {
      refuse(delayed.client, delayed.request, now, TftpTransferRecord::Outcome::Refused,
             TftpErrorCode::NotDefined, "server busy");
      release(now, delayed.ticket);
      continue;
    }
    if (!start_transfer(now, delayed.ticket, delayed.client, std::move(delayed.request),
                        std::move(delayed.content), delayed.arrived)) {
      release(now, delayed.ticket);
    }
  }
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    Transfer& transfer = transfers_.at(deadlines_.begin()->second);
    if (transfer.write && transfer.last_block_sent) {
      end(transfer, now, TftpTransferRecord::Outcome::Completed);  // dally over; recorded before
      continue;
    }
    if (transfer.retransmissions >= settings_.retransmissions_max) {
      end(transfer, now, TftpTransferRecord::Outcome::TimedOut);
      continue;
    }
    ++transfer.retransmissions;
    if (!transfer.negotiated_timeout) {
      transfer.retransmit_timeout =
          std::min(transfer.retransmit_timeout * 2, settings_.retransmit_timeout_max);
    }
    set_deadline(transfer, now + transfer.negotiated_timeout.value_or(transfer.retransmit_timeout));
    outgoing_.push_back({transfer.id, transfer.client, transfer.last_packet});
  }
}

std::optional<TftpServerDatagram> TftpServer::poll_datagram() {
  if (outgoing_.empty()) {
    return std::nullopt;
  }
  TftpServerDatagram datagram = std::move(outgoing_.front());
  outgoing_.pop_front();
  return datagram;
}

std::optional<TransferId> TftpServer::poll_closed_transfer() {
  if (closed_.empty()) {
    return std::nullopt;
  }
  TransferId id = closed_.front();
  closed_.pop_front();
  return id;
}

std::optional<TftpTransferRecord> TftpServer::poll_record() {
  if (records_.empty()) {
    return std::nullopt;
  }
  TftpTransferRecord record = std::move(records_.front());
  records_.pop_front();
  return record;
}

}  // namespace srv
