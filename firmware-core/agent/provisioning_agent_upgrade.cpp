// ProvisioningAgent, part two: the firmware upgrade (reference §5 "Upgrade_Rule", §6 upgrade
// syslog messages, provisioning-methods.de.txt "Upgrade-Regel"; decisions.md).
//
// Behaviour and the decisions taken where the sources leave room:
//
// - When: Upgrade_Rule is checked after every resync (success or failure), on /admin/upgrade
//   (AdminUpgrade, optionally with a one-shot rule) and when an upgrade retry is due. At most one
//   check is pending; an admin request replaces a pending retry. Upgrades and resyncs never run
//   at the same time: a due upgrade waits for the running resync and the other way round.
// - Upgrade_Enable = No skips every check and refuses /admin/upgrade.
// - Lines: a due upgrade waits while any line is busy, until all lines have been idle for
//   AgentSettings::line_idle_before_resync_s (the same idle wait as a deferred resync). Unlike a
//   resync there is no forced limit: an upgrade ends with a reboot, which would drop the call
//   (reference §5: "runs only when all lines idle").
// - Rule: the profile-rule syntax with conditions and assignments; --uid/--pwd accepted, --key
//   rejected (RuleSyntax); a rule without a server uses DHCP, then the host of the last
//   successful resync (decisions.md). A skipped rule (empty, commented out, no condition true)
//   is no attempt. The stored rule does not fetch a URL whose last attempt did not fail again,
//   nor a URL whose file name is the running version (`.../sip68xx.12-0-1.loads` on
//   sip68xx.12-0-1); /admin/upgrade always fetches.
// - Verification of the downloaded image (firmware_image.h): CorruptFile for a damaged or
//   truncated image, FirmwareModelMismatch for another family than firmware_family() of the
//   running version, DowngradeRefused when older than a non-empty Downgrade_Rev_Limit (a version
//   that cannot be compared with the limit fails with VersionSyntax). An image carrying the
//   running version is a success without install (nothing to do).
// - Install: InstallFirmwareAction, then on FirmwareInstalled success Log_Upgrade_Success_Msg
//   ($ERR = the new version) and a cold reboot; the agent then ignores everything until the next
//   PowerOn. The resync after the reboot is the power-up resync (Resync_On_Reset; the MPP guide:
//   "after power-up and after each upgrade attempt").
// - Failure (fetch, verification, install): $UPGERR = $ERR, Log_Upgrade_Failure_Msg, a retry
//   after Upgrade_Error_Retry_Delay (list indexed by consecutive upgrade failures, reset by a
//   success; 0 = none) with $UPGST 2 using Upgrade_Rule, and with Resync_After_Upgrade_Attempt
//   a resync right away (it bypasses the triggers like an explicit request). The running image
//   is never touched: the runtime writes only the inactive bank.
// - $UPGTMR counts from the start of the last upgrade attempt (from power-on before one).

#include <algorithm>
#include <cassert>
#include <utility>

#include "firmware-core/agent/firmware_image.h"
#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/agent/resync_schedule.h"
#include "firmware-core/macro/firmware_version.h"

namespace fw {
namespace {

std::int64_t whole_seconds(Duration span) {
  return std::chrono::duration_cast<std::chrono::seconds>(span).count();
}

// The last path segment without a ".loads" or ".bin" extension.
std::string_view load_name(std::string_view path) {
  if (auto slash = path.rfind('/'); slash != std::string_view::npos) path.remove_prefix(slash + 1);
  for (std::string_view extension : {std::string_view(".loads"), std::string_view(".bin")}) {
    if (path.size() > extension.size() && path.ends_with(extension)) {
      path.remove_suffix(extension.size());
      break;
    }
  }
  return path;
}

bool same_version(std::string_view left, std::string_view right) {
  if (left == right) return true;
  auto order = compare_firmware_versions(left, right);
  return order && *order == std::weak_ordering::equivalent;
}

}  // namespace

bool ProvisioningAgent::owns_upgrade_fetch(const FetchCompleted& event) const {
  return upgrade_running_ && upgrade_running_->fetch_id != 0 &&
         event.fetch_id == upgrade_running_->fetch_id;
}

void ProvisioningAgent::on_admin_upgrade(AgentClock now, const AdminUpgrade& event) {
  if (!boolean("Upgrade_Enable")) {
    trace(Severity::Info, "upgrade_refused",
          {{"source", "admin"}, {"why", "Upgrade_Enable is No"}});
    return;
  }
  trace(Severity::Info, "upgrade_requested",
        {{"source", "admin"}, {"one_shot_rule", event.rule ? "yes" : "no"}});
  UpgradePending pending;
  pending.due = now.monotonic;
  pending.is_explicit = true;
  pending.one_shot_rule = event.rule;
  if (upgrade_pending_ && upgrade_pending_->waiting_since) {
    pending.waiting_since = upgrade_pending_->waiting_since;
  }
  upgrade_pending_ = std::move(pending);
  run_upgrade_due(now);
}

void ProvisioningAgent::upgrade_after_resync(AgentClock now) {
  if (std::exchange(skip_next_upgrade_check_, false) || upgrade_pending_ || upgrade_running_ ||
      !boolean("Upgrade_Enable")) {
    return;
  }
  UpgradePending pending;
  pending.due = now.monotonic;
  upgrade_pending_ = std::move(pending);
  run_upgrade_due(now);
}

bool ProvisioningAgent::upgrade_lines_allow(AgentClock now, const UpgradePending& pending) const {
  assert(pending.waiting_since);
  if (!lines_idle_since_) {
    return false;
  }
  return *lines_idle_since_ <= *pending.waiting_since ||
         now.monotonic >= *lines_idle_since_ + seconds(settings_.line_idle_before_resync_s);
}

Instant ProvisioningAgent::upgrade_deadline() const {
  // A resync or a custom CA fetch holds the transport; the upgrade waits for its end.
  if (!upgrade_pending_ || upgrade_running_ || running_ || custom_ca_fetch_id_ != 0 ||
      headset_fetch_id_ != 0 || activation_fetch_id_ != 0) {
    return Instant::never();
  }
  if (!upgrade_pending_->waiting_since) {
    return upgrade_pending_->due;
  }
  // Waiting for the lines: a LineIdle event restarts the wait, so only the idle end is a time.
  if (!lines_idle_since_) {
    return Instant::never();
  }
  return *lines_idle_since_ + seconds(settings_.line_idle_before_resync_s);
}

void ProvisioningAgent::run_upgrade_due(AgentClock now) {
  if (running_ || upgrade_running_ || custom_ca_fetch_id_ != 0 || headset_fetch_id_ != 0 ||
      activation_fetch_id_ != 0 || !upgrade_pending_ ||
      now.monotonic < upgrade_pending_->due) {
    return;
  }
  if (!boolean("Upgrade_Enable")) {
    trace(Severity::Info, "upgrade_skipped", {{"why", "Upgrade_Enable is No"}});
    upgrade_pending_.reset();
    return;
  }
  if (!upgrade_pending_->waiting_since) {
    upgrade_pending_->waiting_since = now.monotonic;
  }
  if (!upgrade_lines_allow(now, *upgrade_pending_)) {
    if (upgrade_pending_->waiting_since == now.monotonic) {
      trace(Severity::Info, "upgrade_deferred", {{"why", "line busy"}});
    }
    return;
  }
  UpgradePending pending = std::move(*upgrade_pending_);
  upgrade_pending_.reset();
  start_upgrade(now, std::move(pending));
}

void ProvisioningAgent::start_upgrade(AgentClock now, UpgradePending pending) {
  refresh_dhcp_option_order();
  macro_state_.upgrade_attempt = pending.retry ? 2 : 1;
  refresh_timers(now);
  const std::string rule =
      pending.one_shot_rule ? *pending.one_shot_rule : std::string(text("Upgrade_Rule"));
  auto resolved = resolve_rule(RuleKind::Upgrade, rule, macros_, servers_);
  upgrade_running_ = UpgradeRunning{};
  status_.upgrade_running = true;
  if (!resolved) {
    macro_state_.url.reset();
    last_upgrade_attempt_at_ = now.monotonic;
    upgrade_failed(now, resolved.error());
    return;
  }
  apply_assignments(resolved->assignments);
  if (resolved->outcome != RuleOutcome::Fetch) {
    if (tracing(Severity::Debug, "upgrade_skipped")) {
      trace(Severity::Debug, "upgrade_skipped",
            {{"why", resolved->outcome == RuleOutcome::AssignmentsOnly ? "no url" : "rule skipped"}});
    }
    end_upgrade(now);
    return;
  }
  const ProvisioningUrl& url = *resolved->url;
  const std::string url_text = url.to_string();
  if (!pending.is_explicit) {
    const char* why = nullptr;
    if (url_text == last_settled_upgrade_url_) {
      why = "url already tried";
    } else if (same_version(load_name(url.path), identity_.software_version)) {
      why = "already running this load";
    }
    if (why) {
      trace(Severity::Debug, "upgrade_skipped", {{"why", why}, {"url", url_text}});
      end_upgrade(now);
      return;
    }
  }
  last_upgrade_attempt_at_ = now.monotonic;
  macro_state_.url = url;
  macro_state_.server_ip = url.host;
  macro_state_.result.clear();
  upgrade_running_->url = url_text;
  upgrade_running_->fetch_id = next_fetch_id_++;
  send_syslog("Log_Upgrade_Request_Msg", SyslogSeverity::Informational);
  trace(Severity::Info, "upgrade_fetch",
        {{"id", std::to_string(upgrade_running_->fetch_id)},
         {"url", url_text},
         {"upgst", std::to_string(macro_state_.upgrade_attempt)},
         {"uid", resolved->options.uid ? std::string(kSecretMask) : std::string()},
         {"pwd", resolved->options.pwd ? std::string(kSecretMask) : std::string()}});
  request_fetch(upgrade_running_->fetch_id, FetchPurpose::Firmware, url, resolved->options);
}

void ProvisioningAgent::on_upgrade_fetched(AgentClock now, const FetchCompleted& event) {
  upgrade_running_->fetch_id = 0;
  if (!event.server_ip.empty()) {
    macro_state_.server_ip = event.server_ip;
  }
  if (!event.body) {
    upgrade_failed(now, event.body.error());
    return;
  }
  auto image = inspect_firmware_image(*event.body);
  if (!image) {
    upgrade_failed(now, image.error());
    return;
  }
  const std::string family =
      firmware_family(identity_.software_version, identity_.product_name);
  if (image->family != family) {
    upgrade_failed(now, Error{ErrorCode::FirmwareModelMismatch,
                              "image for " + image->family + ", phone is " + family});
    return;
  }
  if (same_version(image->version, identity_.software_version)) {
    trace(Severity::Info, "upgrade_not_needed", {{"version", image->version}});
    macro_state_.result = image->version;
    last_settled_upgrade_url_ = upgrade_running_->url;
    record_upgrade(now, true, false, image->version);
    end_upgrade(now);
    return;
  }
  const std::string_view limit = text("Downgrade_Rev_Limit");
  if (!limit.empty()) {
    auto order = compare_firmware_versions(image->version, limit);
    if (!order) {
      upgrade_failed(now, order.error());
      return;
    }
    if (*order == std::weak_ordering::less) {
      upgrade_failed(now, Error{ErrorCode::DowngradeRefused,
                                image->version + " is older than Downgrade_Rev_Limit " +
                                    std::string(limit)});
      return;
    }
  }
  upgrade_running_->version = image->version;
  upgrade_running_->install_id = next_fetch_id_++;
  trace(Severity::Info, "upgrade_install",
        {{"id", std::to_string(upgrade_running_->install_id)},
         {"version", image->version},
         {"bytes", std::to_string(event.body->size())}});
  actions_.emplace_back(
      InstallFirmwareAction{upgrade_running_->install_id, image->version, *event.body});
}

void ProvisioningAgent::on_firmware_installed(AgentClock now, const FirmwareInstalled& event) {
  if (!upgrade_running_ || upgrade_running_->install_id == 0 ||
      event.install_id != upgrade_running_->install_id) {
    trace(Severity::Warning, "install_result_ignored",
          {{"id", std::to_string(event.install_id)}, {"why", "no such install in progress"}});
    return;
  }
  upgrade_running_->install_id = 0;
  if (!event.result) {
    upgrade_failed(now, event.result.error());
    return;
  }
  const std::string version = upgrade_running_->version;
  macro_state_.result = version;  // after a successful upgrade $ERR holds the new load (§6)
  send_syslog("Log_Upgrade_Success_Msg", SyslogSeverity::Informational);
  record_upgrade(now, true, true, version);
  status_.consecutive_upgrade_failures = 0;
  trace(Severity::Info, "upgrade_done", {{"result", "success"}, {"version", version}});
  upgrade_running_.reset();
  status_.upgrade_running = false;
  actions_.emplace_back(RebootAction{false});
  // The phone is going down: nothing more until the next PowerOn.
  powered_ = false;
  pending_.reset();
  upgrade_pending_.reset();
}

void ProvisioningAgent::upgrade_failed(AgentClock now, const Error& error) {
  macro_state_.result = std::string(error.err_text());
  macro_state_.upgrade_error = macro_state_.result;
  trace(Severity::Warning, "upgrade_done",
        {{"result", "failure"},
         {"error", std::string(error_name(error.code))},
         {"detail", error.detail}});
  send_syslog("Log_Upgrade_Failure_Msg", SyslogSeverity::Warning);
  ++status_.consecutive_upgrade_failures;
  record_upgrade(now, false, false, macro_state_.result);
  const Schedule retry = schedule_value("Upgrade_Error_Retry_Delay");
  if (error.retry_class() != RetryClass::NoRetry && !retry.disabled()) {
    UpgradePending pending;
    pending.retry = true;
    pending.due = now.monotonic + seconds(schedule_delay_s(
                                      retry, status_.consecutive_upgrade_failures - 1, random_));
    trace(Severity::Info, "upgrade_scheduled",
          {{"kind", "retry"}, {"in_s", std::to_string(whole_seconds(pending.due - now.monotonic))}});
    upgrade_pending_ = std::move(pending);
  }
  if (boolean("Resync_After_Upgrade_Attempt") && boolean("Provision_Enable")) {
    Pending resync;
    resync.reason = ResyncReason::Explicit;
    resync.kind = ScheduleKind::Explicit;
    resync.due = now.monotonic;
    if (pending_ && pending_->waiting_since) {
      resync.waiting_since = pending_->waiting_since;
    }
    trace(Severity::Info, "resync_requested", {{"source", "upgrade attempt"}});
    schedule(std::move(resync), now);
    // That resync must not check the rule again at once (without a retry delay it would loop).
    skip_next_upgrade_check_ = true;
  }
  end_upgrade(now);
}

void ProvisioningAgent::record_upgrade(AgentClock now, bool success, bool installed,
                                       std::string result) {
  UpgradeOutcome outcome;
  outcome.at = now.monotonic;
  outcome.wall = now.wall;
  outcome.success = success;
  outcome.installed = installed;
  outcome.result = std::move(result);
  outcome.url = upgrade_running_ ? upgrade_running_->url : std::string();
  status_.recent_upgrades.push_front(std::move(outcome));
  if (status_.recent_upgrades.size() > kRecentUpgradesMax) {
    status_.recent_upgrades.pop_back();
  }
}

void ProvisioningAgent::end_upgrade(AgentClock now) {
  upgrade_running_.reset();
  status_.upgrade_running = false;
  run_due(now);  // a resync that became due during the upgrade
}

}  // namespace fw
