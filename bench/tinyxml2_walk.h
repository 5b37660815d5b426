#pragma once

// The least any reader of a flat profile takes from tinyxml2's document: the peer that shows
// what tinyxml2's public API costs beyond its parse (bench_config, bench_codec).

#include <cstddef>

namespace tinyxml2 {
class XMLDocument;
}

namespace bench {

// Reads what a flat-profile reader must read from every child of the root element: its name,
// its text (tinyxml2 normalizes it on this first read, and decodes entities when the document
// processes them) and its `ua` attribute. Returns the bytes read, for benchmark::DoNotOptimize.
std::size_t walk_profile_elements(const tinyxml2::XMLDocument& document);

}  // namespace bench
