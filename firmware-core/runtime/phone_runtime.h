#pragma once

// PhoneRuntime: the one driver between the phone's state machines and a Platform (DESIGN.md
// "The seam"). It owns the provisioning agent, the stored configuration and the transfers in
// flight; it pumps the agent's actions into the Platform (fetch over TFTP or HTTP, syslog
// datagrams, persistence, reboot, trace) and feeds the Platform's completions back as events.
// The simulator runs one per simulated phone on a SimPlatform; phoned runs one on an
// AsioPlatform.
//
//   PhoneRuntime phone(platform, identity);   // loads the configuration from platform.flash()
//   phone.power_on(dhcp_options);             // then the platform's loop drives everything
//
// Persistence: the agent changes the live configuration; on each ConfigChanged action the
// runtime commits it to the journal on flash. If that commit fails, the live configuration is
// put back to the durable one (traced as an error), so memory never runs ahead of flash for long
// and a reboot finds entirely the old or entirely the new configuration.
//
// Firmware: at construction the runtime boots the active firmware bank (firmware_banks.h); the
// phone then runs that image's version ($SWVER, User-Agent) instead of the factory version in
// the identity it was given. An InstallFirmwareAction writes the inactive bank and switches to
// it; the agent's reboot then brings up a new runtime on the new version.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/codec/profile_codec.h"
#include "firmware-core/config/persistent_config.h"
#include "firmware-core/fetch/http_client.h"
#include "firmware-core/fetch/tftp_client.h"
#include "firmware-core/fetch/tls_session.h"
#include "firmware-core/runtime/firmware_banks.h"
#include "firmware-core/runtime/platform.h"
#include "firmware-core/runtime/upload_transfer.h"

namespace fw {

struct PhoneRuntimeSettings {
  AgentSettings agent;
  TftpClientSettings tftp;
  HttpClientSettings http;
  // The phone's trust store for HTTPS (built-in roots plus an installed custom CA); without it
  // every https rule fails with TlsHandshakeFailed.
  std::shared_ptr<const TlsContext> tls_context;
  // The built-in roots as PEM. With a custom CA installed (Custom_CA_Rule, /admin/updateca) the
  // runtime trusts these plus the custom CA instead of tls_context; leave it empty and a custom
  // CA is the only root trusted.
  std::vector<std::string> builtin_roots_pem;
  // The phone's MIC, presented when a server asks for a client certificate.
  std::shared_ptr<const TlsIdentity> client_identity;
  // Where the configuration's values live: a simulated world shares one pool among its phones so
  // that identical values exist once (ValuePool); nullptr (a real phone): the store keeps them.
  // Must outlive the runtime.
  ValuePool* value_pool = nullptr;
};

class PhoneRuntime final : public PlatformEvents {
 public:
  // Registers itself as `platform`'s listener and loads the stored configuration. `platform`,
  // `identity` and `decoder` must outlive the runtime. The decoder (OpenSSL and zlib contexts,
  // buffers) is shared: a simulated world gives all its phones one, since only one phone runs
  // at a time.
  PhoneRuntime(Platform& platform, const PhoneIdentity& identity, ProfileDecoder& decoder,
               PhoneRuntimeSettings settings = {});
  ~PhoneRuntime() override;
  PhoneRuntime(const PhoneRuntime&) = delete;
  PhoneRuntime& operator=(const PhoneRuntime&) = delete;

  // --- inputs from the phone's other parts (DHCP client, SIP stack, admin web, call handling) ---
  void power_on(DhcpOptions dhcp_options);
  void line_busy(std::size_t line);
  void line_idle(std::size_t line);
  void admin_resync(std::optional<std::string> rule);
  // /admin/upgrade[?rule]: check for a firmware upgrade now (the rule already out of the query).
  void admin_upgrade(std::optional<std::string> rule);
  void sip_notify(std::string event);
  // Uploads the configuration per Report_Rule now (the admin interface's request).
  void admin_report();
  // /admin/updateca[?URL]: installs the custom CA from `url` (nullopt: Custom_CA_Rule).
  void admin_update_ca(std::optional<std::string> url);
  void wall_clock_stepped();
  // The user typed an activation code (a secret: the runtime never traces it).
  void activation_code_entered(std::string code);
  // Sets one parameter as the admin web page does (durable before it is visible).
  Result<ParameterChange> set_parameter(std::string_view name, std::string_view value);

  const ProvisioningAgent& agent() const { return agent_; }
  const ConfigStore& configuration() const { return live_; }
  // The identity the firmware runs with: the given one, with the booted bank's version.
  const PhoneIdentity& identity() const { return identity_; }
  // The firmware bank booted at construction; nullopt: the factory image.
  const std::optional<BootedFirmware>& booted_firmware() const { return booted_firmware_; }
  // The flash slot holding the installed custom CA certificate (PEM). There is no factory reset
  // yet; when there is, it must erase this slot (the guide states no exception for the CA).
  static constexpr std::string_view kCustomCaSlot = "custom_ca";

  // How load() went at construction: empty flash is a success (factory-new phone).
  const Result<void>& load_result() const { return load_result_; }

  // --- PlatformEvents ---
  void on_timer(TimerId timer) override;
  void on_datagram(SocketId socket, Endpoint from, ByteSpan payload) override;
  void on_stream_connected(StreamId stream) override;
  void on_stream_data(StreamId stream, ByteSpan bytes) override;
  void on_stream_closed(StreamId stream) override;
  void on_stream_failed(StreamId stream, StreamFailure failure) override;
  void on_resolved(QueryId query, Result<std::vector<Ipv4Address>> addresses) override;

 private:
  static constexpr TimerId kAgentTimer = 1;
  static constexpr TimerId kTransferTimer = 2;
  static constexpr TimerId kUploadTimer = 16;

  // One FetchAction in progress: name resolution, then one transfer per address until one
  // answers (several A records are tried in order).
  // No default member initializers: clang cannot default-construct a nested class that has them
  // inside std::optional before the enclosing class is complete; fetch_.emplace() value-initializes.
  struct Fetch {
    FetchAction action;
    std::vector<Ipv4Address> addresses;
    std::size_t address_index;
    std::optional<QueryId> query;
    // TFTP
    std::optional<SocketId> socket;
    std::optional<TftpClient> tftp;
    // HTTP and HTTPS: the exchange, its current stream, TLS on it, and a host a redirect named.
    std::optional<HttpClient> http;
    std::optional<StreamId> stream;
    std::optional<TlsSession> tls;
    std::optional<HttpConnect> connect;  // the connect in progress (waiting for DNS or the stream)
    std::optional<QueryId> connect_query;
    bool http_connected;  // the client was told the stream (and TLS on it) is up
    unsigned http_status;  // the final reply's status, once there is one
  };
  // Syslog messages waiting for their server's name to resolve.
  struct PendingSyslog {
    std::uint16_t port;  // value-initialized by syslog_queries_[query] (see Fetch)
    std::vector<Bytes> frames;
  };

  AgentClock clock() const { return {platform_.now(), platform_.wall_clock()}; }
  void feed(const AgentEvent& event);
  // Feeds a finished fetch's outcome to the agent. Every entry point ends with it, so a fetch
  // that ends deep inside a transfer's callbacks never re-enters the agent from there.
  void settle();
  void pump();
  void perform(const FetchAction& action);
  void perform(const SyslogAction& action);
  void perform(const ConfigChanged& action);
  void perform(const RebootAction& action);
  void perform(const TraceAction& action);
  void perform(const InstallFirmwareAction& action);
  void perform(const UploadAction& action);
  void perform(const InstallCustomCa& action);
  // Trusts the built-in roots plus `pem` for HTTPS from now on. Errors: InvalidValue.
  Result<void> trust_custom_ca(const std::string& pem);
  // At boot: the custom CA kept on flash, if any, trusted again and told to the agent.
  void restore_custom_ca();
  // Routes a Platform event to the upload in flight; true when it was the upload's.
  template <typename Handler>
  bool route_to_upload(Handler&& handler);

  void start_transfer();
  void pump_tftp();
  void pump_http();
  void open_http_stream(Ipv4Address address);
  void flush_tls();
  void drop_http_stream();
  void finish_fetch(Result<Bytes> body);
  void release_transfer();
  void send_syslog_frame(Ipv4Address address, std::uint16_t port, const Bytes& frame);

  Platform& platform_;
  FirmwareBanks firmware_banks_;
  std::optional<BootedFirmware> booted_firmware_;
  PhoneIdentity identity_;
  PhoneRuntimeSettings settings_;
  PersistentConfig persistent_;
  Result<void> load_result_;
  ConfigStore live_;
  ProvisioningAgent agent_;

  std::optional<Fetch> fetch_;
  std::optional<FetchCompleted> completion_;
  std::optional<FirmwareInstalled> install_completion_;
  // The report upload in flight (the agent sends one at a time), beside any fetch.
  std::unique_ptr<UploadTransfer> upload_;
  std::optional<SocketId> syslog_socket_;
  std::map<QueryId, PendingSyslog> syslog_queries_;
  bool rebooting_ = false;
};

}  // namespace fw
