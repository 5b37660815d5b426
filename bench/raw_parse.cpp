#include "bench/raw_parse.h"

#include <cstdint>
#include <cstring>

#include <tinyxml2.h>

#ifdef PHONESIM_FAST_BACKEND
#include <pugixml.hpp>
#endif

namespace bench {

std::size_t walk_profile_elements(const tinyxml2::XMLDocument& document) {
  std::size_t bytes = 0;
  for (const tinyxml2::XMLElement* element = document.RootElement()->FirstChildElement();
       element != nullptr; element = element->NextSiblingElement()) {
    bytes += std::strlen(element->Name());
    if (const char* text = element->GetText())
      bytes += std::strlen(text);
    if (const char* access = element->Attribute("ua"))
      bytes += std::strlen(access);
  }
  return bytes;
}

void time_tinyxml2_parse(benchmark::State& state, std::string_view xml, bool walk) {
  for (auto _ : state) {
    tinyxml2::XMLDocument document;
    if (document.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
      state.SkipWithError("tinyxml2 parse failed");
      break;
    }
    if (walk)
      benchmark::DoNotOptimize(walk_profile_elements(document));
    else
      benchmark::DoNotOptimize(document.RootElement());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * xml.size()));
}

#ifdef PHONESIM_FAST_BACKEND
std::size_t walk_profile_elements(const pugi::xml_document& document) {
  std::size_t bytes = 0;
  for (pugi::xml_node element = document.document_element().first_child(); element;
       element = element.next_sibling()) {
    if (element.type() != pugi::node_element)
      continue;
    bytes += std::strlen(element.name());
    bytes += std::strlen(element.child_value());
    bytes += std::strlen(element.attribute("ua").value());
  }
  return bytes;
}

void time_pugixml_parse(benchmark::State& state, std::string_view xml, bool walk) {
  for (auto _ : state) {
    pugi::xml_document document;
    if (!document.load_buffer(xml.data(), xml.size())) {
      state.SkipWithError("pugixml parse failed");
      break;
    }
    if (walk)
      benchmark::DoNotOptimize(walk_profile_elements(document));
    else
      benchmark::DoNotOptimize(document.first_child());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * xml.size()));
}
#endif

}  // namespace bench
