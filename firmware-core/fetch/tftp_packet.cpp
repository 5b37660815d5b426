#include "firmware-core/fetch/tftp_packet.h"

#include <algorithm>
#include <charconv>
#include <type_traits>

#include "firmware-core/base/ascii.h"

namespace fw {
namespace {

void put_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

std::uint16_t get_u16(ByteSpan bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

void put_string(Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
  out.push_back(0);
}

// Reads a zero-terminated string at `position`, advancing it past the zero.
Result<std::string> take_string(ByteSpan bytes, std::size_t& position, std::string_view what) {
  auto begin = bytes.begin() + static_cast<std::ptrdiff_t>(position);
  auto zero = std::find(begin, bytes.end(), std::uint8_t{0});
  if (zero == bytes.end()) {
    return fail_at(ErrorCode::TftpError, position,
                   std::string(what) + " not terminated by a zero byte");
  }
  std::string text(begin, zero);
  position = static_cast<std::size_t>(zero - bytes.begin()) + 1;
  return text;
}

Result<std::vector<TftpOption>> take_options(ByteSpan bytes, std::size_t position) {
  std::vector<TftpOption> options;
  while (position < bytes.size()) {
    if (options.size() == kTftpOptionsMax) {
      return fail_at(ErrorCode::TftpError, position,
                     "more than " + std::to_string(kTftpOptionsMax) + " options");
    }
    std::size_t name_at = position;
    auto name = take_string(bytes, position, "option name");
    if (!name) {
      return fail(std::move(name).error());
    }
    if (name->empty()) {
      return fail_at(ErrorCode::TftpError, name_at, "empty option name");
    }
    if (position >= bytes.size()) {
      return fail_at(ErrorCode::TftpError, position, "option '" + *name + "' has no value");
    }
    auto value = take_string(bytes, position, "option value");
    if (!value) {
      return fail(std::move(value).error());
    }
    options.push_back({std::move(*name), std::move(*value)});
  }
  return options;
}

bool known_mode(std::string_view mode) {
  return equals_ignoring_case(mode, "octet") || equals_ignoring_case(mode, "netascii") ||
         equals_ignoring_case(mode, "mail");
}

Result<TftpPacket> decode_request(ByteSpan bytes, bool write) {
  if (bytes.size() > kTftpRequestBytesMax) {
    return fail_at(ErrorCode::TftpError, kTftpRequestBytesMax,
                   "request longer than " + std::to_string(kTftpRequestBytesMax) + " bytes");
  }
  TftpRequest request;
  request.write = write;
  std::size_t position = 2;
  auto file_name = take_string(bytes, position, "file name");
  if (!file_name) {
    return fail(std::move(file_name).error());
  }
  if (file_name->empty()) {
    return fail_at(ErrorCode::TftpError, 2, "empty file name");
  }
  std::size_t mode_at = position;
  auto mode = take_string(bytes, position, "mode");
  if (!mode) {
    return fail(std::move(mode).error());
  }
  if (!known_mode(*mode)) {
    return fail_at(ErrorCode::TftpError, mode_at, "unknown transfer mode '" + *mode + "'");
  }
  auto options = take_options(bytes, position);
  if (!options) {
    return fail(std::move(options).error());
  }
  request.file_name = std::move(*file_name);
  request.mode = std::move(*mode);
  request.options = std::move(*options);
  return TftpPacket{std::move(request)};
}

bool has_zero(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

Result<void> check_string(std::string_view text, std::string_view what) {
  if (has_zero(text)) {
    return fail(ErrorCode::TftpError, std::string(what) + " holds a zero byte");
  }
  return {};
}

Result<void> append_options(Bytes& out, const std::vector<TftpOption>& options) {
  if (options.size() > kTftpOptionsMax) {
    return fail(ErrorCode::TftpError, "more than " + std::to_string(kTftpOptionsMax) + " options");
  }
  for (const TftpOption& option : options) {
    if (option.name.empty()) {
      return fail(ErrorCode::TftpError, "empty option name");
    }
    if (auto ok = check_string(option.name, "option name"); !ok) {
      return ok;
    }
    if (auto ok = check_string(option.value, "option value"); !ok) {
      return ok;
    }
    put_string(out, option.name);
    put_string(out, option.value);
  }
  return {};
}

Result<std::uint64_t> parse_decimal(const TftpOption& option) {
  std::uint64_t value = 0;
  const char* end = option.value.data() + option.value.size();
  auto [stop, error] = std::from_chars(option.value.data(), end, value);
  if (option.value.empty() || error != std::errc() || stop != end) {
    return fail(ErrorCode::TftpError,
                "option " + option.name + ": '" + option.value + "' is not a decimal number");
  }
  return value;
}

}  // namespace

std::string_view to_string(TftpOpcode opcode) {
  switch (opcode) {
    case TftpOpcode::ReadRequest:
      return "RRQ";
    case TftpOpcode::WriteRequest:
      return "WRQ";
    case TftpOpcode::Data:
      return "DATA";
    case TftpOpcode::Ack:
      return "ACK";
    case TftpOpcode::Error:
      return "ERROR";
    case TftpOpcode::OptionAck:
      return "OACK";
  }
  return "?";
}

Result<TftpPacket> decode_tftp_packet(ByteSpan datagram) {
  if (datagram.size() < 2) {
    return fail_at(ErrorCode::TftpError, 0, "datagram shorter than an opcode");
  }
  if (datagram.size() > kTftpDatagramBytesMax) {
    return fail_at(ErrorCode::TftpError, kTftpDatagramBytesMax,
                   "datagram longer than " + std::to_string(kTftpDatagramBytesMax) + " bytes");
  }
  std::uint16_t opcode = get_u16(datagram, 0);
  switch (opcode) {
    case static_cast<std::uint16_t>(TftpOpcode::ReadRequest):
      return decode_request(datagram, false);
    case static_cast<std::uint16_t>(TftpOpcode::WriteRequest):
      return decode_request(datagram, true);
    case static_cast<std::uint16_t>(TftpOpcode::Data):
      if (datagram.size() < 4) {
        return fail_at(ErrorCode::TftpError, 2, "DATA without a block number");
      }
      return TftpPacket{TftpData{get_u16(datagram, 2), datagram.subspan(4)}};
    case static_cast<std::uint16_t>(TftpOpcode::Ack):
      if (datagram.size() != 4) {
        return fail_at(ErrorCode::TftpError, 2,
                       "ACK of " + std::to_string(datagram.size()) + " bytes (must be 4)");
      }
      return TftpPacket{TftpAck{get_u16(datagram, 2)}};
    case static_cast<std::uint16_t>(TftpOpcode::Error): {
      if (datagram.size() < 4) {
        return fail_at(ErrorCode::TftpError, 2, "ERROR without an error code");
      }
      // Some servers omit the zero after the message: keep what is there rather than reject
      // the error, which is the more useful thing to report.
      auto text = datagram.subspan(4);
      auto zero = std::find(text.begin(), text.end(), std::uint8_t{0});
      std::size_t length =
          std::min(static_cast<std::size_t>(zero - text.begin()), kTftpErrorMessageBytesMax);
      return TftpPacket{
          TftpErrorPacket{get_u16(datagram, 2), std::string(as_text(text.first(length)))}};
    }
    case static_cast<std::uint16_t>(TftpOpcode::OptionAck): {
      if (datagram.size() > kTftpRequestBytesMax) {
        return fail_at(ErrorCode::TftpError, kTftpRequestBytesMax,
                       "OACK longer than " + std::to_string(kTftpRequestBytesMax) + " bytes");
      }
      auto options = take_options(datagram, 2);
      if (!options) {
        return fail(std::move(options).error());
      }
      return TftpPacket{TftpOptionAck{std::move(*options)}};
    }
    default:
      return fail_at(ErrorCode::TftpError, 0, "unknown opcode " + std::to_string(opcode));
  }
}

Bytes encode_tftp_ack(std::uint16_t block) {
  Bytes out;
  out.reserve(4);
  put_u16(out, static_cast<std::uint16_t>(TftpOpcode::Ack));
  put_u16(out, block);
  return out;
}

Bytes encode_tftp_data(std::uint16_t block, ByteSpan payload) {
  Bytes out;
  out.reserve(4 + payload.size());
  put_u16(out, static_cast<std::uint16_t>(TftpOpcode::Data));
  put_u16(out, block);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes encode_tftp_error(TftpErrorCode code, std::string_view message) {
  Bytes out;
  put_u16(out, static_cast<std::uint16_t>(TftpOpcode::Error));
  put_u16(out, static_cast<std::uint16_t>(code));
  for (char c : message.substr(0, kTftpErrorMessageBytesMax)) {
    if (c != '\0') {
      out.push_back(static_cast<std::uint8_t>(c));
    }
  }
  out.push_back(0);
  return out;
}

Result<Bytes> encode_tftp_packet(const TftpPacket& packet) {
  return std::visit(
      [](const auto& body) -> Result<Bytes> {
        using Body = std::decay_t<decltype(body)>;
        Bytes out;
        if constexpr (std::is_same_v<Body, TftpRequest>) {
          if (body.file_name.empty()) {
            return fail(ErrorCode::TftpError, "empty file name");
          }
          if (auto ok = check_string(body.file_name, "file name"); !ok) {
            return fail(ok.error());
          }
          if (!known_mode(body.mode) || has_zero(body.mode)) {
            return fail(ErrorCode::TftpError, "unknown transfer mode '" + body.mode + "'");
          }
          put_u16(out, static_cast<std::uint16_t>(body.write ? TftpOpcode::WriteRequest
                                                             : TftpOpcode::ReadRequest));
          put_string(out, body.file_name);
          put_string(out, body.mode);
          if (auto ok = append_options(out, body.options); !ok) {
            return fail(ok.error());
          }
          if (out.size() > kTftpRequestBytesMax) {
            return fail(ErrorCode::TftpError, "request of " + std::to_string(out.size()) +
                                                  " bytes exceeds " +
                                                  std::to_string(kTftpRequestBytesMax));
          }
        } else if constexpr (std::is_same_v<Body, TftpData>) {
          if (body.payload.size() > kTftpBlockBytesMax) {
            return fail(ErrorCode::TftpError,
                        "DATA payload of " + std::to_string(body.payload.size()) +
                            " bytes exceeds " + std::to_string(kTftpBlockBytesMax));
          }
          out = encode_tftp_data(body.block, body.payload);
        } else if constexpr (std::is_same_v<Body, TftpAck>) {
          out = encode_tftp_ack(body.block);
        } else if constexpr (std::is_same_v<Body, TftpErrorPacket>) {
          if (auto ok = check_string(body.message, "error message"); !ok) {
            return fail(ok.error());
          }
          out = encode_tftp_error(static_cast<TftpErrorCode>(body.code), body.message);
        } else {
          put_u16(out, static_cast<std::uint16_t>(TftpOpcode::OptionAck));
          if (auto ok = append_options(out, body.options); !ok) {
            return fail(ok.error());
          }
          if (out.size() > kTftpRequestBytesMax) {
            return fail(ErrorCode::TftpError, "OACK of " + std::to_string(out.size()) +
                                                  " bytes exceeds " +
                                                  std::to_string(kTftpRequestBytesMax));
          }
        }
        return out;
      },
      packet);
}

Result<TftpTransferOptions> parse_tftp_options(const std::vector<TftpOption>& options) {
  TftpTransferOptions parsed;
  for (const TftpOption& option : options) {
    bool is_block = equals_ignoring_case(option.name, "blksize");
    bool is_timeout = equals_ignoring_case(option.name, "timeout");
    bool is_size = equals_ignoring_case(option.name, "tsize");
    if (!is_block && !is_timeout && !is_size) {
      continue;
    }
    if ((is_block && parsed.block_bytes) || (is_timeout && parsed.timeout_s) ||
        (is_size && parsed.transfer_bytes)) {
      return fail(ErrorCode::TftpError, "option " + option.name + " given twice");
    }
    auto number = parse_decimal(option);
    if (!number) {
      return fail(std::move(number).error());
    }
    if (is_block) {
      if (*number < kTftpBlockBytesMin || *number > kTftpBlockBytesMax) {
        return fail(ErrorCode::TftpError, "option blksize " + option.value + " outside " +
                                              std::to_string(kTftpBlockBytesMin) + ".." +
                                              std::to_string(kTftpBlockBytesMax));
      }
      parsed.block_bytes = static_cast<std::size_t>(*number);
    } else if (is_timeout) {
      if (*number < static_cast<std::uint64_t>(kTftpTimeoutSecondsMin) ||
          *number > static_cast<std::uint64_t>(kTftpTimeoutSecondsMax)) {
        return fail(ErrorCode::TftpError, "option timeout " + option.value + " outside " +
                                              std::to_string(kTftpTimeoutSecondsMin) + ".." +
                                              std::to_string(kTftpTimeoutSecondsMax));
      }
      parsed.timeout_s = static_cast<std::int64_t>(*number);
    } else {
      parsed.transfer_bytes = *number;
    }
  }
  return parsed;
}

std::vector<TftpOption> tftp_option_list(const TftpTransferOptions& options) {
  std::vector<TftpOption> list;
  if (options.block_bytes) {
    list.push_back({"blksize", std::to_string(*options.block_bytes)});
  }
  if (options.transfer_bytes) {
    list.push_back({"tsize", std::to_string(*options.transfer_bytes)});
  }
  if (options.timeout_s) {
    list.push_back({"timeout", std::to_string(*options.timeout_s)});
  }
  return list;
}

}  // namespace fw
