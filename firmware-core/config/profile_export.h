#pragma once

// Writing a store as flat-profile XML. Output is deterministic: registry order, two-space
// indentation, one element per line, `&`, `<` and `>` escaped, UTF-8 as is.

#include <string>

#include "firmware-core/config/config_store.h"

namespace fw {

// Every override of `store` with its value and `ua`, secrets included: the persistence image.
// Call when saving the configuration. Applying the result to a fresh ConfigStore over the same
// registry gives a store equal to `store`. Never fails.
std::string export_complete(const ConfigStore& store);

// Every parameter with its current value and `ua`, secret values replaced by kSecretMask: what
// people see (/admin/cfg.xml, `phonesim profile inspect`). Never contains a secret. Never fails.
std::string export_for_people(const ConfigStore& store);

}  // namespace fw
