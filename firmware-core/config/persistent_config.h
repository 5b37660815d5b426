#pragma once

// The phone's configuration as it survives power loss: the in-memory ConfigStore the firmware
// reads, kept in step with a ConfigJournal on flash.
//
// Every change is a transaction that reaches flash before memory: the change is applied to a
// copy of the store, the copy is serialized (export_complete) and committed to the journal, and
// only after the commit succeeded does the copy replace the live store. So after a crash at any
// moment the configuration loaded at the next boot is entirely the old one or entirely the new
// one, and a change whose commit failed is not visible in memory either.

#include <optional>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/config_journal.h"
#include "firmware-core/config/config_store.h"
#include "firmware-core/config/flash_store.h"
#include "firmware-core/config/flat_profile.h"
#include "firmware-core/config/profile_apply.h"

namespace fw {

class PersistentConfig {
 public:
  // A configuration at factory defaults over `flash` (not read yet: call load() at boot).
  // `flash` and `registry` must outlive this object, and so must `pool` if given (the stores'
  // values then live in it: ConfigStore).
  explicit PersistentConfig(FlashStore& flash,
                            const ParameterRegistry& registry = ParameterRegistry::builtin(),
                            ValuePool* pool = nullptr);

  // Reads the stored configuration; call once at boot. An empty flash is a factory-new phone:
  // defaults, success, and restored() stays false. Errors (the store is left at factory
  // defaults, and the phone runs on them): FlashCorrupt, FlashReadFailed, ParseError and the
  // other parse errors if a valid image holds an unreadable payload.
  Result<void> load();

  // True when load() found and restored a stored configuration.
  bool restored() const { return restored_; }

  // The live configuration.
  const ConfigStore& store() const { return store_; }

  // Applies a downloaded flat profile (plain XML) and makes it durable. Returns what changed;
  // an unchanged configuration is not written again. Errors (memory and flash unchanged): the
  // parse errors of apply_flat_profile(), and the journal's FlashWriteFailed,
  // FlashPayloadTooLarge, FlashReadFailed.
  Result<ApplyReport> apply_profile(ByteSpan profile, const ProfileLimits& limits = {});

  // Makes `next` the configuration, durable first: memory is unchanged if the commit fails. For
  // a caller that changed a working copy (the runtime, after the agent applied a profile).
  // Errors: the journal's FlashWriteFailed, FlashPayloadTooLarge, FlashReadFailed.
  Result<void> replace(const ConfigStore& next) { return commit(ConfigStore(next)); }

  // Sets one parameter (admin web, CLI) and makes it durable. Errors as set_parameter() and as
  // the journal's commit.
  Result<ParameterChange> set(std::string_view name, std::string_view raw_value,
                              std::optional<Access> access = std::nullopt);

 private:
  // Commits `next` to flash, then makes it live. Memory stays as it was if the commit fails.
  Result<void> commit(ConfigStore&& next);

  ConfigJournal journal_;
  ConfigStore store_;
  bool restored_ = false;
};

}  // namespace fw
