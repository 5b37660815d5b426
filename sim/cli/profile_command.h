#pragma once

// `phonesim profile ...`: make profile files and look at them the way a phone would read them.
//
//   phonesim profile pack IN -o OUT [--gzip] [--key K] [--md sha256|md5] [--salt HEX16]
//   phonesim profile unpack IN -o OUT [--key K] [--md5-only]
//   phonesim profile inspect IN [--key K] [--md5-only] [--json] [--export]
//   phonesim profile diff A B [--key K] [--md5-only]
//
// Files are decoded by content (openssl enc, gzip, XML), never by name. Each run_* function is
// the whole command minus argument parsing, so tests call it directly. Exit statuses:
// command_status.h. A key is never printed.

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "firmware-core/base/bytes.h"
#include "firmware-core/codec/profile_codec.h"
#include "sim/cli/profile_file.h"

namespace CLI {
class App;
}

namespace sim::cli {

struct InspectOptions {
  std::string path;
  ProfileKey key;
  bool json = false;                  // the same report as JSON
  bool export_configuration = false;  // also print the resulting configuration for people
};

// Decodes the profile at `options.path`, applies it to a factory-default phone and reports what
// happened: its layers (openssl enc with the digest that worked, gzip) and sizes, parameter
// elements, parameters changed, unknown elements, invalid values (secrets masked) and the value
// each named parameter ends up with. Returns kExitOk when every element applied, kExitProblemsFound
// when some were unknown or invalid, kExitInvalidInput when the file cannot be read or decoded (key
// required, decrypt failed, corrupt file, profile too large) or is not a well-formed flat profile.
int run_profile_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err);

struct DiffOptions {
  std::string before_path;
  std::string after_path;
  ProfileKey key;  // for whichever file is encrypted (the other may be plain)
};

// Decodes each profile, applies it to its own factory-default phone and prints the layers of each
// file that has any, then the parameters that differ, in registry order (`Name: 'a' -> 'b'`,
// access changes, secrets masked). Returns kExitOk when the resulting configurations are
// identical, kExitProblemsFound when they differ, kExitInvalidInput when either file cannot be
// read, decoded or parsed.
int run_profile_diff(const DiffOptions& options, std::ostream& out, std::ostream& err);

struct PackOptions {
  std::string input_path;
  std::string output_path;
  bool gzip = false;
  std::optional<std::string> key;       // encrypt (openssl enc -aes-256-cbc -k KEY)
  std::optional<fw::KdfDigest> digest;  // default SHA-256; only with a key
  std::optional<std::string> salt_hex;  // 16 hex digits; default default_pack_salt()
};

// Encodes the file at `options.input_path` (gzip, then encryption, as asked) into
// `options.output_path`, readable by `gunzip` and `openssl enc -d -aes-256-cbc -k KEY -md ...`.
// The input is packed as given; a warning on `err` says when it is not a flat profile. Returns
// kExitOk, or kExitInvalidInput for a bad option (--md or --salt without --key, a salt that is
// not 16 hex digits), an unreadable input, an input over the codec's limits or an unwritable
// output.
int run_profile_pack(const PackOptions& options, std::ostream& out, std::ostream& err);

// The salt `pack` uses when none is given: the first 8 bytes of SHA-256(key || plaintext). The
// simulator takes no OS randomness, and this keeps pack reproducible; the price is that equal
// files packed with the same key are equal, so an observer can tell they are identical.
std::array<std::uint8_t, 8> default_pack_salt(const std::string& key, fw::ByteSpan plaintext);

struct UnpackOptions {
  std::string input_path;
  std::string output_path;
  ProfileKey key;
};

// Decodes every layer of `options.input_path` as a phone would and writes the plain XML, byte
// for byte, to `options.output_path`; prints the layers found and their sizes to `err`. Returns
// kExitOk, or kExitInvalidInput when the input cannot be read or decoded or the output written.
int run_profile_unpack(const UnpackOptions& options, std::ostream& out, std::ostream& err);

// Adds the `profile` command group to `app`. When one of its commands is parsed, `selected` is
// set to run it (main runs it after parsing, outside CLI11's exception handling).
void add_profile_commands(CLI::App& app, std::function<int()>& selected, std::ostream& out,
                          std::ostream& err);

}  // namespace sim::cli
