#include "sim/cli/input_file.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace sim::cli {

InputFile read_input_file(const std::string& path) {
  InputFile file;
  std::error_code status_error;
  const auto status = std::filesystem::status(path, status_error);
  if (status_error) {
    file.error = path + ": cannot read: " + status_error.message();
    return file;
  }
  if (!std::filesystem::is_regular_file(status)) {
    file.error = path + ": cannot read: not a regular file";
    return file;
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    file.error = path + ": cannot read: " + std::strerror(errno);
    return file;
  }
  // Read in chunks rather than trusting the size on disk: it can change while we read.
  std::array<char, 64 * 1024> chunk{};
  while (stream) {
    stream.read(chunk.data(), chunk.size());
    const auto count = static_cast<std::size_t>(stream.gcount());
    if (file.bytes.size() + count > kInputFileBytesMax) {
      file.bytes.clear();
      file.error = path + ": cannot read: larger than " + std::to_string(kInputFileBytesMax) +
                   " bytes (kInputFileBytesMax)";
      return file;
    }
    const fw::ByteSpan read = fw::as_bytes(std::string_view(chunk.data(), count));
    file.bytes.insert(file.bytes.end(), read.begin(), read.end());
  }
  if (stream.bad()) {
    file.bytes.clear();
    file.error = path + ": cannot read: I/O error";
  }
  return file;
}

std::string write_output_file(const std::string& path, fw::ByteSpan bytes) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  if (!stream) {
    return path + ": cannot write: " + std::strerror(errno);
  }
  const std::string_view text = fw::as_text(bytes);
  stream.write(text.data(), static_cast<std::streamsize>(text.size()));
  stream.close();
  if (!stream) {
    return path + ": cannot write: I/O error";
  }
  return {};
}

std::string_view without_line_prefix(std::string_view detail) {
  constexpr std::string_view kLine = "line ";
  if (!detail.starts_with(kLine)) {
    return detail;
  }
  const std::size_t colon = detail.find(": ");
  const std::string_view digits = detail.substr(kLine.size(), colon - kLine.size());
  if (colon == std::string_view::npos || digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return detail;
  }
  return detail.substr(colon + 2);
}

std::string located_message(std::string_view path, const fw::Error& error) {
  const std::string_view detail = error.detail;
  const std::string_view rest = without_line_prefix(detail);
  std::string message(path);
  if (rest.size() != detail.size()) {
    // "line N: rest" -> ":N"
    const std::string_view kLine = "line ";
    message += ":";
    message += detail.substr(kLine.size(), detail.size() - rest.size() - kLine.size() - 2);
  }
  message += ": ";
  message += error.err_text();
  if (!rest.empty()) {
    message += ": ";
    message += rest;
  }
  return message;
}

}  // namespace sim::cli
