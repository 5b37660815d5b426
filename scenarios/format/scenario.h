#pragma once

// A scenario as data: the world to build (fleet, servers, network), what happens when
// (timeline) and what must hold (assertions). scenario_loader.h reads it from YAML; the runner
// builds a simulated world from it. The YAML reference is scenarios/README.md.
//
// Every element remembers where it was written, so a failed assertion or a bad value names
// file:line.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "firmware-core/runtime/network_address.h"
#include "firmware-core/runtime/time.h"
#include "scenarios/format/quantities.h"
#include "sim/fleet/fleet_activity.h"
#include "sim/fleet/phone_model.h"

namespace scn {

struct SourceLocation {
  std::string file;
  int line = 0;  // 1-based; 0 = unknown
  std::string to_string() const;  // "tftp.yaml:12"
};

// Which phones an event or assertion is about: "all", a group ("lobby"), one phone
// ("lobby[3]"), or a share ("10%", "lobby:10%", drawn from the run's seed).
struct PhoneSelector {
  std::string group;                  // empty: every group
  std::optional<std::uint64_t> index; // one phone of the group
  std::optional<Share> share;         // a seeded subset of that share
  std::string text;                   // as written, for messages
};

enum class Flavor : std::uint8_t { Mpp, Spa };

struct FleetGroup {
  sim::PhoneGroupSpec spec;  // identities and initial parameters (in the order written)
  Flavor flavor = Flavor::Mpp;
  bool md5_only = false;  // key derivation restricted to MD5 (decisions.md)
  // Whether the phones carry a manufacturer certificate (MIC) for mutual TLS; false reproduces
  // phones without one (a server that requires client certificates refuses them).
  bool mic = true;
  std::map<std::uint16_t, std::string> dhcp_options;
  // Line activity (`calls:`): each phone's line busy and idle for the whole run, gaps and
  // lengths drawn per phone from the run's seed, so due resyncs meet busy lines.
  std::optional<sim::CallPattern> calls;
  SourceLocation where;
};

// How a served file is packed on the server (decisions.md order: XML -> gzip -> encrypt).
struct Packing {
  bool gzip = false;
  std::optional<std::string> key;  // a secret: never printed
  std::string digest = "sha256";   // sha256 | md5
};

// The certificate authorities of a run. Phones trust `provisioning` from the factory; `custom`
// only once installed through Custom_CA_Rule or /admin/updateca; `untrusted` never (certificate
// faults swap in its certificates); `self-signed` is no authority (a server certificate signs
// itself).
enum class CertificateIssuer : std::uint8_t { Provisioning, Untrusted, SelfSigned, Custom };

// A firmware image built by sim_firmware_image() (sim/hosting/firmware_files.h).
struct FirmwareImageSpec {
  std::string family;   // sip88xx; default: firmware_family() of the version
  std::string version;  // sip88xx.12-0-2MPP0001-1
};

struct ServedFile {
  // May contain $MA, $MAU, $SN, $PN, $PSN: one file per phone, expanded for each.
  std::string path;
  // Exactly one source: `content:`, `file:` (both read into content), `firmware:` (an image
  // built when the file is installed) or `ca_certificate:` (a run CA's certificate as PEM).
  std::string content;
  std::optional<FirmwareImageSpec> firmware;
  std::optional<CertificateIssuer> ca_certificate;
  Packing packing;  // content and file only
  SourceLocation where;
};

enum class ServerKind : std::uint8_t { Tftp, Http, Https, Syslog };
std::string_view to_string(ServerKind kind);

struct ServerCertificateSpec {
  std::vector<std::string> hosts;                  // DNS names; the server's address is added
  std::optional<fw::WallTime> not_before;          // default: a year before the start
  std::optional<fw::WallTime> not_after;           // default: ten years after the start
  CertificateIssuer issuer = CertificateIssuer::Provisioning;
};

// A concurrency limit with queueing (servers/admission): at most `in_service` connections (TFTP:
// requests) served, `queue` more waiting in FIFO order; past that, HTTP(S) connections are closed
// unread and TFTP requests get ERROR 0 "server busy".
struct ConcurrencyLimitSpec {
  std::uint32_t in_service = 0;
  std::uint32_t queue = 0;
};

// One code of an activation service (servers/activation).
struct ActivationCodeEntry {
  std::string code;  // 16 digits; empty: drawn from the run's seed
  std::string rule;  // handed out as Profile_Rule
  std::optional<fw::Duration> expires;  // after the start; nullopt: never
  std::string mac;                      // 12 hex digits: only this phone; empty: any
  SourceLocation where;
};
// http/https `activation:` — the activation-code service at `path` (POST), its codes and its
// guessing limit.
struct ActivationServiceSpec {
  std::string path = "/activate";
  std::vector<ActivationCodeEntry> codes;
  std::uint32_t failures_max = 5;  // 0: no rate limit
  fw::Duration failure_window = fw::seconds(600);
};

struct ServerSpec {
  std::string name;
  ServerKind kind = ServerKind::Tftp;
  fw::Ipv4Address address;
  std::uint16_t port = 0;  // 0: the kind's default (69, 80, 443, 514)
  std::string host_name;   // optional DNS name pointing at the address
  std::vector<ServedFile> files;
  std::optional<ServerCertificateSpec> certificate;  // https only
  bool require_client_certificate = false;           // https only
  // http/https: the guide's reflect.pl answers GETs of this path (empty: no reflector).
  std::string reflector_path;
  std::optional<ActivationServiceSpec> activation;  // http/https
  std::optional<ConcurrencyLimitSpec> limit;         // tftp, http and https
  // tftp: accept write requests (report uploads); http and https always accept PUT and POST.
  bool uploads = false;
  SourceLocation where;
};

struct NetworkSpec {
  fw::Duration latency = fw::milliseconds(1);
  fw::Duration jitter{0};
  Share loss;
  Share duplicate;
  Share reorder;
  std::uint64_t bandwidth_bytes_per_s = 0;  // 0: unlimited
};

// A fault a server injects (issue #6): applies to a share of requests inside its window.
struct FaultSpec {
  enum class Kind : std::uint8_t { Latency, Drop, Status, Truncate, Corrupt, Stall, Certificate };
  // Certificate (HTTPS servers): what the server presents instead of its own certificate.
  enum class Certificate : std::uint8_t { Expired, WrongHost, Untrusted };
  Kind kind = Kind::Status;
  Share share{Share::kWhole};
  int status = 503;                            // Status
  std::optional<fw::Duration> retry_after;     // Status 503
  fw::Duration latency{0};                     // Latency
  std::uint64_t keep_bytes = 0;                // Truncate: body bytes kept
  std::uint32_t corrupt_bytes = 1;             // Corrupt: bytes flipped
  Certificate certificate = Certificate::Expired;  // Certificate
};

// Faults drawn from the run's seed (`faults: random:`): `count` windows, each of a kind drawn
// from `kinds`, on one of `servers`, starting anywhere in the run and lasting a draw of `window`
// (fixed or uniform). The runner draws the plan before the run and prints it with the rest.
struct RandomFaultsSpec {
  std::uint64_t count = 1;
  std::vector<FaultSpec::Kind> kinds;
  std::vector<std::string> servers;  // empty: every tftp, http and https server
  sim::DurationDistribution window = sim::DurationDistribution::fixed(fw::seconds(300));
  Share share{Share::kWhole};
  SourceLocation where;
};

struct TimelineEvent {
  enum class Kind : std::uint8_t {
    PowerOn, PowerOff, Reboot, ServerDown, ServerUp, SetFile, AdminResync, SipNotify, Call,
    WallClockStep, Fault, ClearFaults, Upgrade, UpdateCa, ActivationCode,
  };
  fw::Duration at{0};
  Kind kind = Kind::PowerOn;
  PhoneSelector phones;
  fw::Duration spread{0};             // PowerOn/PowerOff/Reboot: spread uniformly over this
  std::string server;                 // ServerDown/Up, SetFile, Fault, ClearFaults
  std::optional<ServedFile> file;     // SetFile
  std::optional<std::string> rule;    // AdminResync, Upgrade (one-shot rule); UpdateCa (its URL)
  std::string sip_event;              // SipNotify
  sim::DurationDistribution call_duration;  // Call: drawn per phone
  std::size_t line = 0;               // Call
  fw::Duration step{0};               // WallClockStep
  std::optional<FaultSpec> fault;     // Fault
  fw::Duration fault_for{0};          // Fault: 0 = until cleared
  // ActivationCode: the code typed (a secret: never traced), or the issued code of `server`
  // with this 0-based index.
  std::string activation_code;
  std::optional<std::size_t> issued_code;
  SourceLocation where;
};
std::string_view to_string(TimelineEvent::Kind kind);

struct Assertion {
  enum class Kind : std::uint8_t {
    Parameter,    // phones whose parameter equals a value, as a share
    Converged,    // phones whose last resync succeeded, as a share
    Requests,     // requests a server saw (count range)
    RequestRate,  // peak requests per window at a server
    Syslog,       // syslog messages matching a regex (count range)
    Errors,       // failed resyncs with a given $ERR (count range)
    Sometimes,    // a trace event happened at least once
    Firmware,     // phones running a firmware version, as a share
    Uploads,      // uploads a server stored, by path (count range)
    CustomCa,     // phones with a custom CA installed, as a share
    Activation,   // phones in an activation state, as a share
    Activations,  // requests an activation service answered with an outcome (count range)
  };
  Kind kind = Kind::Converged;
  std::string name;
  std::optional<fw::Duration> by;  // checked at this time; default: the end of the run
  // Requests, RequestRate: only requests at or after this time count (e.g. after a power restore).
  std::optional<fw::Duration> from;
  PhoneSelector phones;
  std::string parameter;           // Parameter
  std::string equals;              // Parameter, Firmware (version), CustomCa (CN; empty: any),
                                   // Activation (state), Activations (outcome)
  Share share_min{Share::kWhole};  // Parameter, Converged, Firmware, CustomCa
  std::string server;              // Requests, RequestRate, Uploads, Syslog (optional)
  // Syslog (regex), Errors ($ERR text), Sometimes (event name), Uploads (path regex; empty: any)
  std::string pattern;
  std::optional<std::uint64_t> at_least;
  std::optional<std::uint64_t> at_most;
  fw::Duration window = fw::seconds(1);  // RequestRate
  SourceLocation where;
};
std::string_view to_string(Assertion::Kind kind);

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  fw::Duration duration = fw::seconds(3600);
  fw::WallTime start{1795478400};  // 2026-11-24T00:00:00Z
  NetworkSpec network;
  std::vector<ServerSpec> servers;
  std::vector<FleetGroup> fleet;
  std::vector<TimelineEvent> timeline;  // sorted by `at` (stable: written order within a time)
  std::vector<Assertion> assertions;
  // Error-severity trace events (by event name) this scenario provokes on purpose; any other
  // error-severity event fails the run (`expect_errors:`).
  std::vector<std::string> expect_errors;
  std::optional<RandomFaultsSpec> random_faults;
  std::string file;  // where it was loaded from

  std::uint64_t phone_count() const;
  const ServerSpec* find_server(std::string_view name) const;
  const FleetGroup* find_group(std::string_view name) const;
};

}  // namespace scn
