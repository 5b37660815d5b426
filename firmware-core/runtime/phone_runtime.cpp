#include "firmware-core/runtime/phone_runtime.h"

#include <array>
#include <cstring>
#include <span>
#include <type_traits>

#include "firmware-core/agent/firmware_image.h"
#include "firmware-core/fetch/ca_certificate.h"
#include "firmware-core/fetch/mic_renewal_message.h"
#include "firmware-core/runtime/factory_reset.h"
#include "firmware-core/runtime/mic_store.h"
#include "firmware-core/macro/macro_table.h"
#include "firmware-core/runtime/syslog_frame.h"

namespace fw {
namespace {

// The agent's random stream is seeded from the platform's entropy: the OS on the device, the
// phone's derived stream in the simulator (so a run replays).
std::uint64_t seed_from(Platform& platform) {
  std::array<std::uint8_t, 8> bytes{};
  platform.fill_random(bytes);
  std::uint64_t seed = 0;
  for (std::uint8_t byte : bytes) seed = (seed << 8) | byte;
  return seed;
}

// Hex text of `bytes` random bytes from the platform (Digest client nonces).
std::string random_hex(Platform& platform, std::size_t bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::vector<std::uint8_t> raw(bytes);
  platform.fill_random(raw);
  std::string text;
  for (std::uint8_t byte : raw) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xF];
  }
  return text;
}

// The factory identity with the version of the booted bank, if one boots.
PhoneIdentity running_identity(const PhoneIdentity& factory,
                               const std::optional<BootedFirmware>& booted) {
  PhoneIdentity running = factory;
  if (booted) running.software_version = booted->version;
  return running;
}

}  // namespace

template <typename Handler>
bool PhoneRuntime::route_to_upload(Handler&& handler) {
  return !rebooting_ && upload_ && !upload_->finished() && handler(*upload_);
}

PhoneRuntime::PhoneRuntime(Platform& platform, const PhoneIdentity& identity, ProfileDecoder& decoder,
                           PhoneRuntimeSettings settings)
    : platform_(platform),
      firmware_banks_(platform.flash()),
      booted_firmware_(firmware_banks_.boot()),
      identity_(running_identity(identity, booted_firmware_)),
      settings_(std::move(settings)),
      persistent_(platform.flash(), ParameterRegistry::builtin(), settings_.value_pool),
      load_result_(persistent_.load()),
      live_(persistent_.store()),
      agent_(identity_, live_, decoder, seed_from(platform), settings_.agent) {
  platform_.set_listener(this);
  if (!load_result_) {
    std::string reason(load_result_.error().to_string());
    TraceField fields[] = {{"error", reason}};
    platform_.trace(Severity::Warning, "runtime", "config_load_failed", fields);
  }
  const std::string bank = !booted_firmware_                         ? "factory"
                           : booted_firmware_->bank == FirmwareBank::A ? "a"
                                                                      : "b";
  TraceField fields[] = {{"version", identity_.software_version}, {"bank", bank}};
  platform_.trace(Severity::Info, "runtime", "firmware_booted", fields);
  restore_custom_ca();
  restore_mic();
}

PhoneRuntime::~PhoneRuntime() {
  release_transfer();
  upload_.reset();
}

void PhoneRuntime::power_on(DhcpOptions dhcp_options) {
  feed(PowerOn{std::move(dhcp_options)});
  announce_headset();  // a headset plugged in at power-up is found like a newly attached one
  settle();
}
void PhoneRuntime::line_busy(std::size_t line) { feed(LineBusy{line}); settle(); }
void PhoneRuntime::line_idle(std::size_t line) { feed(LineIdle{line}); settle(); }
void PhoneRuntime::admin_resync(std::optional<std::string> rule) { feed(AdminResync{std::move(rule)}); settle(); }
void PhoneRuntime::admin_upgrade(std::optional<std::string> rule) { feed(AdminUpgrade{std::move(rule)}); settle(); }
void PhoneRuntime::sip_notify(std::string event) { feed(SipNotify{std::move(event)}); settle(); }
void PhoneRuntime::admin_report() { feed(AdminReport{}); settle(); }
void PhoneRuntime::admin_update_ca(std::optional<std::string> url) {
  feed(AdminUpdateCa{std::move(url)});
  settle();
}
void PhoneRuntime::admin_renew_mic() { feed(AdminRenewMic{}); settle(); }

void PhoneRuntime::factory_reset() {
  if (rebooting_) return;
  auto reset = fw::factory_reset(platform_.flash(), persistent_);
  std::string outcome = reset ? "success" : reset.error().to_string();
  TraceField fields[] = {{"result", outcome}};
  platform_.trace(reset ? Severity::Info : Severity::Error, "runtime", "factory_reset", fields);
  perform(RebootAction{});
}

void PhoneRuntime::wall_clock_stepped() { feed(WallClockStepped{}); settle(); }
void PhoneRuntime::activation_code_entered(std::string code) {
  feed(ActivationCodeEntered{std::move(code)});
  settle();
}

Result<ParameterChange> PhoneRuntime::set_parameter(std::string_view name, std::string_view value) {
  auto change = persistent_.set(name, value);
  if (!change) return change;
  live_ = persistent_.store();
  feed(ConfigEdited{});
  settle();
  return change;
}

void PhoneRuntime::feed(const AgentEvent& event) {
  if (rebooting_) return;
  agent_.handle(clock(), event);
  pump();
}

void PhoneRuntime::settle() {
  for (;;) {
    if (rebooting_) return;
    if (install_completion_) {
      FirmwareInstalled installed = std::move(*install_completion_);
      install_completion_.reset();
      feed(installed);
    } else if (mic_install_completion_) {
      MicInstalled installed = std::move(*mic_install_completion_);
      mic_install_completion_.reset();
      feed(installed);
    } else if (completion_) {
      FetchCompleted completed = std::move(*completion_);
      completion_.reset();
      feed(completed);
    } else if (upload_ && upload_->finished()) {
      UploadCompleted completed = upload_->take_completion();
      upload_.reset();
      feed(completed);
    } else {
      return;
    }
  }
}

void PhoneRuntime::pump() {
  while (!rebooting_) {
    std::optional<AgentAction> action = agent_.poll_action();
    if (!action) break;
    std::visit([this](const auto& concrete) { perform(concrete); }, *action);
  }
  if (rebooting_) return;
  Instant deadline = agent_.next_deadline();
  if (deadline == Instant::never()) {
    platform_.cancel_timer(kAgentTimer);
  } else {
    platform_.set_timer(kAgentTimer, deadline);
  }
}

void PhoneRuntime::on_timer(TimerId timer) {
  if (rebooting_) return;
  if (route_to_upload([&](UploadTransfer& upload) { return upload.on_timer(timer); })) {
    settle();
    return;
  }
  if (timer == kAgentTimer) {
    agent_.handle_deadline(clock());
    pump();
  } else if (timer == kTransferTimer && fetch_ && fetch_->tftp) {
    fetch_->tftp->handle_deadline(platform_.now());
    pump_tftp();
  } else if (timer == kTransferTimer && fetch_ && fetch_->http) {
    fetch_->http->handle_deadline(platform_.now());
    pump_http();
  }
  settle();
}

// --- fetching -----------------------------------------------------------------------------------

void PhoneRuntime::perform(const FetchAction& action) {
  // The agent runs one resync, hence one fetch, at a time; a new fetch replaces a stale one.
  release_transfer();
  fetch_.emplace();
  fetch_->action = action;
  if (auto literal = Ipv4Address::parse(action.url.host)) {
    fetch_->addresses.push_back(*literal);
    start_transfer();
    return;
  }
  fetch_->query = platform_.resolve(action.url.host);
}

void PhoneRuntime::on_resolved(QueryId query, Result<std::vector<Ipv4Address>> addresses) {
  if (route_to_upload([&](UploadTransfer& upload) { return upload.on_resolved(query, addresses); })) {
    settle();
    return;
  }
  if (auto pending = syslog_queries_.find(query); pending != syslog_queries_.end()) {
    PendingSyslog waiting = std::move(pending->second);
    syslog_queries_.erase(pending);
    // A syslog server that does not resolve loses the message, as UDP would.
    if (addresses && !addresses->empty()) {
      for (const Bytes& frame : waiting.frames) send_syslog_frame(addresses->front(), waiting.port, frame);
    }
    settle();
    return;
  }
  if (fetch_ && fetch_->connect_query == query) {
    fetch_->connect_query.reset();
    if (addresses && !addresses->empty()) {
      open_http_stream(addresses->front());
    } else {
      // A redirect named a host that does not resolve.
      finish_fetch(addresses ? fail(ErrorCode::DnsFailed, fetch_->connect->host + ": no address")
                             : fail(addresses.error()));
    }
    settle();
    return;
  }
  if (!fetch_ || fetch_->query != query) return;
  fetch_->query.reset();
  if (!addresses) {
    finish_fetch(fail(addresses.error()));
  } else {
    fetch_->addresses = std::move(*addresses);
    start_transfer();
  }
  settle();
}

void PhoneRuntime::start_transfer() {
  Fetch& fetch = *fetch_;
  if (fetch.address_index >= fetch.addresses.size()) {
    finish_fetch(fail(ErrorCode::DnsFailed, fetch.action.url.host + ": no address"));
    return;
  }
  const Endpoint server{fetch.addresses[fetch.address_index], fetch.action.url.port};
  switch (fetch.action.url.scheme) {
    case UrlScheme::Tftp: {
      if (fetch.action.post_body) {
        finish_fetch(fail(ErrorCode::UrlSyntax, "a POST needs an http or https URL"));
        return;
      }
      auto socket = platform_.open_udp(0);
      if (!socket) {
        finish_fetch(fail(socket.error()));
        return;
      }
      fetch.socket = *socket;
      TftpClientSettings tftp = settings_.tftp;
      if (fetch.action.purpose == FetchPurpose::Firmware) tftp.transfer_bytes_max = kFirmwareImageBytesMax;
      if (fetch.action.purpose == FetchPurpose::HeadsetImage) tftp.transfer_bytes_max = kHeadsetImageBytesMax;
      fetch.tftp.emplace(TftpClient::read(platform_.now(), server, fetch.action.url.path, tftp));
      pump_tftp();
      return;
    }
    case UrlScheme::Http:
    case UrlScheme::Https: {
      if (fetch.action.url.scheme == UrlScheme::Https && !settings_.tls_context) {
        finish_fetch(fail(ErrorCode::TlsHandshakeFailed, "the phone has no trust store for https"));
        return;
      }
      HttpRequest request;
      request.url = fetch.action.url;
      std::string_view agent_override;
      if (auto id = live_.registry().find("HTTP_User_Agent_Name")) agent_override = live_.value(*id);
      request.user_agent = http_user_agent(identity_.product_name, identity_.software_version,
                                           mac_lower_hex(identity_.mac), agent_override);
      if (fetch.action.user || fetch.action.password) {
        request.credentials = HttpCredentials{fetch.action.user.value_or(""),
                                              fetch.action.password.value_or("")};
      }
      request.client_nonce = random_hex(platform_, 8);
      if (fetch.action.post_body) {
        request.method = HttpMethod::Post;
        request.body = *fetch.action.post_body;
        request.content_type = fetch.action.content_type;
      }
      request.any_status_is_reply = fetch.action.purpose == FetchPurpose::Activation;
      fetch.http_connected = false;
      HttpClientSettings http = settings_.http;
      if (fetch.action.purpose == FetchPurpose::Firmware) http.body_bytes_max = kFirmwareImageBytesMax;
      if (fetch.action.purpose == FetchPurpose::HeadsetImage) http.body_bytes_max = kHeadsetImageBytesMax;
      fetch.http.emplace(platform_.now(), std::move(request), http);
      pump_http();
      return;
    }
    case UrlScheme::Gds:
      break;
  }
  finish_fetch(fail(ErrorCode::UrlSyntax, "gds:// is resolved by the activation service, not fetched"));
}

void PhoneRuntime::on_datagram(SocketId socket, Endpoint from, ByteSpan payload) {
  if (route_to_upload([&](UploadTransfer& upload) { return upload.on_datagram(socket, from, payload); })) {
    settle();
    return;
  }
  if (rebooting_ || !fetch_ || fetch_->socket != socket || !fetch_->tftp) return;
  fetch_->tftp->handle_datagram(platform_.now(), from, payload);
  pump_tftp();
  settle();
}

void PhoneRuntime::pump_tftp() {
  TftpClient& client = *fetch_->tftp;
  while (auto datagram = client.poll_datagram()) {
    platform_.send_datagram(*fetch_->socket, datagram->to, datagram->payload);
  }
  if (!client.finished()) {
    platform_.set_timer(kTransferTimer, client.next_deadline());
    return;
  }
  Result<Bytes> result = client.take_result();
  // A server that never answered may be one of several A records: try the next address.
  if (!result && result.error().code == ErrorCode::TftpTimeout &&
      fetch_->address_index + 1 < fetch_->addresses.size()) {
    platform_.close_udp(*fetch_->socket);
    fetch_->socket.reset();
    fetch_->tftp.reset();
    ++fetch_->address_index;
    start_transfer();
    return;
  }
  finish_fetch(std::move(result));
}

void PhoneRuntime::finish_fetch(Result<Bytes> body) {
  FetchCompleted completed;
  completed.fetch_id = fetch_->action.id;
  if (fetch_->address_index < fetch_->addresses.size()) {
    completed.server_ip = fetch_->addresses[fetch_->address_index].to_string();
  }
  completed.body = std::move(body);
  completed.http_status = fetch_->http_status;
  release_transfer();
  completion_ = std::move(completed);
}

void PhoneRuntime::release_transfer() {
  if (!fetch_) return;
  platform_.cancel_timer(kTransferTimer);
  if (fetch_->socket) platform_.close_udp(*fetch_->socket);
  if (fetch_->stream) platform_.abort_stream(*fetch_->stream);
  fetch_.reset();
}

// --- HTTP and HTTPS -----------------------------------------------------------------------------

void PhoneRuntime::pump_http() {
  while (fetch_ && fetch_->http) {
    std::optional<HttpAction> action = fetch_->http->poll_action();
    if (!action) break;
    if (auto* connect = std::get_if<HttpConnect>(&*action)) {
      drop_http_stream();
      fetch_->connect = *connect;
      fetch_->http_connected = false;
      if (auto literal = Ipv4Address::parse(connect->host)) {
        open_http_stream(*literal);
      } else if (connect->host == fetch_->action.url.host &&
                 fetch_->address_index < fetch_->addresses.size()) {
        open_http_stream(fetch_->addresses[fetch_->address_index]);
      } else {
        fetch_->connect_query = platform_.resolve(connect->host);
      }
    } else if (auto* send = std::get_if<HttpSend>(&*action)) {
      if (fetch_->tls) {
        fetch_->tls->send_plaintext(send->bytes);
        flush_tls();
      } else if (fetch_->stream) {
        platform_.send(*fetch_->stream, send->bytes);
      }
    } else {
      drop_http_stream();
    }
  }
  if (!fetch_ || !fetch_->http) return;  // TLS failed the fetch
  HttpClient& client = *fetch_->http;
  if (!client.finished()) {
    platform_.set_timer(kTransferTimer, client.next_deadline());
    return;
  }
  Result<HttpResponse> result = client.take_result();
  // A server that refuses or never answers may be one of several A records: try the next one.
  if (!result && result.error().code == ErrorCode::ConnectFailed &&
      fetch_->address_index + 1 < fetch_->addresses.size()) {
    drop_http_stream();
    fetch_->http.reset();
    ++fetch_->address_index;
    start_transfer();
    return;
  }
  if (!result) {
    finish_fetch(fail(result.error()));
    return;
  }
  fetch_->http_status = result->status;
  finish_fetch(std::move(result->body));
}

void PhoneRuntime::open_http_stream(Ipv4Address address) {
  fetch_->stream = platform_.connect_stream({address, fetch_->connect->port});
}

void PhoneRuntime::flush_tls() {
  Bytes ciphertext = fetch_->tls->take_ciphertext();
  if (!ciphertext.empty() && fetch_->stream) platform_.send(*fetch_->stream, ciphertext);
  if (fetch_->tls->error()) {
    Error error = *fetch_->tls->error();
    if (fetch_->client_certificate_withheld && error.code == ErrorCode::TlsHandshakeFailed) {
      // The guide: with an expired MIC, features that use SSL/TLS do not work. Say why.
      error = Error{ErrorCode::ClientCertificateExpired,
                    "the MIC was not presented (expired or not yet valid); the server refused: " +
                        error.detail};
    }
    if (fetch_->stream) platform_.close_stream(*fetch_->stream);  // after the alert
    fetch_->stream.reset();
    finish_fetch(fail(std::move(error)));
  }
}

void PhoneRuntime::drop_http_stream() {
  if (fetch_->tls && fetch_->stream && fetch_->tls->established()) {
    fetch_->tls->close();
    Bytes close_notify = fetch_->tls->take_ciphertext();
    if (!close_notify.empty()) platform_.send(*fetch_->stream, close_notify);
  }
  if (fetch_->stream) platform_.close_stream(*fetch_->stream);
  fetch_->stream.reset();
  fetch_->tls.reset();
  fetch_->connect_query.reset();
}

void PhoneRuntime::on_stream_connected(StreamId stream) {
  if (route_to_upload([&](UploadTransfer& upload) { return upload.on_stream_connected(stream); })) {
    settle();
    return;
  }
  if (rebooting_ || !fetch_ || fetch_->stream != stream || !fetch_->http) return;
  if (fetch_->connect && fetch_->connect->tls) {
    std::shared_ptr<const TlsIdentity> identity = usable_client_identity();
    fetch_->client_certificate_withheld = settings_.client_identity && !identity;
    fetch_->tls.emplace(TlsSession::client(settings_.tls_context, fetch_->connect->host,
                                           platform_.wall_clock(), std::move(identity)));
    flush_tls();
  } else {
    fetch_->http_connected = true;
    fetch_->http->handle_connected(platform_.now());
    pump_http();
  }
  settle();
}

void PhoneRuntime::on_stream_data(StreamId stream, ByteSpan bytes) {
  if (route_to_upload([&](UploadTransfer& upload) { return upload.on_stream_data(stream, bytes); })) {
    settle();
    return;
  }
  if (rebooting_ || !fetch_ || fetch_->stream != stream || !fetch_->http) return;
  const Instant now = platform_.now();
  if (!fetch_->tls) {
    fetch_->http->handle_bytes(now, bytes);
    pump_http();
    settle();
    return;
  }
  fetch_->tls->receive_ciphertext(bytes);
  flush_tls();
  if (fetch_ && fetch_->tls) {
    if (fetch_->tls->established() && !fetch_->http_connected) {
      fetch_->http_connected = true;
      fetch_->http->handle_connected(now);
      pump_http();
    }
    if (fetch_ && fetch_->tls) {
      Bytes plaintext = fetch_->tls->take_plaintext();
      if (!plaintext.empty()) fetch_->http->handle_bytes(now, plaintext);
      if (fetch_->tls->peer_closed()) fetch_->http->handle_closed(now);
      pump_http();
    }
  }
  settle();
}

void PhoneRuntime::on_stream_closed(StreamId stream) {
  if (route_to_upload([&](UploadTransfer& upload) { return upload.on_stream_closed(stream); })) {
    settle();
    return;
  }
  if (rebooting_ || !fetch_ || fetch_->stream != stream || !fetch_->http) return;
  fetch_->stream.reset();
  if (fetch_->tls && !fetch_->tls->established()) {
    finish_fetch(fetch_->client_certificate_withheld
                     ? fail(ErrorCode::ClientCertificateExpired,
                            "the MIC was not presented (expired or not yet valid); the server closed the connection during the handshake")
                     : fail(ErrorCode::TlsHandshakeFailed, "the server closed the connection during the handshake"));
  } else {
    fetch_->http->handle_closed(platform_.now());
    pump_http();
  }
  settle();
}

void PhoneRuntime::on_stream_failed(StreamId stream, StreamFailure failure) {
  if (route_to_upload([&](UploadTransfer& upload) { return upload.on_stream_failed(stream, failure); })) {
    settle();
    return;
  }
  if (rebooting_ || !fetch_ || fetch_->stream != stream || !fetch_->http) return;
  fetch_->stream.reset();
  fetch_->http->handle_failed(platform_.now(), failure);
  pump_http();
  settle();
}

// --- the other actions ----------------------------------------------------------------------------

void PhoneRuntime::perform(const SyslogAction& action) {
  Bytes frame = format_syslog_frame(action.severity, platform_.wall_clock(), action.identifier,
                                    action.message);
  if (auto literal = Ipv4Address::parse(action.destination.host)) {
    send_syslog_frame(*literal, action.destination.port, frame);
    return;
  }
  QueryId query = platform_.resolve(action.destination.host);
  PendingSyslog& pending = syslog_queries_[query];
  pending.port = action.destination.port;
  pending.frames.push_back(std::move(frame));
}

void PhoneRuntime::send_syslog_frame(Ipv4Address address, std::uint16_t port, const Bytes& frame) {
  if (!syslog_socket_) {
    auto socket = platform_.open_udp(0);
    if (!socket) return;  // no socket, no syslog: the phone goes on provisioning
    syslog_socket_ = *socket;
  }
  platform_.send_datagram(*syslog_socket_, {address, port}, frame);
}

void PhoneRuntime::perform(const ConfigChanged&) {
  auto committed = persistent_.replace(live_);
  if (committed) return;
  std::string reason(committed.error().to_string());
  TraceField fields[] = {{"error", reason}};
  platform_.trace(Severity::Error, "runtime", "config_commit_failed", fields);
  live_ = persistent_.store();
}

void PhoneRuntime::perform(const RebootAction&) {
  rebooting_ = true;
  release_transfer();
  upload_.reset();
  platform_.cancel_timer(kAgentTimer);
  platform_.reboot();
}

void PhoneRuntime::perform(const TraceAction& action) {
  // Views of the action's strings; on the stack for the usual few fields (ten or so trace events
  // per resync, thousands of resyncs a second under `phonesim load`).
  constexpr std::size_t kInlineFields = 16;
  std::array<TraceField, kInlineFields> inline_fields{};
  std::vector<TraceField> many_fields;
  std::span<TraceField> fields;
  if (action.fields.size() <= kInlineFields) {
    fields = std::span<TraceField>(inline_fields.data(), action.fields.size());
  } else {
    many_fields.resize(action.fields.size());
    fields = many_fields;
  }
  for (std::size_t i = 0; i < action.fields.size(); ++i) {
    fields[i] = {action.fields[i].first, action.fields[i].second};
  }
  platform_.trace(action.severity, action.component, action.event, fields);
}

// --- report uploads -----------------------------------------------------------------------------

void PhoneRuntime::perform(const UploadAction& action) {
  UploadTransferSettings settings;
  settings.tftp = settings_.tftp;
  settings.http = settings_.http;
  settings.tls_context = settings_.tls_context;
  settings.client_identity = usable_client_identity();
  std::string_view agent_override;
  if (auto id = live_.registry().find("HTTP_User_Agent_Name")) agent_override = live_.value(*id);
  settings.user_agent = http_user_agent(identity_.product_name, identity_.software_version,
                                        mac_lower_hex(identity_.mac), agent_override);
  settings.client_nonce = random_hex(platform_, 8);
  // The agent sends one upload at a time; a newer one replaces a stale one.
  upload_ = std::make_unique<UploadTransfer>(platform_, kUploadTimer, action, std::move(settings));
  upload_->start();
}

// --- custom CA ------------------------------------------------------------------------------------

Result<void> PhoneRuntime::trust_custom_ca(const std::string& pem) {
  TlsContextOptions options;
  options.trusted_certificates_pem = settings_.builtin_roots_pem;
  options.trusted_certificates_pem.push_back(pem);
  // Same randomness as before: a simulated phone's handshakes stay seeded (they replay).
  if (settings_.tls_context) options.library = settings_.tls_context->library();
  auto context = TlsContext::create(options);
  if (!context) return fail(context.error());
  settings_.tls_context = std::move(*context);
  return {};
}

void PhoneRuntime::restore_custom_ca() {
  auto stored = platform_.flash().read(kCustomCaSlot);
  if (!stored || stored->empty()) return;  // never written, or erased by a factory reset
  auto certificate = parse_ca_certificate(*stored);
  auto trusted = certificate ? trust_custom_ca(certificate->pem) : Result<void>(fail(certificate.error()));
  if (!trusted) {
    std::string reason(trusted.error().to_string());
    TraceField fields[] = {{"error", reason}};
    platform_.trace(Severity::Warning, "runtime", "custom_ca_restore_failed", fields);
    return;
  }
  agent_.restore_custom_ca(certificate->common_name);
}

// --- MIC --------------------------------------------------------------------------------------------

void PhoneRuntime::restore_mic() {
  const CryptoLibrary library = settings_.tls_context ? settings_.tls_context->library() : nullptr;
  std::optional<WallTime> renewed_at;
  auto stored = MicStore(platform_.flash()).load();
  if (!stored) {
    std::string reason(stored.error().to_string());
    TraceField fields[] = {{"error", reason}};
    platform_.trace(Severity::Warning, "runtime", "mic_restore_failed", fields);
  } else if (*stored) {
    auto identity = TlsIdentity::from_pem((*stored)->certificate_pem, (*stored)->key_pem, library);
    if (identity) {
      settings_.client_identity = *identity;
      renewed_at = (*stored)->renewed_at;
    } else {
      std::string reason(identity.error().to_string());
      TraceField fields[] = {{"error", reason}};
      platform_.trace(Severity::Warning, "runtime", "mic_restore_failed", fields);
    }
  }
  if (settings_.client_identity) {
    const CertificateSummary summary = summarize_certificate(settings_.client_identity->certificate());
    client_certificate_not_before_ = summary.not_before;
    client_certificate_not_after_ = summary.not_after;
    if (renewed_at) {
      const std::string not_after = std::to_string(summary.not_after.unix_seconds);
      TraceField fields[] = {{"cn", summary.common_name}, {"serial", summary.serial_hex}, {"not_after", not_after}};
      platform_.trace(Severity::Info, "runtime", "mic_restored", fields);
    }
  }
  agent_.set_mic({settings_.client_identity, library, settings_.manufacturer_roots_pem, renewed_at});
}

std::shared_ptr<const TlsIdentity> PhoneRuntime::usable_client_identity() {
  if (!settings_.client_identity) return nullptr;
  const WallTime now = platform_.wall_clock();
  if ((client_certificate_not_after_ && now > *client_certificate_not_after_) ||
      (client_certificate_not_before_ && now < *client_certificate_not_before_)) {
    const std::string not_after = std::to_string(client_certificate_not_after_.value_or(WallTime{}).unix_seconds);
    TraceField fields[] = {{"not_after", not_after}};
    platform_.trace(Severity::Warning, "runtime", "client_certificate_expired", fields);
    return nullptr;
  }
  return settings_.client_identity;
}

void PhoneRuntime::perform(const InstallMicAction& action) {
  // Synchronous on the flash; the outcome reaches the agent through settle(). Never trace the key.
  MicInstalled installed;
  installed.install_id = action.id;
  installed.result = MicStore(platform_.flash()).save({action.certificate_pem, action.key_pem, action.renewed_at});
  if (!installed.result) {
    std::string reason(installed.result.error().to_string());
    TraceField fields[] = {{"error", reason}};
    platform_.trace(Severity::Error, "runtime", "mic_install_failed", fields);
  }
  mic_install_completion_ = std::move(installed);
}

void PhoneRuntime::perform(const InstallCustomCa& action) {
  // Durable first: a reboot right after the install must still trust it.
  auto written = platform_.flash().write(kCustomCaSlot, as_bytes(action.pem));
  if (written) written = platform_.flash().sync(kCustomCaSlot);
  if (written) written = trust_custom_ca(action.pem);
  if (written) return;
  std::string reason(written.error().to_string());
  TraceField fields[] = {{"error", reason}};
  platform_.trace(Severity::Error, "runtime", "custom_ca_install_failed", fields);
}

}  // namespace fw

namespace fw {

void PhoneRuntime::perform(const InstallFirmwareAction& action) {
  // Synchronous on the flash interface; the outcome reaches the agent through settle(), never
  // from inside its own poll_action() loop.
  FirmwareInstalled installed;
  installed.install_id = action.id;
  installed.result = firmware_banks_.install(action.image);
  if (!installed.result) {
    std::string reason(installed.result.error().to_string());
    TraceField fields[] = {{"version", action.version}, {"error", reason}};
    platform_.trace(Severity::Error, "runtime", "firmware_install_failed", fields);
  }
  install_completion_ = std::move(installed);
}

}  // namespace fw
