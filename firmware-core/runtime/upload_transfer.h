#pragma once

// UploadTransfer: one UploadAction of the agent (a report rule upload) carried out on a
// Platform: name resolution, then a TFTP write (WRQ) or an HTTP(S) PUT/POST through the same
// sans-IO clients a fetch uses. PhoneRuntime owns at most one and routes the Platform's events
// to it first; every on_* returns whether the event was this upload's. The reference says a
// report is tried once: only the first address of a name is used, and nothing is retried.
//
//   UploadTransfer upload(platform, timer, action, settings);
//   upload.start();
//   ... route events; when finished(), take_completion() once and destroy it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/fetch/http_client.h"
#include "firmware-core/fetch/tftp_client.h"
#include "firmware-core/fetch/tls_session.h"
#include "firmware-core/runtime/platform.h"

namespace fw {

struct UploadTransferSettings {
  TftpClientSettings tftp;
  HttpClientSettings http;
  std::shared_ptr<const TlsContext> tls_context;  // nullptr: https uploads fail
  std::shared_ptr<const TlsIdentity> client_identity;
  std::string user_agent;
  std::string client_nonce;  // Digest material from the platform's entropy
};

class UploadTransfer {
 public:
  // `timer` is the Platform timer reserved for uploads. Nothing happens before start().
  UploadTransfer(Platform& platform, TimerId timer, UploadAction action,
                 UploadTransferSettings settings);
  // Closes what is still open (a reboot or a newer upload ends this one).
  ~UploadTransfer();
  UploadTransfer(const UploadTransfer&) = delete;
  UploadTransfer& operator=(const UploadTransfer&) = delete;

  // Resolves the server's name (or uses its literal address) and starts the transfer.
  void start();

  bool on_timer(TimerId timer);
  bool on_datagram(SocketId socket, Endpoint from, ByteSpan payload);
  bool on_stream_connected(StreamId stream);
  bool on_stream_data(StreamId stream, ByteSpan bytes);
  bool on_stream_closed(StreamId stream);
  bool on_stream_failed(StreamId stream, StreamFailure failure);
  bool on_resolved(QueryId query, const Result<std::vector<Ipv4Address>>& addresses);

  bool finished() const { return completion_.has_value(); }
  // The outcome for the agent; call once after finished().
  UploadCompleted take_completion();

 private:
  void start_transfer();
  void pump_tftp();
  void pump_http();
  void open_stream(Ipv4Address address);
  void flush_tls();
  void drop_stream();
  void finish(Result<void> result);
  void release();

  Platform& platform_;
  TimerId timer_;
  UploadAction action_;
  UploadTransferSettings settings_;

  std::optional<Ipv4Address> address_;
  std::optional<QueryId> query_;
  std::optional<SocketId> socket_;
  std::optional<TftpClient> tftp_;
  std::optional<HttpClient> http_;
  std::optional<StreamId> stream_;
  std::optional<TlsSession> tls_;
  std::optional<HttpConnect> connect_;
  std::optional<QueryId> connect_query_;
  bool http_connected_ = false;
  Bytes reply_;  // the body of an HTTP(S) success reply
  std::optional<UploadCompleted> completion_;
};

}  // namespace fw
