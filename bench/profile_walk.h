#pragma once

// The least any reader of a flat profile takes from a parser's document: the peers that show what
// the parsers' public APIs cost beyond their parse (bench_config, bench_codec).

#include <cstddef>

namespace tinyxml2 {
class XMLDocument;
}
namespace pugi {
class xml_document;
}

namespace bench {

// Reads what a flat-profile reader must read from every child of the root element: its name,
// its text (tinyxml2 normalizes it on this first read, and decodes entities when the document
// processes them) and its `ua` attribute. Returns the bytes read, for benchmark::DoNotOptimize.
std::size_t walk_profile_elements(const tinyxml2::XMLDocument& document);

#ifdef PHONESIM_FAST_BACKEND
// The same through pugixml's API (every call out of line in the Debian library).
std::size_t walk_profile_elements(const pugi::xml_document& document);
#endif

}  // namespace bench
