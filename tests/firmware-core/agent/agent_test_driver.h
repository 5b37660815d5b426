#pragma once

// A small driver for ProvisioningAgent tests: it owns the phone's clocks, loops
// poll_action()/next_deadline() and answers fetches from a map of URL -> bytes or error after a
// fixed latency. Times are whole seconds since power-on; the wall clock starts at a fixed date.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/config/profile_apply.h"

namespace fw::agent_test {

// 2024-10-04 00:00:00 UTC: a day boundary, so wall times read as time of day.
inline constexpr std::int64_t kWallDayStart = 20'000 * 86'400;

inline Bytes profile_xml(std::string_view body) {
  return to_bytes("<flat-profile>" + std::string(body) + "</flat-profile>");
}

struct FetchRecord {
  std::int64_t at_s = 0;
  std::string url;
  int prvst = 0;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<Bytes> post_body;  // set for POSTs (activation requests)
};

struct InstallRecord {
  std::int64_t at_s = 0;
  std::string version;
  std::size_t bytes = 0;
};

struct SyslogRecord {
  std::int64_t at_s = 0;
  SyslogAction action;
};

class AgentDriver {
 public:
  explicit AgentDriver(std::uint64_t seed = 1, AgentSettings settings = {})
      : agent_(identity_, store_, decoder_, seed, settings) {
    identity_.mac = {0x00, 0x0e, 0x08, 0xab, 0xcd, 0xef};
    identity_.serial_number = "88012BA01234";
    identity_.product_name = "CP-78xx-3PCC";
    identity_.product_series = "7861";
    identity_.software_version = "sip78xx.11-3-2MPP0001-609";
    identity_.ip_address = "192.168.1.100";
    // Quiet defaults for schedule tests: no random power-up delay. Tests set what they test.
    set("Resync_Random_Delay", "0");
  }

  void set(std::string_view name, std::string_view value) {
    auto changed = set_parameter(store_, name, value);
    ASSERT_TRUE(changed) << name << ": " << changed.error().to_string();
  }
  std::string value(std::string_view name) const {
    return std::string(store_.value(*store_.registry().find(name)));
  }

  // Serves `url` (as ProvisioningUrl::to_string() prints it) with these bytes or this error.
  void serve(const std::string& url, Bytes body) { files_.insert_or_assign(url, std::move(body)); }
  void serve(const std::string& url, ErrorCode error) {
    files_.insert_or_assign(url, Result<Bytes>(fail(error, "test server")));
  }
  void serve_xml(const std::string& url, std::string_view body) { serve(url, profile_xml(body)); }
  // Serves `url` with this HTTP status and body (http and https URLs answer 200 otherwise).
  void serve_status(const std::string& url, unsigned status, Bytes body) {
    serve(url, std::move(body));
    statuses_[url] = status;
  }
  // The identity the agent runs with (change it before power_on()).
  PhoneIdentity& identity() { return identity_; }
  // The transport reports this address ($SERVIP) for fetches of `url`.
  void answer_from_address(const std::string& url, std::string ip) {
    server_ips_[url] = std::move(ip);
  }

  AgentClock clock() const {
    return {Instant::from_seconds(now_s_), WallTime{wall_base_s_ + now_s_ + wall_step_s_}};
  }
  std::int64_t now_s() const { return now_s_; }
  // Wall clock reading at power-on (defaults to midnight of kWallDayStart).
  void set_wall_at_power_on(std::int64_t unix_s) { wall_base_s_ = unix_s; }
  std::int64_t wall_s() const { return clock().wall.unix_seconds; }

  void power_on(DhcpOptions dhcp = {}) { send(PowerOn{std::move(dhcp)}); }
  void send(const AgentEvent& event) {
    agent_.handle(clock(), event);
    drain();
  }
  void step_wall_clock(std::int64_t delta_s) {
    wall_step_s_ += delta_s;
    send(WallClockStepped{});
  }

  // Advances time to `until_s`, firing deadlines and completing fetches on the way.
  void run_until(std::int64_t until_s) {
    drain();
    for (;;) {
      std::int64_t next = INT64_MAX;
      const Instant deadline = agent_.next_deadline();
      if (deadline != Instant::never()) {
        next = whole_seconds_ceil(deadline);
      }
      if (in_flight_) {
        next = std::min(next, in_flight_->done_s);
      }
      if (next > until_s) {
        now_s_ = std::max(now_s_, until_s);
        return;
      }
      now_s_ = std::max(now_s_, next);
      if (in_flight_ && in_flight_->done_s <= now_s_) {
        complete_fetch();
      } else {
        agent_.handle_deadline(clock());
        drain();
      }
      if (++steps_ > kStepsMax) {
        ADD_FAILURE() << "the agent does not settle";
        return;
      }
    }
  }
  void run_for(std::int64_t span_s) { run_until(now_s_ + span_s); }

  ProvisioningAgent& agent() { return agent_; }
  const AgentStatus& status() const { return agent_.status(); }
  ConfigStore& store() { return store_; }
  const std::vector<FetchRecord>& fetches() const { return fetches_; }
  std::vector<std::int64_t> fetch_times() const {
    std::vector<std::int64_t> times;
    for (const auto& fetch : fetches_)
      times.push_back(fetch.at_s);
    return times;
  }
  const std::vector<SyslogRecord>& syslog() const { return syslog_; }
  std::vector<std::string> syslog_messages() const {
    std::vector<std::string> messages;
    for (const auto& record : syslog_)
      messages.push_back(record.action.message);
    return messages;
  }
  const std::vector<TraceAction>& traces() const { return traces_; }
  std::size_t trace_count(std::string_view event) const {
    return static_cast<std::size_t>(std::count_if(
        traces_.begin(), traces_.end(), [&](const TraceAction& t) { return t.event == event; }));
  }
  const std::vector<RebootAction>& reboots() const { return reboots_; }
  const std::vector<InstallRecord>& installs() const { return installs_; }
  // Firmware installs answer with this error (a flash failure) instead of success.
  void fail_installs(std::optional<ErrorCode> error) { install_error_ = error; }
  // The URLs fetched with this purpose, with their times.
  std::vector<std::int64_t> fetch_times(std::string_view url) const {
    std::vector<std::int64_t> times;
    for (const auto& fetch : fetches_)
      if (fetch.url == url)
        times.push_back(fetch.at_s);
    return times;
  }
  std::size_t config_changes() const { return config_changes_; }
  bool fetch_in_flight() const { return in_flight_.has_value(); }
  // Every UploadAction so far; the test answers each with complete_upload().
  const std::vector<UploadAction>& uploads() const { return uploads_; }
  void complete_upload(std::uint64_t id, Result<void> result = {}) {
    send(UploadCompleted{id, std::move(result), "192.168.1.200"});
  }

  // Seconds each fetch takes before its answer arrives.
  void set_fetch_latency(std::int64_t latency_s) { latency_s_ = latency_s; }
  // Called for every action, for property checks.
  std::function<void(const AgentAction&)> on_action;

 private:
  static constexpr int kStepsMax = 200'000;

  struct InFlight {
    std::uint64_t id;
    std::string url;
    std::int64_t done_s;
  };

  static std::int64_t whole_seconds_ceil(Instant at) {
    const std::int64_t ns = at.nanoseconds();
    return ns / 1'000'000'000 + (ns % 1'000'000'000 > 0 ? 1 : 0);
  }

  void drain() {
    while (auto action = agent_.poll_action()) {
      if (on_action)
        on_action(*action);
      if (auto* fetch = std::get_if<FetchAction>(&*action)) {
        EXPECT_FALSE(in_flight_) << "two fetches at once";
        fetches_.push_back({now_s_, fetch->url.to_string(), agent_.macro_state().resync_reason,
                            fetch->user, fetch->password, fetch->post_body});
        in_flight_ = InFlight{fetch->id, fetch->url.to_string(), now_s_ + latency_s_};
      } else if (auto* syslog = std::get_if<SyslogAction>(&*action)) {
        syslog_.push_back({now_s_, *syslog});
      } else if (auto* trace = std::get_if<TraceAction>(&*action)) {
        traces_.push_back(*trace);
      } else if (auto* reboot = std::get_if<RebootAction>(&*action)) {
        reboots_.push_back(*reboot);
      } else if (std::get_if<ConfigChanged>(&*action)) {
        ++config_changes_;
      } else if (auto* install = std::get_if<InstallFirmwareAction>(&*action)) {
        installs_.push_back({now_s_, install->version, install->image.size()});
        FirmwareInstalled installed;
        installed.install_id = install->id;
        if (install_error_) {
          installed.result = fail(*install_error_, "test flash");
        }
        install_answer_ = std::move(installed);
      } else if (auto* upload = std::get_if<UploadAction>(&*action)) {
        uploads_.push_back(*upload);
      }
    }
    if (install_answer_) {
      FirmwareInstalled installed = std::move(*install_answer_);
      install_answer_.reset();
      agent_.handle(clock(), installed);
      drain();
      return;
    }
    if (in_flight_ && in_flight_->done_s <= now_s_) {
      complete_fetch();
    }
  }

  void complete_fetch() {
    InFlight done = *in_flight_;
    in_flight_.reset();
    FetchCompleted completed;
    completed.fetch_id = done.id;
    if (auto ip = server_ips_.find(done.url); ip != server_ips_.end()) {
      completed.server_ip = ip->second;
    }
    auto file = files_.find(done.url);
    if (file == files_.end()) {
      completed.body = fail(ErrorCode::FileNotFound, "test server: no " + done.url);
    } else {
      completed.body = file->second;
      if (auto status = statuses_.find(done.url); status != statuses_.end()) {
        completed.http_status = status->second;
      } else if (done.url.starts_with("http")) {
        completed.http_status = 200;
      }
    }
    agent_.handle(clock(), completed);
    drain();
  }

  PhoneIdentity identity_;
  ConfigStore store_;
  ProfileDecoder decoder_;
  ProvisioningAgent agent_;
  std::map<std::string, Result<Bytes>> files_;
  std::map<std::string, std::string> server_ips_;
  std::map<std::string, unsigned> statuses_;
  std::int64_t now_s_ = 0;
  std::int64_t wall_base_s_ = kWallDayStart;
  std::int64_t wall_step_s_ = 0;
  std::int64_t latency_s_ = 0;
  std::optional<InFlight> in_flight_;
  int steps_ = 0;
  std::vector<FetchRecord> fetches_;
  std::vector<SyslogRecord> syslog_;
  std::vector<TraceAction> traces_;
  std::vector<RebootAction> reboots_;
  std::vector<InstallRecord> installs_;
  std::optional<ErrorCode> install_error_;
  std::optional<FirmwareInstalled> install_answer_;
  std::vector<UploadAction> uploads_;
  std::size_t config_changes_ = 0;
};

}  // namespace fw::agent_test
