// ProvisioningAgent, part four: the Cisco headset upgrade (provisioning-methods.de.txt
// "Upgrade-Regel für die Cisco Headset festlegen"; the file format and version order are in
// headset_firmware.h).
//
// Behaviour and the decisions taken where the guide leaves room:
//
// - A check fetches Cisco_Headset_Upgrade_Rule (TFTP, HTTP or HTTPS; the profile-rule syntax, so
//   --uid/--pwd and macros work) when a headset is attached (HeadsetAttached, also the runtime's
//   re-announcement after every power-up), when a resync ends and the rule differs from the one
//   of the last check, and when a deferral ends. Nothing happens while no headset is attached
//   or the rule is empty. A headset attached over a connection the guide does not list for
//   upgrades (520 and 700 series on the Y-cable) is never checked (traced).
// - One fetch at a time: a check that is due while a resync, firmware upgrade or custom CA fetch
//   holds the transport waits for its end; while a headset fetch runs, resyncs, upgrades and CA
//   fetches wait for it.
// - The file's entry for the headset's series is compared with the headset's firmware
//   (compare_headset_versions): a newer version raises the prompt (status Prompting, syslog
//   "headset upgrade available", trace headset_prompt); the same or an older one, or no entry
//   for the series, ends the check (traced). A failed fetch or a bad file is recorded
//   ($ERR in the status, syslog, trace) and not retried before the next check.
// - Accept (HeadsetPromptAnswered{true}): the image is fetched from the same server
//   (headset_image_path()), its size and SHA-256 must match the file (else HeadsetImageMismatch),
//   then the headset is flashed: this takes kHeadsetFlashDurationS of the phone's time, after
//   which FlashHeadsetAction updates the headset; it keeps its own settings. Unplugging the
//   headset meanwhile abandons the upgrade (the headset keeps its old firmware).
// - Defer (HeadsetPromptAnswered{false}): the prompt goes away and comes back with the next
//   check: a re-attach, a changed rule after a resync, the next power-up, or at the latest
//   kHeadsetDeferIntervalS later (the file is fetched again then, so a newer release is seen).
// - An answer without a prompt is ignored (traced).
// - A phone reset or factory reset never touches the headset's settings: they live in the
//   headset (HeadsetDevice), not in the phone's configuration.

#include <utility>

#include "firmware-core/agent/provisioning_agent.h"

namespace fw {
namespace {

// How long writing an image into the headset takes (the phone shows progress meanwhile).
constexpr std::int64_t kHeadsetFlashDurationS = 90;
// After "later": when the prompt comes back at the latest.
constexpr std::int64_t kHeadsetDeferIntervalS = 4 * 3600;

bool is_blank_rule(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::string_view to_string(HeadsetUpgradeState state) {
  switch (state) {
    case HeadsetUpgradeState::Absent: return "absent";
    case HeadsetUpgradeState::Idle: return "idle";
    case HeadsetUpgradeState::Checking: return "checking";
    case HeadsetUpgradeState::Prompting: return "prompting";
    case HeadsetUpgradeState::Deferred: return "deferred";
    case HeadsetUpgradeState::Downloading: return "downloading";
    case HeadsetUpgradeState::Flashing: return "flashing";
  }
  return "?";
}

void ProvisioningAgent::reset_headset() {
  headset_.reset();
  headset_status_ = HeadsetStatus{};
  headset_fetch_id_ = 0;
  headset_check_waiting_ = false;
  headset_checked_rule_.reset();
  headset_file_url_.reset();
  headset_file_options_.reset();
  headset_offer_.reset();
  headset_defer_until_.reset();
  headset_flash_done_at_.reset();
}

bool ProvisioningAgent::transport_busy_for_headset() const {
  return running_ || upgrade_running_ || custom_ca_fetch_id_ != 0 || headset_fetch_id_ != 0 ||
         activation_fetch_id_ != 0;
}

void ProvisioningAgent::on_headset_attached(AgentClock now, const HeadsetAttached& event) {
  reset_headset();
  headset_ = event;
  headset_status_.state = HeadsetUpgradeState::Idle;
  headset_status_.series = event.series;
  headset_status_.connection = event.connection;
  headset_status_.firmware_version = event.firmware_version;
  trace(Severity::Info, "headset_attached",
        {{"series", std::string(to_string(event.series))},
         {"connection", std::string(to_string(event.connection))},
         {"version", displayable_text(event.firmware_version)}});
  if (!headset_upgrade_supported(event.series, event.connection)) {
    trace(Severity::Info, "headset_upgrade_unsupported",
          {{"series", std::string(to_string(event.series))},
           {"connection", std::string(to_string(event.connection))}});
    return;
  }
  start_headset_check(now);
}

void ProvisioningAgent::on_headset_detached(AgentClock /*now*/) {
  if (!headset_) return;
  const bool flashing = headset_flash_done_at_.has_value();
  trace(Severity::Info, "headset_detached",
        {{"state", std::string(to_string(headset_status_.state))}});
  if (flashing) trace(Severity::Warning, "headset_upgrade_abandoned", {{"why", "unplugged"}});
  // A fetch in flight still completes; its result is dropped (no headset to offer it to).
  const std::uint64_t fetch_in_flight = headset_fetch_id_;
  reset_headset();
  headset_fetch_id_ = fetch_in_flight;
}

void ProvisioningAgent::on_headset_answer(AgentClock now, const HeadsetPromptAnswered& event) {
  if (!headset_ || headset_status_.state != HeadsetUpgradeState::Prompting || !headset_offer_) {
    trace(Severity::Info, "headset_answer_ignored",
          {{"answer", event.accept ? "accept" : "defer"},
           {"state", std::string(to_string(headset_status_.state))}});
    return;
  }
  if (!event.accept) {
    headset_status_.state = HeadsetUpgradeState::Deferred;
    headset_defer_until_ = now.monotonic + seconds(kHeadsetDeferIntervalS);
    trace(Severity::Info, "headset_deferred",
          {{"offered", headset_offer_->version},
           {"prompt_again_in_s", std::to_string(kHeadsetDeferIntervalS)}});
    return;
  }
  trace(Severity::Info, "headset_accepted", {{"offered", headset_offer_->version}});
  // run_headset_due(), called after every event, starts the image fetch once the transport is
  // free.
  headset_status_.state = HeadsetUpgradeState::Downloading;
}

bool ProvisioningAgent::owns_headset_fetch(const FetchCompleted& event) const {
  return headset_fetch_id_ != 0 && event.fetch_id == headset_fetch_id_;
}

void ProvisioningAgent::headset_after_resync(AgentClock now) {
  if (!headset_ || !headset_upgrade_supported(headset_->series, headset_->connection)) return;
  const std::string rule(text("Cisco_Headset_Upgrade_Rule"));
  if (headset_checked_rule_ == rule) return;
  start_headset_check(now);
}

void ProvisioningAgent::start_headset_check(AgentClock now) {
  const std::string rule(text("Cisco_Headset_Upgrade_Rule"));
  if (is_blank_rule(rule)) {
    headset_checked_rule_ = rule;
    return;
  }
  if (headset_status_.state == HeadsetUpgradeState::Downloading ||
      headset_status_.state == HeadsetUpgradeState::Flashing) {
    return;  // an accepted upgrade runs to its end first
  }
  headset_status_.state = HeadsetUpgradeState::Checking;
  headset_defer_until_.reset();
  if (transport_busy_for_headset()) {
    headset_check_waiting_ = true;
    trace(Severity::Info, "headset_check_deferred", {{"why", "a fetch is running"}});
    return;
  }
  headset_check_waiting_ = false;
  headset_checked_rule_ = rule;
  headset_status_.last_check = now.wall;
  refresh_timers(now);
  refresh_dhcp_option_order();
  auto resolved = resolve_rule(RuleKind::Profile, rule, macros_, servers_);
  if (!resolved) {
    headset_failed(now, resolved.error());
    return;
  }
  if (resolved->outcome != RuleOutcome::Fetch || resolved->url->scheme == UrlScheme::Gds) {
    headset_failed(now, Error{ErrorCode::UrlSyntax,
                              "Cisco_Headset_Upgrade_Rule names no TFTP, HTTP or HTTPS URL"});
    return;
  }
  headset_fetch_id_ = next_fetch_id_++;
  headset_file_url_ = *resolved->url;
  headset_file_options_ = resolved->options;
  trace(Severity::Info, "headset_check",
        {{"id", std::to_string(headset_fetch_id_)}, {"url", resolved->url->to_string()}});
  request_fetch(headset_fetch_id_, FetchPurpose::HeadsetFile, *resolved->url, resolved->options);
}

void ProvisioningAgent::on_headset_fetched(AgentClock now, const FetchCompleted& event) {
  headset_fetch_id_ = 0;
  if (!headset_) {
    trace(Severity::Info, "headset_fetch_dropped", {{"why", "no headset attached"}});
  } else if (!event.body) {
    headset_failed(now, event.body.error());
  } else if (headset_status_.state == HeadsetUpgradeState::Checking) {
    on_headset_file(now, *event.body);
  } else if (headset_status_.state == HeadsetUpgradeState::Downloading) {
    on_headset_image(now, *event.body);
  }
  headset_fetch_ended(now);
}

void ProvisioningAgent::on_headset_file(AgentClock now, const Bytes& file) {
  auto releases = parse_headset_file(file);
  if (!releases) {
    headset_failed(now, releases.error());
    return;
  }
  const std::string series(to_string(headset_->series));
  const HeadsetRelease* release = find_headset_release(*releases, headset_->series);
  if (release == nullptr) {
    headset_status_.state = HeadsetUpgradeState::Idle;
    headset_status_.last_error.clear();
    trace(Severity::Info, "headset_not_listed", {{"series", series}});
    return;
  }
  auto order = compare_headset_versions(release->version, headset_->firmware_version);
  if (!order) {
    headset_failed(now, order.error());
    return;
  }
  headset_status_.last_error.clear();
  if (*order != std::strong_ordering::greater) {
    headset_status_.state = HeadsetUpgradeState::Idle;
    headset_status_.offered_version.clear();
    trace(Severity::Info, "headset_up_to_date",
          {{"series", series}, {"version", headset_->firmware_version},
           {"offered", release->version}});
    return;
  }
  headset_offer_ = *release;
  headset_status_.state = HeadsetUpgradeState::Prompting;
  headset_status_.offered_version = release->version;
  ++headset_status_.prompts;
  trace(Severity::Info, "headset_prompt",
        {{"series", series}, {"version", headset_->firmware_version},
         {"offered", release->version}});
  send_syslog_message("headset upgrade available: " + series + " " +
                          headset_->firmware_version + " -> " + release->version,
                      SyslogSeverity::Notice);
}

void ProvisioningAgent::on_headset_image(AgentClock now, const Bytes& image) {
  const HeadsetRelease& release = *headset_offer_;
  if (image.size() != release.bytes) {
    headset_failed(now, Error{ErrorCode::HeadsetImageMismatch,
                              std::to_string(image.size()) + " bytes, the headset file says " +
                                  std::to_string(release.bytes)});
    return;
  }
  const ByteSpan parts[] = {image};
  if (sha256(parts) != release.sha256) {
    headset_failed(now, Error{ErrorCode::HeadsetImageMismatch, "SHA-256 differs from the file"});
    return;
  }
  headset_status_.state = HeadsetUpgradeState::Flashing;
  headset_flash_done_at_ = now.monotonic + seconds(kHeadsetFlashDurationS);
  trace(Severity::Info, "headset_flash_started",
        {{"version", release.version}, {"bytes", std::to_string(image.size())},
         {"duration_s", std::to_string(kHeadsetFlashDurationS)}});
}

void ProvisioningAgent::headset_fetch_ended(AgentClock now) {
  // What waited for the transport: a requested CA installation first (as after a resync), then a
  // due resync or upgrade.
  if (custom_ca_waiting_) {
    std::string rule = std::move(*custom_ca_waiting_);
    custom_ca_waiting_.reset();
    start_custom_ca_fetch(now, rule);
    return;
  }
  run_due(now);
  run_upgrade_due(now);
}

void ProvisioningAgent::run_headset_due(AgentClock now) {
  if (!headset_) return;
  if (headset_flash_done_at_ && now.monotonic >= *headset_flash_done_at_) {
    headset_flash_done_at_.reset();
    const std::string version = headset_offer_->version;
    const std::string series(to_string(headset_->series));
    headset_->firmware_version = version;
    headset_status_.firmware_version = version;
    headset_status_.offered_version.clear();
    headset_status_.state = HeadsetUpgradeState::Idle;
    ++headset_status_.upgrades;
    headset_offer_.reset();
    actions_.emplace_back(FlashHeadsetAction{version});
    trace(Severity::Info, "headset_upgraded", {{"series", series}, {"version", version}});
    send_syslog_message("headset upgraded: " + series + " " + version,
                        SyslogSeverity::Notice);
    return;
  }
  if (headset_defer_until_ && now.monotonic >= *headset_defer_until_) {
    headset_defer_until_.reset();
    start_headset_check(now);
    return;
  }
  if (transport_busy_for_headset()) return;
  if (headset_check_waiting_) {
    start_headset_check(now);
    return;
  }
  if (headset_status_.state == HeadsetUpgradeState::Downloading && headset_offer_) {
    const ProvisioningUrl& file_url = *headset_file_url_;
    ProvisioningUrl image_url = file_url;
    image_url.path = headset_image_path(file_url.path, headset_offer_->image);
    headset_fetch_id_ = next_fetch_id_++;
    trace(Severity::Info, "headset_image_fetch",
          {{"id", std::to_string(headset_fetch_id_)}, {"url", image_url.to_string()}});
    request_fetch(headset_fetch_id_, FetchPurpose::HeadsetImage, image_url,
                  *headset_file_options_);
  }
}

Instant ProvisioningAgent::headset_deadline() const {
  Instant deadline = Instant::never();
  if (headset_flash_done_at_) deadline = std::min(deadline, *headset_flash_done_at_);
  if (headset_defer_until_) deadline = std::min(deadline, *headset_defer_until_);
  return deadline;
}

void ProvisioningAgent::headset_failed(AgentClock /*now*/, const Error& error) {
  headset_status_.state = HeadsetUpgradeState::Idle;
  headset_status_.last_error = std::string(error.err_text());
  headset_status_.offered_version.clear();
  headset_offer_.reset();
  trace(Severity::Warning, "headset_failed",
        {{"error", std::string(error_name(error.code))}, {"detail", error.detail}});
  send_syslog_message("headset upgrade failed: " + std::string(error.err_text()),
                      SyslogSeverity::Warning);
}

}  // namespace fw
