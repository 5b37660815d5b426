#include "bench/profile_walk.h"

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
#endif

}  // namespace bench
