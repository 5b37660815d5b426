#include "servers/content/file_root.h"

namespace srv {

std::string FileRoot::normalized(std::string_view path) {
  std::string result;
  if (path.empty() || path.front() != '/') result += '/';
  result += path;
  return result;
}

void FileRoot::put(std::string_view path, fw::Bytes content) {
  files_[normalized(path)] = std::make_shared<const fw::Bytes>(std::move(content));
}

bool FileRoot::remove(std::string_view path) { return files_.erase(normalized(path)) > 0; }

std::shared_ptr<const fw::Bytes> FileRoot::read_file(std::string_view path) {
  auto found = files_.find(normalized(path));
  return found == files_.end() ? nullptr : found->second;
}

bool FileRoot::write_file(std::string_view path, fw::Bytes body) {
  uploads_.push_back({normalized(path), std::move(body)});
  return true;
}

std::shared_ptr<const fw::Bytes> FileRoot::read_file(std::string_view file_name, fw::Endpoint) {
  return read_file(file_name);
}

bool FileRoot::write_file(std::string_view file_name, fw::Endpoint, fw::Bytes content) {
  return write_file(file_name, std::move(content));
}

}  // namespace srv
