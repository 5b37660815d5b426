// ProvisioningAgent, activation-code onboarding (reference §8; guide "Ihre Telefone für die
// Onboard-Aktivierung des Aktivierungscodes einrichten"). Behaviour and decisions:
//
// - A resync that reaches a `gds://` rule fetches nothing: it ends with ActivationCodeRequired
//   (NoRetry: no retry storm, the periodic resync is not armed) and the activation state becomes
//   Waiting ("Enter activation code"). A firmware older than kActivationFirmwareMin ends it with
//   ActivationUnsupported instead; Upgrade_Rule still runs after it (the guide's way to bring an
//   old load up to 11-2-3MSR1), and the upgraded phone reaches Waiting after its reboot.
// - ActivationCodeEntered (the keypad) is taken while the state is Waiting, InvalidCode,
//   RateLimited or Failed and no fetch runs; otherwise it is refused (traced, state unchanged).
//   The code is checked locally first (16 digits; spaces and dashes between groups are
//   dropped): a malformed code is InvalidActivationCode without any request.
// - A well-formed code is POSTed to Activation_Service_Url (a phonesim extension; default
//   https://activation.webex.com/activate, its host resolved by DNS like any server) as an
//   activation-request together with the phone's MAC, model, serial and firmware
//   (activation_protocol.h). The reply decides:
//     200 accepted  -> every parameter of the reply is applied as one transaction (Profile_Rule
//                      required, not gds:// again; unknown names skipped and traced; an invalid
//                      value rejects the whole reply), persisted like a profile (ConfigChanged),
//                      state Activated, and an explicit resync starts at once from the new rule.
//     403           -> InvalidActivationCode, state InvalidCode ("Invalid activation code"),
//                      whatever the service's reason (unknown, expired, used, device).
//     429           -> ActivationRateLimited, state RateLimited.
//     other status, transport errors, a malformed reply -> state Failed with that $ERR.
//   Decision: the phone never resubmits a code by itself, not even after a network error: the
//   code is a one-time secret the phone does not keep (RAM or flash), and a lost reply may
//   already have used it up at the service. The user enters it (or a new one) again.
// - Every refusal and failure sends one syslog line ("$PN $MAC -- Activation failed: <$ERR>")
//   and traces `activation_refused` with the $ERR; a success sends "... -- Activation
//   succeeded". The code itself is never traced, logged or shown: traces say code=*****.
// - The state is RAM only and starts Idle at power-on; a phone that reboots while waiting
//   reaches gds:// again in its power-up resync.

#include "firmware-core/agent/activation_protocol.h"
#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/config/parameter_value.h"
#include "firmware-core/macro/macro_table.h"

namespace fw {
namespace {

constexpr std::string_view kServiceUrlParameter = "Activation_Service_Url";

bool takes_codes(ActivationState state) {
  return state == ActivationState::Waiting || state == ActivationState::InvalidCode ||
         state == ActivationState::RateLimited || state == ActivationState::Failed;
}

// Whether a reply's Profile_Rule would lead back to the activation service.
bool names_gds(std::string_view rule) {
  std::string lower(rule);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower.find("gds://") != std::string::npos;
}

}  // namespace

std::string_view to_string(ActivationState state) {
  switch (state) {
    case ActivationState::Idle:
      return "idle";
    case ActivationState::Waiting:
      return "waiting";
    case ActivationState::Submitting:
      return "submitting";
    case ActivationState::Activated:
      return "activated";
    case ActivationState::InvalidCode:
      return "invalid";
    case ActivationState::RateLimited:
      return "rate_limited";
    case ActivationState::Failed:
      return "failed";
    case ActivationState::Unsupported:
      return "unsupported";
  }
  return "unknown";
}

std::string_view activation_display_text(ActivationState state) {
  switch (state) {
    case ActivationState::Idle:
      return "";
    case ActivationState::Waiting:
      return "Enter activation code";
    case ActivationState::Submitting:
      return "Activating";
    case ActivationState::Activated:
      return "Activated";
    case ActivationState::InvalidCode:
      return "Invalid activation code";
    case ActivationState::RateLimited:
      return "Too many attempts, try again later";
    case ActivationState::Failed:
      return "Activation failed";
    case ActivationState::Unsupported:
      return "Activation code not supported by this firmware";
  }
  return "";
}

void ProvisioningAgent::activation_required(AgentClock now, const ProvisioningUrl& url) {
  macro_state_.url = url;
  ActivationStatus& activation = status_.activation;
  if (!firmware_supports_activation(identity_.software_version)) {
    activation.state = ActivationState::Unsupported;
    trace(Severity::Warning, "activation_unsupported",
          {{"firmware", displayable_text(identity_.software_version)},
           {"needs", std::string(kActivationFirmwareMin)}});
    resync_failed(now, Error{ErrorCode::ActivationUnsupported,
                             "gds:// needs firmware 11-2-3MSR1 or later; this phone runs " +
                                 displayable_text(identity_.software_version) +
                                 " (upgrade it with Upgrade_Rule)"});
    return;
  }
  // A refused or failed code keeps its message on the display: the phone waits either way.
  if (!takes_codes(activation.state) && activation.state != ActivationState::Submitting) {
    activation.state = ActivationState::Waiting;
  }
  trace(Severity::Info, "activation_waiting", {{"state", std::string(to_string(activation.state))}});
  resync_failed(now, Error{ErrorCode::ActivationCodeRequired,
                           "Profile_Rule is gds://: waiting for an activation code"});
}

void ProvisioningAgent::on_activation_code(AgentClock now, const ActivationCodeEntered& event) {
  ActivationStatus& activation = status_.activation;
  if (!takes_codes(activation.state)) {
    trace(Severity::Info, "activation_code_ignored",
          {{"code", std::string(kSecretMask)},
           {"why", "not waiting for an activation code (state " +
                       std::string(to_string(activation.state)) + ")"}});
    return;
  }
  if (running_ || upgrade_running_ || custom_ca_fetch_id_ != 0 || activation_fetch_id_ != 0) {
    trace(Severity::Info, "activation_code_ignored",
          {{"code", std::string(kSecretMask)}, {"why", "a fetch is running"}});
    return;
  }
  const std::optional<std::string> code = normalize_activation_code(event.code);
  if (!code) {
    ++activation.rejected;
    activation_refused(now, ActivationState::InvalidCode,
                       Error{ErrorCode::InvalidActivationCode,
                             "the code entered is not 16 digits (nothing was sent)"});
    return;
  }
  const std::string_view service = text(kServiceUrlParameter);
  // A URL that names only the service host and port gets the default path.
  std::string with_path(service);
  const std::size_t host_start = with_path.find("://");
  if (host_start != std::string::npos && with_path.find('/', host_start + 3) == std::string::npos) {
    with_path += kActivationServicePath;
  }
  auto url = parse_provisioning_url(with_path);
  if (!url || (url->scheme != UrlScheme::Http && url->scheme != UrlScheme::Https) ||
      url->host.empty()) {
    activation_refused(now, ActivationState::Failed,
                       Error{ErrorCode::UrlSyntax,
                             std::string(kServiceUrlParameter) + " '" + displayable_text(service) +
                                 "' is not an http or https URL with a host" +
                                 (url ? std::string() : ": " + url.error().detail)});
    return;
  }
  if (url->path == "/") url->path = std::string(kActivationServicePath);
  ActivationRequest request;
  request.code = *code;
  request.mac = mac_lower_hex(identity_.mac);
  request.model = identity_.product_name;
  request.serial = identity_.serial_number;
  request.firmware = identity_.software_version;
  activation_fetch_id_ = next_fetch_id_++;
  ++activation.submissions;
  activation.state = ActivationState::Submitting;
  trace(Severity::Info, "activation_submit",
        {{"id", std::to_string(activation_fetch_id_)},
         {"url", url->to_string()},
         {"code", std::string(kSecretMask)}});
  FetchAction fetch;
  fetch.id = activation_fetch_id_;
  fetch.purpose = FetchPurpose::Activation;
  fetch.url = *url;
  fetch.post_body = format_activation_request(request);
  fetch.content_type = "application/xml";
  actions_.emplace_back(std::move(fetch));
}

void ProvisioningAgent::on_activation_replied(AgentClock now, const FetchCompleted& event) {
  activation_fetch_id_ = 0;
  ActivationStatus& activation = status_.activation;
  if (!event.body) {
    activation_refused(now, ActivationState::Failed, event.body.error());
  } else if (event.http_status == 403) {
    ++activation.rejected;
    // The reason is the service's business; the phone shows the same message for all of them.
    auto reply = parse_activation_reply(*event.body);
    const std::string reason = reply ? displayable_text(reply->reason) : std::string("unstated");
    activation_refused(now, ActivationState::InvalidCode,
                       Error{ErrorCode::InvalidActivationCode,
                             "the activation service refused the code (" + reason + ")"});
  } else if (event.http_status == 429) {
    auto reply = parse_activation_reply(*event.body);
    const std::string retry = reply ? std::to_string(reply->retry_after_s) + " s" : "unstated";
    activation_refused(now, ActivationState::RateLimited,
                       Error{ErrorCode::ActivationRateLimited,
                             "the activation service asks to wait (retry after " + retry + ")"});
  } else if (event.http_status != 200) {
    activation_refused(now, ActivationState::Failed,
                       Error{ErrorCode::HttpGetFailed, "activation service: status " +
                                                           std::to_string(event.http_status)});
  } else if (auto applied = apply_activation_reply(*event.body); !applied) {
    activation_refused(now, ActivationState::Failed, applied.error());
  } else {
    activation.state = ActivationState::Activated;
    activation.last_time = now.wall;
    activation.last_error.clear();
    trace(Severity::Info, "activation_accepted", {{"changed", std::to_string(*applied)}});
    send_syslog_message(expand_macros("$PN $MAC -- Activation succeeded", macros_),
                        SyslogSeverity::Informational);
    on_explicit(now, std::nullopt, "activation");  // provisioning continues from the new rule
    run_upgrade_due(now);
    return;
  }
  run_due(now);  // a resync that became due during the request
  run_upgrade_due(now);
}

Result<std::size_t> ProvisioningAgent::apply_activation_reply(ByteSpan body) {
  auto reply = parse_activation_reply(body);
  if (!reply) return fail(reply.error());
  if (reply->result != ActivationResult::Accepted) {
    return fail(ErrorCode::ActivationMessageInvalid,
                "activation reply: status 200 with result " +
                    std::string(to_string(reply->result)));
  }
  ConfigDraft draft(store_);
  std::size_t changed = 0;
  bool has_rule = false;
  for (const auto& [name, value] : reply->parameters) {
    auto id = store_.registry().find(name);
    if (!id) {
      trace(Severity::Warning, "activation_parameter_skipped",
            {{"parameter", displayable_text(name)}, {"why", "unknown parameter"}});
      continue;
    }
    if (name == "Profile_Rule") {
      if (value.empty() || names_gds(value)) {
        return fail(ErrorCode::ActivationMessageInvalid,
                    "activation reply: Profile_Rule is empty or gds:// again");
      }
      has_rule = true;
    }
    const std::string before(draft.value(*id));
    if (auto set = draft.set_value(*id, value); !set) {
      // The detail masks secret values (ConfigDraft::set_value).
      return fail(ErrorCode::ActivationMessageInvalid,
                  "activation reply: " + set.error().to_string());
    }
    if (draft.value(*id) != before) ++changed;
  }
  if (!has_rule) {
    return fail(ErrorCode::ActivationMessageInvalid, "activation reply: no Profile_Rule");
  }
  store_.replace(draft.build());
  announce_changes(changed);
  return changed;
}

void ProvisioningAgent::activation_refused(AgentClock now, ActivationState state,
                                           const Error& error) {
  ActivationStatus& activation = status_.activation;
  activation.state = state;
  activation.last_error = std::string(error.err_text());
  activation.last_time = now.wall;
  trace(Severity::Warning, "activation_refused",
        {{"state", std::string(to_string(state))},
         {"error", std::string(error_name(error.code))},
         {"detail", error.detail}});
  send_syslog_message(expand_macros("$PN $MAC -- Activation failed: ", macros_) +
                          activation.last_error,
                      SyslogSeverity::Warning);
}

}  // namespace fw
