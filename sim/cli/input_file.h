#pragma once

// Reading the files a command names and writing the one it produces. The firmware core takes
// bytes; finding them on disk is the tool's job.

#include <cstddef>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/error.h"

namespace sim::cli {

// Largest file a command reads. The core rejects profiles past fw::kProfileBytesMax itself (with
// "profile too large"); this bound only keeps a mistaken path (a disk image) out of memory.
inline constexpr std::size_t kInputFileBytesMax = 64 * 1024 * 1024;

// A file's bytes, or why they could not be had.
struct InputFile {
  fw::Bytes bytes;
  std::string error;  // empty when read; otherwise "PATH: why", for people

  bool ok() const { return error.empty(); }
};

// Reads the whole file at `path`. Errors (in `error`): missing, not a regular file, unreadable,
// larger than kInputFileBytesMax.
InputFile read_input_file(const std::string& path);

// Writes `bytes` to `path`, replacing the file. Returns "" or, for people, "PATH: cannot write:
// why".
std::string write_output_file(const std::string& path, fw::ByteSpan bytes);

// A core error about a file, as "PATH:N: <$ERR text>: rest" when its detail starts with
// "line N: ", else "PATH: <$ERR text>: detail" — the compiler-style form editors can jump to.
std::string located_message(std::string_view path, const fw::Error& error);

// The detail of a per-element issue without its "line N: " prefix (the caller prints the line).
std::string_view without_line_prefix(std::string_view detail);

}  // namespace sim::cli
