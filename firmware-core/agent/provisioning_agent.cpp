#include "firmware-core/agent/provisioning_agent.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "firmware-core/agent/resync_schedule.h"
#include "firmware-core/codec/downloaded_profile.h"
#include "firmware-core/macro/condition.h"

namespace fw {
namespace {

constexpr std::array<std::string_view, kProfileRuleCount> kProfileRuleNames = {
    "Profile_Rule", "Profile_Rule_B", "Profile_Rule_C", "Profile_Rule_D"};

std::int64_t whole_seconds(Duration span) {
  return std::chrono::duration_cast<std::chrono::seconds>(span).count();
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' '; });
}

std::string lower_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view skip_reason_name(RuleSkipReason reason) {
  switch (reason) {
    case RuleSkipReason::Empty:
      return "empty";
    case RuleSkipReason::CommentedOut:
      return "commented out";
    case RuleSkipReason::NoConditionTrue:
      return "no condition true";
    case RuleSkipReason::None:
      break;
  }
  return "none";
}

}  // namespace

std::string_view to_string(ResyncReason reason) {
  switch (reason) {
    case ResyncReason::Explicit:
      return "explicit";
    case ResyncReason::PowerUp:
      return "power-up";
    case ResyncReason::Periodic:
      return "periodic";
    case ResyncReason::Retry:
      return "retry";
  }
  return "unknown";
}

std::string_view to_string(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::PowerUp:
      return "power-up";
    case ScheduleKind::Periodic:
      return "periodic";
    case ScheduleKind::Daily:
      return "daily";
    case ScheduleKind::Retry:
      return "retry";
    case ScheduleKind::Explicit:
      return "explicit";
  }
  return "unknown";
}

ProvisioningAgent::ProvisioningAgent(const PhoneIdentity& identity, ConfigStore& store,
                                     ProfileDecoder& decoder, std::uint64_t seed,
                                     AgentSettings settings)
    : identity_(identity),
      store_(store),
      decoder_(decoder),
      settings_(settings),
      random_(seed),
      macros_(identity_, store_, macro_state_) {}

// --- Parameter access -------------------------------------------------------------------------

bool ProvisioningAgent::boolean(std::string_view name) const {
  auto id = store_.registry().find(name);
  assert(id && "agent parameter missing from the registry");
  return store_.boolean(*id);
}

std::int64_t ProvisioningAgent::integer(std::string_view name) const {
  auto id = store_.registry().find(name);
  assert(id && "agent parameter missing from the registry");
  return store_.integer(*id);
}

std::string_view ProvisioningAgent::text(std::string_view name) const {
  auto id = store_.registry().find(name);
  assert(id && "agent parameter missing from the registry");
  return store_.value(*id);
}

Schedule ProvisioningAgent::schedule_value(std::string_view name) const {
  auto id = store_.registry().find(name);
  assert(id && "agent parameter missing from the registry");
  return store_.schedule(*id);
}

// --- Inputs -----------------------------------------------------------------------------------

void ProvisioningAgent::handle(AgentClock now, const AgentEvent& event) {
  if (!powered_ && !std::holds_alternative<PowerOn>(event)) {
    return;
  }
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, PowerOn>) {
          on_power_on(now, e);
        } else if constexpr (std::is_same_v<T, DhcpRenewed>) {
          servers_.dhcp_options = e.dhcp_options;
        } else if constexpr (std::is_same_v<T, FetchCompleted>) {
          if (owns_upgrade_fetch(e)) {
            on_upgrade_fetched(now, e);
          } else if (owns_headset_fetch(e)) {
            on_headset_fetched(now, e);
          } else {
            on_fetch_completed(now, e);
          }
        } else if constexpr (std::is_same_v<T, LineBusy>) {
          on_line(now, e.line, true);
        } else if constexpr (std::is_same_v<T, LineIdle>) {
          on_line(now, e.line, false);
        } else if constexpr (std::is_same_v<T, AdminResync>) {
          on_explicit(now, e.rule, "admin");
        } else if constexpr (std::is_same_v<T, SipNotify>) {
          on_sip_notify(now, e);
        } else if constexpr (std::is_same_v<T, WallClockStepped>) {
          on_wall_clock_stepped(now);
        } else if constexpr (std::is_same_v<T, ConfigEdited>) {
          on_config_edited(now);
        } else if constexpr (std::is_same_v<T, AdminUpgrade>) {
          on_admin_upgrade(now, e);
        } else if constexpr (std::is_same_v<T, FirmwareInstalled>) {
          on_firmware_installed(now, e);
        } else if constexpr (std::is_same_v<T, AdminReport>) {
          on_report_request(now, "admin");
        } else if constexpr (std::is_same_v<T, UploadCompleted>) {
          if (owns_mic_upload(e)) {
            on_mic_upload_completed(now, e);
          } else {
            on_upload_completed(now, e);
          }
        } else if constexpr (std::is_same_v<T, AdminUpdateCa>) {
          on_update_ca_request(now, e.url);
        } else if constexpr (std::is_same_v<T, HeadsetAttached>) {
          on_headset_attached(now, e);
        } else if constexpr (std::is_same_v<T, HeadsetDetached>) {
          on_headset_detached(now);
        } else if constexpr (std::is_same_v<T, HeadsetPromptAnswered>) {
          on_headset_answer(now, e);
        } else if constexpr (std::is_same_v<T, AdminRenewMic>) {
          on_mic_renewal_request(now);
        } else if constexpr (std::is_same_v<T, MicInstalled>) {
          on_mic_installed(now, e);
        } else if constexpr (std::is_same_v<T, ActivationCodeEntered>) {
          on_activation_code(now, e);
        }
      },
      event);
  run_headset_due(now);
  update_next_status();
}

void ProvisioningAgent::handle_deadline(AgentClock now) {
  if (!powered_) {
    return;
  }
  run_due(now);
  poll_triggers(now);
  run_upgrade_due(now);
  run_headset_due(now);
  run_mic_due(now);
  update_next_status();
}

std::optional<AgentAction> ProvisioningAgent::poll_action() {
  if (actions_.empty()) {
    return std::nullopt;
  }
  AgentAction action = std::move(actions_.front());
  actions_.pop_front();
  return action;
}

Instant ProvisioningAgent::next_deadline() const {
  if (!powered_) {
    return Instant::never();
  }
  return std::min({resync_deadline(), upgrade_deadline(), headset_deadline(), mic_deadline()});
}

Instant ProvisioningAgent::resync_deadline() const {
  // A custom CA, headset or activation fetch holds the transport too; the resync starts when it
  // ends.
  if (running_ || upgrade_running_ || custom_ca_fetch_id_ != 0 || headset_fetch_id_ != 0 ||
      activation_fetch_id_ != 0) {
    return Instant::never();
  }
  const Instant poll = polls_triggers() ? next_trigger_poll_ : Instant::never();
  return pending_ ? std::min(poll, pending_deadline()) : poll;
}

Instant ProvisioningAgent::pending_deadline() const {
  if (!pending_->waiting_since) {
    return pending_->due;
  }
  Instant deadline = *pending_->waiting_since + seconds(integer("Forced_Resync_Delay"));
  if (lines_idle_since_) {
    deadline =
        std::min(deadline, *lines_idle_since_ + seconds(settings_.line_idle_before_resync_s));
  }
  return deadline;
}

void ProvisioningAgent::on_power_on(AgentClock now, const PowerOn& event) {
  // A power-on is also a reboot: everything the agent held in RAM is gone.
  powered_ = true;
  power_on_at_ = now.monotonic;
  servers_ = ServerSources{};
  servers_.dhcp_options = event.dhcp_options;
  line_busy_.fill(false);
  lines_idle_since_ = now.monotonic;
  pending_.reset();
  running_.reset();
  last_attempt_at_.reset();
  periodic_count_ = 0;
  next_trigger_poll_ = now.monotonic + seconds(kTriggerPollIntervalS);
  status_ = AgentStatus{};
  macro_state_ = ProvisioningMacroState{};
  upgrade_pending_.reset();
  upgrade_running_.reset();
  last_upgrade_attempt_at_.reset();
  applied_profiles_ = {};
  dhcp_option_order_revision_.reset();
  last_settled_upgrade_url_.clear();
  skip_next_upgrade_check_ = false;
  report_queue_.clear();
  report_upload_id_ = 0;
  mark_report_baseline();
  custom_ca_fetch_id_ = 0;
  activation_fetch_id_ = 0;
  custom_ca_waiting_.reset();
  custom_ca_tried_rule_.reset();
  reset_headset();
  trace(Severity::Info, "power_on", {{"dhcp_options", std::to_string(event.dhcp_options.size())}});
  mic_on_power_on(now);
  if (boolean("Provision_Enable") && boolean("Resync_On_Reset")) {
    Pending pending;
    pending.reason = ResyncReason::PowerUp;
    pending.kind = ScheduleKind::PowerUp;
    pending.due =
        now.monotonic + seconds(power_on_delay_s(integer("Resync_Random_Delay"), random_));
    schedule(std::move(pending), now);
  } else {
    schedule_regular(now);
  }
  run_due(now);
}

void ProvisioningAgent::on_line(AgentClock now, std::size_t line, bool busy) {
  if (line >= kLinesMax) {
    trace(Severity::Warning, "line_ignored", {{"line", std::to_string(line)}});
    return;
  }
  line_busy_[line] = busy;
  const bool any_busy = std::any_of(line_busy_.begin(), line_busy_.end(), [](bool b) { return b; });
  if (any_busy) {
    lines_idle_since_.reset();
  } else if (!lines_idle_since_) {
    lines_idle_since_ = now.monotonic;
  }
  run_due(now);
  run_upgrade_due(now);
}

void ProvisioningAgent::on_explicit(AgentClock now, std::optional<std::string> rule,
                                    std::string_view source) {
  if (!boolean("Provision_Enable")) {
    trace(Severity::Info, "resync_refused",
          {{"source", std::string(source)}, {"why", "Provision_Enable is No"}});
    return;
  }
  if (tracing(Severity::Info, "resync_requested")) {
    trace(Severity::Info, "resync_requested",
          {{"source", std::string(source)}, {"one_shot_rule", rule ? "yes" : "no"}});
  }
  Pending pending;
  pending.reason = ResyncReason::Explicit;
  pending.kind = ScheduleKind::Explicit;
  pending.due = now.monotonic;
  pending.one_shot_rule = std::move(rule);
  if (pending_ && pending_->waiting_since) {
    // Already waiting for the lines: a repeated request does not restart the forced limit.
    pending.waiting_since = pending_->waiting_since;
  }
  // Replaces whatever was scheduled: the resync that follows this one plans the next anyway.
  // During a resync it waits for the end of it (one resync at a time).
  schedule(std::move(pending), now);
  run_due(now);
}

void ProvisioningAgent::on_sip_notify(AgentClock now, const SipNotify& event) {
  // Outside text: quoted in traces only through displayable_text() (bounded, escaped).
  const std::string name = displayable_text(lower_case(event.event));
  if (!boolean("Resync_From_SIP")) {
    trace(Severity::Info, "notify_ignored", {{"event", name}, {"why", "Resync_From_SIP is No"}});
    return;
  }
  if (name == "resync" || name == "check-sync") {
    on_explicit(now, std::nullopt, "sip");
  } else if (name == "reboot_now" || name == "restart_now") {
    trace(Severity::Info, "reboot_requested", {{"event", name}});
    actions_.emplace_back(RebootAction{name == "restart_now"});
  } else if (name == "report") {
    on_report_request(now, "sip");
  } else {
    trace(Severity::Warning, "notify_ignored", {{"event", name}, {"why", "unsupported event"}});
  }
}

void ProvisioningAgent::on_wall_clock_stepped(AgentClock now) {
  trace(Severity::Info, "wall_clock_stepped", {{"unix_s", std::to_string(now.wall.unix_seconds)}});
  if (pending_ && pending_->kind == ScheduleKind::Daily && !pending_->waiting_since) {
    if (auto due = daily_due(now, pending_->daily_offset_s)) {
      pending_->due = *due;
    } else {
      schedule_regular(now);  // Resync_At__HHmm_ was cleared meanwhile
    }
  }
  run_due(now);
}

void ProvisioningAgent::on_config_edited(AgentClock now) {
  mic_plan(now);
  // Only the regular schedule depends on parameters an admin edits; a pending power-up, retry or
  // explicit resync keeps its time, and a running resync plans the next one when it ends.
  if (!running_ && (!pending_ || pending_->kind == ScheduleKind::Periodic ||
                    pending_->kind == ScheduleKind::Daily)) {
    if (!pending_ || !pending_->waiting_since) {
      schedule_regular(now);
    }
  }
  run_due(now);
}

// --- Scheduling -------------------------------------------------------------------------------

void ProvisioningAgent::schedule(Pending pending, AgentClock now) {
  if (tracing(Severity::Info, "resync_scheduled")) {
    trace(Severity::Info, "resync_scheduled",
          {{"kind", std::string(to_string(pending.kind))},
           {"in_s", std::to_string(whole_seconds(pending.due - now.monotonic))}});
  }
  pending_ = std::move(pending);
}

std::optional<Instant> ProvisioningAgent::daily_due(AgentClock now, std::int64_t offset_s) const {
  auto id = store_.registry().find("Resync_At__HHmm_");
  assert(id);
  const std::optional<Hhmm> at = store_.hhmm(*id);
  if (!at) {
    return std::nullopt;
  }
  const std::int64_t wall_s = next_daily_resync_unix_s(now.wall.unix_seconds, *at, offset_s);
  return now.monotonic + seconds(wall_s - now.wall.unix_seconds);
}

std::optional<ProvisioningAgent::Pending> ProvisioningAgent::daily_resync(AgentClock now) {
  const std::int64_t offset_s =
      random_.between(0, daily_window_s(integer("Resync_At_Random_Delay")));
  const std::optional<Instant> due = daily_due(now, offset_s);
  if (!due) {
    return std::nullopt;
  }
  Pending pending;
  pending.reason = ResyncReason::Periodic;
  pending.kind = ScheduleKind::Daily;
  pending.daily_offset_s = offset_s;
  pending.due = *due;
  return pending;
}

void ProvisioningAgent::schedule_regular(AgentClock now) {
  if (auto daily = daily_resync(now)) {
    schedule(std::move(*daily), now);
    return;
  }
  const Schedule periodic = schedule_value("Resync_Periodic");
  if (status_.succeeded_once && !periodic.disabled()) {
    Pending pending;
    pending.reason = ResyncReason::Periodic;
    pending.kind = ScheduleKind::Periodic;
    pending.due = now.monotonic + seconds(schedule_delay_s(periodic, periodic_count_++, random_));
    schedule(std::move(pending), now);
    return;
  }
  pending_.reset();
}

void ProvisioningAgent::rearm_skipped(AgentClock now, const Pending& skipped) {
  switch (skipped.kind) {
    case ScheduleKind::PowerUp:
    case ScheduleKind::Periodic: {
      const Schedule periodic = schedule_value("Resync_Periodic");
      if (auto daily = daily_resync(now)) {
        schedule(std::move(*daily), now);
      } else if (!periodic.disabled()) {
        Pending again = skipped;
        again.waiting_since.reset();
        again.due = now.monotonic + seconds(schedule_delay_s(periodic, periodic_count_++, random_));
        schedule(std::move(again), now);
      } else {
        pending_.reset();
      }
      return;
    }
    case ScheduleKind::Retry: {
      const Schedule retry = schedule_value("Resync_Error_Retry_Delay");
      if (retry.disabled()) {
        schedule_regular(now);
        return;
      }
      Pending again = skipped;
      again.waiting_since.reset();
      const std::size_t attempt =
          status_.consecutive_failures > 0 ? status_.consecutive_failures - 1 : 0;
      again.due = now.monotonic + seconds(schedule_delay_s(retry, attempt, random_));
      schedule(std::move(again), now);
      return;
    }
    case ScheduleKind::Daily:
    case ScheduleKind::Explicit:
      schedule_regular(now);
      return;
  }
}

bool ProvisioningAgent::triggers_allow(AgentClock now) {
  refresh_timers(now);
  bool any_set = false;
  for (std::string_view name :
       {std::string_view("Resync_Trigger_1"), std::string_view("Resync_Trigger_2")}) {
    const std::string_view trigger = text(name);
    if (is_blank(trigger)) {
      continue;
    }
    any_set = true;
    auto holds = evaluate_condition(expand_macros(trigger, macros_));
    if (!holds) {
      trace(Severity::Warning, "trigger_error",
            {{"trigger", std::string(name)}, {"error", holds.error().to_string()}});
      continue;
    }
    if (*holds) {
      return true;
    }
  }
  return !any_set;
}

bool ProvisioningAgent::polls_triggers() const {
  if (settings_.flavor != FirmwareFlavor::Spa || running_ ||
      (pending_ && (pending_->waiting_since || pending_->kind == ScheduleKind::Explicit)) ||
      !boolean("Provision_Enable")) {
    return false;
  }
  return !is_blank(text("Resync_Trigger_1")) || !is_blank(text("Resync_Trigger_2"));
}

void ProvisioningAgent::poll_triggers(AgentClock now) {
  if (!polls_triggers() || now.monotonic < next_trigger_poll_) {
    return;
  }
  next_trigger_poll_ = now.monotonic + seconds(kTriggerPollIntervalS);
  if (!triggers_allow(now)) {
    return;
  }
  trace(Severity::Info, "trigger_fired", {});
  Pending pending;
  pending.reason = ResyncReason::Periodic;
  pending.kind = ScheduleKind::Periodic;
  pending.due = now.monotonic;
  schedule(std::move(pending), now);
  run_due(now);
}

bool ProvisioningAgent::lines_allow(AgentClock now, const Pending& pending) const {
  assert(pending.waiting_since);
  const Instant due_since = *pending.waiting_since;
  if (lines_idle_since_) {
    if (*lines_idle_since_ <= due_since) {
      return true;  // idle when it became due: no call to protect
    }
    if (now.monotonic >= *lines_idle_since_ + seconds(settings_.line_idle_before_resync_s)) {
      return true;
    }
  }
  return now.monotonic >= due_since + seconds(integer("Forced_Resync_Delay"));
}

void ProvisioningAgent::run_due(AgentClock now) {
  // A custom CA fetch or an upgrade holds the transport; the resync starts when it ends.
  if (running_ || upgrade_running_ || custom_ca_fetch_id_ != 0 || headset_fetch_id_ != 0 ||
      activation_fetch_id_ != 0 || !pending_ || now.monotonic < pending_->due) {
    return;
  }
  if (!boolean("Provision_Enable")) {
    trace(Severity::Info, "resync_skipped",
          {{"kind", std::string(to_string(pending_->kind))}, {"why", "Provision_Enable is No"}});
    const Pending skipped = *pending_;
    rearm_skipped(now, skipped);
    return;
  }
  if (!pending_->waiting_since) {
    // It became due just now: the triggers gate scheduled resyncs once, at this moment.
    if (pending_->kind != ScheduleKind::Explicit && !triggers_allow(now)) {
      trace(Severity::Info, "resync_skipped",
            {{"kind", std::string(to_string(pending_->kind))}, {"why", "no trigger true"}});
      const Pending skipped = *pending_;
      rearm_skipped(now, skipped);
      return;
    }
    pending_->waiting_since = now.monotonic;
  }
  if (!lines_allow(now, *pending_)) {
    if (pending_->waiting_since == now.monotonic) {
      trace(Severity::Info, "resync_deferred",
            {{"kind", std::string(to_string(pending_->kind))}, {"why", "line busy"}});
    }
    return;
  }
  Pending pending = std::move(*pending_);
  pending_.reset();
  start_resync(now, std::move(pending));
}

void ProvisioningAgent::update_next_status() {
  status_.next_upgrade_check.reset();
  if (upgrade_pending_) {
    status_.next_upgrade_check = upgrade_deadline();
  }
  if (!pending_) {
    status_.next.reset();
    return;
  }
  NextResync next;
  next.kind = pending_->kind;
  next.waiting_for_idle_lines = pending_->waiting_since.has_value();
  next.at = pending_deadline();
  status_.next = next;
}

// --- The resync -------------------------------------------------------------------------------

void ProvisioningAgent::refresh_timers(AgentClock now) {
  macro_state_.resync_age_s =
      whole_seconds(now.monotonic - last_attempt_at_.value_or(power_on_at_));
  macro_state_.upgrade_age_s =
      whole_seconds(now.monotonic - last_upgrade_attempt_at_.value_or(power_on_at_));
}

void ProvisioningAgent::start_resync(AgentClock now, Pending pending) {
  trace(Severity::Info, "resync_start",
        {{"reason", std::string(to_string(pending.reason))},
         {"kind", std::string(to_string(pending.kind))}});
  Running running;
  running.reason = pending.reason;
  running.one_shot_rule = std::move(pending.one_shot_rule);
  running.started_at = now.monotonic;
  running_ = std::move(running);
  macro_state_.resync_reason = static_cast<int>(running_->reason);
  macro_state_.result.clear();
  status_.resync_running = true;
  next_rule(now);
}

std::string ProvisioningAgent::rule_text(std::size_t index) const {
  if (running_->one_shot_rule) {
    return *running_->one_shot_rule;
  }
  return std::string(text(kProfileRuleNames[index]));
}

void ProvisioningAgent::apply_assignments(const std::vector<RuleAssignment>& assignments) {
  if (assignments.empty()) {
    return;
  }
  ConfigDraft draft(store_);
  std::size_t changed = 0;
  for (const RuleAssignment& assignment : assignments) {
    auto id = store_.registry().find(assignment.name);
    if (!id) {
      trace(Severity::Warning, "assignment_skipped",
            {{"parameter", assignment.name}, {"why", "unknown parameter"}});
      continue;
    }
    const std::string before(draft.value(*id));
    if (auto set = draft.set_value(*id, assignment.value); !set) {
      // The detail masks secret values (ConfigDraft::set_value).
      trace(Severity::Warning, "assignment_skipped",
            {{"parameter", assignment.name}, {"why", set.error().to_string()}});
      continue;
    }
    if (draft.value(*id) != before) {
      ++changed;
    }
  }
  store_.replace(draft.build());
  announce_changes(changed);
}

void ProvisioningAgent::refresh_dhcp_option_order() {
  if (dhcp_option_order_revision_ == store_.revision()) return;
  auto order = store_.integer_list(*store_.registry().find("DHCP_Option_To_Use"));
  servers_.dhcp_option_order.assign(order.begin(), order.end());
  dhcp_option_order_revision_ = store_.revision();
}

void ProvisioningAgent::next_rule(AgentClock now) {
  const std::size_t rule_count = running_->one_shot_rule ? 1 : kProfileRuleCount;
  refresh_dhcp_option_order();
  while (running_->rule_index < rule_count) {
    const std::size_t index = running_->rule_index;
    if (!boolean("Provision_Enable")) {
      // A profile of this sequence (or the admin) turned provisioning off: fetch nothing more.
      // What was applied stays; the resync ends as a success.
      trace(Severity::Info, "resync_stopped", {{"why", "Provision_Enable is No"}});
      break;
    }
    refresh_timers(now);
    auto resolved = resolve_rule(RuleKind::Profile, rule_text(index), macros_, servers_);
    if (!resolved) {
      resync_failed(now, resolved.error());
      return;
    }
    if (resolved->outcome == RuleOutcome::Skipped) {
      if (tracing(Severity::Debug, "rule_skipped")) {
        trace(Severity::Debug, "rule_skipped",
              {{"rule", std::to_string(index)},
               {"why", std::string(skip_reason_name(resolved->skip_reason))}});
      }
      ++running_->rule_index;
      continue;
    }
    apply_assignments(resolved->assignments);
    if (resolved->outcome == RuleOutcome::AssignmentsOnly) {
      ++running_->rule_index;
      continue;
    }
    const ProvisioningUrl& url = *resolved->url;
    if (url.scheme == UrlScheme::Gds) {
      activation_required(now, url);  // ends the resync: nothing to fetch until a code is entered
      return;
    }
    macro_state_.url = url;
    macro_state_.server_ip = url.host;
    running_->key = resolved->options.key;
    running_->fetch_id = next_fetch_id_++;
    send_syslog("Log_Request_Msg", SyslogSeverity::Informational);
    trace(Severity::Info, "fetch",
          {{"id", std::to_string(running_->fetch_id)},
           {"rule", std::to_string(index)},
           {"url", url.to_string()},
           // Present or absent, never the value: --uid may hold an expanded $SA..$SD too.
           {"key", resolved->options.key ? std::string(kSecretMask) : std::string()},
           {"uid", resolved->options.uid ? std::string(kSecretMask) : std::string()},
           {"pwd", resolved->options.pwd ? std::string(kSecretMask) : std::string()}});
    request_fetch(running_->fetch_id, FetchPurpose::Profile, url, resolved->options);
    return;
  }
  resync_succeeded(now);
}

void ProvisioningAgent::on_fetch_completed(AgentClock now, const FetchCompleted& event) {
  if (custom_ca_fetch_id_ != 0 && event.fetch_id == custom_ca_fetch_id_) {
    on_custom_ca_fetched(now, event);
    return;
  }
  if (activation_fetch_id_ != 0 && event.fetch_id == activation_fetch_id_) {
    on_activation_replied(now, event);
    return;
  }
  if (!running_ || running_->fetch_id == 0 || event.fetch_id != running_->fetch_id) {
    trace(Severity::Warning, "fetch_result_ignored",
          {{"id", std::to_string(event.fetch_id)}, {"why", "no such fetch in progress"}});
    return;
  }
  running_->fetch_id = 0;
  if (!event.server_ip.empty()) {
    macro_state_.server_ip = event.server_ip;
  }
  if (!event.body) {
    const Error& error = event.body.error();
    if (error.code == ErrorCode::FileNotFound && !boolean("Resync_Fails_On_FNF")) {
      trace(Severity::Info, "file_not_found_accepted",
            {{"rule", std::to_string(running_->rule_index)}});
      rule_succeeded(now);
      return;
    }
    resync_failed(now, error);
    return;
  }
  // The rule's --key serves this download only.
  const std::optional<std::string> key = std::exchange(running_->key, std::nullopt);
  // A stored rule remembers what it applied (one_shot_rule: an explicit URL, not remembered).
  AppliedProfile* remembered =
      running_->one_shot_rule ? nullptr : &applied_profiles_[running_->rule_index];
  ProfileFingerprint fingerprint{};
  bool unchanged = false;
  if (remembered != nullptr) {
    fingerprint = profile_fingerprint(*event.body, key);
    unchanged = remembered->valid && remembered->fingerprint == fingerprint &&
                remembered->store_revision == store_.revision();
    if (!unchanged) remembered->valid = false;
  }
  std::size_t changed = 0;
  std::size_t unknown = unchanged ? remembered->unknown : 0;
  std::size_t invalid = unchanged ? remembered->invalid : 0;
  if (!unchanged) {
    ProfileLimits limits;
    limits.xml_parser = settings_.xml_parser;
    auto applied = apply_downloaded_profile(store_, decoder_, *event.body, key,
                                            settings_.key_derivation, limits);
    if (!applied) {
      resync_failed(now, applied.error());
      return;
    }
    changed = applied->changes.size();
    unknown = applied->unknown_elements.count;
    invalid = applied->invalid_values.count;
    if (remembered != nullptr) *remembered = AppliedProfile{fingerprint, store_.revision(), unknown, invalid, true};
  }
  if (tracing(Severity::Info, "profile_applied")) {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"rule", std::to_string(running_->rule_index)},
        {"bytes", std::to_string(event.body->size())},
        {"changed", std::to_string(changed)},
        {"unknown", std::to_string(unknown)},
        {"invalid", std::to_string(invalid)}};
    if (unchanged) fields.emplace_back("unchanged", "yes");
    trace(Severity::Info, "profile_applied", std::move(fields));
  }
  announce_changes(changed);
  rule_succeeded(now);
}

void ProvisioningAgent::record_rule(AgentClock now, bool success, std::string error) {
  if (running_->one_shot_rule) {
    return;  // a one-shot rule is none of the four stored rules
  }
  RuleStatus& rule = status_.rules[running_->rule_index];
  rule.last_time = now.wall;
  rule.last_success = success;
  rule.last_error = std::move(error);
  if (macro_state_.url) {
    rule.last_url = macro_state_.url->to_string();
  }
}

void ProvisioningAgent::rule_succeeded(AgentClock now) {
  record_rule(now, true, {});
  if (macro_state_.url) {
    servers_.last_resync_host = macro_state_.url->host;  // Upgrade_Rule's fallback server
  }
  send_syslog("Log_Success_Msg", SyslogSeverity::Informational);
  ++running_->rule_index;
  next_rule(now);
}

void ProvisioningAgent::resync_failed(AgentClock now, const Error& error) {
  macro_state_.result = std::string(error.err_text());
  record_rule(now, false, macro_state_.result);
  trace(Severity::Warning, "resync_failed",
        {{"rule", std::to_string(running_->rule_index)},
         {"error", std::string(error_name(error.code))},
         {"detail", error.detail}});
  send_syslog("Log_Failure_Msg", SyslogSeverity::Warning);
  ++status_.consecutive_failures;
  finish(now, false, macro_state_.result);
  if (pending_ && pending_->kind == ScheduleKind::Explicit) {
    run_due(now);  // a request that arrived during the resync
  } else {
    const Schedule retry = schedule_value("Resync_Error_Retry_Delay");
    if (error.retry_class() == RetryClass::NoRetry || retry.disabled()) {
      schedule_regular(now);
    } else {
      Pending pending;
      pending.reason = ResyncReason::Retry;
      pending.kind = ScheduleKind::Retry;
      pending.due = now.monotonic +
                    seconds(schedule_delay_s(retry, status_.consecutive_failures - 1, random_));
      schedule(std::move(pending), now);
    }
  }
  upgrade_after_resync(now);
}

void ProvisioningAgent::resync_succeeded(AgentClock now) {
  status_.consecutive_failures = 0;
  status_.succeeded_once = true;
  finish(now, true, {});
  if (pending_ && pending_->kind == ScheduleKind::Explicit) {
    run_due(now);
  } else {
    schedule_regular(now);
  }
  upgrade_after_resync(now);
}

void ProvisioningAgent::finish(AgentClock now, bool success, std::string error) {
  trace(success ? Severity::Info : Severity::Warning, "resync_done",
        {{"reason", std::string(to_string(running_->reason))},
         {"result", success ? "success" : "failure"},
         {"error", error}});
  ResyncOutcome outcome;
  outcome.at = now.monotonic;
  outcome.wall = now.wall;
  outcome.reason = running_->reason;
  outcome.success = success;
  outcome.error = std::move(error);
  status_.recent.push_front(std::move(outcome));
  if (status_.recent.size() > kRecentOutcomesMax) {
    status_.recent.pop_back();
  }
  status_.resync_running = false;
  last_attempt_at_ = running_->started_at;
  running_.reset();
  mark_report_baseline();
  custom_ca_after_resync(now);
  headset_after_resync(now);
  mic_plan(now);  // a profile may have switched MIC_Cert_Refresh_Enable on
}

// --- Outputs ----------------------------------------------------------------------------------

void ProvisioningAgent::request_fetch(std::uint64_t id, FetchPurpose purpose,
                                      const ProvisioningUrl& url, const RuleOptions& options) {
  FetchAction fetch;
  fetch.id = id;
  fetch.purpose = purpose;
  fetch.url = url;
  fetch.user = options.uid;
  fetch.password = options.pwd;
  actions_.emplace_back(std::move(fetch));
}

void ProvisioningAgent::send_syslog(std::string_view template_parameter, SyslogSeverity severity) {
  const std::string_view message_template = text(template_parameter);
  if (is_blank(message_template)) {
    return;  // an empty template means: no message (guide)
  }
  if (is_blank(text("Syslog_Server")) && is_blank(text("Debug_Server"))) {
    return;  // nowhere to send it: skip the expansion (most of a message's cost)
  }
  // Secrets stay literal (SecretPolicy::Keep): a template naming $SA cannot leak it.
  send_syslog_message(expand_macros(message_template, macros_), severity);
}

void ProvisioningAgent::send_syslog_message(std::string message, SyslogSeverity severity) {
  std::optional<SyslogDestination> destinations[2] = {
      parse_syslog_destination(text("Syslog_Server")),
      parse_syslog_destination(text("Debug_Server"))};
  if (destinations[1] && destinations[0] == destinations[1]) {
    destinations[1].reset();
  }
  if (!destinations[0] && !destinations[1]) {
    return;
  }
  std::string identifier;
  auto identifier_id = store_.registry().find("Syslog_Identifier");
  assert(identifier_id);
  if (store_.enumeration(*identifier_id) != 0) {
    identifier = expand_macros(store_.value(*identifier_id), macros_);
  }
  for (auto& destination : destinations) {
    if (destination) {
      actions_.emplace_back(SyslogAction{std::move(*destination), severity, identifier, message});
    }
  }
}

bool ProvisioningAgent::tracing(Severity severity, std::string_view event) const {
  const std::span<const std::string_view> wanted = settings_.trace_events;
  return wanted.empty() || severity >= Severity::Warning ||
         std::find(wanted.begin(), wanted.end(), event) != wanted.end();
}

void ProvisioningAgent::trace(Severity severity, std::string event,
                              std::vector<std::pair<std::string, std::string>> fields) {
  if (!tracing(severity, event)) return;
  actions_.emplace_back(TraceAction{severity, "agent", std::move(event), std::move(fields)});
}

void ProvisioningAgent::announce_changes(std::size_t changed) {
  if (changed > 0) {
    actions_.emplace_back(ConfigChanged{changed});
  }
}

}  // namespace fw
