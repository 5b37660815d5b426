#pragma once

// A profile file as a phone receives it: read from disk and decoded through its layers (openssl
// enc, gzip; firmware-core/codec) to the plain XML, with what was found, for the reports.

#include <optional>
#include <string>

#include "firmware-core/base/bytes.h"
#include "firmware-core/codec/profile_codec.h"

namespace sim::cli {

// What a rule's `--key` gives the phone. The key is never printed, not even in errors.
struct ProfileKey {
  std::optional<std::string> key;
  fw::KeyDerivation key_derivation = fw::KeyDerivation::Sha256ThenMd5;
};

// A decoded profile file, or why it could not be decoded.
struct ProfileFile {
  fw::Bytes xml;  // the plain XML, byte for byte
  fw::DecodedLayers layers;
  std::string error;  // empty when decoded; else "PATH: cannot read: why" or "PATH: <$ERR>: detail"
  std::string note;   // non-fatal remark for stderr ("note: ..."), or empty

  bool ok() const { return error.empty(); }
};

// Reads the file at `path` and decodes it as a phone would with `key`. Errors (in `error`):
// those of read_input_file(), and the codec's (key required, decrypt failed, corrupt file,
// profile too large). One difference from a phone: a key given for a file that is not encrypted
// is not an error (a phone reports "profile not encrypted"), so that `diff --key` can compare an
// encrypted profile with its plain source; `note` says what a phone would do.
ProfileFile read_profile_file(const std::string& path, const ProfileKey& key);

// "-md sha256" or "-md md5", as `openssl enc` spells the digest of its key derivation.
std::string_view openssl_digest_option(fw::KdfDigest digest);

// The layers outermost first, each with its size: "plain XML, 59 bytes", or
// "openssl enc AES-256-CBC -md sha256, 112 bytes > gzip, 90 bytes > XML, 59 bytes".
std::string describe_layers(const fw::DecodedLayers& layers);

}  // namespace sim::cli
