#pragma once

// TLS as a byte engine (DESIGN.md "The seam"): OpenSSL's SSL on a memory BIO pair, so the same
// code makes real handshakes on the device (bytes from a TCP socket) and inside the simulator
// (bytes from a virtual stream) — and the servers in servers/ use it for HTTPS too.
//
//   auto context = TlsContext::create(options);          // one per trust store, shared
//   auto session = TlsSession::client(context, "prov.example.com", wall_now);
//   loop: send session.take_ciphertext() on the stream;
//         on stream bytes: session.receive_ciphertext(bytes);
//         session.send_plaintext(request); read session.take_plaintext();
//         stop on session.error() or session.peer_closed().
//
// Peer verification: the chain must end at one of the context's trusted certificates; the host
// name (or IPv4 address) must match; validity is checked against the phone's wall clock (not the
// host's), so a simulated date can make a certificate expired or not yet valid. TLS 1.2 is the
// minimum unless the context says otherwise.
//
// Randomness: a context (and an identity) may name an OpenSSL library context; every random byte
// of its handshakes then comes from that library's generators. The simulator passes a seeded one
// (sim/pki/seeded_crypto.h) so runs replay; the device passes none and uses OpenSSL's default.

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/runtime/time.h"


namespace fw {

// An OpenSSL library context (providers, random generators), shared by everything built in it.
// Empty: OpenSSL's default context.
using CryptoLibrary = std::shared_ptr<OSSL_LIB_CTX>;

enum class TlsRole : std::uint8_t { Client, Server };

// TLS protocol versions by their wire numbers (0x0301 = TLS 1.0 ... 0x0304 = TLS 1.3).
enum class TlsVersion : std::uint16_t { Tls1_0 = 0x0301, Tls1_1 = 0x0302, Tls1_2 = 0x0303, Tls1_3 = 0x0304 };

// A certificate with its private key, parsed once (a phone's MIC, a server's certificate).
class TlsIdentity {
 public:
  // The key is loaded into `library` (signatures draw their nonces from its generators).
  // Errors: InvalidValue when either PEM text does not parse or the key does not match.
  static Result<std::shared_ptr<const TlsIdentity>> from_pem(std::string_view certificate_pem,
                                                             std::string_view key_pem,
                                                             CryptoLibrary library = nullptr);
  ~TlsIdentity();
  X509* certificate() const { return certificate_; }
  EVP_PKEY* key() const { return key_; }

 private:
  TlsIdentity(X509* certificate, EVP_PKEY* key, CryptoLibrary library)
      : library_(std::move(library)), certificate_(certificate), key_(key) {}
  CryptoLibrary library_;  // outlives the key that lives in it
  X509* certificate_;
  EVP_PKEY* key_;
};

// The PEM certificate blocks of a text that may hold several (a CA bundle), each with its
// BEGIN/END lines and a final newline, in order; other blocks (keys) and text are skipped.
std::vector<std::string> pem_certificate_blocks(std::string_view text);

struct TlsContextOptions {
  TlsRole role = TlsRole::Client;
  // PEM certificates the peer's chain may end at (the phone's built-in roots plus a custom CA;
  // a server's client-CA list).
  std::vector<std::string> trusted_certificates_pem;
  // Server: its certificate (required). Client: a default identity; a session may bring its own.
  std::shared_ptr<const TlsIdentity> identity;
  // Server: ask for a client certificate and refuse clients without a valid one.
  bool require_client_certificate = false;
  TlsVersion version_min = TlsVersion::Tls1_2;
  std::optional<TlsVersion> version_max;  // nullopt: the highest OpenSSL supports
  // Where the handshakes' algorithms and random bytes come from (empty: OpenSSL's default).
  CryptoLibrary library;
};

// An SSL_CTX: trust store, versions, verification mode. Shared by many sessions.
class TlsContext {
 public:
  // Errors: InvalidValue (a trusted certificate does not parse, a server without identity).
  static Result<std::shared_ptr<const TlsContext>> create(const TlsContextOptions& options);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  TlsRole role() const { return role_; }
  SSL_CTX* native() const { return context_; }
  // The library the context was built in; a context derived from this one (a trust store with
  // one more root) passes it on so that its handshakes draw from the same generators.
  const CryptoLibrary& library() const { return library_; }

 private:
  TlsContext(SSL_CTX* context, TlsRole role, CryptoLibrary library)
      : library_(std::move(library)), context_(context), role_(role) {}
  CryptoLibrary library_;  // outlives the SSL_CTX built in it
  SSL_CTX* context_;
  TlsRole role_;
};

// The subject and issuer of the peer's certificate, as the servers' handlers see them
// (the guide's reflector puts these into GPP_D).
struct PeerCertificate {
  std::string subject;  // RFC 2253 form: "CN=000e08abcdef,ST=00:0e:08:ab:cd:ef,L=...,OU=..."
  std::string issuer;
  // One entry per subject field, in certificate order: {"OU", "CP-8841-3PCC"}, ...
  std::vector<std::pair<std::string, std::string>> subject_fields;
};

class TlsSession {
 public:
  // A client session that verifies `peer_host` (a DNS name, sent as SNI, or a dotted IPv4
  // address) at wall-clock time `now`. `identity` overrides the context's client certificate.
  static TlsSession client(std::shared_ptr<const TlsContext> context, std::string_view peer_host,
                           WallTime now, std::shared_ptr<const TlsIdentity> identity = nullptr);
  // A server session; client certificates (if required) are checked at `now`.
  static TlsSession server(std::shared_ptr<const TlsContext> context, WallTime now);

  TlsSession(TlsSession&&) noexcept;
  TlsSession& operator=(TlsSession&&) noexcept;
  ~TlsSession();

  // Call with every byte that arrives from the peer, in order.
  void receive_ciphertext(ByteSpan bytes);
  // Application data to send; kept until the handshake is done.
  void send_plaintext(ByteSpan bytes);
  // Starts an orderly close (close_notify after the queued data).
  void close();

  // Bytes to put on the wire now (empty: nothing to send). Call after every other call.
  Bytes take_ciphertext();
  // Application data received since the last call.
  Bytes take_plaintext();

  bool established() const { return established_; }
  // The peer sent close_notify: no more application data will come.
  bool peer_closed() const { return peer_closed_; }
  // Why the session failed: CertificateRejected (untrusted, expired, not yet valid, wrong host,
  // self-signed — the detail says which), TlsHandshakeFailed (protocol version, no shared cipher,
  // client certificate missing or refused, malformed records). Once set, the session is dead.
  const std::optional<Error>& error() const { return error_; }
  // The peer's certificate once established (servers: the client's MIC, if it sent one).
  std::optional<PeerCertificate> peer_certificate() const;
  // "TLSv1.3" once established.
  std::string_view protocol_version() const;

 private:
  TlsSession(std::shared_ptr<const TlsContext> context, SSL* ssl, BIO* network);
  void drive();
  bool flush_network();
  void fail_from_openssl(int result);

  std::shared_ptr<const TlsContext> context_;
  std::shared_ptr<const TlsIdentity> identity_;
  SSL* ssl_ = nullptr;
  BIO* network_ = nullptr;  // our end of the pair: ciphertext in and out
  Bytes incoming_;          // ciphertext not yet accepted by the BIO
  Bytes outgoing_;
  Bytes plaintext_out_;     // waiting for the handshake or for room
  Bytes plaintext_in_;
  bool established_ = false;
  bool close_requested_ = false;
  bool close_sent_ = false;
  bool peer_closed_ = false;
  std::optional<Error> error_;
};

}  // namespace fw
