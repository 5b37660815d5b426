// Fuzzes what an HTTP server can send the phone: HttpClient fed a reply in two pieces (the
// first byte picks the split) and then the close, and the auth header parser on the same text.
// Properties: the client always finishes after the close; a success is a 200 whose body is
// within body_bytes_max; the only errors are the HTTP rows of the table; Digest answers to any
// parsed challenge never contain the password.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "firmware-core/base/bytes.h"
#include "firmware-core/fetch/http_auth.h"
#include "firmware-core/fetch/http_client.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr std::string_view kPassword = "pw-zQ9sEcReT";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  fw::ByteSpan reply(data + 1, size - 1);
  std::size_t split = data[0] % (reply.size() + 1);

  fw::HttpRequest request;
  request.url = *fw::parse_provisioning_url("http://prov.example.com/cfg.xml");
  request.credentials = fw::HttpCredentials{"phone", std::string(kPassword)};
  request.client_nonce = "0a4f113b";
  fw::HttpClientSettings settings;
  settings.body_bytes_max = 4096;
  settings.header_bytes_max = 2048;
  fw::Instant now = fw::Instant::from_seconds(1);
  fw::HttpClient client(now, request, settings);
  client.handle_connected(now);
  client.handle_bytes(now, reply.first(split));
  client.handle_bytes(now, reply.subspan(split));
  client.handle_closed(now);
  // A redirect or challenge starts another attempt: the client waits for its connect, so only
  // the first attempt is judged here.
  if (client.finished()) {
    auto result = client.take_result();
    if (result) {
      fuzz::check(result->status == 200);
      fuzz::check(result->body.size() <= settings.body_bytes_max);
    } else {
      fw::ErrorCode code = result.error().code;
      fuzz::check(
          code == fw::ErrorCode::HttpProtocolError || code == fw::ErrorCode::HttpGetFailed ||
          code == fw::ErrorCode::FileNotFound || code == fw::ErrorCode::ConnectionReset ||
          code == fw::ErrorCode::AuthenticationFailed || code == fw::ErrorCode::TooManyRedirects);
      fuzz::check(result.error().detail.find(kPassword) == std::string::npos);
    }
  }
  while (auto action = client.poll_action()) {
    if (const auto* send = std::get_if<fw::HttpSend>(&*action)) {
      fuzz::check(fw::as_text(send->bytes).find(kPassword) == std::string::npos);
    }
  }

  for (const fw::AuthElement& element : fw::parse_auth_header(fw::as_text(reply))) {
    if (element.is("Digest")) {
      if (auto answer = fw::digest_authorization(element, "phone", kPassword, "GET", "/cfg.xml", 1,
                                                 "0a4f113b")) {
        fuzz::check(answer->find(kPassword) == std::string::npos);
      }
    }
  }
  return 0;
}
