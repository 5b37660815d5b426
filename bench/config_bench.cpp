// bench_config: the configuration hot path against its raw peers, measured in the same process.
//
//   raw/...    tinyxml2 alone on the same bytes (parse; parse + walk; print)
//   floor/...  the least any implementation must do (copy the text)
//   peer/...   the standard-library structure a hand-written one replaces
//   ours/...   firmware-core; the label names the peer for the closing ratio table
//
// See README.md for the command and the figures measured on the project machine.

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <benchmark/benchmark.h>
#include <tinyxml2.h>

#include "bench/profile_generator.h"
#include "bench/ratio_reporter.h"
#include "bench/raw_parse.h"
#include "bench/registration.h"
#include "firmware-core/agent/phone_macros.h"
#include "firmware-core/base/bytes.h"
#include "firmware-core/config/config_store.h"
#include "firmware-core/config/flat_profile.h"
#include "firmware-core/config/parameter_registry.h"
#include "firmware-core/config/profile_apply.h"
#include "firmware-core/config/profile_export.h"
#include "firmware-core/macro/macro_expander.h"
#include "firmware-core/rules/rule_resolver.h"

namespace bench {
namespace {

constexpr std::string_view kRule = "[--key $SB] https://prov.example.com/cfg/$PSN/$MA.xml";
constexpr std::string_view kLogTemplate =
    "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH";

const fw::ParameterRegistry& registry() {
  return fw::ParameterRegistry::builtin();
}

// --- Profiles -----------------------------------------------------------------------------------

struct Profile {
  std::string name;  // "small", "typical"
  std::string xml;
  fw::ConfigStore store;  // a factory store after applying `xml`
  std::string exported;   // export_complete(store)
};

// Applies every profile once and checks the round trip, so that a benchmark never times an
// error path by accident. Returns false (after printing why) when something is off.
bool prepare(Profile& profile) {
  auto report = fw::apply_flat_profile(profile.store, fw::as_bytes(profile.xml));
  if (!report) {
    std::fprintf(stderr, "%s profile: %s\n", profile.name.c_str(),
                 report.error().to_string().c_str());
    return false;
  }
  profile.exported = fw::export_complete(profile.store);
  fw::ConfigStore reread(registry());
  if (!fw::apply_flat_profile(reread, fw::as_bytes(profile.exported)) ||
      !(reread == profile.store)) {
    std::fprintf(stderr, "%s profile: export does not read back to the same store\n",
                 profile.name.c_str());
    return false;
  }
  // On stderr, so that --benchmark_format=json keeps stdout parseable.
  std::fprintf(stderr,
               "profile %s: %zu B, %zu overrides, %zu unknown and %zu invalid elements skipped\n",
               profile.name.c_str(), profile.xml.size(), profile.store.override_count(),
               report->unknown_elements.count, report->invalid_values.count);
  return true;
}

// --- Raw tinyxml2 peers -------------------------------------------------------------------------

void raw_parse(benchmark::State& state, const Profile& profile) {
  time_tinyxml2_parse(state, profile.xml, /*walk=*/false);
}

void raw_parse_walk(benchmark::State& state, const Profile& profile) {
  time_tinyxml2_parse(state, profile.xml, /*walk=*/true);
}

// The same content printed by tinyxml2 from a parsed document: the peer of export_complete.
void raw_print(benchmark::State& state, const Profile& profile) {
  tinyxml2::XMLDocument document;
  if (document.Parse(profile.exported.data(), profile.exported.size()) != tinyxml2::XML_SUCCESS)
    state.SkipWithError("tinyxml2 parse failed");
  for (auto _ : state) {
    tinyxml2::XMLPrinter printer;
    document.Print(&printer);
    benchmark::DoNotOptimize(printer.CStr());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * profile.exported.size()));
}

// --- Ours ---------------------------------------------------------------------------------------

void ours_parse(benchmark::State& state, const Profile& profile) {
  for (auto _ : state) {
    auto parsed = fw::parse_flat_profile(fw::as_bytes(profile.xml), registry());
    if (!parsed)
      state.SkipWithError("parse_flat_profile failed");
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * profile.xml.size()));
  state.SetLabel(peer_label("raw/tinyxml2_parse_walk/" + profile.name));
}

// The whole transaction onto a factory store: parse, validate, normalize, diff, build, swap.
void ours_apply(benchmark::State& state, const Profile& profile) {
  for (auto _ : state) {
    fw::ConfigStore store(registry());
    auto report = fw::apply_flat_profile(store, fw::as_bytes(profile.xml));
    if (!report)
      state.SkipWithError("apply_flat_profile failed");
    benchmark::DoNotOptimize(report);
    benchmark::DoNotOptimize(store);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * profile.xml.size()));
  state.SetLabel(peer_label("raw/tinyxml2_parse_walk/" + profile.name));
}

void ours_export(benchmark::State& state, const Profile& profile) {
  for (auto _ : state) {
    std::string text = fw::export_complete(profile.store);
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * profile.exported.size()));
  state.SetLabel(peer_label("raw/tinyxml2_print/" + profile.name));
}

// The per-phone memory of a fleet: counters, not time (memory_bytes() itself is trivial).
void ours_store_memory(benchmark::State& state, const fw::ConfigStore& store) {
  for (auto _ : state)
    benchmark::DoNotOptimize(store.memory_bytes());
  state.counters["store_bytes"] = static_cast<double>(store.memory_bytes());
  state.counters["overrides"] = static_cast<double>(store.override_count());
}

// --- Parameter lookup ---------------------------------------------------------------------------

// Copies, so that neither side can compare a name against its own storage.
std::vector<std::string> registered_names() {
  std::vector<std::string> names;
  for (const fw::ParamSpec& spec : registry().specs())
    names.emplace_back(spec.name);
  return names;
}

void ours_registry_find(benchmark::State& state, const std::vector<std::string>& names,
                        std::string_view peer) {
  for (auto _ : state) {
    std::size_t found = 0;
    for (const std::string& name : names)
      found += registry().find(name).has_value();
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * names.size()));
  state.SetLabel(peer_label(peer));
}

void peer_unordered_map_find(benchmark::State& state, const std::vector<std::string>& names) {
  std::unordered_map<std::string_view, fw::ParamId> map;
  for (const fw::ParamSpec& spec : registry().specs())
    map.emplace(spec.name, static_cast<fw::ParamId>(map.size()));
  for (auto _ : state) {
    std::size_t found = 0;
    for (const std::string& name : names)
      found += map.find(name) != map.end();
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * names.size()));
}

// --- Macros and rules ---------------------------------------------------------------------------

// One phone mid-resync: identity, a store with the secret $SB set, and the URL being fetched.
struct Phone {
  fw::PhoneIdentity identity;
  fw::ConfigStore store{registry()};
  fw::ProvisioningMacroState state;
  fw::ServerSources servers;

  Phone() {
    identity.mac = {0x00, 0x0e, 0x08, 0xaa, 0xbb, 0xcc};
    identity.serial_number = "88012BA01234";
    identity.product_name = "CP-8841-3PCC";
    identity.product_series = "8841";
    identity.software_version = "sip88xx.11-3-2MPP0001-609";
    identity.ip_address = "192.0.2.50";
    (void)fw::set_parameter(store, "GPP_SB", "0123456789abcdef0123456789abcdef");
    state.url =
        fw::parse_provisioning_url("https://prov.example.com/cfg/8841/000e08aabbcc.xml").value();
    state.server_ip = "192.0.2.10";
  }
};

void floor_string_copy(benchmark::State& state, std::string_view text) {
  for (auto _ : state) {
    std::string copy(text);
    benchmark::DoNotOptimize(copy.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void ours_expand_macros(benchmark::State& state, const Phone& phone, std::string_view text,
                        std::string_view peer) {
  const fw::PhoneMacros macros(phone.identity, phone.store, phone.state);
  for (auto _ : state) {
    std::string expanded = fw::expand_macros(text, macros);
    benchmark::DoNotOptimize(expanded.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel(peer_label(peer));
}

void ours_resolve_rule(benchmark::State& state, const Phone& phone) {
  const fw::PhoneMacros macros(phone.identity, phone.store, phone.state);
  for (auto _ : state) {
    auto resolved = fw::resolve_rule(fw::RuleKind::Profile, kRule, macros, phone.servers);
    if (!resolved || resolved->outcome != fw::RuleOutcome::Fetch)
      state.SkipWithError("resolve_rule did not resolve to a fetch");
    benchmark::DoNotOptimize(resolved);
  }
  state.SetLabel(peer_label("floor/string_copy/rule"));
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  const Display display = display_from_flags(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;

  // Registered benchmarks keep references to these until the end of main.
  static Profile profiles[] = {
      {std::string(kSmallProfile.name),
       generate_profile(registry(), kSmallProfile),
       fw::ConfigStore(registry()),
       {}},
      {std::string(kTypicalProfile.name),
       generate_profile(registry(), kTypicalProfile),
       fw::ConfigStore(registry()),
       {}},
  };
  for (Profile& profile : profiles) {
    if (!prepare(profile))
      return 1;
  }
  static const fw::ConfigStore factory_store(registry());
  static const std::vector<std::string> hits = registered_names();
  static const std::vector<std::string> misses = unknown_parameter_names();
  static const Phone phone;

  for (const Profile& profile : profiles) {
    add("raw/tinyxml2_parse/" + profile.name, raw_parse, profile);
    add("raw/tinyxml2_parse_walk/" + profile.name, raw_parse_walk, profile);
    add("ours/parse_flat_profile/" + profile.name, ours_parse, profile);
    add("ours/apply_flat_profile/" + profile.name, ours_apply, profile);
    add("raw/tinyxml2_print/" + profile.name, raw_print, profile);
    add("ours/export_complete/" + profile.name, ours_export, profile);
  }
  add("ours/store_memory/factory", ours_store_memory, factory_store)->Unit(benchmark::kNanosecond);
  for (const Profile& profile : profiles)
    add("ours/store_memory/" + profile.name, ours_store_memory, profile.store)
        ->Unit(benchmark::kNanosecond);

  static constexpr std::string_view kHitsPeer = "peer/unordered_map_find/hits";
  static constexpr std::string_view kMissesPeer = "peer/unordered_map_find/misses";
  add("peer/unordered_map_find/hits", peer_unordered_map_find, hits)->Unit(benchmark::kNanosecond);
  add("ours/registry_find/hits", ours_registry_find, hits, kHitsPeer)->Unit(benchmark::kNanosecond);
  add("peer/unordered_map_find/misses", peer_unordered_map_find, misses)
      ->Unit(benchmark::kNanosecond);
  add("ours/registry_find/misses", ours_registry_find, misses, kMissesPeer)
      ->Unit(benchmark::kNanosecond);

  static constexpr std::string_view kRulePeer = "floor/string_copy/rule";
  static constexpr std::string_view kLogPeer = "floor/string_copy/log_template";
  add("floor/string_copy/rule", floor_string_copy, kRule)->Unit(benchmark::kNanosecond);
  add("ours/expand_macros/rule", ours_expand_macros, phone, kRule, kRulePeer)
      ->Unit(benchmark::kNanosecond);
  add("floor/string_copy/log_template", floor_string_copy, kLogTemplate)
      ->Unit(benchmark::kNanosecond);
  add("ours/expand_macros/log_template", ours_expand_macros, phone, kLogTemplate, kLogPeer)
      ->Unit(benchmark::kNanosecond);
  add("ours/resolve_rule/profile_rule", ours_resolve_rule, phone)->Unit(benchmark::kNanosecond);

  run_benchmarks(display);
  benchmark::Shutdown();
  return 0;
}
