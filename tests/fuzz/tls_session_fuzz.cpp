// Fuzzes the TLS byte engine with untrusted bytes from the network, on both roles: whatever
// arrives, the session must not crash, must not hand out plaintext before a handshake, and once
// failed must stay failed.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "firmware-core/fetch/tls_session.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

std::shared_ptr<const fw::TlsContext> client_context() {
  static std::shared_ptr<const fw::TlsContext> context = [] {
    fw::TlsContextOptions options;
    options.role = fw::TlsRole::Client;
    return *fw::TlsContext::create(options);
  }();
  return context;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size the rest is delivered in.
  const std::size_t chunk_bytes = 1 + data[0] % 64;
  fw::ByteSpan input(data + 1, size - 1);
  fw::TlsSession session = fw::TlsSession::client(client_context(), "prov.example.com",
                                                  fw::WallTime{1795514400});
  (void)session.take_ciphertext();
  bool failed = false;
  for (std::size_t offset = 0; offset < input.size(); offset += chunk_bytes) {
    session.receive_ciphertext(input.subspan(offset, std::min(chunk_bytes, input.size() - offset)));
    (void)session.take_ciphertext();
    if (failed) fuzz::check(session.error().has_value());
    failed = session.error().has_value();
  }
  // Without a trusted root no server can be verified, so no plaintext may ever come out.
  fuzz::check(!session.established() || session.error().has_value());
  fuzz::check(session.take_plaintext().empty());
  return 0;
}
