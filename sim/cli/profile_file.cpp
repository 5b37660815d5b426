#include "sim/cli/profile_file.h"

#include "sim/cli/input_file.h"

namespace sim::cli {

ProfileFile read_profile_file(const std::string& path, const ProfileKey& key) {
  ProfileFile file;
  InputFile input = read_input_file(path);
  if (!input.ok()) {
    file.error = std::move(input.error);
    return file;
  }
  fw::ProfileDecoder decoder;
  auto decoded = decoder.decode(input.bytes, key.key, key.key_derivation);
  if (!decoded && decoded.error().code == fw::ErrorCode::NotEncrypted) {
    file.note = path +
                ": not encrypted, decoded without the key (a phone whose rule has --key "
                "rejects it: " +
                std::string(decoded.error().err_text()) + ")";
    decoded = decoder.decode(input.bytes, std::nullopt, key.key_derivation);
  }
  if (!decoded) {
    file.error = located_message(path, decoded.error());
    return file;
  }
  file.xml.assign(decoded->begin(), decoded->end());
  file.layers = decoder.layers();
  return file;
}

std::string_view openssl_digest_option(fw::KdfDigest digest) {
  return digest == fw::KdfDigest::Md5 ? "-md md5" : "-md sha256";
}

std::string describe_layers(const fw::DecodedLayers& layers) {
  if (!layers.encrypted && !layers.compressed) {
    return "plain XML, " + std::to_string(layers.plain_bytes) + " bytes";
  }
  std::string text;
  if (layers.encrypted) {
    text += "openssl enc AES-256-CBC";
    if (layers.digest) {
      text += " ";
      text += openssl_digest_option(*layers.digest);
    }
    text += ", " + std::to_string(layers.encoded_bytes) + " bytes > ";
  }
  if (layers.compressed) {
    text += "gzip, " + std::to_string(layers.compressed_bytes) + " bytes > ";
  }
  text += "XML, " + std::to_string(layers.plain_bytes) + " bytes";
  return text;
}

}  // namespace sim::cli
