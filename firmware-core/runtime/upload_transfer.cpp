#include "firmware-core/runtime/upload_transfer.h"

#include <algorithm>
#include <utility>

namespace fw {

UploadTransfer::UploadTransfer(Platform& platform, TimerId timer, UploadAction action,
                               UploadTransferSettings settings)
    : platform_(platform),
      timer_(timer),
      action_(std::move(action)),
      settings_(std::move(settings)) {}

UploadTransfer::~UploadTransfer() { release(); }

void UploadTransfer::start() {
  if (auto literal = Ipv4Address::parse(action_.url.host)) {
    address_ = *literal;
    start_transfer();
    return;
  }
  query_ = platform_.resolve(action_.url.host);
}

UploadCompleted UploadTransfer::take_completion() {
  UploadCompleted completed = std::move(*completion_);
  completion_.reset();
  return completed;
}

void UploadTransfer::finish(Result<void> result) {
  if (completion_) return;
  UploadCompleted completed;
  completed.upload_id = action_.id;
  completed.result = std::move(result);
  if (address_) completed.server_ip = address_->to_string();
  completed.reply = std::move(reply_);
  release();
  completion_ = std::move(completed);
}

void UploadTransfer::release() {
  platform_.cancel_timer(timer_);
  if (socket_) platform_.close_udp(*socket_);
  if (stream_) platform_.abort_stream(*stream_);
  socket_.reset();
  stream_.reset();
  query_.reset();
  connect_query_.reset();
  tftp_.reset();
  http_.reset();
  tls_.reset();
}

bool UploadTransfer::on_resolved(QueryId query,
                                 const Result<std::vector<Ipv4Address>>& addresses) {
  if (query_ == query) {
    query_.reset();
    if (!addresses) {
      finish(fail(addresses.error()));
    } else if (addresses->empty()) {
      finish(fail(ErrorCode::DnsFailed, action_.url.host + ": no address"));
    } else {
      address_ = addresses->front();
      start_transfer();
    }
    return true;
  }
  if (connect_query_ == query) {
    connect_query_.reset();
    if (addresses && !addresses->empty()) {
      open_stream(addresses->front());
    } else {
      // A redirect named a host that does not resolve.
      finish(addresses ? fail(ErrorCode::DnsFailed, connect_->host + ": no address")
                       : fail(addresses.error()));
    }
    return true;
  }
  return false;
}

void UploadTransfer::start_transfer() {
  const Endpoint server{*address_, action_.url.port};
  switch (action_.url.scheme) {
    case UrlScheme::Tftp: {
      auto socket = platform_.open_udp(0);
      if (!socket) {
        finish(fail(socket.error()));
        return;
      }
      socket_ = *socket;
      // The report is what limits its own size (the agent built it); the client's read limit
      // must not refuse it.
      TftpClientSettings tftp = settings_.tftp;
      tftp.transfer_bytes_max = std::max<std::uint64_t>(tftp.transfer_bytes_max, action_.body.size());
      tftp_.emplace(TftpClient::write(platform_.now(), server, action_.url.path, action_.body, tftp));
      pump_tftp();
      return;
    }
    case UrlScheme::Http:
    case UrlScheme::Https: {
      if (action_.url.scheme == UrlScheme::Https && !settings_.tls_context) {
        finish(fail(ErrorCode::TlsHandshakeFailed, "the phone has no trust store for https"));
        return;
      }
      HttpRequest request;
      request.method = action_.method == UploadMethod::Put ? HttpMethod::Put : HttpMethod::Post;
      request.url = action_.url;
      request.user_agent = settings_.user_agent;
      request.body = action_.body;
      request.content_type = action_.content_type;
      request.client_nonce = settings_.client_nonce;
      http_connected_ = false;
      http_.emplace(platform_.now(), std::move(request), settings_.http);
      pump_http();
      return;
    }
    case UrlScheme::Gds:
      break;
  }
  finish(fail(ErrorCode::UrlSyntax, "gds:// takes no uploads"));
}

bool UploadTransfer::on_timer(TimerId timer) {
  if (timer != timer_) return false;
  if (tftp_) {
    tftp_->handle_deadline(platform_.now());
    pump_tftp();
  } else if (http_) {
    http_->handle_deadline(platform_.now());
    pump_http();
  }
  return true;
}

// --- TFTP ---------------------------------------------------------------------------------------

bool UploadTransfer::on_datagram(SocketId socket, Endpoint from, ByteSpan payload) {
  if (socket_ != socket) return false;
  if (tftp_) {
    tftp_->handle_datagram(platform_.now(), from, payload);
    pump_tftp();
  }
  return true;
}

void UploadTransfer::pump_tftp() {
  while (auto datagram = tftp_->poll_datagram()) {
    platform_.send_datagram(*socket_, datagram->to, datagram->payload);
  }
  if (!tftp_->finished()) {
    platform_.set_timer(timer_, tftp_->next_deadline());
    return;
  }
  Result<Bytes> result = tftp_->take_result();
  finish(result ? Result<void>{} : Result<void>(fail(result.error())));
}

// --- HTTP and HTTPS -----------------------------------------------------------------------------

void UploadTransfer::pump_http() {
  while (http_) {
    std::optional<HttpAction> action = http_->poll_action();
    if (!action) break;
    if (auto* connect = std::get_if<HttpConnect>(&*action)) {
      drop_stream();
      connect_ = *connect;
      http_connected_ = false;
      if (auto literal = Ipv4Address::parse(connect->host)) {
        open_stream(*literal);
      } else if (connect->host == action_.url.host) {
        open_stream(*address_);
      } else {
        connect_query_ = platform_.resolve(connect->host);
      }
    } else if (auto* send = std::get_if<HttpSend>(&*action)) {
      if (tls_) {
        tls_->send_plaintext(send->bytes);
        flush_tls();
      } else if (stream_) {
        platform_.send(*stream_, send->bytes);
      }
    } else {
      drop_stream();
    }
  }
  if (!http_) return;  // TLS failed the upload
  if (!http_->finished()) {
    platform_.set_timer(timer_, http_->next_deadline());
    return;
  }
  Result<HttpResponse> result = http_->take_result();
  if (result) reply_ = std::move(result->body);
  finish(result ? Result<void>{} : Result<void>(fail(result.error())));
}

void UploadTransfer::open_stream(Ipv4Address address) {
  stream_ = platform_.connect_stream({address, connect_->port});
}

void UploadTransfer::flush_tls() {
  Bytes ciphertext = tls_->take_ciphertext();
  if (!ciphertext.empty() && stream_) platform_.send(*stream_, ciphertext);
  if (tls_->error()) {
    Error error = *tls_->error();
    if (stream_) platform_.close_stream(*stream_);  // after the alert
    stream_.reset();
    finish(fail(std::move(error)));
  }
}

void UploadTransfer::drop_stream() {
  if (tls_ && stream_ && tls_->established()) {
    tls_->close();
    Bytes close_notify = tls_->take_ciphertext();
    if (!close_notify.empty()) platform_.send(*stream_, close_notify);
  }
  if (stream_) platform_.close_stream(*stream_);
  stream_.reset();
  tls_.reset();
  connect_query_.reset();
}

bool UploadTransfer::on_stream_connected(StreamId stream) {
  if (stream_ != stream) return false;
  if (!http_) return true;
  if (connect_ && connect_->tls) {
    tls_.emplace(TlsSession::client(settings_.tls_context, connect_->host, platform_.wall_clock(),
                                    settings_.client_identity));
    flush_tls();
  } else {
    http_connected_ = true;
    http_->handle_connected(platform_.now());
    pump_http();
  }
  return true;
}

bool UploadTransfer::on_stream_data(StreamId stream, ByteSpan bytes) {
  if (stream_ != stream) return false;
  if (!http_) return true;
  const Instant now = platform_.now();
  if (!tls_) {
    http_->handle_bytes(now, bytes);
    pump_http();
    return true;
  }
  tls_->receive_ciphertext(bytes);
  flush_tls();
  if (!tls_) return true;
  if (tls_->established() && !http_connected_) {
    http_connected_ = true;
    http_->handle_connected(now);
    pump_http();
  }
  if (http_ && tls_) {
    Bytes plaintext = tls_->take_plaintext();
    if (!plaintext.empty()) http_->handle_bytes(now, plaintext);
    if (tls_->peer_closed()) http_->handle_closed(now);
    pump_http();
  }
  return true;
}

bool UploadTransfer::on_stream_closed(StreamId stream) {
  if (stream_ != stream) return false;
  stream_.reset();
  if (!http_) return true;
  if (tls_ && !tls_->established()) {
    finish(fail(ErrorCode::TlsHandshakeFailed,
                "the server closed the connection during the handshake"));
  } else {
    http_->handle_closed(platform_.now());
    pump_http();
  }
  return true;
}

bool UploadTransfer::on_stream_failed(StreamId stream, StreamFailure failure) {
  if (stream_ != stream) return false;
  stream_.reset();
  if (!http_) return true;
  http_->handle_failed(platform_.now(), failure);
  pump_http();
  return true;
}

}  // namespace fw
