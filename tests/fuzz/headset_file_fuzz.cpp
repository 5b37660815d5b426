// Fuzzes the headset XML file Cisco_Headset_Upgrade_Rule downloads (parse_headset_file) and the
// headset version order (compare_headset_versions), both from outside the phone.
//
// Properties, for any input:
//   1. parsing never crashes; a failure is HeadsetFileSyntax or HeadsetFileTooLarge, and only
//      input over headset_file_bytes_max is too large by size;
//   2. a parsed file has at most headset_entries_max entries, one per series, each with a
//      version that compares with itself as equal, an image path without "://" or "..", and a
//      size within headset_image_bytes_max;
//   3. formatting the parsed entries and parsing again gives the same entries;
//   4. the input split at its first '\n' into two versions compares antisymmetrically: a < b
//      exactly when b > a, and both fail or neither does.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "firmware-core/agent/headset_firmware.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using fuzz::check;

void check_file(fw::ByteSpan input) {
  auto parsed = fw::parse_headset_file(input);
  if (!parsed) {
    check(parsed.error().code == fw::ErrorCode::HeadsetFileSyntax ||
          parsed.error().code == fw::ErrorCode::HeadsetFileTooLarge);
    return;
  }
  check(input.size() <= fw::kHeadsetFileBytesMax);
  check(parsed->size() <= fw::kHeadsetEntriesMax);
  for (std::size_t index = 0; index < parsed->size(); ++index) {
    const fw::HeadsetRelease& release = (*parsed)[index];
    auto self = fw::compare_headset_versions(release.version, release.version);
    check(self && *self == std::strong_ordering::equal);
    check(release.image.find("://") == std::string::npos);
    check(release.image.find("..") == std::string::npos);
    check(release.bytes > 0 && release.bytes <= fw::kHeadsetImageBytesMax);
    check(fw::find_headset_release(*parsed, release.series) == &release);
  }
  auto again = fw::parse_headset_file(fw::as_bytes(fw::format_headset_file(*parsed)));
  check(again.has_value() && again->size() == parsed->size());
  for (std::size_t index = 0; again && index < parsed->size(); ++index) {
    check((*again)[index].series == (*parsed)[index].series);
    check((*again)[index].version == (*parsed)[index].version);
    check((*again)[index].image == (*parsed)[index].image);
    check((*again)[index].bytes == (*parsed)[index].bytes);
    check((*again)[index].sha256 == (*parsed)[index].sha256);
  }
}

void check_versions(std::string_view text) {
  const std::size_t newline = text.find('\n');
  const std::string_view left = text.substr(0, newline);
  const std::string_view right =
      newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
  auto forward = fw::compare_headset_versions(left, right);
  auto backward = fw::compare_headset_versions(right, left);
  check(forward.has_value() == backward.has_value());
  if (!forward) {
    check(forward.error().code == fw::ErrorCode::VersionSyntax);
    return;
  }
  check((*forward < 0) == (*backward > 0));
  check((*forward == 0) == (*backward == 0));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_file({data, size});
  check_versions(fw::as_text({data, size}));
  return 0;
}
