#include "firmware-core/config/persistent_config.h"

#include <utility>

#include "firmware-core/config/profile_export.h"

namespace fw {

PersistentConfig::PersistentConfig(FlashStore& flash, const ParameterRegistry& registry,
                                   ValuePool* pool)
    : journal_(flash), store_(registry, pool) {}

Result<void> PersistentConfig::load() {
  restored_ = false;
  store_.replace(ConfigStore(store_.registry(), store_.pool()));
  auto payload = journal_.load();
  if (!payload) {
    if (payload.error().code == ErrorCode::FlashEmpty) {
      return {};
    }
    return fail(std::move(payload).error());
  }
  // The payload passed the journal's checksum, so it is what an earlier commit wrote. Parsing it
  // can still fail if the firmware changed its limits; then the phone starts from defaults.
  ConfigStore loaded(store_.registry(), store_.pool());
  auto report = apply_flat_profile(loaded, *payload);
  if (!report) {
    Error error = std::move(report).error();
    error.detail = "stored configuration: " + error.detail;
    return fail(std::move(error));
  }
  store_.replace(std::move(loaded));
  restored_ = true;
  return {};
}

Result<ApplyReport> PersistentConfig::apply_profile(ByteSpan profile, const ProfileLimits& limits) {
  ConfigStore next(store_);
  auto report = apply_flat_profile(next, profile, limits);
  if (!report) {
    return report;
  }
  if (report->changed()) {
    if (auto committed = commit(std::move(next)); !committed) {
      return fail(std::move(committed).error());
    }
  }
  return report;
}

Result<ParameterChange> PersistentConfig::set(std::string_view name, std::string_view raw_value,
                                              std::optional<Access> access) {
  ConfigStore next(store_);
  auto change = set_parameter(next, name, raw_value, access);
  if (!change) {
    return change;
  }
  if (change->value_changed || change->access_changed) {
    if (auto committed = commit(std::move(next)); !committed) {
      return fail(std::move(committed).error());
    }
  }
  return change;
}

Result<void> PersistentConfig::commit(ConfigStore&& next) {
  std::string image = export_complete(next);
  if (auto committed = journal_.commit(as_bytes(image)); !committed) {
    return committed;
  }
  store_.replace(std::move(next));
  return {};
}

}  // namespace fw
