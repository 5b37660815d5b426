#pragma once

// Seeded OpenSSL randomness for the simulator (DESIGN.md "Time, randomness, determinism").
//
// HTTPS inside the simulator is a real OpenSSL handshake, and a handshake draws random bytes
// (client/server random, key shares, ECDSA nonces, session ids). So that a seed replays bit for bit
// — trace and pcap — every OpenSSL call of a world goes through one library context whose random
// generators are a tiny provider ("phonesim-seeded") that produces fw::RandomStream bytes instead
// of the OS entropy behind OpenSSL's DRBGs. The same context generates the PKI's keys and signs
// its certificates, so the certificates replay too.
//
//   fw::CryptoLibrary library = *sim::make_seeded_crypto_library(fw::derive_seed(seed, entity));
//   options.library = library;  // TlsContextOptions, TlsIdentity::from_pem, CertificateAuthority
//
// Never for production: the bytes are predictable by design. phoned and provserver keep the
// default library context.

#include <cstdint>

#include "firmware-core/base/result.h"
#include "firmware-core/fetch/tls_session.h"

namespace sim {

// A fresh OpenSSL library context with the default provider (algorithms) and the seeded random
// provider as its seed source and as all three DRBGs (primary, public, private). Each generator
// instance the context creates gets its own stream derived from `seed` and its creation number,
// so one seed gives the same bytes as long as the world draws in the same order — which a
// deterministic world does. Errors: InvalidValue if OpenSSL refuses a provider or the DRBG type.
fw::Result<fw::CryptoLibrary> make_seeded_crypto_library(std::uint64_t seed);

}  // namespace sim
