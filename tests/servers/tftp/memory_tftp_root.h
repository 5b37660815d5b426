#pragma once

// An in-memory TftpRoot for tests: files by name, written files kept by name.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "servers/tftp/tftp_server.h"

namespace srv::test {

class MemoryTftpRoot : public TftpRoot {
 public:
  void add(std::string name, fw::Bytes content) {
    files_[std::move(name)] = std::make_shared<const fw::Bytes>(std::move(content));
  }
  std::shared_ptr<const fw::Bytes> read_file(std::string_view file_name, fw::Endpoint) override {
    auto found = files_.find(std::string(file_name));
    return found == files_.end() ? nullptr : found->second;
  }
  bool write_file(std::string_view file_name, fw::Endpoint, fw::Bytes content) override {
    if (!accept_writes) {
      return false;
    }
    written[std::string(file_name)] = std::move(content);
    return true;
  }

  bool accept_writes = true;
  std::map<std::string, fw::Bytes> written;

 private:
  std::map<std::string, std::shared_ptr<const fw::Bytes>> files_;
};

}  // namespace srv::test
