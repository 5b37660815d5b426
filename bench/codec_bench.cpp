// bench_codec: decoding downloaded profiles (openssl-enc AES-256-CBC, gzip, XML) against the raw
// libraries doing the same steps, measured in the same process.
//
//   raw/...   OpenSSL, zlib, tinyxml2 (and libdeflate, pugixml) alone on the same bytes,
//             contexts reused and keys already derived: the least each step costs
//             (raw/*_parse_walk: the parse, then the parser's walk reading every element, the
//             least a reader of its document pays; bench/raw_parse.h)
//   ours/...  ProfileDecoder::decode and apply_downloaded_profile with the default backend (zlib,
//             tinyxml2); the label names the peer (a chain "a+b+c" is the sum of those steps)
//             for the closing ratio table; the pipeline has two, raw parse and raw parse+walk
//   ours/fingerprint  what a stored rule remembers of a download (profile_fingerprint), against
//             raw/sha256 of the same bytes (what it remembered before)
//   fast/...  the same with the fast backend (libdeflate, pugixml; PHONESIM_FAST_BACKEND builds):
//             decode against its raw steps, the pipeline against the default pipeline and
//             against its raw steps with pugixml's parse+walk
//
// `bench_codec --write DIR` writes the generated profile sets instead (scripts/gen-profiles).
//
// Forms, each made with encode_profile from the generated profiles: plain, gzip, gzip_aes (key
// kKey, fixed salt, SHA-256 key derivation). See README.md for the command and the figures.

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <zlib.h>

#ifdef PHONESIM_FAST_BACKEND
#include <libdeflate.h>
#endif

#include <benchmark/benchmark.h>

#include "bench/profile_generator.h"
#include "bench/ratio_reporter.h"
#include "bench/raw_parse.h"
#include "bench/registration.h"
#include "firmware-core/agent/profile_fingerprint.h"
#include "firmware-core/base/bytes.h"
#include "firmware-core/codec/downloaded_profile.h"
#include "firmware-core/codec/profile_codec.h"
#include "firmware-core/config/config_store.h"
#include "firmware-core/config/parameter_registry.h"

namespace bench {
namespace {

const std::string kKey = "MyOwnSecret";
constexpr std::array<std::uint8_t, 8> kSalt = {0x5a, 0x17, 0xc0, 0xde, 0x01, 0x23, 0x45, 0x67};
// openssl enc: "Salted__" then the 8-byte salt, then the ciphertext.
constexpr std::size_t kSaltedHeaderBytes = 16;
constexpr int kGzipWindowBits = 15 + 16;  // zlib: gzip wrapper only
constexpr std::size_t kAesBlockBytes = 16;

const fw::ParameterRegistry& registry() {
  return fw::ParameterRegistry::builtin();
}

// One generated profile in the three forms a server sends, plus what the raw peers need.
struct Profile {
  std::string name;  // "small", "typical", "large"
  std::string xml;
  fw::Bytes plain{};     // encode_profile without layers: the XML itself
  fw::Bytes gzip{};      // gzip
  fw::Bytes gzip_aes{};  // gzip, then openssl enc -aes-256-cbc -md sha256 -k kKey
  unsigned char aes_key[EVP_MAX_KEY_LENGTH] = {};
  unsigned char aes_iv[EVP_MAX_IV_LENGTH] = {};
};

struct Form {
  std::string_view name;
  fw::Bytes Profile::*bytes;
  bool encrypted;
};
constexpr std::array<Form, 3> kForms = {{{"plain", &Profile::plain, false},
                                         {"gzip", &Profile::gzip, false},
                                         {"gzip_aes", &Profile::gzip_aes, true}}};

// Which libraries decode and parse: the default or the fast backend.
struct Backend {
  std::string_view prefix;  // "ours", "fast"
  fw::Inflater inflater;
  fw::XmlParser parser;
  std::string_view raw_inflate;  // the raw peers of its steps
  std::string_view raw_parse;
};
constexpr Backend kDefaultBackend{"ours", fw::Inflater::Zlib, fw::XmlParser::Tinyxml2,
                                  "raw/zlib_inflate", "raw/tinyxml2_parse"};
constexpr Backend kFastBackend{"fast", fw::Inflater::Libdeflate, fw::XmlParser::Pugixml,
                               "raw/libdeflate_inflate", "raw/pugixml_parse"};

bool fast_backend_built_in() {
  return fw::inflater_available(fw::Inflater::Libdeflate) &&
         fw::xml_parser_available(fw::XmlParser::Pugixml);
}

fw::ProfileLimits limits_for(const Backend& backend) {
  fw::ProfileLimits limits;
  limits.xml_parser = backend.parser;
  return limits;
}

std::optional<std::string> key_for(const Form& form) {
  return form.encrypted ? std::optional<std::string>(kKey) : std::nullopt;
}

std::string run_name(std::string_view kind, std::string_view form, const Profile& profile) {
  return std::string(kind) + "/" + std::string(form) + "/" + profile.name;
}

// The raw steps a form's decoding is made of: its peer.
std::string raw_steps(const Form& form, const Profile& profile,
                      const Backend& backend = kDefaultBackend) {
  if (form.name == "plain")
    return run_name("raw/memcpy", "plain", profile);
  std::string steps = run_name(backend.raw_inflate, "gzip", profile);
  if (form.encrypted)
    steps = run_name("raw/aes_decrypt", "gzip_aes", profile) + kPeerSeparator + steps;
  return steps;
}

// Encodes the forms, derives the key the raw decryption uses, and checks that the raw steps and
// ProfileDecoder give back the XML, so that no benchmark times an error path by accident.
// Returns false (after printing why) when something is off.
bool prepare(Profile& profile) {
  auto encode = [&](bool gzip, bool encrypted, fw::Bytes& out) {
    fw::EncodeOptions options{.gzip = gzip,
                              .key = encrypted ? std::optional<std::string>(kKey) : std::nullopt,
                              .digest = fw::KdfDigest::Sha256,
                              .salt = kSalt};
    auto encoded = fw::encode_profile(fw::as_bytes(profile.xml), options);
    if (!encoded) {
      std::fprintf(stderr, "%s profile: %s\n", profile.name.c_str(),
                   encoded.error().to_string().c_str());
      return false;
    }
    out = std::move(*encoded);
    return true;
  };
  if (!encode(false, false, profile.plain) || !encode(true, false, profile.gzip) ||
      !encode(true, true, profile.gzip_aes))
    return false;
  if (EVP_BytesToKey(EVP_aes_256_cbc(), EVP_sha256(), kSalt.data(),
                     reinterpret_cast<const unsigned char*>(kKey.data()),
                     static_cast<int>(kKey.size()), 1, profile.aes_key, profile.aes_iv) == 0) {
    std::fprintf(stderr, "EVP_BytesToKey failed\n");
    return false;
  }
  std::optional<fw::ConfigStore> default_store;
  for (const Backend* backend : {&kDefaultBackend, &kFastBackend}) {
    if (backend == &kFastBackend && !fast_backend_built_in())
      break;
    fw::ProfileDecoder decoder(backend->inflater);
    for (const Form& form : kForms) {
      auto plain = decoder.decode(profile.*form.bytes, key_for(form));
      if (!plain || fw::as_text(*plain) != profile.xml) {
        std::fprintf(stderr, "%s profile, %s, %s: does not decode to the XML\n",
                     profile.name.c_str(), std::string(form.name).c_str(),
                     std::string(backend->prefix).c_str());
        return false;
      }
      fw::ConfigStore store(registry());
      auto report =
          fw::apply_downloaded_profile(store, decoder, profile.*form.bytes, key_for(form),
                                       fw::KeyDerivation::Sha256ThenMd5, limits_for(*backend));
      // Both backends must give the same configuration.
      if (!report || (default_store && !(store == *default_store))) {
        std::fprintf(stderr, "%s profile, %s, %s: does not apply, or applies differently\n",
                     profile.name.c_str(), std::string(form.name).c_str(),
                     std::string(backend->prefix).c_str());
        return false;
      }
      if (!default_store)
        default_store = store;
    }
  }
  // On stderr, so that --benchmark_format=json keeps stdout parseable.
  std::fprintf(stderr, "profile %s: %zu B plain, %zu B gzip, %zu B gzip+AES\n",
               profile.name.c_str(), profile.plain.size(), profile.gzip.size(),
               profile.gzip_aes.size());
  return true;
}

void set_bytes(benchmark::State& state, std::size_t bytes) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

// --- Raw peers ----------------------------------------------------------------------------------

// AES-256-CBC decryption of the gzip+AES ciphertext: the key and IV derived, the cipher fetched
// and the context allocated once, as a decoder reused for many profiles of one key would.
void raw_aes_decrypt(benchmark::State& state, const Profile& profile) {
  const fw::ByteSpan ciphertext = fw::ByteSpan(profile.gzip_aes).subspan(kSaltedHeaderBytes);
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  fw::Bytes out(ciphertext.size() + kAesBlockBytes);
  for (auto _ : state) {
    int update_bytes = 0;
    int final_bytes = 0;
    if (EVP_DecryptInit_ex2(context, cipher, profile.aes_key, profile.aes_iv, nullptr) != 1 ||
        EVP_DecryptUpdate(context, out.data(), &update_bytes, ciphertext.data(),
                          static_cast<int>(ciphertext.size())) != 1 ||
        EVP_DecryptFinal_ex(context, out.data() + update_bytes, &final_bytes) != 1) {
      state.SkipWithError("AES-256-CBC decryption failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  if (!std::equal(profile.gzip.begin(), profile.gzip.end(), out.begin()))
    state.SkipWithError("decryption does not give the gzip form");
  EVP_CIPHER_CTX_free(context);
  EVP_CIPHER_free(cipher);
  set_bytes(state, ciphertext.size());
}

// Inflation of the gzip form into a buffer of the right size: one stream, reset per profile.
void raw_zlib_inflate(benchmark::State& state, const Profile& profile) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    state.SkipWithError("inflateInit2 failed");
    return;
  }
  fw::Bytes out(profile.xml.size());
  fw::Bytes input = profile.gzip;  // zlib's next_in is not const
  for (auto _ : state) {
    inflateReset(&stream);
    stream.next_in = input.data();
    stream.avail_in = static_cast<uInt>(input.size());
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    if (inflate(&stream, Z_FINISH) != Z_STREAM_END) {
      state.SkipWithError("inflate did not reach the end of the stream");
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  inflateEnd(&stream);
  set_bytes(state, profile.gzip.size());
}

#ifdef PHONESIM_FAST_BACKEND
// libdeflate's whole-buffer gzip inflation into a buffer of the right size; decompressor
// allocated once.
void raw_libdeflate_inflate(benchmark::State& state, const Profile& profile) {
  libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
  fw::Bytes out(profile.xml.size());
  for (auto _ : state) {
    if (libdeflate_gzip_decompress(decompressor, profile.gzip.data(), profile.gzip.size(),
                                   out.data(), out.size(), nullptr) != LIBDEFLATE_SUCCESS) {
      state.SkipWithError("libdeflate_gzip_decompress failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  libdeflate_free_decompressor(decompressor);
  set_bytes(state, profile.gzip.size());
}

// pugixml's parse with its default options (fresh document); then also pugixml's walk.
void raw_pugixml_parse(benchmark::State& state, const Profile& profile) {
  time_pugixml_parse(state, profile.xml, /*walk=*/false);
}
void raw_pugixml_parse_walk(benchmark::State& state, const Profile& profile) {
  time_pugixml_parse(state, profile.xml, /*walk=*/true);
}
#endif

// The parse every decoded profile goes through (fresh document, as in bench_config); then also
// a read of every element's name, text and `ua` through tinyxml2's API: what tinyxml2 costs any
// reader of its document.
void raw_tinyxml2_parse(benchmark::State& state, const Profile& profile) {
  time_tinyxml2_parse(state, profile.xml, /*walk=*/false);
}
void raw_tinyxml2_parse_walk(benchmark::State& state, const Profile& profile) {
  time_tinyxml2_parse(state, profile.xml, /*walk=*/true);
}

// The floor of decoding a plain download: copy it into a buffer the decoder owns.
void raw_memcpy(benchmark::State& state, const Profile& profile) {
  const fw::Bytes& bytes = profile.plain;
  fw::Bytes out(bytes.size());
  for (auto _ : state) {
    std::memcpy(out.data(), bytes.data(), bytes.size());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state, bytes.size());
}

// SHA-256 (OpenSSL EVP, digest fetched and context allocated once) of the download: what the
// agent computed on every resync to recognise an unchanged profile before profile_fingerprint.
void raw_sha256(benchmark::State& state, const Profile& profile) {
  const fw::Bytes& bytes = profile.gzip_aes;
  EVP_MD* digest = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  for (auto _ : state) {
    unsigned int length = 0;
    if (EVP_DigestInit_ex(context, digest, nullptr) != 1 ||
        EVP_DigestUpdate(context, bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(context, out.data(), &length) != 1) {
      state.SkipWithError("SHA-256 failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  EVP_MD_CTX_free(context);
  EVP_MD_free(digest);
  set_bytes(state, bytes.size());
}

// --- Ours ---------------------------------------------------------------------------------------

// What a stored rule remembers of a download (its key included), against SHA-256 of the bytes.
void ours_fingerprint(benchmark::State& state, const Profile& profile) {
  const fw::Bytes& bytes = profile.gzip_aes;
  const std::optional<std::string> key(kKey);
  for (auto _ : state) {
    const fw::ProfileFingerprint fingerprint = fw::profile_fingerprint(bytes, key);
    benchmark::DoNotOptimize(fingerprint);
  }
  set_bytes(state, bytes.size());
  state.SetLabel(peer_label(run_name("raw/sha256", "gzip_aes", profile)));
}

// Bytes processed: the download (the encoded form).
void ours_decode(benchmark::State& state, const Profile& profile, const Form& form,
                 const Backend& backend) {
  const fw::Bytes& bytes = profile.*form.bytes;
  const std::optional<std::string> key = key_for(form);
  fw::ProfileDecoder decoder(backend.inflater);
  for (auto _ : state) {
    auto plain = decoder.decode(bytes, key);
    if (!plain) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(plain->data());
  }
  set_bytes(state, bytes.size());
  state.SetLabel(peer_label(raw_steps(form, profile, backend)));
}

// Download to configuration: decode, then apply onto a factory store (parse, validate,
// normalize, diff, build, swap). The default pipeline's peer stops at tinyxml2's parse; the
// fast pipeline's peer is the default pipeline.
void ours_pipeline(benchmark::State& state, const Profile& profile, const Form& form,
                   const Backend& backend) {
  const fw::Bytes& bytes = profile.*form.bytes;
  const std::optional<std::string> key = key_for(form);
  const fw::ProfileLimits limits = limits_for(backend);
  fw::ProfileDecoder decoder(backend.inflater);
  for (auto _ : state) {
    fw::ConfigStore store(registry());
    auto report = fw::apply_downloaded_profile(store, decoder, bytes, key,
                                               fw::KeyDerivation::Sha256ThenMd5, limits);
    if (!report) {
      state.SkipWithError("apply_downloaded_profile failed");
      break;
    }
    benchmark::DoNotOptimize(report);
    benchmark::DoNotOptimize(store);
  }
  set_bytes(state, bytes.size());
  // The raw steps of this form, then `parse` (a raw parse run's kind).
  auto raw_chain = [&](std::string_view parse) {
    return form.name == "plain" ? run_name(parse, "xml", profile)
                                : raw_steps(form, profile, backend) + kPeerSeparator +
                                      run_name(parse, "xml", profile);
  };
  if (&backend != &kDefaultBackend) {
    // The default pipeline (the fast/default ratio), and the raw steps with pugixml's parse and
    // walk (what the fast pipeline adds to what its libraries cost any reader).
    state.SetLabel(peer_label(
        {run_name("ours/pipeline", form.name, profile), raw_chain("raw/pugixml_parse_walk")}));
    return;
  }
  // The raw steps with tinyxml2's parse (the overhead issue #3 defines), and the same with
  // tinyxml2's own walk over the parsed elements (the least any reader of tinyxml2's document
  // pays, before a single value is validated or stored).
  state.SetLabel(
      peer_label({raw_chain("raw/tinyxml2_parse"), raw_chain("raw/tinyxml2_parse_walk")}));
}

}  // namespace
}  // namespace bench

namespace bench {
namespace {

constexpr const char* kUsage =
    "usage: bench_codec [--write DIR] [benchmark flags]\n"
    "  --write DIR  write the generated profile sets to DIR and exit: for each of small, typical\n"
    "               and large, NAME.xml (plain), NAME.xml.gz (gzip) and NAME.cfg (gzip, then\n"
    "               openssl enc -aes-256-cbc -md sha256 -k MyOwnSecret, fixed salt); the same\n"
    "               bytes on every run and build\n"
    "  otherwise    run the benchmarks (--benchmark_filter=..., --benchmark_repetitions=N, ...)\n";

bool write_file(const std::string& path, const fw::Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

int write_profiles(const std::string& directory, Profile* profiles, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const Profile& profile = profiles[i];
    const std::string base = directory + "/" + profile.name;
    if (!write_file(base + ".xml", profile.plain) || !write_file(base + ".xml.gz", profile.gzip) ||
        !write_file(base + ".cfg", profile.gzip_aes)) {
      std::fprintf(stderr, "bench_codec: cannot write %s.*\n", base.c_str());
      return 1;
    }
    std::printf("%s.xml %zu B, %s.xml.gz %zu B, %s.cfg %zu B\n", base.c_str(), profile.plain.size(),
                base.c_str(), profile.gzip.size(), base.c_str(), profile.gzip_aes.size());
  }
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  std::string write_directory;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--write") {
      if (i + 1 >= argc) {
        std::fputs(kUsage, stderr);
        return 2;
      }
      write_directory = argv[i + 1];
    }
  }
  const Display display = display_from_flags(argc, argv);
  if (write_directory.empty()) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
      return 1;
  }

  // Registered benchmarks keep references to these until the end of main.
  static Profile profiles[std::size(kProfileShapes)];
  for (std::size_t i = 0; i < std::size(kProfileShapes); ++i) {
    profiles[i].name = std::string(kProfileShapes[i].name);
    profiles[i].xml = generate_profile(registry(), kProfileShapes[i]);
    if (!prepare(profiles[i]))
      return 1;
  }
  if (!write_directory.empty())
    return write_profiles(write_directory, profiles, std::size(profiles));

  const bool fast = fast_backend_built_in();
  for (const Profile& profile : profiles) {
    add(run_name("raw/memcpy", "plain", profile), raw_memcpy, profile);
    add(run_name("raw/aes_decrypt", "gzip_aes", profile), raw_aes_decrypt, profile);
    add(run_name("raw/zlib_inflate", "gzip", profile), raw_zlib_inflate, profile);
    add(run_name("raw/tinyxml2_parse", "xml", profile), raw_tinyxml2_parse, profile);
    add(run_name("raw/tinyxml2_parse_walk", "xml", profile), raw_tinyxml2_parse_walk, profile);
    add(run_name("raw/sha256", "gzip_aes", profile), raw_sha256, profile);
    add(run_name("ours/fingerprint", "gzip_aes", profile), ours_fingerprint, profile);
#ifdef PHONESIM_FAST_BACKEND
    add(run_name("raw/libdeflate_inflate", "gzip", profile), raw_libdeflate_inflate, profile);
    add(run_name("raw/pugixml_parse", "xml", profile), raw_pugixml_parse, profile);
    add(run_name("raw/pugixml_parse_walk", "xml", profile), raw_pugixml_parse_walk, profile);
#endif
    for (const Backend* backend : {&kDefaultBackend, &kFastBackend}) {
      if (backend == &kFastBackend && !fast)
        break;
      const std::string decode = std::string(backend->prefix) + "/decode";
      const std::string pipeline = std::string(backend->prefix) + "/pipeline";
      for (const Form& form : kForms)
        add(run_name(decode, form.name, profile), ours_decode, profile, form, *backend);
      for (const Form& form : kForms)
        add(run_name(pipeline, form.name, profile), ours_pipeline, profile, form, *backend);
    }
  }

  run_benchmarks(display);
  benchmark::Shutdown();
  return 0;
}
