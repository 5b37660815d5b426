#include "firmware-core/fetch/tls_session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <array>

#include "firmware-core/runtime/network_address.h"

namespace fw {
namespace {

// Each side of the BIO pair buffers this much; a full TLS record is 16 KiB plus overhead.
constexpr std::size_t kBioPairBufferBytes = 64 * 1024;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

std::unique_ptr<BIO, BioDeleter> memory_bio(std::string_view text) {
  return std::unique_ptr<BIO, BioDeleter>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// The oldest error in OpenSSL's queue as text ("...:tlsv1 alert unknown ca"), then clears it.
std::string openssl_error_text() {
  unsigned long code = ERR_get_error();
  std::string text;
  if (code != 0) {
    const char* reason = ERR_reason_error_string(code);
    text = reason ? reason : "error " + std::to_string(code);
  }
  ERR_clear_error();
  return text.empty() ? "unknown TLS error" : text;
}

std::string name_text(X509_NAME* name) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

std::vector<std::string> pem_certificate_blocks(std::string_view text) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<std::string> blocks;
  for (std::size_t begin = text.find(kBegin); begin != std::string_view::npos;
       begin = text.find(kBegin, begin + kBegin.size())) {
    const std::size_t end = text.find(kEnd, begin);
    if (end == std::string_view::npos) break;
    blocks.push_back(std::string(text.substr(begin, end + kEnd.size() - begin)) + "\n");
  }
  return blocks;
}

// --- TlsIdentity --------------------------------------------------------------------------------

Result<std::shared_ptr<const TlsIdentity>> TlsIdentity::from_pem(std::string_view certificate_pem,
                                                                 std::string_view key_pem,
                                                                 CryptoLibrary library) {
  auto certificate_bio = memory_bio(certificate_pem);
  X509* certificate = PEM_read_bio_X509(certificate_bio.get(), nullptr, nullptr, nullptr);
  if (certificate == nullptr) {
    ERR_clear_error();
    return fail(ErrorCode::InvalidValue, "certificate: not a PEM certificate");
  }
  auto key_bio = memory_bio(key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey_ex(key_bio.get(), nullptr, nullptr, nullptr, library.get(), nullptr);
  if (key == nullptr) {
    ERR_clear_error();
    X509_free(certificate);
    return fail(ErrorCode::InvalidValue, "private key: not a PEM private key");
  }
  if (X509_check_private_key(certificate, key) != 1) {
    ERR_clear_error();
    X509_free(certificate);
    EVP_PKEY_free(key);
    return fail(ErrorCode::InvalidValue, "private key does not match the certificate");
  }
  return std::shared_ptr<const TlsIdentity>(new TlsIdentity(certificate, key, std::move(library)));
}

TlsIdentity::~TlsIdentity() {
  X509_free(certificate_);
  EVP_PKEY_free(key_);
}

// --- TlsContext ---------------------------------------------------------------------------------

Result<std::shared_ptr<const TlsContext>> TlsContext::create(const TlsContextOptions& options) {
  SSL_CTX* context = SSL_CTX_new_ex(options.library.get(), nullptr,
                                    options.role == TlsRole::Client ? TLS_client_method() : TLS_server_method());
  if (context == nullptr) return fail(ErrorCode::TlsHandshakeFailed, openssl_error_text());
  std::shared_ptr<const TlsContext> owner(new TlsContext(context, options.role, options.library));

  SSL_CTX_set_min_proto_version(context, static_cast<int>(options.version_min));
  if (options.version_max) SSL_CTX_set_max_proto_version(context, static_cast<int>(*options.version_max));
  // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level 1 (SHA-1 signatures); a test
  // server that must speak only TLS 1.0 lowers it for itself.
  if (options.version_max && *options.version_max < TlsVersion::Tls1_2) {
    SSL_CTX_set_security_level(context, 0);
  }
  // Idle sessions in a large simulated fleet give their buffers back (DESIGN.md "Scale").
  SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
  // Each resync is a new connection, as on the phones: no session resumption, and no TLS 1.3
  // tickets (they would carry the host's clock into the simulator's bytes).
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(context, 0);

  X509_STORE* store = SSL_CTX_get_cert_store(context);
  STACK_OF(X509_NAME)* client_ca_names = sk_X509_NAME_new_null();
  for (const std::string& pem : options.trusted_certificates_pem) {
    auto bio = memory_bio(pem);
    X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (certificate == nullptr) {
      ERR_clear_error();
      sk_X509_NAME_pop_free(client_ca_names, X509_NAME_free);
      return fail(ErrorCode::InvalidValue, "trusted certificate: not a PEM certificate");
    }
    X509_STORE_add_cert(store, certificate);
    sk_X509_NAME_push(client_ca_names, X509_NAME_dup(X509_get_subject_name(certificate)));
    X509_free(certificate);
  }
  ERR_clear_error();  // X509_STORE_add_cert reports duplicates as errors; they are harmless

  if (options.identity) {
    if (SSL_CTX_use_certificate(context, options.identity->certificate()) != 1 ||
        SSL_CTX_use_PrivateKey(context, options.identity->key()) != 1) {
      sk_X509_NAME_pop_free(client_ca_names, X509_NAME_free);
      return fail(ErrorCode::InvalidValue, "identity: " + openssl_error_text());
    }
  } else if (options.role == TlsRole::Server) {
    sk_X509_NAME_pop_free(client_ca_names, X509_NAME_free);
    return fail(ErrorCode::InvalidValue, "a TLS server needs a certificate and key");
  }

  if (options.role == TlsRole::Client) {
    sk_X509_NAME_pop_free(client_ca_names, X509_NAME_free);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  } else if (options.require_client_certificate) {
    SSL_CTX_set_client_CA_list(context, client_ca_names);  // takes ownership
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else {
    sk_X509_NAME_pop_free(client_ca_names, X509_NAME_free);
    SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);
  }
  return owner;
}

TlsContext::~TlsContext() { SSL_CTX_free(context_); }

// --- TlsSession ---------------------------------------------------------------------------------

TlsSession::TlsSession(std::shared_ptr<const TlsContext> context, SSL* ssl, BIO* network)
    : context_(std::move(context)), ssl_(ssl), network_(network) {}

TlsSession TlsSession::client(std::shared_ptr<const TlsContext> context, std::string_view peer_host,
                              WallTime now, std::shared_ptr<const TlsIdentity> identity) {
  SSL* ssl = SSL_new(context->native());
  BIO* internal = nullptr;
  BIO* network = nullptr;
  BIO_new_bio_pair(&internal, kBioPairBufferBytes, &network, kBioPairBufferBytes);
  SSL_set_bio(ssl, internal, internal);
  SSL_set_connect_state(ssl);
  TlsSession session(std::move(context), ssl, network);

  X509_VERIFY_PARAM* parameters = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_time(parameters, static_cast<time_t>(now.unix_seconds));
  std::string host(peer_host);
  if (Ipv4Address::parse(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(parameters, host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    SSL_set1_host(ssl, host.c_str());
  }
  if (identity) {
    session.identity_ = std::move(identity);
    SSL_use_certificate(ssl, session.identity_->certificate());
    SSL_use_PrivateKey(ssl, session.identity_->key());
  }
  session.drive();  // the ClientHello is ready at once
  return session;
}

TlsSession TlsSession::server(std::shared_ptr<const TlsContext> context, WallTime now) {
  SSL* ssl = SSL_new(context->native());
  BIO* internal = nullptr;
  BIO* network = nullptr;
  BIO_new_bio_pair(&internal, kBioPairBufferBytes, &network, kBioPairBufferBytes);
  SSL_set_bio(ssl, internal, internal);
  SSL_set_accept_state(ssl);
  X509_VERIFY_PARAM_set_time(SSL_get0_param(ssl), static_cast<time_t>(now.unix_seconds));
  return TlsSession(std::move(context), ssl, network);
}

TlsSession::TlsSession(TlsSession&& other) noexcept { *this = std::move(other); }

TlsSession& TlsSession::operator=(TlsSession&& other) noexcept {
  if (this == &other) return *this;
  if (ssl_) SSL_free(ssl_);
  if (network_) BIO_free(network_);
  context_ = std::move(other.context_);
  identity_ = std::move(other.identity_);
  ssl_ = std::exchange(other.ssl_, nullptr);
  network_ = std::exchange(other.network_, nullptr);
  incoming_ = std::move(other.incoming_);
  outgoing_ = std::move(other.outgoing_);
  plaintext_out_ = std::move(other.plaintext_out_);
  plaintext_in_ = std::move(other.plaintext_in_);
  established_ = other.established_;
  close_requested_ = other.close_requested_;
  close_sent_ = other.close_sent_;
  peer_closed_ = other.peer_closed_;
  error_ = std::move(other.error_);
  return *this;
}

TlsSession::~TlsSession() {
  if (ssl_) SSL_free(ssl_);  // frees the internal BIO too
  if (network_) BIO_free(network_);
}

void TlsSession::receive_ciphertext(ByteSpan bytes) {
  if (error_) return;
  incoming_.insert(incoming_.end(), bytes.begin(), bytes.end());
  drive();
}

void TlsSession::send_plaintext(ByteSpan bytes) {
  if (error_ || close_requested_) return;
  plaintext_out_.insert(plaintext_out_.end(), bytes.begin(), bytes.end());
  drive();
}

void TlsSession::close() {
  if (error_ || close_requested_) return;
  close_requested_ = true;
  drive();
}

Bytes TlsSession::take_ciphertext() { return std::exchange(outgoing_, {}); }
Bytes TlsSession::take_plaintext() { return std::exchange(plaintext_in_, {}); }

bool TlsSession::flush_network() {
  bool moved = false;
  std::array<std::uint8_t, 16384> chunk;
  for (;;) {
    int read = BIO_read(network_, chunk.data(), static_cast<int>(chunk.size()));
    if (read <= 0) break;
    outgoing_.insert(outgoing_.end(), chunk.begin(), chunk.begin() + read);
    moved = true;
  }
  return moved;
}

void TlsSession::fail_from_openssl(int result) {
  int reason = SSL_get_error(ssl_, result);
  long verify = SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK && (!established_ || reason == SSL_ERROR_SSL)) {
    ERR_clear_error();
    error_ = Error{ErrorCode::CertificateRejected, X509_verify_cert_error_string(verify)};
  } else if (reason == SSL_ERROR_SSL) {
    error_ = Error{ErrorCode::TlsHandshakeFailed, openssl_error_text()};
  } else {
    ERR_clear_error();
    error_ = Error{ErrorCode::TlsHandshakeFailed, "TLS failure " + std::to_string(reason)};
  }
  flush_network();  // the alert that tells the peer why
}

void TlsSession::drive() {
  std::array<std::uint8_t, 16384> chunk;
  bool progress = true;
  while (progress && !error_) {
    progress = false;
    // Ciphertext from the peer into the BIO, as much as it takes.
    if (!incoming_.empty()) {
      int written = BIO_write(network_, incoming_.data(), static_cast<int>(incoming_.size()));
      if (written > 0) {
        incoming_.erase(incoming_.begin(), incoming_.begin() + written);
        progress = true;
      }
    }
    ERR_clear_error();
    if (!established_) {
      int result = SSL_do_handshake(ssl_);
      if (result == 1) {
        established_ = true;
        progress = true;
      } else {
        int reason = SSL_get_error(ssl_, result);
        if (reason != SSL_ERROR_WANT_READ && reason != SSL_ERROR_WANT_WRITE) {
          fail_from_openssl(result);
          return;
        }
      }
    }
    if (established_) {
      while (!plaintext_out_.empty()) {
        int written = SSL_write(ssl_, plaintext_out_.data(), static_cast<int>(plaintext_out_.size()));
        if (written > 0) {
          plaintext_out_.erase(plaintext_out_.begin(), plaintext_out_.begin() + written);
          progress = true;
          continue;
        }
        int reason = SSL_get_error(ssl_, written);
        if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) break;
        fail_from_openssl(written);
        return;
      }
      while (!peer_closed_) {
        int read = SSL_read(ssl_, chunk.data(), static_cast<int>(chunk.size()));
        if (read > 0) {
          plaintext_in_.insert(plaintext_in_.end(), chunk.begin(), chunk.begin() + read);
          progress = true;
          continue;
        }
        int reason = SSL_get_error(ssl_, read);
        if (reason == SSL_ERROR_ZERO_RETURN) {
          peer_closed_ = true;
          progress = true;
          break;
        }
        if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) break;
        fail_from_openssl(read);
        return;
      }
      if (close_requested_ && !close_sent_ && plaintext_out_.empty()) {
        SSL_shutdown(ssl_);
        close_sent_ = true;
        progress = true;
      }
    }
    if (flush_network()) progress = true;
  }
}

std::optional<PeerCertificate> TlsSession::peer_certificate() const {
  if (!established_) return std::nullopt;
  X509* certificate = SSL_get0_peer_certificate(ssl_);
  if (certificate == nullptr) return std::nullopt;
  PeerCertificate peer;
  X509_NAME* subject = X509_get_subject_name(certificate);
  peer.subject = name_text(subject);
  peer.issuer = name_text(X509_get_issuer_name(certificate));
  for (int index = 0; index < X509_NAME_entry_count(subject); ++index) {
    X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, index);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    unsigned char* utf8 = nullptr;
    int size = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (size < 0) continue;
    const char* short_name = OBJ_nid2sn(nid);
    peer.subject_fields.emplace_back(short_name ? short_name : "?",
                                     std::string(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(size)));
    OPENSSL_free(utf8);
  }
  return peer;
}

std::string_view TlsSession::protocol_version() const {
  return established_ ? SSL_get_version(ssl_) : "";
}

}  // namespace fw
