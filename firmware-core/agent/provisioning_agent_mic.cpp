// ProvisioningAgent, MIC renewal through a SUDI-like service (guide "Verlängern des
// MIC-Zertifikats", reference §8; wire format in fetch/mic_renewal_message.h).
//
// Behaviour and the decisions taken where the sources leave room:
//
// - Off unless MIC_Cert_Refresh_Enable is Yes; then nothing of this runs (no trace, no random
//   draw), so phones at the defaults behave as before.
// - When: the renewal window opens kMicRenewalWindowS (30 days) before the MIC's notAfter, on
//   the phone's wall clock. At power-up, a MIC inside the window (or already expired) is renewed
//   after a random delay of up to Resync_Random_Delay * 20 s (the power-up resync's spread, so a
//   fleet restored from an outage does not hit the service at once); a MIC before its window
//   gets a timer for the window's start. The plan is made again after every resync (a profile
//   may switch the feature on), after an admin edit and after a wall-clock step. AdminRenewMic
//   renews at once, inside or outside the window.
// - Retry: a failure (transport, refusal, bad reply, flash) is retried after
//   kMicRenewalRetryDelaysS indexed by consecutive failures (60 s, 5 min, 30 min, 2 h, then
//   daily); a success or a reboot starts the count again.
// - One upload at a time: a renewal waits while a report upload, a resync or an upgrade runs
//   (the renewal ends in a reboot that would cut them off); a report asked for during a renewal
//   is refused.
// - The request: a new P-256 key (randomness from the TLS context's crypto library), a CSR with
//   the MIC's subject, signed as CMS SignedData with the old MIC's key and certificate, POSTed
//   to MIC_Cert_Refresh_Rule (an http:// URL of at most 1024 characters, validated by the
//   registry). A refusal (any non-2xx) is MicRenewalRefused with the HTTP status in the detail.
// - The reply must be a certificate that chains to the manufacturer roots at the phone's clock,
//   holds the new key and has the MIC's subject (MicRenewalBadReply otherwise). It is installed
//   with InstallMicAction (durable, whole, kept by a factory reset); then a cold reboot, after
//   which the phone uses the renewed MIC and the status shows the success (its time comes from
//   the stored record).
// - Secrets: the new private key never appears in a trace, status or syslog message.

#include <algorithm>

#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/agent/resync_schedule.h"
#include "firmware-core/fetch/mic_renewal_message.h"

namespace fw {

std::string mic_refresh_status_text(const MicRefreshStatus& status) {
  const bool failed_last =
      status.last_failure && (!status.last_success || *status.last_failure >= *status.last_success);
  if (failed_last) {
    return "Failed " + std::to_string(status.last_failure->unix_seconds) + ": " + status.last_error;
  }
  if (status.last_success) return "Success " + std::to_string(status.last_success->unix_seconds);
  return "Not attempted";
}

void ProvisioningAgent::set_mic(MicCredentials credentials) {
  mic_ = std::move(credentials);
  mic_status_ = MicRefreshStatus{};
  mic_status_.installed = mic_.identity != nullptr;
  mic_status_.renewed = mic_.renewed_at.has_value();
  mic_status_.last_success = mic_.renewed_at;
  if (mic_.identity) {
    const CertificateSummary summary = summarize_certificate(mic_.identity->certificate());
    mic_status_.common_name = summary.common_name;
    mic_status_.not_after = summary.not_after;
  }
}

void ProvisioningAgent::mic_on_power_on(AgentClock now) {
  mic_due_.reset();
  mic_upload_id_ = 0;
  mic_install_id_ = 0;
  mic_new_key_pem_.clear();
  mic_status_.running = false;
  mic_status_.consecutive_failures = 0;
  mic_status_.next_attempt.reset();
  if (!boolean("MIC_Cert_Refresh_Enable") || !mic_.identity || !mic_status_.not_after) return;
  const std::int64_t window_opens_s = mic_status_.not_after->unix_seconds - kMicRenewalWindowS;
  if (now.wall.unix_seconds >= window_opens_s) {
    mic_due_ = now.monotonic + seconds(power_on_delay_s(integer("Resync_Random_Delay"), random_));
  } else {
    mic_due_ = now.monotonic + seconds(window_opens_s - now.wall.unix_seconds);
  }
  mic_status_.next_attempt = mic_due_;
  trace(Severity::Info, "mic_renewal_scheduled",
        {{"in_s", std::to_string((*mic_due_ - now.monotonic).count() / 1'000'000'000)},
         {"not_after", std::to_string(mic_status_.not_after->unix_seconds)}});
}

void ProvisioningAgent::mic_plan(AgentClock now) {
  if (!powered_ || mic_upload_id_ != 0 || mic_install_id_ != 0) return;
  if (!boolean("MIC_Cert_Refresh_Enable") || !mic_.identity || !mic_status_.not_after) {
    if (mic_due_) trace(Severity::Info, "mic_renewal_cancelled", {{"why", "disabled"}});
    mic_due_.reset();
    mic_status_.next_attempt.reset();
    return;
  }
  if (mic_status_.consecutive_failures > 0 && mic_due_) return;  // a retry keeps its time
  const std::int64_t window_opens_s = mic_status_.not_after->unix_seconds - kMicRenewalWindowS;
  const Instant due = now.monotonic + seconds(std::max<std::int64_t>(0, window_opens_s - now.wall.unix_seconds));
  if (mic_due_ && *mic_due_ <= due) return;  // already planned as early
  mic_due_ = due;
  mic_status_.next_attempt = mic_due_;
}

void ProvisioningAgent::on_mic_renewal_request(AgentClock now) {
  if (!boolean("MIC_Cert_Refresh_Enable")) {
    trace(Severity::Info, "mic_renewal_refused", {{"why", "MIC_Cert_Refresh_Enable is No"}});
    return;
  }
  if (mic_upload_id_ != 0 || mic_install_id_ != 0) {
    trace(Severity::Info, "mic_renewal_refused", {{"why", "a renewal is running"}});
    return;
  }
  trace(Severity::Info, "mic_renewal_requested", {{"source", "admin"}});
  mic_due_ = now.monotonic;
  mic_status_.next_attempt = mic_due_;
  run_mic_due(now);
}

bool ProvisioningAgent::mic_blocked() const {
  return running_ || upgrade_running_ || report_upload_id_ != 0 || !report_queue_.empty() ||
         mic_upload_id_ != 0 || mic_install_id_ != 0;
}

Instant ProvisioningAgent::mic_deadline() const {
  if (!mic_due_ || mic_blocked()) return Instant::never();
  return *mic_due_;
}

void ProvisioningAgent::run_mic_due(AgentClock now) {
  if (!mic_due_ || mic_blocked() || now.monotonic < *mic_due_) return;
  mic_due_.reset();
  mic_status_.next_attempt.reset();
  if (!boolean("MIC_Cert_Refresh_Enable")) return;
  start_mic_renewal(now);
}

void ProvisioningAgent::start_mic_renewal(AgentClock now) {
  mic_status_.last_attempt = now.wall;
  if (!mic_.identity) {
    mic_renewal_failed(now, Error{ErrorCode::MicRenewalFailed, "the phone has no MIC"});
    return;
  }
  if (mic_.manufacturer_roots_pem.empty()) {
    mic_renewal_failed(now, Error{ErrorCode::MicRenewalFailed, "the phone knows no manufacturer CA"});
    return;
  }
  auto url = parse_provisioning_url(text("MIC_Cert_Refresh_Rule"));
  if (!url || url->scheme != UrlScheme::Http) {
    mic_renewal_failed(now, Error{ErrorCode::UrlSyntax, "MIC_Cert_Refresh_Rule is not an http URL"});
    return;
  }
  auto request = build_mic_renewal_request(*mic_.identity, mic_.library);
  if (!request) {
    mic_renewal_failed(now, Error{ErrorCode::MicRenewalFailed, request.error().detail});
    return;
  }
  mic_new_key_pem_ = std::move(request->key_pem);
  mic_upload_id_ = next_upload_id_++;
  mic_status_.running = true;
  trace(Severity::Info, "mic_renewal_start",
        {{"id", std::to_string(mic_upload_id_)}, {"url", url->to_string()},
         {"bytes", std::to_string(request->body.size())}});
  UploadAction upload;
  upload.id = mic_upload_id_;
  upload.url = *url;
  upload.method = UploadMethod::Post;
  upload.body = std::move(request->body);
  upload.content_type = std::string(kMicRenewalContentType);
  actions_.emplace_back(std::move(upload));
}

bool ProvisioningAgent::owns_mic_upload(const UploadCompleted& event) const {
  return mic_upload_id_ != 0 && event.upload_id == mic_upload_id_;
}

void ProvisioningAgent::on_mic_upload_completed(AgentClock now, const UploadCompleted& event) {
  mic_upload_id_ = 0;
  if (!event.result) {
    const Error& error = event.result.error();
    mic_renewal_failed(now, error.code == ErrorCode::HttpGetFailed
                                ? Error{ErrorCode::MicRenewalRefused, error.detail}
                                : error);
    return;
  }
  auto certificate = verify_mic_renewal_reply(event.reply, *mic_.identity, mic_new_key_pem_,
                                              mic_.manufacturer_roots_pem, now.wall, mic_.library);
  if (!certificate) {
    mic_renewal_failed(now, certificate.error());
    return;
  }
  mic_install_id_ = next_upload_id_++;
  actions_.emplace_back(
      InstallMicAction{mic_install_id_, std::move(*certificate), std::move(mic_new_key_pem_), now.wall});
  mic_new_key_pem_.clear();
}

void ProvisioningAgent::on_mic_installed(AgentClock now, const MicInstalled& event) {
  if (mic_install_id_ == 0 || event.install_id != mic_install_id_) return;
  mic_install_id_ = 0;
  if (!event.result) {
    mic_renewal_failed(now, event.result.error());
    return;
  }
  mic_status_.running = false;
  mic_status_.last_success = now.wall;
  mic_status_.consecutive_failures = 0;
  mic_status_.renewed = true;
  trace(Severity::Info, "mic_renewed", {{"result", "success"}});
  trace(Severity::Info, "reboot_requested", {{"event", "mic_renewed"}});
  actions_.emplace_back(RebootAction{false});
}

void ProvisioningAgent::mic_renewal_failed(AgentClock now, const Error& error) {
  mic_new_key_pem_.clear();
  mic_status_.running = false;
  mic_status_.last_failure = now.wall;
  mic_status_.last_error = std::string(error.err_text());
  mic_status_.last_detail = error.detail;
  ++mic_status_.consecutive_failures;
  const std::size_t index =
      std::min(mic_status_.consecutive_failures, kMicRenewalRetryDelaysS.size()) - 1;
  mic_due_ = now.monotonic + seconds(kMicRenewalRetryDelaysS[index]);
  mic_status_.next_attempt = mic_due_;
  trace(Severity::Warning, "mic_renewal_failed",
        {{"error", std::string(error_name(error.code))},
         {"detail", error.detail},
         {"retry_in_s", std::to_string(kMicRenewalRetryDelaysS[index])}});
}

}  // namespace fw
