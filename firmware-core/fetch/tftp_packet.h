#pragma once

// TFTP wire format: RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR) with the option extension of
// RFC 2347 (options in requests, OACK) and the options of RFC 2348 (blksize) and RFC 2349
// (timeout, tsize). Shared by the phone's client (tftp_client.h) and the servers (servers/tftp).
//
// Decoding takes one untrusted datagram and returns a packet or a TftpError naming the byte
// position and what is wrong. A decoded TftpData views the datagram it came from: keep the
// datagram alive while the payload is used.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"

namespace fw {

// RFC 1350 block size: a DATA payload shorter than the block size ends the transfer.
inline constexpr std::size_t kTftpDefaultBlockBytes = 512;
// RFC 2348 blksize range: 8..65464 (65464 fills an IPv4 datagram of 65535 bytes).
inline constexpr std::size_t kTftpBlockBytesMin = 8;
inline constexpr std::size_t kTftpBlockBytesMax = 65464;
// RFC 2349 timeout range in whole seconds.
inline constexpr std::int64_t kTftpTimeoutSecondsMin = 1;
inline constexpr std::int64_t kTftpTimeoutSecondsMax = 255;
// tftp_datagram_bytes_max: the largest datagram we decode or encode: a 4-byte header plus the
// largest block.
inline constexpr std::size_t kTftpDatagramBytesMax = 4 + kTftpBlockBytesMax;
// tftp_request_bytes_max: RFC 2347 limits a request (and so an OACK) to 512 bytes.
inline constexpr std::size_t kTftpRequestBytesMax = 512;
// tftp_options_max: options in one request or OACK; RFC 2347 defines three we know.
inline constexpr std::size_t kTftpOptionsMax = 16;
// tftp_error_message_bytes_max: ERROR text we keep from a peer (the rest is dropped).
inline constexpr std::size_t kTftpErrorMessageBytesMax = 255;

enum class TftpOpcode : std::uint16_t {
  ReadRequest = 1,
  WriteRequest = 2,
  Data = 3,
  Ack = 4,
  Error = 5,
  OptionAck = 6,
};

// The ERROR packet's error code (RFC 1350 and RFC 2347 code 8).
enum class TftpErrorCode : std::uint16_t {
  NotDefined = 0,
  FileNotFound = 1,
  AccessViolation = 2,
  DiskFull = 3,
  IllegalOperation = 4,
  UnknownTransferId = 5,
  FileExists = 6,
  NoSuchUser = 7,
  OptionRefused = 8,
};

struct TftpOption {
  std::string name;  // as sent; compare case-insensitively
  std::string value;
  bool operator==(const TftpOption&) const = default;
};

// RRQ or WRQ.
struct TftpRequest {
  bool write = false;  // WRQ when true, RRQ otherwise
  std::string file_name;
  std::string mode = "octet";  // "octet", "netascii" or "mail", any case
  std::vector<TftpOption> options;
};

struct TftpData {
  std::uint16_t block = 0;
  ByteSpan payload;  // views the decoded datagram
};

struct TftpAck {
  std::uint16_t block = 0;
};

struct TftpErrorPacket {
  std::uint16_t code = 0;  // a TftpErrorCode value; unknown codes are kept as sent
  std::string message;
};

struct TftpOptionAck {
  std::vector<TftpOption> options;
};

using TftpPacket = std::variant<TftpRequest, TftpData, TftpAck, TftpErrorPacket, TftpOptionAck>;

// Decodes one received datagram. Errors (all TftpError, detail "at N: what"): shorter than an
// opcode, unknown opcode, strings without their terminating zero, an unknown mode, empty file
// name, option without value, too many options, a request or OACK longer than
// kTftpRequestBytesMax, DATA longer than kTftpBlockBytesMax, ACK of the wrong length.
Result<TftpPacket> decode_tftp_packet(ByteSpan datagram);

// Encodes a packet. Errors (TftpError): a string holding a zero byte, an empty file name, a
// request or OACK over kTftpRequestBytesMax, a DATA payload over kTftpBlockBytesMax.
Result<Bytes> encode_tftp_packet(const TftpPacket& packet);

// The encoders for the fixed-shape packets, which cannot fail (the error message is cut to
// kTftpErrorMessageBytesMax and zero bytes in it are dropped).
Bytes encode_tftp_ack(std::uint16_t block);
Bytes encode_tftp_data(std::uint16_t block, ByteSpan payload);  // payload <= kTftpBlockBytesMax
Bytes encode_tftp_error(TftpErrorCode code, std::string_view message);

// The options of RFC 2348/2349 that both ends understand. Unset = not offered / not accepted.
struct TftpTransferOptions {
  std::optional<std::size_t> block_bytes;       // blksize
  std::optional<std::int64_t> timeout_s;        // timeout
  std::optional<std::uint64_t> transfer_bytes;  // tsize (0 in an RRQ asks for the size)

  bool operator==(const TftpTransferOptions&) const = default;
};

// Reads the known options out of a request's or OACK's list; unknown names are skipped (RFC 2347
// says to ignore them). Errors (TftpError): a known option with a value that is not a decimal
// number or is out of its RFC range, or given twice.
Result<TftpTransferOptions> parse_tftp_options(const std::vector<TftpOption>& options);
// The option list for `options`, in the order blksize, tsize, timeout.
std::vector<TftpOption> tftp_option_list(const TftpTransferOptions& options);

// Short name of an opcode for traces and error details ("DATA", "OACK", ...).
std::string_view to_string(TftpOpcode opcode);

}  // namespace fw
