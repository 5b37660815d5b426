#pragma once

// FileRoot: the files a provisioning server serves, in memory, shared by its TFTP and HTTP
// cores (and by several servers). Paths are absolute ("/basic.txt"); a TFTP request without the
// leading '/' ("basic.txt", as tftp-hpa clients send it) names the same file. Contents are
// shared, so a thousand phones fetching one profile do not copy it. Writes (report uploads, TFTP
// WRQ) are kept per path, newest last.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "servers/http/http_server.h"
#include "servers/tftp/tftp_server.h"

namespace srv {

class FileRoot final : public TftpRoot, public HttpRoot {
 public:
  // Adds or replaces a file (a scenario's set_file event replaces it while phones run).
  void put(std::string_view path, fw::Bytes content);
  // Removes a file; later requests get "not found".
  bool remove(std::string_view path);
  std::size_t file_count() const { return files_.size(); }

  // What clients uploaded, oldest first.
  struct Upload {
    std::string path;
    fw::Bytes content;
  };
  const std::vector<Upload>& uploads() const { return uploads_; }

  // TftpRoot
  std::shared_ptr<const fw::Bytes> read_file(std::string_view file_name, fw::Endpoint client) override;
  bool write_file(std::string_view file_name, fw::Endpoint client, fw::Bytes content) override;
  // HttpRoot
  std::shared_ptr<const fw::Bytes> read_file(std::string_view path) override;
  bool write_file(std::string_view path, fw::Bytes body) override;

 private:
  static std::string normalized(std::string_view path);

  std::map<std::string, std::shared_ptr<const fw::Bytes>, std::less<>> files_;
  std::vector<Upload> uploads_;
};

}  // namespace srv
