#include "bench/tinyxml2_walk.h"

#include <cstring>

#include <tinyxml2.h>

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

}  // namespace bench
