#pragma once

// The query of a Direct Action URL (`/admin/resync?RULE`, `/admin/upgrade?RULE`, reference §7):
// the rule arrives URL-encoded (`%5B--uid+admin+--pwd+555%5Dhttp://host/cfg.xml`) and may be
// followed by `&xuser=NAME&xpassword=PWD` admin credentials.

#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/result.h"

namespace fw {

struct DirectActionQuery {
  std::string rule;  // decoded; pass it to resolve_rule() as the raw rule
  std::optional<std::string> xuser;
  std::optional<std::string> xpassword;  // a secret: never log it
};

// Decodes the query (everything after '?') of a Direct Action URL. Call it in the admin web
// handler before resolving the one-shot rule. `%XX` becomes the byte XX and '+' a space; the
// trailing `&xuser=` / `&xpassword=` parameters are split off before decoding, so an encoded
// `%26` ('&') inside the rule or a password is kept. Errors: RuleSyntax naming the position of
// a '%' that is not followed by two hex digits or that encodes NUL, or of a raw NUL byte.
Result<DirectActionQuery> rule_from_direct_action_query(std::string_view query);

// Percent-decodes `text` ('+' is a space). Errors as above.
Result<std::string> percent_decode_query(std::string_view text);

}  // namespace fw
