#include "firmware-core/runtime/factory_reset.h"

namespace fw {

Result<void> factory_reset(FlashStore& flash, PersistentConfig& config) {
  if (auto erased = flash.write(kCustomCaFlashSlot, ByteSpan{}); !erased) return erased;
  if (auto synced = flash.sync(kCustomCaFlashSlot); !synced) return synced;
  return config.replace(ConfigStore(config.store().registry()));
}

}  // namespace fw
