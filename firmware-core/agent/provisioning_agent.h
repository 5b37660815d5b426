#pragma once

// ProvisioningAgent: when and how the phone resyncs its configuration (reference §5-§7,
// provisioning-methods.de.txt "Grundlagen der Resynchronisierung" and "Ein Gerät automatisch
// resynchronisieren", decisions.md). A sans-IO state machine in the quinn-proto / h11 shape:
//
//   the driver calls         handle(now, event)      for every input (power-on, fetch results,
//                                                    line state, admin and SIP requests, clock
//                                                    steps),
//                            handle_deadline(now)    when next_deadline() is reached,
//   and then drains          poll_action()           until it returns nullopt (fetch a URL, send a
//                                                    syslog message, persist, reboot, trace),
//   and re-arms its timer at next_deadline()         (Instant::never() when nothing is scheduled).
//
// The agent never performs IO: a fetch is an action, and its outcome comes back as a
// FetchCompleted event with the same id. It reads and changes the phone's ConfigStore (a profile
// is applied as one transaction with apply_downloaded_profile()); every change is announced by a
// ConfigChanged action so that the driver persists it.
//
// Behaviour and the decisions taken where the sources leave room:
//
// - One resync at a time. At most one resync is pending (scheduled or waiting for idle lines);
//   a newer explicit request replaces a scheduled one, and one arriving during a resync runs
//   right after it.
// - Power-up: with Provision_Enable and Resync_On_Reset, the first resync runs after
//   Resync_Random_Delay * 20 s drawn uniformly (resync_schedule.h).
// - After a success: the next regular resync is the daily one when Resync_At__HHmm_ is set (it
//   overrides Resync_Periodic), else Resync_Periodic (list entries in turn, the last repeating;
//   armed only once a resync has succeeded; 0 or empty = none).
// - After a failure: Resync_Error_Retry_Delay, indexed by the number of consecutive failures
//   (reset by a success); 0 = no retry, then the next regular resync is scheduled instead. A
//   retry always starts again from Profile_Rule. Errors whose retry class is NoRetry are not
//   retried either (every transport, profile and rule error is Backoff, error_codes.def).
// - The daily resync runs at a random second inside [HHmm, HHmm + window] on the phone's wall
//   clock (HHmm 2400 = midnight), in the first window that opens after the scheduling moment;
//   the window may cross midnight. Even before the first success: it is a time of day, not a
//   timer. After WallClockStepped the same time of day is kept on the new clock (the random
//   point is not drawn again).
// - Gates, checked when a resync becomes due: Provision_Enable = No skips every resync (and
//   refuses explicit requests); Resync_Trigger_1/_2 (flavor mpp) skip a scheduled resync unless
//   a non-empty trigger is true (a trigger that does not evaluate counts as false); explicit
//   requests ignore the triggers. Flavor spa also evaluates the triggers every
//   kTriggerPollIntervalS while no resync runs or waits for the lines, and a true trigger
//   starts a resync as if the periodic timer fired ($PRVST 1; it takes the place of a pending
//   scheduled one). A skipped
//   resync is re-armed as if it had run: the same kind again after its own interval (power-up
//   and periodic after Resync_Periodic, the daily one on the next day, a retry after the
//   current retry delay without advancing the list). A profile that sets Provision_Enable = No
//   ends its sequence: no further rule is fetched, and the resync counts as a success.
// - Lines: a due resync (scheduled or explicit) waits while any line is busy, until all lines
//   have been idle for AgentSettings::line_idle_before_resync_s or Forced_Resync_Delay seconds
//   have passed since it became due, whichever comes first.
// - Rules: Profile_Rule, _B, _C, _D in order (an explicit request may bring a one-shot rule
//   instead); empty, commented-out and condition-less rules are skipped; the first failure
//   aborts the sequence (earlier profiles stay applied). A file-not-found with
//   Resync_Fails_On_FNF = No counts as a success of that rule with nothing applied. A sequence
//   in which every rule was skipped is a success.
// - Unchanged profiles: a stored rule that downloads the very bytes it applied last time (same
//   --key), into a configuration that has not changed since, is not decoded and applied again:
//   the result could only be the same. The trace still says profile_applied, with `unchanged`
//   and the unknown/invalid counts of the first time. A reboot forgets what was applied.
// - Macros: $PRVST (-1 explicit, 0 power-up, 1 periodic or daily, 2 retry), $ERR, $SCHEME,
//   $SERV, $SERVIP, $PORT, $PATH of the current rule. $PRVTMR = seconds since the start of the
//   previous resync attempt (during a resync: the one before it, so rule conditions compare
//   against the last resync, not this one); before the first attempt, seconds since power-on,
//   so that a trigger such as "$PRVTMR ge 600" evaluates (and holds back resyncs for the first
//   ten minutes) instead of failing on an unset timer. $UPGTMR counts from power-on (no upgrade
//   has run). $SERVIP is the host as written until the fetch reports the address it reached.
// - Syslog: Log_Request_Msg before each fetch, Log_Success_Msg after each fetched rule,
//   Log_Failure_Msg once for the failing rule; expanded with the phone's macros (secrets stay
//   literal), empty template = no message; sent to Syslog_Server and to Debug_Server.
// - Secrets: --key values, passwords and GPP_SA..SD never appear in traces, syslog or status.
//   Fetch actions carry --uid/--pwd because the transport needs them; the --key stays inside.
// - Firmware upgrade (provisioning_agent_upgrade.cpp): see the comment block there.
// - Report rule (provisioning_agent_report.cpp; reference §5 "Report rule"): a SIP NOTIFY
//   `report` (when Resync_From_SIP allows) or an AdminReport uploads the configuration to every
//   request of Report_Rule ("[--delta]tftp://s/d.xml [--key K]http://s/f.xml"), one after the
//   other, one attempt each, no retries; it runs beside a resync, not instead of it. A plain
//   request uploads every parameter; --delta only those whose value or access changed since the
//   last resync ended or the phone powered up (the reference: "changes since last
//   resync/reboot/upgrade"). Secrets are uploaded only inside the --key encryption
//   (openssl enc -aes-256-cbc, not gzipped, so `openssl enc -d -aes-256-cbc -k K` gives the
//   XML as the reference says); a plain upload carries kSecretMask instead. TFTP writes (WRQ),
//   HTTP(S) uses HTTP_Report_Method (POST, the SPA behaviour and the default, or PUT). --status
//   (status upload) is not supported: that request is skipped and traced. A request arriving
//   while a report runs is refused (traced). The upload body is never traced.
// - Custom CA (provisioning_agent_custom_ca.cpp; guide "Konfigurieren einer benutzerdefinierten
//   Certificate Authority", reference §7): Custom_CA_Rule is fetched when a resync ends (also a
//   failed one: an https rule may fail until the CA is there) if it differs from the rule last
//   tried since power-on, and at once on AdminUpdateCa
//   (/admin/updateca?URL, or the stored rule without a URL). The file must hold a CA
//   certificate (basicConstraints CA:TRUE); its first certificate is installed with an
//   InstallCustomCa action (the runtime keeps it on flash and trusts it beside the built-in
//   roots). While the CA fetch runs no resync starts (the transport fetches one thing at a
//   time); a request during a resync waits for its end. Status: last success and failure time,
//   the installed certificate's CN ("Not Installed" without one); it survives reboots because the
//   runtime restores it from flash (restore_custom_ca()).
// - Cisco headset upgrade (provisioning_agent_headset.cpp): see the comment block there.
// - MIC renewal (provisioning_agent_mic.cpp; guide "Verlängern des MIC-Zertifikats", reference
//   §8): with MIC_Cert_Refresh_Enable the phone renews its MIC through the SUDI-like service at
//   MIC_Cert_Refresh_Rule; the comment block in that file lists when and how.
// - Activation code (provisioning_agent_activation.cpp; guide "Ihre Telefone für die
//   Onboard-Aktivierung des Aktivierungscodes einrichten", reference §8): see the comment block
//   there and firmware-core/agent/README.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "firmware-core/agent/headset_firmware.h"
#include "firmware-core/agent/phone_macros.h"
#include "firmware-core/agent/profile_fingerprint.h"
#include "firmware-core/agent/syslog_message.h"
#include "firmware-core/base/bytes.h"
#include "firmware-core/base/random_stream.h"
#include "firmware-core/base/result.h"
#include "firmware-core/codec/profile_codec.h"
#include "firmware-core/config/config_store.h"
#include "firmware-core/config/flat_profile.h"
#include "firmware-core/fetch/tls_session.h"
#include "firmware-core/rules/provisioning_server.h"
#include "firmware-core/rules/rule_resolver.h"
#include "firmware-core/runtime/platform.h"
#include "firmware-core/runtime/time.h"

namespace fw {

// Both of the phone's clocks at the moment of a call.
struct AgentClock {
  Instant monotonic;
  WallTime wall;
};

// Where firmware families behave differently (decisions.md).
enum class FirmwareFlavor : std::uint8_t { Mpp, Spa };

// How often the spa flavor evaluates Resync_Trigger_1/_2 (decisions.md: every second).
inline constexpr std::int64_t kTriggerPollIntervalS = 1;

// Most lines a phone has (line index 0..kLinesMax-1).
inline constexpr std::size_t kLinesMax = 16;
// How many resync outcomes the status keeps (the phone's "Provisioning Status 1-3").
inline constexpr std::size_t kRecentOutcomesMax = 3;
// How many profile rules a resync runs (Profile_Rule, _B, _C, _D).
inline constexpr std::size_t kProfileRuleCount = 4;

struct AgentSettings {
  FirmwareFlavor flavor = FirmwareFlavor::Mpp;
  KeyDerivation key_derivation = KeyDerivation::Sha256ThenMd5;
  // How long all lines must have been idle before a deferred resync runs (the guide: the phone
  // should have been idle for a while so that back-to-back calls are not interrupted).
  std::int64_t line_idle_before_resync_s = 60;
  // The XML parser that reads downloaded profiles (flat_profile.h: both give the same store on
  // well-formed XML). `phonesim load` picks pugixml when built in: its phones parse thousands of
  // profiles a second, and the server under test, not the phone's parser, is what it measures.
  XmlParser xml_parser = XmlParser::Tinyxml2;
  // The Debug and Info trace events the agent builds, by name; empty (the default): all of
  // them. Warnings and errors are always built. The names must outlive the agent (a static
  // table). `phonesim load` asks only for the events it measures resyncs by: its phones resync
  // thousands of times a second, and the others (rule_skipped, resync_scheduled,
  // profile_applied, ...) were built only to be dropped.
  std::span<const std::string_view> trace_events;
};

// --- Events -----------------------------------------------------------------------------------

// The phone powered up (or rebooted) and has its address; the DHCP options it learned.
struct PowerOn {
  DhcpOptions dhcp_options;
};
// DHCP renewed or rebound with these options: later rules without a server use them.
struct DhcpRenewed {
  DhcpOptions dhcp_options;
};
// The outcome of the FetchAction with this id: the downloaded bytes, or the transport's error
// (FileNotFound, TftpTimeout, HttpGetFailed, ConnectFailed, DnsFailed, ...). `server_ip` is the
// address the transport reached or tried ($SERVIP); empty if it never got that far.
struct FetchCompleted {
  std::uint64_t fetch_id = 0;
  Result<Bytes> body = Bytes{};
  std::string server_ip;
  // HTTP(S): the reply's status. Only activation requests complete with a non-2xx status (the
  // status is the service's answer); 0 for TFTP.
  unsigned http_status = 0;
};
struct LineBusy {
  std::size_t line = 0;
};
struct LineIdle {
  std::size_t line = 0;
};
// /admin/resync[?rule] or a CGI/Execute "Resync:[rule]" item: resync now, with `rule` (already
// taken out of the query, see rule_from_direct_action_query()) instead of the stored rules.
struct AdminResync {
  std::optional<std::string> rule;
};
// A SIP NOTIFY with this Event header value (resync, check-sync, reboot_now, restart_now,
// report), already authenticated by the SIP stack.
struct SipNotify {
  std::string event;
};
// /admin/updateca?URL: install the custom CA from `url` now (nullopt: from Custom_CA_Rule).
struct AdminUpdateCa {
  std::optional<std::string> url;
};
// An explicit request to upload the configuration per Report_Rule (admin interface, scenario).
struct AdminReport {};
// The outcome of the UploadAction with this id (the transport's error, e.g. TftpTimeout,
// TftpError for a refused write, HttpGetFailed for a refused PUT/POST). `server_ip` as in
// FetchCompleted. `reply`: the body of an HTTP(S) success reply (the renewed MIC).
struct UploadCompleted {
  std::uint64_t upload_id = 0;
  Result<void> result = {};
  std::string server_ip;
  Bytes reply = {};
};
// An explicit request to renew the MIC now (admin interface, scenario), inside or outside the
// renewal window; refused while MIC_Cert_Refresh_Enable is No.
struct AdminRenewMic {};
// The outcome of the InstallMicAction with this id.
struct MicInstalled {
  std::uint64_t install_id = 0;
  Result<void> result;
};
// The wall clock was stepped (NTP, RTC reset); AgentClock::wall is the new reading.
struct WallClockStepped {};
// Parameters were changed outside a resync (admin web page, CLI): re-plan the schedule.
struct ConfigEdited {};

// /admin/upgrade[?rule]: check for a firmware upgrade now, with `rule` (already taken out of the
// query) instead of Upgrade_Rule.
struct AdminUpgrade {
  std::optional<std::string> rule;
};
// The outcome of the InstallFirmwareAction with this id: the image is in the inactive bank and
// that bank is active for the next boot, or the flash's error (nothing switched).
struct FirmwareInstalled {
  std::uint64_t install_id = 0;
  Result<void> result;
};

// A Cisco headset was plugged in (or is plugged in when the phone powers up).
struct HeadsetAttached {
  HeadsetSeries series = HeadsetSeries::S520;
  HeadsetConnection connection = HeadsetConnection::Usb;
  std::string firmware_version;
};
// The headset was unplugged.
struct HeadsetDetached {};
// The user answered the headset upgrade prompt: upgrade now (accept) or later.
struct HeadsetPromptAnswered {
  bool accept = false;
};

// The user typed an activation code on the keypad (phoned: /admin/activate; a scenario's
// activation_code event). The code is a secret: never trace or log it.
struct ActivationCodeEntered {
  std::string code;
};

using AgentEvent = std::variant<PowerOn, DhcpRenewed, FetchCompleted, LineBusy, LineIdle,
                                AdminResync, SipNotify, WallClockStepped, ConfigEdited,
                                AdminUpgrade, FirmwareInstalled, AdminReport, UploadCompleted,
                                AdminUpdateCa, HeadsetAttached, HeadsetDetached,
                                HeadsetPromptAnswered, AdminRenewMic, MicInstalled,
                                ActivationCodeEntered>;

// --- Actions ----------------------------------------------------------------------------------

// Firmware fetches accept images up to kFirmwareImageBytesMax, headset images up to
// kHeadsetImageBytesMax, profiles, CA and headset XML files up to their own limits.
// An Activation fetch POSTs post_body and completes with any HTTP status (FetchCompleted::
// http_status).
enum class FetchPurpose : std::uint8_t {
  Profile, Firmware, CustomCa, HeadsetFile, HeadsetImage, Activation
};

// Download `url` and report the outcome as FetchCompleted{id}.
struct FetchAction {
  std::uint64_t id = 0;
  FetchPurpose purpose = FetchPurpose::Profile;
  ProvisioningUrl url;                  // server filled in; scheme, host, port, path
  std::optional<std::string> user;      // --uid (for HTTP authentication)
  std::optional<std::string> password;  // --pwd: a secret, never log it
  // Set: POST this body (HTTP(S) only) instead of a GET. May hold a secret (the activation
  // code): never trace it.
  std::optional<Bytes> post_body;
  std::string content_type;  // of post_body
};
// Trust `pem` (a verified CA certificate) for HTTPS from now on and keep it across reboots.
struct InstallCustomCa {
  std::string pem;
  std::string common_name;
};

enum class UploadMethod : std::uint8_t { Post, Put };

// Upload `body` to `url` (TFTP write, or HTTP(S) with `method`) and report the outcome as
// UploadCompleted{id}. The body may hold secrets (only when encrypted): never trace it.
struct UploadAction {
  std::uint64_t id = 0;
  ProvisioningUrl url;  // server filled in
  UploadMethod method = UploadMethod::Post;
  Bytes body;
  std::string content_type;
};
// Send one syslog datagram (frame it with format_syslog_frame()).
struct SyslogAction {
  SyslogDestination destination;
  SyslogSeverity severity = SyslogSeverity::Informational;
  std::string identifier;  // expanded Syslog_Identifier; empty for None
  std::string message;
};
// The configuration changed (a profile or a rule's assignments were applied): persist it.
struct ConfigChanged {
  std::size_t changed_parameters = 0;
};
// Restart the phone: cold (SIP reboot_now) or warm (restart_now).
struct RebootAction {
  bool warm = false;
};
// One structured trace event; no field ever holds a secret.
struct TraceAction {
  Severity severity = Severity::Info;
  std::string component;
  std::string event;
  std::vector<std::pair<std::string, std::string>> fields;
};

// Write this verified image into the inactive firmware bank and make that bank the one the next
// boot runs (atomically: a power loss at any moment boots the old or the new image); report the
// outcome as FirmwareInstalled{id}. The agent reboots the phone after a success.
struct InstallFirmwareAction {
  std::uint64_t id = 0;
  std::string version;
  Bytes image;
};

// Write the verified headset image into the attached headset: it runs `version` from now on and
// keeps its own settings.
struct FlashHeadsetAction {
  std::string version;
};

// Store the renewed MIC (a verified certificate and its key) where a factory reset keeps it,
// durably and whole (runtime/mic_store.h), use it from the next boot on, and report the outcome
// as MicInstalled{id}. The key is a secret: never trace it. The agent reboots after a success.
struct InstallMicAction {
  std::uint64_t id = 0;
  std::string certificate_pem;
  std::string key_pem;
  WallTime renewed_at;
};

using AgentAction = std::variant<FetchAction, SyslogAction, ConfigChanged, RebootAction,
                                 TraceAction, InstallFirmwareAction, UploadAction, InstallCustomCa,
                                 FlashHeadsetAction, InstallMicAction>;

// --- Status -----------------------------------------------------------------------------------

// Why a resync runs ($PRVST values).
enum class ResyncReason : std::int8_t { Explicit = -1, PowerUp = 0, Periodic = 1, Retry = 2 };
// Why the next resync is scheduled when it is.
enum class ScheduleKind : std::uint8_t { PowerUp, Periodic, Daily, Retry, Explicit };

std::string_view to_string(ResyncReason reason);
std::string_view to_string(ScheduleKind kind);

struct RuleStatus {
  std::optional<WallTime> last_time;  // when the rule last finished (fetched or failed)
  bool last_success = false;
  std::string last_error;  // $ERR of its last failure; empty after a success
  std::string last_url;    // the URL it last fetched (never holds a key or password)
};

struct ResyncOutcome {
  Instant at;
  WallTime wall;
  ResyncReason reason = ResyncReason::PowerUp;
  bool success = false;
  std::string error;  // $ERR; empty on success
};

struct NextResync {
  Instant at;
  ScheduleKind kind = ScheduleKind::PowerUp;
  bool waiting_for_idle_lines = false;
};

// One upgrade attempt ("Firmware Upgrade Status 1-3"). An attempt is a rule that resolved to a
// URL and was fetched (or failed to resolve); a skipped rule is none.
struct UpgradeOutcome {
  Instant at;
  WallTime wall;
  bool success = false;
  bool installed = false;  // false on success: the image was the running version already
  std::string result;      // success: the image's version; failure: $ERR
  std::string url;         // the fetched URL (never holds a password); empty if none resolved
};

// How many upgrade outcomes the status keeps (newest first).
inline constexpr std::size_t kRecentUpgradesMax = 3;
// The last report upload (each request of Report_Rule counts once).
struct ReportStatus {
  std::optional<WallTime> last_time;
  bool last_success = false;
  std::string last_error;  // $ERR of the last failed upload
  std::string last_url;
  std::uint64_t uploads_succeeded = 0;
  std::uint64_t uploads_failed = 0;
  bool running = false;
};

// The guide's "Custom CA Status" (Benutzerdefinierter CA-Status).
struct CustomCaStatus {
  std::optional<WallTime> last_success;
  std::optional<WallTime> last_failure;
  std::string last_error;    // $ERR of the last failure
  std::string installed_cn;  // CN of the installed certificate; empty: none installed
  bool installed = false;
};

// The Cisco headset upgrade as the phone shows it.
enum class HeadsetUpgradeState : std::uint8_t {
  Absent,       // no headset attached
  Idle,         // attached, no check running, nothing offered
  Checking,     // fetching the headset XML file (or waiting for the transport to do so)
  Prompting,    // a newer version is offered; waiting for the user's answer
  Deferred,     // the user chose "later"; asked again at the next check
  Downloading,  // fetching the image
  Flashing,     // writing the image into the headset
};
std::string_view to_string(HeadsetUpgradeState state);

struct HeadsetStatus {
  HeadsetUpgradeState state = HeadsetUpgradeState::Absent;
  std::optional<HeadsetSeries> series;
  std::optional<HeadsetConnection> connection;
  std::string firmware_version;  // what the attached headset runs
  std::string offered_version;   // the newer version of the last check; empty: none
  std::optional<WallTime> last_check;
  std::string last_error;  // $ERR of the last failed check or upgrade; empty after a success
  std::uint64_t upgrades = 0;  // headset upgrades since power-on
  std::uint64_t prompts = 0;   // prompts shown since power-on
};

// The phone's MIC and what renewing it needs; given by the runtime at boot (set_mic()).
struct MicCredentials {
  std::shared_ptr<const TlsIdentity> identity;  // the MIC in use (factory or renewed); may be null
  CryptoLibrary library;                        // where the new key's randomness comes from
  std::vector<std::string> manufacturer_roots_pem;  // a renewed MIC must chain to one of these
  std::optional<WallTime> renewed_at;  // the MIC in use came from a renewal at this time
};

// The guide's "MIC Cert Refresh Status" (Info > Download Status).
struct MicRefreshStatus {
  std::optional<WallTime> last_attempt;
  std::optional<WallTime> last_success;  // survives the reboot: the stored record's time
  std::optional<WallTime> last_failure;
  std::string last_error;   // $ERR of the last failure
  std::string last_detail;  // why, e.g. "HTTP 410" (never a secret)
  std::size_t consecutive_failures = 0;
  bool running = false;
  std::optional<Instant> next_attempt;  // nullopt: none planned
  // The MIC in use.
  bool installed = false;
  bool renewed = false;  // from a renewal (else the factory MIC)
  std::string common_name;
  std::optional<WallTime> not_after;
};
// "Success <unix s>", "Failed <unix s>: <$ERR>", or "Not attempted": what the status page shows.
std::string mic_refresh_status_text(const MicRefreshStatus& status);

// How long before the MIC's notAfter the phone starts renewing it.
inline constexpr std::int64_t kMicRenewalWindowS = 30 * 86400;
// Delays between failed renewals, by consecutive failures; the last repeats.
inline constexpr std::array<std::int64_t, 5> kMicRenewalRetryDelaysS = {60, 300, 1800, 7200, 86400};

// Activation-code onboarding (Profile_Rule gds://), as the phone's display shows it.
enum class ActivationState : std::uint8_t {
  Idle,          // Profile_Rule is not gds:// (or no resync has reached it since power-on)
  Waiting,       // gds:// reached: waiting for the user to enter a code
  Submitting,    // a code is on its way to the activation service
  Activated,     // the service's rule is stored; provisioning continues from it
  InvalidCode,   // not 16 digits, or refused by the service: the user enters a new code
  RateLimited,   // the service refuses codes from this address for a while
  Failed,        // the service could not be reached or answered badly: enter the code again
  Unsupported,   // the firmware is older than 11-2-3MSR1: upgrade first
};
// "idle", "waiting", "submitting", "activated", "invalid", "rate_limited", "failed",
// "unsupported" (status pages, scenario assertions).
std::string_view to_string(ActivationState state);
// What the phone's display says ("Invalid activation code"); empty for Idle.
std::string_view activation_display_text(ActivationState state);

struct ActivationStatus {
  ActivationState state = ActivationState::Idle;
  std::string last_error;  // $ERR of the last refused or failed submission
  std::optional<WallTime> last_time;  // of the last submission's outcome
  std::uint64_t submissions = 0;      // codes sent to the service since power-on
  std::uint64_t rejected = 0;         // refused locally or by the service
};

struct AgentStatus {
  std::array<RuleStatus, kProfileRuleCount> rules;  // Profile_Rule, _B, _C, _D
  std::deque<ResyncOutcome> recent;                 // newest first, at most kRecentOutcomesMax
  std::optional<NextResync> next;                   // nullopt: nothing scheduled
  bool resync_running = false;
  bool succeeded_once = false;
  std::size_t consecutive_failures = 0;
  // Firmware upgrade.
  std::deque<UpgradeOutcome> recent_upgrades;  // newest first, at most kRecentUpgradesMax
  std::optional<Instant> next_upgrade_check;   // nullopt: none pending
  bool upgrade_running = false;
  std::size_t consecutive_upgrade_failures = 0;
  ReportStatus report;
  ActivationStatus activation;
};

// --- The agent --------------------------------------------------------------------------------

class ProvisioningAgent {
 public:
  // `identity`, `store` and `decoder` must outlive the agent. `seed` seeds the agent's own
  // random stream (derive it per phone with derive_seed()). Nothing happens before PowerOn.
  ProvisioningAgent(const PhoneIdentity& identity, ConfigStore& store, ProfileDecoder& decoder,
                    std::uint64_t seed, AgentSettings settings = {});

  // Feeds one event. Call with the clocks at the moment of the event; then drain poll_action()
  // and re-read next_deadline(). Events before PowerOn are ignored; a FetchCompleted whose id is
  // not the fetch in progress is ignored (traced).
  void handle(AgentClock now, const AgentEvent& event);
  // Call when the monotonic clock reaches next_deadline() (calling early or late is harmless:
  // only what is due runs).
  void handle_deadline(AgentClock now);

  // The next action to perform, oldest first; nullopt when there is none.
  std::optional<AgentAction> poll_action();
  // When handle_deadline() must be called next; Instant::never() when nothing is scheduled.
  Instant next_deadline() const;

  // What the admin status page and scenarios show.
  const AgentStatus& status() const { return status_; }
  // The custom CA's status; kept across power-ons (the certificate is on flash).
  const CustomCaStatus& custom_ca_status() const { return custom_ca_status_; }
  // Call at boot when a custom CA certificate was restored from flash.
  void restore_custom_ca(std::string common_name);

  // The headset upgrade's status.
  const HeadsetStatus& headset_status() const { return headset_status_; }
  // Call at boot, before PowerOn: the MIC in use and the manufacturer roots (MIC renewal).
  void set_mic(MicCredentials credentials);
  // The MIC renewal status; the last success survives reboots (set_mic()).
  const MicRefreshStatus& mic_refresh_status() const { return mic_status_; }

  // The macro state, as rules and templates currently see it.
  const ProvisioningMacroState& macro_state() const { return macro_state_; }

 private:
  struct Pending {
    ResyncReason reason = ResyncReason::PowerUp;
    ScheduleKind kind = ScheduleKind::PowerUp;
    Instant due;
    std::optional<std::string> one_shot_rule;
    // Daily resyncs: the random point inside the window, to re-place them after a clock step.
    std::int64_t daily_offset_s = 0;
    // Set once it is due but waits for idle lines: since when it waits.
    std::optional<Instant> waiting_since;
  };
  struct Running {
    ResyncReason reason = ResyncReason::PowerUp;
    std::optional<std::string> one_shot_rule;
    std::size_t rule_index = 0;  // into the rule list (0 for a one-shot rule)
    std::uint64_t fetch_id = 0;
    Instant started_at;
    std::optional<std::string> key;  // the current rule's --key
    bool fetched_any = false;
  };

  void on_power_on(AgentClock now, const PowerOn& event);
  void on_fetch_completed(AgentClock now, const FetchCompleted& event);
  void on_line(AgentClock now, std::size_t line, bool busy);
  void on_explicit(AgentClock now, std::optional<std::string> rule, std::string_view source);
  void on_sip_notify(AgentClock now, const SipNotify& event);
  void on_wall_clock_stepped(AgentClock now);
  void on_config_edited(AgentClock now);
  // servers_.dhcp_option_order from DHCP_Option_To_Use, read again only after a config change.
  void refresh_dhcp_option_order();

  // Scheduling.
  void schedule(Pending pending, AgentClock now);
  void schedule_regular(AgentClock now);
  std::optional<Pending> daily_resync(AgentClock now);
  // nullopt when Resync_At__HHmm_ is empty.
  std::optional<Instant> daily_due(AgentClock now, std::int64_t offset_s) const;
  void rearm_skipped(AgentClock now, const Pending& skipped);
  void run_due(AgentClock now);
  bool lines_allow(AgentClock now, const Pending& pending) const;
  // When the pending resync needs attention: its due time, or while it waits for the lines the
  // forced limit or the end of the idle wait. Requires pending_.
  Instant pending_deadline() const;
  bool triggers_allow(AgentClock now);
  bool polls_triggers() const;
  void poll_triggers(AgentClock now);
  void update_next_status();
  Instant resync_deadline() const;

  // The resync itself.
  void start_resync(AgentClock now, Pending pending);
  void next_rule(AgentClock now);
  void apply_assignments(const std::vector<RuleAssignment>& assignments);
  std::string rule_text(std::size_t index) const;
  void rule_succeeded(AgentClock now);
  void record_rule(AgentClock now, bool success, std::string error);
  void resync_failed(AgentClock now, const Error& error);
  void resync_succeeded(AgentClock now);
  void finish(AgentClock now, bool success, std::string error);

  // Report rule (provisioning_agent_report.cpp).
  void on_report_request(AgentClock now, std::string_view source);
  void on_upload_completed(AgentClock now, const UploadCompleted& event);
  // The configuration --delta compares against: taken at power-on and when a resync ends.
  void mark_report_baseline();
  void start_next_upload();
  void record_upload(AgentClock now, bool success, std::string error);

  // Custom CA (provisioning_agent_custom_ca.cpp).
  void on_update_ca_request(AgentClock now, std::optional<std::string> url);
  void custom_ca_after_resync(AgentClock now);
  void start_custom_ca_fetch(AgentClock now, const std::string& rule);
  void on_custom_ca_fetched(AgentClock now, const FetchCompleted& event);
  void custom_ca_failed(AgentClock now, const Error& error);

  // Activation code (provisioning_agent_activation.cpp).
  void activation_required(AgentClock now, const ProvisioningUrl& url);
  void on_activation_code(AgentClock now, const ActivationCodeEntered& event);
  void on_activation_replied(AgentClock now, const FetchCompleted& event);
  // The accepted reply's parameters applied as one transaction; the number changed.
  Result<std::size_t> apply_activation_reply(ByteSpan body);
  void activation_refused(AgentClock now, ActivationState state, const Error& error);
  std::uint64_t activation_fetch_id_ = 0;  // the submission in flight (0: none)

  // Outputs.
  void refresh_timers(AgentClock now);
  void send_syslog(std::string_view template_parameter, SyslogSeverity severity);
  // Sends an already expanded message to Syslog_Server and Debug_Server.
  void send_syslog_message(std::string message, SyslogSeverity severity);
  // Whether trace() keeps an event (AgentSettings::trace_events). Call sites on the resync path
  // ask first, so that a dropped event's fields are never built.
  bool tracing(Severity severity, std::string_view event) const;
  void trace(Severity severity, std::string event,
             std::vector<std::pair<std::string, std::string>> fields = {});
  // Queues the FetchAction `id` for `url` with the rule's --uid/--pwd (profile, firmware and CA
  // fetches alike).
  void request_fetch(std::uint64_t id, FetchPurpose purpose, const ProvisioningUrl& url,
                     const RuleOptions& options);
  void announce_changes(std::size_t changed);
  bool boolean(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  std::string_view text(std::string_view name) const;
  Schedule schedule_value(std::string_view name) const;

  const PhoneIdentity& identity_;
  ConfigStore& store_;
  ProfileDecoder& decoder_;
  AgentSettings settings_;
  RandomStream random_;
  ProvisioningMacroState macro_state_;
  PhoneMacros macros_;

  bool powered_ = false;
  Instant power_on_at_;
  ServerSources servers_;
  std::array<bool, kLinesMax> line_busy_{};
  std::optional<Instant> lines_idle_since_;  // set while every line is idle

  std::optional<Pending> pending_;
  std::optional<Running> running_;

  // What each stored rule last applied, in RAM only (a reboot forgets it): the fingerprint of the
  // downloaded bytes and the rule's --key (profile_fingerprint.h), and the store's revision right
  // after. Downloading the same bytes again into that same configuration cannot change anything,
  // so the phone skips decrypting, inflating and parsing them (periodic resyncs of an unchanged
  // profile, the common case) and reports the issues it found the first time.
  struct AppliedProfile {
    ProfileFingerprint fingerprint{};
    std::uint64_t store_revision = 0;
    std::size_t unknown = 0;
    std::size_t invalid = 0;
    bool valid = false;
  };
  std::array<AppliedProfile, kProfileRuleCount> applied_profiles_{};
  // The store revision servers_.dhcp_option_order was read at (next_rule() reads it again only
  // when the configuration changed).
  std::optional<std::uint64_t> dhcp_option_order_revision_;
  std::optional<Instant> last_attempt_at_;  // start of the last finished resync attempt
  std::size_t periodic_count_ = 0;          // periodic intervals used since power-on
  Instant next_trigger_poll_;               // flavor spa: when the triggers are evaluated next
  std::uint64_t next_fetch_id_ = 1;

  // Report rule: uploads not yet started, the one in flight (0: none), the --delta baseline.
  std::deque<UploadAction> report_queue_;
  std::uint64_t report_upload_id_ = 0;
  std::string report_upload_url_;
  std::uint64_t next_upload_id_ = 1;
  std::optional<ConfigStore> report_baseline_;

  // Custom CA: the fetch in flight (0: none), a request waiting for the resync to end, the rule
  // last tried after a resync.
  std::uint64_t custom_ca_fetch_id_ = 0;
  std::optional<std::string> custom_ca_waiting_;
  std::optional<std::string> custom_ca_tried_rule_;
  CustomCaStatus custom_ca_status_;

  AgentStatus status_;
  std::deque<AgentAction> actions_;

  // --- Firmware upgrade (provisioning_agent_upgrade.cpp) ---
  struct UpgradePending {
    Instant due;
    bool is_explicit = false;  // /admin/upgrade: not held back by the URL already tried
    bool retry = false;        // after a failure ($UPGST 2)
    std::optional<std::string> one_shot_rule;
    std::optional<Instant> waiting_since;  // due, waiting for idle lines
  };
  struct UpgradeRunning {
    std::uint64_t fetch_id = 0;
    std::uint64_t install_id = 0;
    std::string url;
    std::string version;  // of the downloaded image, once verified
  };

  void on_admin_upgrade(AgentClock now, const AdminUpgrade& event);
  void on_upgrade_fetched(AgentClock now, const FetchCompleted& event);
  void on_firmware_installed(AgentClock now, const FirmwareInstalled& event);
  bool owns_upgrade_fetch(const FetchCompleted& event) const;
  // After every resync: check Upgrade_Rule unless a check is already pending.
  void upgrade_after_resync(AgentClock now);
  void run_upgrade_due(AgentClock now);
  bool upgrade_lines_allow(AgentClock now, const UpgradePending& pending) const;
  Instant upgrade_deadline() const;
  void start_upgrade(AgentClock now, UpgradePending pending);
  void upgrade_failed(AgentClock now, const Error& error);
  void record_upgrade(AgentClock now, bool success, bool installed, std::string result);
  void end_upgrade(AgentClock now);

  std::optional<UpgradePending> upgrade_pending_;
  std::optional<UpgradeRunning> upgrade_running_;
  std::optional<Instant> last_upgrade_attempt_at_;
  // The URL of the last attempt that did not fail: the stored rule does not fetch it again
  // (reference §5: not retried until the effective URL changes).
  std::string last_settled_upgrade_url_;
  bool skip_next_upgrade_check_ = false;  // the resync a failed attempt asked for is running

  // --- Cisco headset upgrade (provisioning_agent_headset.cpp) ---
  void on_headset_attached(AgentClock now, const HeadsetAttached& event);
  void on_headset_detached(AgentClock now);
  void on_headset_answer(AgentClock now, const HeadsetPromptAnswered& event);
  bool owns_headset_fetch(const FetchCompleted& event) const;
  void on_headset_fetched(AgentClock now, const FetchCompleted& event);
  void on_headset_file(AgentClock now, const Bytes& file);
  void on_headset_image(AgentClock now, const Bytes& image);
  // After every resync: check again when Cisco_Headset_Upgrade_Rule changed since the last check.
  void headset_after_resync(AgentClock now);
  // Starts what is due: a check that waited for the transport or the end of a deferral, the end
  // of a flash.
  void run_headset_due(AgentClock now);
  Instant headset_deadline() const;
  void start_headset_check(AgentClock now);
  void headset_failed(AgentClock now, const Error& error);
  // A headset fetch ended: what waited for the transport runs now.
  void headset_fetch_ended(AgentClock now);
  bool transport_busy_for_headset() const;
  void reset_headset();

  std::optional<HeadsetAttached> headset_;  // the attached headset, as last told
  HeadsetStatus headset_status_;
  std::uint64_t headset_fetch_id_ = 0;      // the XML file or image fetch in flight (0: none)
  bool headset_check_waiting_ = false;      // a check waits for the transport
  std::optional<std::string> headset_checked_rule_;  // the rule of the last check
  std::optional<ProvisioningUrl> headset_file_url_;  // where the last XML file came from
  std::optional<RuleOptions> headset_file_options_;  // its --uid/--pwd, for the image
  std::optional<HeadsetRelease> headset_offer_;      // the newer release offered
  std::optional<Instant> headset_defer_until_;       // "later": when the prompt returns
  std::optional<Instant> headset_flash_done_at_;     // flashing: when it is written
  // --- MIC renewal (provisioning_agent_mic.cpp) ---
  void mic_on_power_on(AgentClock now);
  void mic_plan(AgentClock now);
  void on_mic_renewal_request(AgentClock now);
  void run_mic_due(AgentClock now);
  Instant mic_deadline() const;
  bool mic_blocked() const;
  void start_mic_renewal(AgentClock now);
  bool owns_mic_upload(const UploadCompleted& event) const;
  void on_mic_upload_completed(AgentClock now, const UploadCompleted& event);
  void on_mic_installed(AgentClock now, const MicInstalled& event);
  void mic_renewal_failed(AgentClock now, const Error& error);

  MicCredentials mic_;
  MicRefreshStatus mic_status_;
  std::optional<Instant> mic_due_;
  std::uint64_t mic_upload_id_ = 0;
  std::uint64_t mic_install_id_ = 0;
  std::string mic_new_key_pem_;  // a secret, between the request and the install
};

}  // namespace fw
