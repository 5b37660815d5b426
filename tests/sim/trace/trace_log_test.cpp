#include "sim/trace/trace_log.h"

#include <array>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace sim {
namespace {

TEST(TraceLogTest, WritesTheSeedFirstThenEventsThenTheClosingHash) {
  std::ostringstream out;
  TraceLog log(18'446'744'073'709'551'615ull, &out);
  const std::array<fw::TraceField, 2> fields = {{{"quote", "a\"b\\c"}, {"control", "\x01\n"}}};
  log.record(fw::Instant::from_nanoseconds(5), "phone-1", fw::Severity::Warning, "agent", "x",
             fields);
  const std::string closing = log.finish();
  EXPECT_EQ(out.str(),
            "{\"seed\":18446744073709551615}\n"
            "{\"t\":5,\"phone\":\"phone-1\",\"severity\":\"warning\",\"component\":\"agent\","
            "\"event\":\"x\",\"fields\":{\"quote\":\"a\\\"b\\\\c\",\"control\":\"\\u0001\\n\"}}\n" +
                closing + "\n");
  EXPECT_EQ(closing, "{\"events\":1,\"errors\":0,\"hash\":\"" + log.hash_hex() + "\"}");
}

TEST(TraceLogTest, HashIsFnv1aOfTheCanonicalLines) {
  TraceLog log(0);
  // FNV-1a 64 of "{\"seed\":0}\n", computed independently of the implementation.
  std::uint64_t expected = 0xCBF29CE484222325ull;
  for (const char character : std::string("{\"seed\":0}\n")) {
    expected ^= static_cast<std::uint8_t>(character);
    expected *= 0x100000001B3ull;
  }
  EXPECT_EQ(log.hash(), expected);
}

TEST(TraceLogTest, OutputThresholdDoesNotChangeTheHashAndErrorsAreCounted) {
  std::ostringstream quiet_out;
  TraceLog quiet(3, &quiet_out);
  quiet.set_output_severity_min(fw::Severity::Error);
  TraceLog verbose(3);
  for (TraceLog* log : {&quiet, &verbose}) {
    log->record(fw::Instant(), "", fw::Severity::Debug, "net", "udp_lost");
    log->record(fw::Instant(), "p", fw::Severity::Error, "agent", "resync_failed");
  }
  EXPECT_EQ(quiet.hash(), verbose.hash());
  EXPECT_EQ(quiet.errors(), 1u);
  EXPECT_EQ(quiet.events(), 2u);
  EXPECT_EQ(quiet_out.str().find("udp_lost"), std::string::npos);
  EXPECT_NE(quiet_out.str().find("resync_failed"), std::string::npos);
}

TEST(TraceLogTest, DifferentEventsGiveDifferentHashes) {
  TraceLog first(1);
  TraceLog second(1);
  first.record(fw::Instant::from_nanoseconds(1), "p", fw::Severity::Info, "c", "e");
  second.record(fw::Instant::from_nanoseconds(2), "p", fw::Severity::Info, "c", "e");
  EXPECT_NE(first.hash(), second.hash());
}

}  // namespace
}  // namespace sim
