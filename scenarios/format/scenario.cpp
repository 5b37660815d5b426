#include "scenarios/format/scenario.h"

namespace scn {

std::string SourceLocation::to_string() const {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

std::string_view to_string(ServerKind kind) {
  switch (kind) {
    case ServerKind::Tftp: return "tftp";
    case ServerKind::Http: return "http";
    case ServerKind::Https: return "https";
    case ServerKind::Syslog: return "syslog";
  }
  return "unknown";
}

std::string_view to_string(TimelineEvent::Kind kind) {
  switch (kind) {
    case TimelineEvent::Kind::PowerOn: return "power_on";
    case TimelineEvent::Kind::PowerOff: return "power_off";
    case TimelineEvent::Kind::Reboot: return "reboot";
    case TimelineEvent::Kind::ServerDown: return "server_down";
    case TimelineEvent::Kind::ServerUp: return "server_up";
    case TimelineEvent::Kind::SetFile: return "set_file";
    case TimelineEvent::Kind::AdminResync: return "admin_resync";
    case TimelineEvent::Kind::SipNotify: return "sip_notify";
    case TimelineEvent::Kind::Call: return "call";
    case TimelineEvent::Kind::WallClockStep: return "wall_clock_step";
    case TimelineEvent::Kind::Fault: return "fault";
    case TimelineEvent::Kind::ClearFaults: return "clear_faults";
    case TimelineEvent::Kind::Upgrade: return "upgrade";
    case TimelineEvent::Kind::UpdateCa: return "update_ca";
    case TimelineEvent::Kind::ActivationCode: return "activation_code";
  }
  return "unknown";
}

std::string_view to_string(Assertion::Kind kind) {
  switch (kind) {
    case Assertion::Kind::Parameter: return "parameter";
    case Assertion::Kind::Converged: return "converged";
    case Assertion::Kind::Requests: return "requests";
    case Assertion::Kind::RequestRate: return "request_rate";
    case Assertion::Kind::Syslog: return "syslog";
    case Assertion::Kind::Errors: return "errors";
    case Assertion::Kind::Sometimes: return "sometimes";
    case Assertion::Kind::Firmware: return "firmware";
    case Assertion::Kind::Uploads: return "uploads";
    case Assertion::Kind::CustomCa: return "custom_ca";
    case Assertion::Kind::Activation: return "activation";
    case Assertion::Kind::Activations: return "activations";
  }
  return "unknown";
}

std::uint64_t Scenario::phone_count() const {
  std::uint64_t total = 0;
  for (const FleetGroup& group : fleet) total += group.spec.count;
  return total;
}

const ServerSpec* Scenario::find_server(std::string_view server_name) const {
  for (const ServerSpec& server : servers) {
    if (server.name == server_name) return &server;
  }
  return nullptr;
}

const FleetGroup* Scenario::find_group(std::string_view group_name) const {
  for (const FleetGroup& group : fleet) {
    if (group.spec.name == group_name) return &group;
  }
  return nullptr;
}

}  // namespace scn
