#include "firmware-core/fetch/http_auth.h"

#include <gtest/gtest.h>

namespace fw {
namespace {

TEST(HttpAuthTest, ParsesSeveralChallengesInOneHeader) {
  auto elements = parse_auth_header(
      R"(Basic realm="prov", Digest realm="a, b", nonce="n\"1", qop="auth,auth-int", stale=FALSE)");
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_TRUE(elements[0].is("basic"));
  EXPECT_EQ(elements[0].parameter("realm"), "prov");
  EXPECT_TRUE(elements[1].is("DIGEST"));
  EXPECT_EQ(elements[1].parameter("realm"), "a, b");
  EXPECT_EQ(elements[1].parameter("nonce"), "n\"1");
  EXPECT_EQ(elements[1].parameter("qop"), "auth,auth-int");
  EXPECT_EQ(elements[1].parameter("stale"), "FALSE");
  EXPECT_FALSE(elements[1].parameter("opaque"));
}

TEST(HttpAuthTest, ParsesBasicCredentialsToken) {
  auto elements = parse_auth_header("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  ASSERT_EQ(elements.size(), 1u);
  EXPECT_EQ(elements[0].token, "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  auto credentials = decode_basic_credentials(elements[0].token);
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "Aladdin");
  EXPECT_EQ(credentials->password, "open sesame");
  EXPECT_FALSE(decode_basic_credentials("abc"));
  EXPECT_FALSE(decode_basic_credentials("bm9jb2xvbg=="));  // "nocolon"
}

TEST(HttpAuthTest, BasicAuthorizationIsRfc7617) {
  EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_authorization("", ""), "Basic Og==");
}

TEST(HttpAuthTest, DigestMatchesTheRfc2617Example) {
  auto challenge = parse_auth_header(
      R"(Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41")");
  ASSERT_EQ(challenge.size(), 1u);
  auto value = digest_authorization(challenge[0], "Mufasa", "Circle Of Life", "GET",
                                    "/dir/index.html", 1, "0a4f113b");
  ASSERT_TRUE(value);
  EXPECT_EQ(
      *value,
      R"(Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", algorithm=MD5, response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001, cnonce="0a4f113b")");
}

TEST(HttpAuthTest, DigestWithoutQopAndUnsupportedChallenges) {
  DigestInput input;
  input.user = "u";
  input.password = "p";
  input.realm = "r";
  input.nonce = "n";
  input.method = "GET";
  input.uri = "/x";
  EXPECT_EQ(digest_response(input), md5_hex(md5_hex("u:r:p") + ":n:" + md5_hex("GET:/x")));
  auto sha = parse_auth_header(R"(Digest realm="r", nonce="n", algorithm=SHA-256)");
  EXPECT_FALSE(digest_authorization(sha[0], "u", "p", "GET", "/", 1, "c"));
  auto no_nonce = parse_auth_header(R"(Digest realm="r")");
  EXPECT_FALSE(digest_authorization(no_nonce[0], "u", "p", "GET", "/", 1, "c"));
  auto int_only = parse_auth_header(R"(Digest realm="r", nonce="n", qop="auth-int")");
  EXPECT_FALSE(digest_authorization(int_only[0], "u", "p", "GET", "/", 1, "c"));
  auto qop = parse_auth_header(R"(Digest realm="r", nonce="n", qop="auth")");
  EXPECT_FALSE(digest_authorization(qop[0], "u", "p", "GET", "/", 1, ""));  // no cnonce
}

TEST(HttpAuthTest, Md5OfKnownText) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

}  // namespace
}  // namespace fw
