#pragma once

// A TFTP load generator for bench_server: `clients` transfers in flight at once, all in this
// process on one Boost.Asio io_context (no fork, no thread per client). Each transfer is the
// phone's own client, fw::TftpClient (firmware-core/fetch: RRQ with the phone's options, OACK,
// retransmission), on a fresh UDP socket (its TID), and its file is compared with the expected
// bytes. A client that finishes starts the next transfer until `window` has passed or
// `transfers_max` have started; then the transfers in flight finish (at most `drain_max`).

#include <chrono>
#include <cstdint>
#include <string>

#include "firmware-core/base/bytes.h"
#include "firmware-core/fetch/tftp_client.h"
#include "firmware-core/runtime/network_address.h"

namespace bench {

struct TftpLoadSettings {
  fw::Endpoint server;
  std::string file_name;
  fw::Bytes expected;  // the file's content
  std::size_t clients = 64;
  std::uint64_t transfers_max = 1'000'000;
  std::chrono::milliseconds window{3000};
  // The transfers in flight when the window closes get this long to finish (a client that lost
  // its server retries for about 30 s with the phone's settings).
  std::chrono::milliseconds drain_max{10000};
  fw::TftpClientSettings client;
};

struct TftpLoadResult {
  std::uint64_t verified = 0;    // completed with the expected bytes
  std::uint64_t mismatched = 0;  // completed with other bytes
  std::uint64_t failed = 0;      // ended with an error (timeout, ERROR packet, ...)
  std::uint64_t unfinished = 0;  // still running when drain_max ran out
  std::uint64_t retransmissions = 0;
  std::string first_error;  // of the first failed or mismatched transfer
  // From the first request to the end of the last transfer.
  std::chrono::nanoseconds elapsed{0};

  double verified_per_second() const {
    return elapsed.count() > 0
               ? static_cast<double>(verified) * 1e9 / static_cast<double>(elapsed.count())
               : 0.0;
  }
};

TftpLoadResult run_tftp_load(const TftpLoadSettings& settings);

}  // namespace bench
