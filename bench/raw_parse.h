#pragma once

// The raw XML parser peers shared by bench_config and bench_codec: each parser alone on a
// profile, and each parser plus the least any reader of a flat profile takes from its document,
// which shows what the parser's public API costs beyond its parse.

#include <cstddef>
#include <string_view>

#include <benchmark/benchmark.h>

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

// What a read of parsed profiles costs: every iteration parses `xml` into a fresh document
// (default options) and destroys it; with `walk`, walk_profile_elements() runs in between.
// Bytes processed: `xml`. A parse error stops the benchmark with an error.
void time_tinyxml2_parse(benchmark::State& state, std::string_view xml, bool walk);

#ifdef PHONESIM_FAST_BACKEND
// The same through pugixml's API (every call out of line in the Debian library).
std::size_t walk_profile_elements(const pugi::xml_document& document);
void time_pugixml_parse(benchmark::State& state, std::string_view xml, bool walk);
#endif

}  // namespace bench
