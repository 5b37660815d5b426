#pragma once

#include <string>
#include <string_view>

namespace test_support {

// The checkout's root directory. Only tests/support/source_dir.cpp is compiled with the absolute
// path, so every other test file compiles to the same object in any checkout (ccache hits
// across clones).
const std::string& source_dir();

// scenarios/guide/NAME: its path, and its whole content (empty if it cannot be read).
std::string guide_path(std::string_view name);
std::string guide_text(std::string_view name);

}  // namespace test_support
