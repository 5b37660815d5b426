#include "firmware-core/fetch/tftp_packet.h"

#include <string>
#include <variant>

#include <gtest/gtest.h>

namespace fw {
namespace {

Bytes bytes_of(std::string_view text) {
  return to_bytes(text);
}

using namespace std::string_view_literals;

TEST(TftpPacketTest, DecodesReadRequestWithOptions) {
  Bytes wire = bytes_of(
      "\0\1basic.txt\0octet\0blksize\0"
      "1428\0tsize\0"
      "0\0"sv);
  auto packet = decode_tftp_packet(wire);
  ASSERT_TRUE(packet) << packet.error().to_string();
  const auto& request = std::get<TftpRequest>(*packet);
  EXPECT_FALSE(request.write);
  EXPECT_EQ(request.file_name, "basic.txt");
  EXPECT_EQ(request.mode, "octet");
  ASSERT_EQ(request.options.size(), 2u);
  EXPECT_EQ(request.options[0], (TftpOption{"blksize", "1428"}));
  auto options = parse_tftp_options(request.options);
  ASSERT_TRUE(options);
  EXPECT_EQ(options->block_bytes, 1428u);
  EXPECT_EQ(options->transfer_bytes, 0u);
  EXPECT_FALSE(options->timeout_s);
}

TEST(TftpPacketTest, RoundTripsEveryPacketKind) {
  Bytes payload = {1, 2, 0, 255};
  std::vector<TftpPacket> packets = {
      TftpRequest{true, "/report.xml", "OCTET", {{"tsize", "77"}}},
      TftpData{7, payload},
      TftpAck{65535},
      TftpErrorPacket{1, "File not found"},
      TftpOptionAck{{{"blksize", "1024"}, {"timeout", "3"}}},
  };
  for (const TftpPacket& packet : packets) {
    auto wire = encode_tftp_packet(packet);
    ASSERT_TRUE(wire) << wire.error().to_string();
    auto decoded = decode_tftp_packet(*wire);
    ASSERT_TRUE(decoded) << decoded.error().to_string();
    ASSERT_EQ(decoded->index(), packet.index());
    auto again = encode_tftp_packet(*decoded);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *wire);
  }
}

TEST(TftpPacketTest, DataViewsPayload) {
  Bytes wire = {0, 3, 0x01, 0x02, 'a', 'b'};
  auto packet = decode_tftp_packet(wire);
  ASSERT_TRUE(packet);
  const auto& data = std::get<TftpData>(*packet);
  EXPECT_EQ(data.block, 0x0102);
  EXPECT_EQ(as_text(data.payload), "ab");
}

TEST(TftpPacketTest, ErrorMessageWithoutTerminatorIsKept) {
  Bytes wire = bytes_of("\0\5\0\1nope"sv);
  auto packet = decode_tftp_packet(wire);
  ASSERT_TRUE(packet);
  EXPECT_EQ(std::get<TftpErrorPacket>(*packet).code, 1);
  EXPECT_EQ(std::get<TftpErrorPacket>(*packet).message, "nope");
}

struct BadPacket {
  std::string_view wire;
  std::string_view detail;
};

TEST(TftpPacketTest, RejectsMalformedPacketsNamingWhatIsWrong) {
  const BadPacket cases[] = {
      {"\0"sv, "at 0: datagram shorter than an opcode"},
      {"\0\11abc"sv, "at 0: unknown opcode 9"},
      {"\0\1file"sv, "at 2: file name not terminated by a zero byte"},
      {"\0\1\0octet\0"sv, "at 2: empty file name"},
      {"\0\1f\0binary\0"sv, "at 4: unknown transfer mode 'binary'"},
      {"\0\1f\0octet\0blksize\0"sv, "at 18: option 'blksize' has no value"},
      {"\0\1f\0octet\0blksize\0"
       "512"sv,
       "at 18: option value not terminated by a zero byte"},
      {"\0\1f\0octet\0\0"
       "5\0"sv,
       "at 10: empty option name"},
      {"\0\4\0"sv, "at 2: ACK of 3 bytes (must be 4)"},
      {"\0\4\0\1\0"sv, "at 2: ACK of 5 bytes (must be 4)"},
      {"\0\3\0"sv, "at 2: DATA without a block number"},
      {"\0\5\0"sv, "at 2: ERROR without an error code"},
  };
  for (const BadPacket& bad : cases) {
    auto packet = decode_tftp_packet(as_bytes(bad.wire));
    ASSERT_FALSE(packet) << bad.detail;
    EXPECT_EQ(packet.error().code, ErrorCode::TftpError);
    EXPECT_EQ(packet.error().detail, bad.detail);
  }
}

TEST(TftpPacketTest, RequestLimitIsEnforcedAtAndPastTheLimit) {
  // opcode(2) + name + zero + "octet" + zero = 512 exactly.
  std::string name(kTftpRequestBytesMax - 2 - 1 - 6, 'n');
  TftpRequest request{false, name, "octet", {}};
  auto at_limit = encode_tftp_packet(request);
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->size(), kTftpRequestBytesMax);
  EXPECT_TRUE(decode_tftp_packet(*at_limit));

  request.file_name += "n";
  EXPECT_FALSE(encode_tftp_packet(request));
  Bytes past = *at_limit;
  past.insert(past.begin() + 3, 'n');
  auto decoded = decode_tftp_packet(past);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().detail, "at 512: request longer than 512 bytes");
}

TEST(TftpPacketTest, OptionCountLimit) {
  TftpOptionAck ack;
  for (std::size_t i = 0; i < kTftpOptionsMax; ++i) {
    ack.options.push_back({"x" + std::to_string(i), "1"});
  }
  auto wire = encode_tftp_packet(ack);
  ASSERT_TRUE(wire);
  EXPECT_TRUE(decode_tftp_packet(*wire));
  Bytes past = *wire;
  for (char c :
       "y\0"
       "1"sv) {
    past.push_back(static_cast<std::uint8_t>(c));
  }
  past.push_back(0);
  auto decoded = decode_tftp_packet(past);
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().detail.find("more than 16 options"), std::string::npos);
}

TEST(TftpPacketTest, DataLimitIsEnforcedAtAndPastTheLimit) {
  Bytes block(kTftpBlockBytesMax, 0xAA);
  auto wire = encode_tftp_packet(TftpData{1, block});
  ASSERT_TRUE(wire);
  EXPECT_TRUE(decode_tftp_packet(*wire));
  Bytes longer(kTftpBlockBytesMax + 1, 0xAA);
  EXPECT_FALSE(encode_tftp_packet(TftpData{1, longer}));
  wire->push_back(0);
  EXPECT_FALSE(decode_tftp_packet(*wire));
}

TEST(TftpPacketTest, EncodeRejectsZeroBytesInStrings) {
  EXPECT_FALSE(encode_tftp_packet(TftpRequest{false, std::string("a\0b", 3), "octet", {}}));
  EXPECT_FALSE(encode_tftp_packet(TftpRequest{false, "", "octet", {}}));
  EXPECT_FALSE(encode_tftp_packet(TftpRequest{false, "f", "binary", {}}));
  EXPECT_FALSE(encode_tftp_packet(TftpOptionAck{{{"", "1"}}}));
}

TEST(TftpPacketTest, OptionValuesAreCheckedAgainstTheirRanges) {
  EXPECT_EQ(parse_tftp_options({{"BLKSIZE", "8"}})->block_bytes, 8u);
  EXPECT_EQ(parse_tftp_options({{"blksize", "65464"}})->block_bytes, 65464u);
  EXPECT_FALSE(parse_tftp_options({{"blksize", "7"}}));
  EXPECT_FALSE(parse_tftp_options({{"blksize", "65465"}}));
  EXPECT_EQ(parse_tftp_options({{"timeout", "255"}})->timeout_s, 255);
  EXPECT_FALSE(parse_tftp_options({{"timeout", "0"}}));
  EXPECT_FALSE(parse_tftp_options({{"timeout", "256"}}));
  EXPECT_FALSE(parse_tftp_options({{"tsize", "-1"}}));
  EXPECT_FALSE(parse_tftp_options({{"tsize", "1x"}}));
  EXPECT_FALSE(parse_tftp_options({{"tsize", ""}}));
  EXPECT_FALSE(parse_tftp_options({{"tsize", "1"}, {"TSize", "2"}}));
  auto unknown = parse_tftp_options({{"windowsize", "4"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(*unknown, TftpTransferOptions{});
  auto error = parse_tftp_options({{"blksize", "1x"}});
  EXPECT_EQ(error.error().detail, "option blksize: '1x' is not a decimal number");
}

TEST(TftpPacketTest, OptionListOrder) {
  TftpTransferOptions options{1428, 5, 100};
  std::vector<TftpOption> expected = {{"blksize", "1428"}, {"tsize", "100"}, {"timeout", "5"}};
  EXPECT_EQ(tftp_option_list(options), expected);
  EXPECT_EQ(*parse_tftp_options(expected), options);
}

TEST(TftpPacketTest, ErrorEncoderDropsZerosAndCutsLongMessages) {
  Bytes wire = encode_tftp_error(TftpErrorCode::FileNotFound, std::string("a\0b", 3));
  EXPECT_EQ(wire, bytes_of("\0\5\0\1ab\0"sv));
  Bytes long_wire = encode_tftp_error(TftpErrorCode::NotDefined, std::string(1000, 'x'));
  EXPECT_EQ(long_wire.size(), 4 + kTftpErrorMessageBytesMax + 1);
}

}  // namespace
}  // namespace fw
