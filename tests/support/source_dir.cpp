#include "tests/support/source_dir.h"

#include <fstream>
#include <sstream>

#ifndef PHONESIM_SOURCE_DIR
#error "tests/CMakeLists.txt defines PHONESIM_SOURCE_DIR for this file only"
#endif

namespace test_support {

const std::string& source_dir() {
  static const std::string kSourceDir = PHONESIM_SOURCE_DIR;
  return kSourceDir;
}

std::string guide_path(std::string_view name) {
  return source_dir() + "/scenarios/guide/" + std::string(name);
}

std::string guide_text(std::string_view name) {
  std::ifstream stream(guide_path(name), std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

}  // namespace test_support
