#include "servers/provserver/directory_root.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace srv::provserver {
namespace fs = std::filesystem;

fw::Result<std::size_t> load_directory(const std::string& directory, FileRoot& root) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return fw::fail(fw::ErrorCode::InvalidValue, "--root " + directory + ": not a directory");
  }
  std::size_t loaded = 0;
  fs::recursive_directory_iterator walk(
      directory, fs::directory_options::follow_directory_symlink, error);
  for (; !error && walk != fs::recursive_directory_iterator(); walk.increment(error)) {
    const fs::directory_entry& entry = *walk;
    if (!entry.is_regular_file(error)) continue;
    const std::uintmax_t size = entry.file_size(error);
    if (error || size > kRootFileBytesMax) {
      return fw::fail(fw::ErrorCode::InvalidValue,
                      entry.path().string() + ": larger than " +
                          std::to_string(kRootFileBytesMax) + " bytes or unreadable");
    }
    std::ifstream in(entry.path(), std::ios::binary);
    fw::Bytes content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return fw::fail(fw::ErrorCode::InvalidValue, entry.path().string() + ": cannot be read");
    }
    root.put("/" + entry.path().lexically_relative(directory).generic_string(),
             std::move(content));
    ++loaded;
  }
  if (error) {
    return fw::fail(fw::ErrorCode::InvalidValue, "--root " + directory + ": " + error.message());
  }
  return loaded;
}

}  // namespace srv::provserver
