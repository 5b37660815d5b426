// ProvisioningAgent, the report rule: uploading the configuration per Report_Rule when asked
// (SIP NOTIFY `report`, AdminReport). The behaviour and its decisions are listed in
// provisioning_agent.h ("Report rule"); everything else of the agent is in
// provisioning_agent.cpp.

#include <array>
#include <cassert>

#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/config/profile_export.h"

namespace fw {
namespace {

bool is_blank_rule(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

void ProvisioningAgent::mark_report_baseline() { report_baseline_ = store_; }

void ProvisioningAgent::on_report_request(AgentClock now, std::string_view source) {
  if (report_upload_id_ != 0 || !report_queue_.empty() || mic_upload_id_ != 0) {
    // One upload at a time (the runtime carries one): a MIC renewal's POST counts too.
    trace(Severity::Warning, "report_refused",
          {{"source", std::string(source)},
           {"why", mic_upload_id_ != 0 ? "a MIC renewal is running" : "a report is running"}});
    return;
  }
  const std::string rule(text("Report_Rule"));
  if (is_blank_rule(rule)) {
    trace(Severity::Info, "report_refused",
          {{"source", std::string(source)}, {"why", "Report_Rule is empty"}});
    return;
  }
  trace(Severity::Info, "report_requested", {{"source", std::string(source)}});
  // Split before expansion: the requests are what the admin wrote, whatever a macro expands to.
  refresh_timers(now);
  refresh_dhcp_option_order();
  for (std::string_view request : split_report_requests(rule)) {
    auto resolved = resolve_rule(RuleKind::Report, request, macros_, servers_);
    if (!resolved) {
      record_upload(now, false, std::string(resolved.error().err_text()));
      trace(Severity::Warning, "report_request_failed",
            {{"error", std::string(error_name(resolved.error().code))},
             {"detail", resolved.error().detail}});
      continue;
    }
    if (resolved->outcome != RuleOutcome::Fetch) {
      trace(Severity::Debug, "report_request_skipped", {{"why", "no URL chosen"}});
      continue;
    }
    const RuleOptions& options = resolved->options;
    if (options.status) {
      trace(Severity::Warning, "report_request_skipped",
            {{"url", resolved->url->to_string()}, {"why", "--status is not supported"}});
      continue;
    }
    if (resolved->url->scheme == UrlScheme::Gds) {
      trace(Severity::Warning, "report_request_skipped",
            {{"url", resolved->url->to_string()}, {"why", "gds:// takes no uploads"}});
      continue;
    }
    const bool encrypt = options.key.has_value();
    assert(report_baseline_);
    const std::string xml =
        export_report(store_, options.delta ? &*report_baseline_ : nullptr, encrypt);
    UploadAction upload;
    upload.id = next_upload_id_++;
    upload.url = *resolved->url;
    upload.method = store_.enumeration(*store_.registry().find("HTTP_Report_Method")) == 1
                        ? UploadMethod::Put
                        : UploadMethod::Post;
    upload.content_type = encrypt ? "application/octet-stream" : "application/xml";
    if (encrypt) {
      EncodeOptions encode;
      encode.key = options.key;
      encode.digest = settings_.key_derivation == KeyDerivation::Md5Only ? KdfDigest::Md5
                                                                           : KdfDigest::Sha256;
      std::uint64_t salt = random_.next();
      for (std::uint8_t& byte : encode.salt) {
        byte = static_cast<std::uint8_t>(salt & 0xFF);
        salt >>= 8;
      }
      auto encoded = encode_profile(as_bytes(xml), encode);
      if (!encoded) {
        record_upload(now, false, std::string(encoded.error().err_text()));
        trace(Severity::Warning, "report_request_failed",
              {{"url", upload.url.to_string()},
               {"error", std::string(error_name(encoded.error().code))}});
        continue;
      }
      upload.body = std::move(*encoded);
    } else {
      upload.body = to_bytes(xml);
    }
    trace(Severity::Info, "report_prepared",
          {{"id", std::to_string(upload.id)},
           {"url", upload.url.to_string()},
           {"delta", options.delta ? "yes" : "no"},
           {"key", encrypt ? std::string(kSecretMask) : std::string()},
           {"bytes", std::to_string(upload.body.size())}});
    report_queue_.push_back(std::move(upload));
  }
  start_next_upload();
}

void ProvisioningAgent::start_next_upload() {
  if (report_queue_.empty()) {
    status_.report.running = false;
    return;
  }
  UploadAction upload = std::move(report_queue_.front());
  report_queue_.pop_front();
  report_upload_id_ = upload.id;
  report_upload_url_ = upload.url.to_string();
  status_.report.running = true;
  trace(Severity::Info, "report_upload",
        {{"id", std::to_string(upload.id)},
         {"url", report_upload_url_},
         {"method", upload.url.scheme == UrlScheme::Tftp   ? "WRQ"
                    : upload.method == UploadMethod::Put ? "PUT"
                                                         : "POST"}});
  actions_.emplace_back(std::move(upload));
}

void ProvisioningAgent::on_upload_completed(AgentClock now, const UploadCompleted& event) {
  if (report_upload_id_ == 0 || event.upload_id != report_upload_id_) {
    trace(Severity::Warning, "upload_result_ignored",
          {{"id", std::to_string(event.upload_id)}, {"why", "no such upload in progress"}});
    return;
  }
  report_upload_id_ = 0;
  std::string url = std::move(report_upload_url_);
  if (event.result) {
    trace(Severity::Info, "report_done",
          {{"id", std::to_string(event.upload_id)}, {"result", "success"}, {"url", url}});
    status_.report.last_url = url;
    record_upload(now, true, {});
  } else {
    const Error& error = event.result.error();
    trace(Severity::Warning, "report_done",
          {{"id", std::to_string(event.upload_id)},
           {"result", "failure"},
           {"url", url},
           {"error", std::string(error_name(error.code))},
           {"detail", error.detail}});
    status_.report.last_url = url;
    record_upload(now, false, std::string(error.err_text()));
  }
  start_next_upload();
}

void ProvisioningAgent::record_upload(AgentClock now, bool success, std::string error) {
  ReportStatus& report = status_.report;
  report.last_time = now.wall;
  report.last_success = success;
  const std::string prefix = expand_macros("$PN $MAC -- ", macros_);
  if (success) {
    ++report.uploads_succeeded;
    report.last_error.clear();
    send_syslog_message(prefix + "Successful report upload " + report.last_url,
                        SyslogSeverity::Informational);
  } else {
    ++report.uploads_failed;
    report.last_error = std::move(error);
    send_syslog_message(prefix + "Report upload failed: " + report.last_error,
                        SyslogSeverity::Warning);
  }
}

}  // namespace fw
