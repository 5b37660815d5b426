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

// What a report upload carries (the report rule, reference §5): every parameter, or with
// `changed_since` only those whose value or access differs from that earlier configuration
// (--delta). Secret values are written only when `reveal_secrets` (the upload is encrypted with
// the rule's --key); otherwise they are kSecretMask. `changed_since` must share `store`'s
// registry. An emptied value is written as `<Name/>` so that it reads back as empty. Never fails.
std::string export_report(const ConfigStore& store, const ConfigStore* changed_since,
                          bool reveal_secrets);

}  // namespace fw
