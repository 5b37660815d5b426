#pragma once

// Loading a directory into a FileRoot (provserver --root): every regular file below it, at its
// path relative to the directory ("DIR/phones/a.cfg" serves as "/phones/a.cfg"). Loaded once at
// start; provserver serves from memory, so a file changed on disk needs a restart.

#include <cstddef>
#include <cstdint>
#include <string>

#include "firmware-core/base/result.h"
#include "servers/content/file_root.h"

namespace srv::provserver {

// root_file_bytes_max: a larger file is refused rather than loaded into memory.
inline constexpr std::uintmax_t kRootFileBytesMax = 256ull * 1024 * 1024;

// Adds every regular file under `directory` to `root` and returns how many. Symbolic links are
// followed. Errors: InvalidValue (not a directory, a file unreadable or past kRootFileBytesMax;
// the detail names the path).
fw::Result<std::size_t> load_directory(const std::string& directory, FileRoot& root);

}  // namespace srv::provserver
