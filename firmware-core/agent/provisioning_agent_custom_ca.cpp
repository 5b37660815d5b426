// ProvisioningAgent, the custom CA: fetching Custom_CA_Rule (after a resync, or when the admin
// asks with /admin/updateca?URL), checking it is a CA certificate and asking the runtime to
// install it. The behaviour and its decisions are listed in provisioning_agent.h ("Custom CA").

#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/fetch/ca_certificate.h"

namespace fw {
namespace {

bool is_blank_text(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

void ProvisioningAgent::restore_custom_ca(std::string common_name) {
  custom_ca_status_.installed = true;
  custom_ca_status_.installed_cn = std::move(common_name);
}

void ProvisioningAgent::on_update_ca_request(AgentClock now, std::optional<std::string> url) {
  std::string rule = url ? std::move(*url) : std::string(text("Custom_CA_Rule"));
  if (is_blank_text(rule)) {
    trace(Severity::Info, "custom_ca_refused", {{"why", "no URL and Custom_CA_Rule is empty"}});
    return;
  }
  // One fetch at a time: a waiting request runs when the resync ends (a failed upgrade's
  // Resync_After_Upgrade_Attempt included).
  if (running_ || upgrade_running_ || custom_ca_fetch_id_ != 0 || headset_fetch_id_ != 0 ||
      activation_fetch_id_ != 0) {
    trace(Severity::Info, "custom_ca_deferred", {{"why", "a fetch is running"}});
    custom_ca_waiting_ = std::move(rule);
    return;
  }
  start_custom_ca_fetch(now, rule);
}

void ProvisioningAgent::custom_ca_after_resync(AgentClock now) {
  if (custom_ca_waiting_) {
    std::string rule = std::move(*custom_ca_waiting_);
    custom_ca_waiting_.reset();
    start_custom_ca_fetch(now, rule);
    return;
  }
  const std::string rule(text("Custom_CA_Rule"));
  if (is_blank_text(rule) || custom_ca_tried_rule_ == rule) {
    return;
  }
  custom_ca_tried_rule_ = rule;
  start_custom_ca_fetch(now, rule);
}

void ProvisioningAgent::start_custom_ca_fetch(AgentClock now, const std::string& rule) {
  refresh_timers(now);
  refresh_dhcp_option_order();
  auto resolved = resolve_rule(RuleKind::Profile, rule, macros_, servers_);
  if (!resolved) {
    custom_ca_failed(now, resolved.error());
    return;
  }
  if (resolved->outcome != RuleOutcome::Fetch || resolved->url->scheme == UrlScheme::Gds) {
    custom_ca_failed(now, Error{ErrorCode::UrlSyntax, "Custom_CA_Rule names no URL to fetch"});
    return;
  }
  custom_ca_fetch_id_ = next_fetch_id_++;
  trace(Severity::Info, "custom_ca_fetch",
        {{"id", std::to_string(custom_ca_fetch_id_)}, {"url", resolved->url->to_string()}});
  request_fetch(custom_ca_fetch_id_, FetchPurpose::CustomCa, *resolved->url, resolved->options);
}

void ProvisioningAgent::on_custom_ca_fetched(AgentClock now, const FetchCompleted& event) {
  custom_ca_fetch_id_ = 0;
  if (!event.body) {
    custom_ca_failed(now, event.body.error());
  } else if (auto certificate = parse_ca_certificate(*event.body); !certificate) {
    custom_ca_failed(now, certificate.error());
  } else {
    custom_ca_status_.last_success = now.wall;
    custom_ca_status_.last_error.clear();
    custom_ca_status_.installed = true;
    custom_ca_status_.installed_cn = certificate->common_name;
    trace(Severity::Info, "custom_ca_installed",
          {{"cn", displayable_text(certificate->common_name)}});
    actions_.emplace_back(
        InstallCustomCa{std::move(certificate->pem), std::move(certificate->common_name)});
  }
  if (custom_ca_waiting_) {
    std::string rule = std::move(*custom_ca_waiting_);
    custom_ca_waiting_.reset();
    start_custom_ca_fetch(now, rule);
    return;
  }
  run_due(now);  // a resync that became due meanwhile
}

void ProvisioningAgent::custom_ca_failed(AgentClock now, const Error& error) {
  custom_ca_status_.last_failure = now.wall;
  custom_ca_status_.last_error = std::string(error.err_text());
  trace(Severity::Warning, "custom_ca_failed",
        {{"error", std::string(error_name(error.code))}, {"detail", error.detail}});
}

}  // namespace fw
