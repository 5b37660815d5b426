// Interoperability of firmware-core/codec with the system `gzip` and `openssl enc`: files the
// tools make decode byte-exactly with ProfileDecoder, and encode_profile's files decode
// byte-exactly with the tools. Each test works in its own temporary directory and skips when a
// tool is missing.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "firmware-core/codec/profile_codec.h"

namespace fw {
namespace {

constexpr std::string_view kXml =
    "<?xml version=\"1.0\"?>\n<flat-profile>\n  <GPP_A> 12345678\n</GPP_A>\n"
    "  "
    "<Dial_Plan_1_>(*xx|[3469]11|0|00|[2-9]xxxxxx|1xxx[2-9]xxxxxxS0|xxxxxxxxxxxx.)</Dial_Plan_1_>\n"
    "  <Station_Name ua=\"rw\">caf\xc3\xa9 &lt;lobby&gt;</Station_Name>\n</flat-profile>\n";

bool have_tool(const char* name) {
  const std::string command = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// Single-quotes `text` for /bin/sh.
std::string shell_quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

class CodecInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_tool("gzip") || !have_tool("openssl"))
      GTEST_SKIP() << "needs gzip and openssl on PATH";
    char pattern[] = "/tmp/phonesim-codec-interop-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (!dir_.empty())
      std::system(("rm -rf " + shell_quoted(dir_)).c_str());
  }

  std::string path(std::string_view name) const { return dir_ + "/" + std::string(name); }

  void write(std::string_view name, ByteSpan bytes) const {
    std::ofstream out(path(name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good());
  }
  Bytes read(std::string_view name) const {
    std::ifstream in(path(name), std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Runs a shell command in the temp dir; stderr (openssl's deprecation warning) is dropped.
  void run(const std::string& command) const {
    const std::string full = "cd " + shell_quoted(dir_) + " && " + command + " 2>/dev/null";
    ASSERT_EQ(std::system(full.c_str()), 0) << full;
  }

  std::string dir_;
};

std::string md_option(std::optional<KdfDigest> digest) {
  if (!digest)
    return "";  // OpenSSL 3's default: SHA-256
  return *digest == KdfDigest::Md5 ? " -md md5" : " -md sha256";
}

TEST_F(CodecInteropTest, DecodesGzipOutput) {
  write("basic.txt", as_bytes(kXml));
  run("gzip -n -c basic.txt > basic.txt.gz");
  ProfileDecoder decoder;
  auto plain = decoder.decode(read("basic.txt.gz"), std::nullopt);
  ASSERT_TRUE(plain.has_value()) << plain.error().to_string();
  EXPECT_EQ(as_text(*plain), kXml);
  // gzip without -n stores the name and mtime: still one member, still accepted.
  run("gzip -c basic.txt > named.gz");
  auto named = decoder.decode(read("named.gz"), std::nullopt);
  ASSERT_TRUE(named.has_value()) << named.error().to_string();
  EXPECT_EQ(as_text(*named), kXml);
}

TEST_F(CodecInteropTest, DecodesOpensslEncOutputForEveryDigestAndLayer) {
  write("basic.txt", as_bytes(kXml));
  run("gzip -n -c basic.txt > basic.txt.gz");
  ProfileDecoder decoder;
  const std::optional<KdfDigest> digests[] = {std::nullopt, KdfDigest::Sha256, KdfDigest::Md5};
  for (const std::string key : {"MyOwnSecret", "my own secret with spaces", "it's $HOME"}) {
    for (const std::optional<KdfDigest> digest : digests) {
      for (const char* input : {"basic.txt", "basic.txt.gz"}) {
        SCOPED_TRACE(::testing::Message() << input << md_option(digest) << " key " << key);
        run("openssl enc -aes-256-cbc -k " + shell_quoted(key) + md_option(digest) + " -in " +
            input + " -out basic.cfg");
        auto plain = decoder.decode(read("basic.cfg"), key);
        ASSERT_TRUE(plain.has_value()) << plain.error().to_string();
        EXPECT_EQ(as_text(*plain), kXml);
        EXPECT_EQ(decoder.layers().digest, digest.value_or(KdfDigest::Sha256));
        EXPECT_EQ(decoder.layers().compressed, std::string_view(input) == "basic.txt.gz");
        const bool md5_file = digest == KdfDigest::Md5;
        auto md5_only = decoder.decode(read("basic.cfg"), key, KeyDerivation::Md5Only);
        EXPECT_EQ(md5_only.has_value(), md5_file);
      }
    }
  }
}

TEST_F(CodecInteropTest, EncoderOutputDecodesWithSystemTools) {
  for (const std::string key : {"MyOwnSecret", "my own secret with spaces"}) {
    for (KdfDigest digest : {KdfDigest::Sha256, KdfDigest::Md5}) {
      for (bool gzip : {false, true}) {
        SCOPED_TRACE(::testing::Message() << "gzip " << gzip << md_option(digest) << " " << key);
        EncodeOptions options;
        options.gzip = gzip;
        options.key = key;
        options.digest = digest;
        options.salt = {0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3};
        auto encoded = encode_profile(as_bytes(kXml), options);
        ASSERT_TRUE(encoded.has_value()) << encoded.error().to_string();
        write("ours.cfg", *encoded);
        run("openssl enc -d -aes-256-cbc -k " + shell_quoted(key) + md_option(digest) +
            " -in ours.cfg -out ours.dec");
        if (gzip)
          run("gzip -d -c ours.dec > ours.xml");
        else
          run("cp ours.dec ours.xml");
        EXPECT_EQ(as_text(read("ours.xml")), kXml);
      }
    }
  }
  EncodeOptions gzip_only;
  gzip_only.gzip = true;
  auto gz = encode_profile(as_bytes(kXml), gzip_only);
  ASSERT_TRUE(gz.has_value());
  write("ours.xml.gz", *gz);
  run("gzip -t ours.xml.gz && gzip -d -c ours.xml.gz > plain.xml");
  EXPECT_EQ(as_text(read("plain.xml")), kXml);
}

}  // namespace
}  // namespace fw
