#include "scenarios/format/quantities.h"

#include <gtest/gtest.h>

namespace scn {
namespace {

TEST(QuantitiesTest, Durations) {
  EXPECT_EQ(parse_duration("90s"), fw::seconds(90));
  EXPECT_EQ(parse_duration("2h30m"), fw::seconds(9000));
  EXPECT_EQ(parse_duration("250ms"), fw::milliseconds(250));
  EXPECT_EQ(parse_duration("1d"), fw::seconds(86400));
  EXPECT_EQ(parse_duration("-2h"), fw::seconds(-7200));
  EXPECT_EQ(parse_duration("0"), fw::Duration{0});
  EXPECT_EQ(parse_duration("1m30s500ms"), fw::milliseconds(90500));
  for (const char* bad : {"", "10", "5 min", "h", "1.5h", "-", "99999999999999999999s", "3w"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(QuantitiesTest, SharesAreExactPartsPerMillion) {
  EXPECT_EQ(parse_share("99%")->parts_per_million, 990000u);
  EXPECT_EQ(parse_share("0.1%")->parts_per_million, 1000u);
  EXPECT_EQ(parse_share("0.0001%")->parts_per_million, 1u);
  EXPECT_EQ(parse_share("100%")->parts_per_million, Share::kWhole);
  EXPECT_EQ(parse_share("0%")->parts_per_million, 0u);
  for (const char* bad : {"", "50", "101%", "100.1%", "1.23456%", "-1%", "a%", "1.%"}) {
    EXPECT_FALSE(parse_share(bad)) << bad;
  }
}

TEST(QuantitiesTest, WallTimes) {
  EXPECT_EQ(parse_wall_time("1970-01-01T00:00:00Z")->unix_seconds, 0);
  EXPECT_EQ(parse_wall_time("2026-11-24T10:00:00Z")->unix_seconds, 1795514400);
  EXPECT_EQ(parse_wall_time("2000-02-29T00:00:00Z")->unix_seconds, 951782400);
  for (const char* bad : {"2026-11-24", "2026-11-24T10:00:00", "2026-02-29T00:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24 10:00:00Z"}) {
    EXPECT_FALSE(parse_wall_time(bad)) << bad;
  }
}

TEST(QuantitiesTest, ByteRates) {
  EXPECT_EQ(parse_byte_rate("100Mbit"), 12'500'000u);
  EXPECT_EQ(parse_byte_rate("2MB"), 2'000'000u);
  EXPECT_EQ(parse_byte_rate("1500B"), 1500u);
  EXPECT_EQ(parse_byte_rate("64kB"), 64'000u);
  for (const char* bad : {"", "100", "100Mb", "1TB", "kB"}) EXPECT_FALSE(parse_byte_rate(bad)) << bad;
}

}  // namespace
}  // namespace scn
