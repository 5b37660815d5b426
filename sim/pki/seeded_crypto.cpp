#include "sim/pki/seeded_crypto.h"

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include <cstring>

#include "firmware-core/base/random_stream.h"

namespace sim {
namespace {

constexpr const char* kProviderName = "phonesim-seeded";
constexpr const char* kGeneratorName = "PHONESIM-SEEDED";
// What the generator claims: enough for every TLS and key-generation request (OpenSSL asks for
// up to 256 bits); the claim is the point, the bytes are deliberately predictable.
constexpr unsigned kStrengthBits = 256;
constexpr std::size_t kRequestBytesMax = std::size_t{1} << 16;

// OpenSSL calls the provider's init function from inside OSSL_PROVIDER_load, on the loading
// thread, and gives it no user data: the seed travels in this variable for that one call.
thread_local std::uint64_t loading_seed = 0;

struct ProviderState {
  std::uint64_t seed;
  std::uint64_t generators_created = 0;
};

struct GeneratorState {
  fw::RandomStream stream;
  int state = EVP_RAND_STATE_UNINITIALISED;
};

void* generator_new(void* provider, void* /*parent*/, const OSSL_DISPATCH* /*parent_calls*/) {
  auto* owner = static_cast<ProviderState*>(provider);
  ++owner->generators_created;
  return new GeneratorState{fw::RandomStream(fw::derive_seed(owner->seed, owner->generators_created))};
}

void generator_free(void* generator) { delete static_cast<GeneratorState*>(generator); }

int generator_instantiate(void* generator, unsigned int /*strength*/, int /*prediction_resistance*/,
                          const unsigned char* /*personalisation*/, size_t /*personalisation_size*/,
                          const OSSL_PARAM* /*params*/) {
  static_cast<GeneratorState*>(generator)->state = EVP_RAND_STATE_READY;
  return 1;
}

int generator_uninstantiate(void* generator) {
  static_cast<GeneratorState*>(generator)->state = EVP_RAND_STATE_UNINITIALISED;
  return 1;
}

int generator_generate(void* generator, unsigned char* out, size_t out_size, unsigned int strength,
                       int /*prediction_resistance*/, const unsigned char* /*additional*/,
                       size_t /*additional_size*/) {
  auto* self = static_cast<GeneratorState*>(generator);
  if (strength > kStrengthBits) return 0;
  for (std::size_t offset = 0; offset < out_size; offset += 8) {
    const std::uint64_t word = self->stream.next();
    for (std::size_t index = 0; index < 8 && offset + index < out_size; ++index) {
      out[offset + index] = static_cast<unsigned char>(word >> (8 * index));
    }
  }
  return 1;
}

// Reseeding has nothing to add: the stream is the whole state.
int generator_reseed(void* /*generator*/, int /*prediction_resistance*/, const unsigned char* /*entropy*/,
                     size_t /*entropy_size*/, const unsigned char* /*additional*/, size_t /*additional_size*/) {
  return 1;
}

// A world is single-threaded and owns its library context, so the generator needs no lock; OpenSSL
// still insists that a parent generator can enable one.
int generator_enable_locking(void* /*generator*/) { return 1; }
int generator_lock(void* /*generator*/) { return 1; }
void generator_unlock(void* /*generator*/) {}

int generator_get_ctx_params(void* generator, OSSL_PARAM params[]) {
  auto* self = static_cast<GeneratorState*>(generator);
  OSSL_PARAM* found = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STATE);
  if (found != nullptr && !OSSL_PARAM_set_int(found, self->state)) return 0;
  found = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STRENGTH);
  if (found != nullptr && !OSSL_PARAM_set_uint(found, kStrengthBits)) return 0;
  found = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_MAX_REQUEST);
  if (found != nullptr && !OSSL_PARAM_set_size_t(found, kRequestBytesMax)) return 0;
  return 1;
}

const OSSL_PARAM* generator_gettable_ctx_params(void* /*generator*/, void* /*provider*/) {
  static const OSSL_PARAM kGettable[] = {OSSL_PARAM_int(OSSL_RAND_PARAM_STATE, nullptr),
                                         OSSL_PARAM_uint(OSSL_RAND_PARAM_STRENGTH, nullptr),
                                         OSSL_PARAM_size_t(OSSL_RAND_PARAM_MAX_REQUEST, nullptr), OSSL_PARAM_END};
  return kGettable;
}

using Function = void (*)();
template <typename F>
Function as_function(F* function) {
  return reinterpret_cast<Function>(function);
}

const OSSL_DISPATCH kGeneratorCalls[] = {
    {OSSL_FUNC_RAND_NEWCTX, as_function(&generator_new)},
    {OSSL_FUNC_RAND_FREECTX, as_function(&generator_free)},
    {OSSL_FUNC_RAND_INSTANTIATE, as_function(&generator_instantiate)},
    {OSSL_FUNC_RAND_UNINSTANTIATE, as_function(&generator_uninstantiate)},
    {OSSL_FUNC_RAND_GENERATE, as_function(&generator_generate)},
    {OSSL_FUNC_RAND_RESEED, as_function(&generator_reseed)},
    {OSSL_FUNC_RAND_ENABLE_LOCKING, as_function(&generator_enable_locking)},
    {OSSL_FUNC_RAND_LOCK, as_function(&generator_lock)},
    {OSSL_FUNC_RAND_UNLOCK, as_function(&generator_unlock)},
    {OSSL_FUNC_RAND_GET_CTX_PARAMS, as_function(&generator_get_ctx_params)},
    {OSSL_FUNC_RAND_GETTABLE_CTX_PARAMS, as_function(&generator_gettable_ctx_params)},
    {0, nullptr}};

const OSSL_ALGORITHM kAlgorithms[] = {
    {kGeneratorName, "provider=phonesim-seeded", kGeneratorCalls, "seeded stream for replayable simulations"},
    {nullptr, nullptr, nullptr, nullptr}};

const OSSL_ALGORITHM* provider_query(void* /*provider*/, int operation, int* no_cache) {
  *no_cache = 0;
  return operation == OSSL_OP_RAND ? kAlgorithms : nullptr;
}

void provider_teardown(void* provider) { delete static_cast<ProviderState*>(provider); }

const OSSL_DISPATCH kProviderCalls[] = {{OSSL_FUNC_PROVIDER_QUERY_OPERATION, as_function(&provider_query)},
                                        {OSSL_FUNC_PROVIDER_TEARDOWN, as_function(&provider_teardown)},
                                        {0, nullptr}};

int provider_init(const OSSL_CORE_HANDLE* /*handle*/, const OSSL_DISPATCH* /*core*/, const OSSL_DISPATCH** out,
                  void** provider) {
  *provider = new ProviderState{loading_seed};
  *out = kProviderCalls;
  return 1;
}

}  // namespace

fw::Result<fw::CryptoLibrary> make_seeded_crypto_library(std::uint64_t seed) {
  OSSL_LIB_CTX* library = OSSL_LIB_CTX_new();
  if (library == nullptr) return fw::fail(fw::ErrorCode::InvalidValue, "OSSL_LIB_CTX_new failed");
  loading_seed = seed;
  OSSL_PROVIDER* seeded = OSSL_PROVIDER_add_builtin(library, kProviderName, provider_init) == 1
                              ? OSSL_PROVIDER_load(library, kProviderName)
                              : nullptr;
  OSSL_PROVIDER* algorithms = OSSL_PROVIDER_load(library, "default");
  loading_seed = 0;
  // The loaded providers hold references that must go before the context (else they leak).
  fw::CryptoLibrary owner(library, [seeded, algorithms](OSSL_LIB_CTX* context) {
    if (algorithms != nullptr) OSSL_PROVIDER_unload(algorithms);
    if (seeded != nullptr) OSSL_PROVIDER_unload(seeded);
    OSSL_LIB_CTX_free(context);
  });
  const bool ready = seeded != nullptr && algorithms != nullptr &&
                     RAND_set_seed_source_type(library, kGeneratorName, nullptr) == 1 &&
                     RAND_set_DRBG_type(library, kGeneratorName, nullptr, nullptr, nullptr) == 1;
  if (!ready) {
    ERR_clear_error();
    return fw::fail(fw::ErrorCode::InvalidValue, "seeded OpenSSL library: provider setup failed");
  }
  return owner;
}

}  // namespace sim
