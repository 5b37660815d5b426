#pragma once

// An in-memory HttpRoot for tests.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "servers/http/http_server.h"

namespace srv::test {

class MemoryHttpRoot : public HttpRoot {
 public:
  void add(std::string path, std::string_view content) {
    files_[std::move(path)] = std::make_shared<const fw::Bytes>(fw::to_bytes(content));
  }
  std::shared_ptr<const fw::Bytes> read_file(std::string_view path) override {
    auto found = files_.find(std::string(path));
    return found == files_.end() ? nullptr : found->second;
  }
  bool write_file(std::string_view path, fw::Bytes body) override {
    if (!accept_writes) {
      return false;
    }
    written[std::string(path)] = std::move(body);
    return true;
  }

  bool accept_writes = true;
  std::map<std::string, fw::Bytes> written;

 private:
  std::map<std::string, std::shared_ptr<const fw::Bytes>> files_;
};

}  // namespace srv::test
