#include "servers/http/reflector.h"

#include <gtest/gtest.h>

#include "tests/servers/http/memory_http_root.h"

namespace srv {
namespace {

const fw::PeerCertificate kMic{"CN=000e08abcdef,ST=00:0e:08:ab:cd:ef,L=FCH00000001,OU=CP-6841-3PCC",
                               "CN=Manufacturer Root",
                               {{"OU", "CP-6841-3PCC"},
                                {"L", "FCH00000001"},
                                {"ST", "00:0e:08:ab:cd:ef"},
                                {"CN", "000e08abcdef"}}};

HttpRequestInfo request(std::string_view method, std::string_view target,
                        const fw::PeerCertificate* certificate) {
  HttpRequestInfo info;
  info.method = method;
  info.target = target;
  info.peer_certificate = certificate;
  return info;
}

TEST(ReflectorTest, ProfileIsWhatTheGuidesScriptPrints) {
  EXPECT_EQ(reflector_profile(kMic),
            "<flat-profile><GPP_D>OU=CP-6841-3PCC, \nL=FCH00000001, \nS=00:0e:08:ab:cd:ef \n"
            "</GPP_D></flat-profile>");
}

TEST(ReflectorTest, MissingFieldsPrintEmpty) {
  fw::PeerCertificate generic{"CN=x", "CN=y", {{"CN", "x"}}};
  EXPECT_EQ(reflector_profile(generic),
            "<flat-profile><GPP_D>OU=, \nL=, \nS= \n</GPP_D></flat-profile>");
}

TEST(ReflectorTest, AnswersItsPathWithTheClientsFields) {
  Reflector reflector;
  auto reply = reflector(request("GET", "/cgi-bin/reflect.pl?", &kMic));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  ASSERT_EQ(reply->headers.size(), 1u);
  EXPECT_EQ(reply->headers[0].value, "text/plain");
  EXPECT_EQ(fw::as_text(reply->body), reflector_profile(kMic));
}

TEST(ReflectorTest, LetsOtherRequestsThroughAndRefusesClientsWithoutCertificate) {
  Reflector reflector;
  EXPECT_FALSE(reflector(request("GET", "/basic.txt", &kMic)));
  EXPECT_FALSE(reflector(request("PUT", "/cgi-bin/reflect.pl", &kMic)));
  auto refused = reflector(request("GET", "/cgi-bin/reflect.pl", nullptr));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403u);
}

TEST(ReflectorTest, ServesThroughTheServer) {
  test::MemoryHttpRoot root;
  HttpServer server(root, {}, Reflector());
  server.handle_accepted(fw::Instant::from_seconds(1), 1, {}, kMic);
  server.handle_bytes(fw::Instant::from_seconds(1), 1,
                      fw::as_bytes(std::string_view("GET /cgi-bin/reflect.pl? HTTP/1.1\r\nHost: s\r\n\r\n")));
  auto action = server.poll_action();
  ASSERT_TRUE(action);
  std::string text(fw::as_text(action->bytes));
  EXPECT_NE(text.find("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"), std::string::npos);
  EXPECT_NE(text.find("<GPP_D>OU=CP-6841-3PCC, \nL=FCH00000001"), std::string::npos);
}

}  // namespace
}  // namespace srv
