#include "firmware-core/agent/headset_firmware.h"

#include <tinyxml2.h>

#include <array>
#include <charconv>

namespace fw {
namespace {

constexpr std::string_view kRootElement = "headsetFirmware";
constexpr std::string_view kEntryElement = "headset";
constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

std::optional<Sha256Digest> parse_sha256_hex(std::string_view text) {
  Sha256Digest digest{};
  if (text.size() != digest.size() * 2) return std::nullopt;
  for (std::size_t index = 0; index < digest.size(); ++index) {
    const int high = hex_value(text[2 * index]);
    const int low = hex_value(text[2 * index + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[index] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return digest;
}

std::string sha256_hex(const Sha256Digest& digest) {
  std::string text;
  for (std::uint8_t byte : digest) {
    text += kHexDigits[byte >> 4];
    text += kHexDigits[byte & 0xF];
  }
  return text;
}

// The numbers of a headset version, or VersionSyntax.
Result<std::vector<std::uint32_t>> version_numbers(std::string_view version) {
  if (version.empty()) return fail(ErrorCode::VersionSyntax, "empty headset version");
  std::vector<std::uint32_t> numbers;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = version.find_first_of("-.", start);
    const std::string_view number = version.substr(start, end - start);
    if (number.empty() || number.size() > kHeadsetVersionDigitsMax) {
      return fail_at(ErrorCode::VersionSyntax, start, "expected 1 to 9 digits");
    }
    std::uint32_t value = 0;
    auto [stop, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (error != std::errc{} || stop != number.data() + number.size()) {
      return fail_at(ErrorCode::VersionSyntax, start, "expected digits");
    }
    if (numbers.size() == kHeadsetVersionNumbersMax) {
      return fail_at(ErrorCode::VersionSyntax, start,
                     "more than headset_version_numbers_max numbers");
    }
    numbers.push_back(value);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return numbers;
}

Result<std::string> required_attribute(const tinyxml2::XMLElement& element, const char* name,
                                       std::size_t entry) {
  const char* value = element.Attribute(name);
  if (value == nullptr || *value == '\0') {
    return fail(ErrorCode::HeadsetFileSyntax,
                "headset entry " + std::to_string(entry) + " (line " +
                    std::to_string(element.GetLineNum()) + "): no " + name + " attribute");
  }
  return std::string(value);
}

}  // namespace

std::string_view to_string(HeadsetSeries series) {
  switch (series) {
    case HeadsetSeries::S520: return "520";
    case HeadsetSeries::S560: return "560";
    case HeadsetSeries::S700: return "700";
  }
  return "?";
}

std::string_view to_string(HeadsetConnection connection) {
  return connection == HeadsetConnection::Usb ? "usb" : "y-cable";
}

std::optional<HeadsetSeries> parse_headset_series(std::string_view text) {
  for (HeadsetSeries series : {HeadsetSeries::S520, HeadsetSeries::S560, HeadsetSeries::S700}) {
    if (text == to_string(series)) return series;
  }
  return std::nullopt;
}

std::optional<HeadsetConnection> parse_headset_connection(std::string_view text) {
  for (HeadsetConnection connection : {HeadsetConnection::Usb, HeadsetConnection::YCable}) {
    if (text == to_string(connection)) return connection;
  }
  return std::nullopt;
}

bool headset_upgrade_supported(HeadsetSeries series, HeadsetConnection connection) {
  return connection == HeadsetConnection::Usb || series == HeadsetSeries::S560;
}

Result<std::strong_ordering> compare_headset_versions(std::string_view left,
                                                      std::string_view right) {
  auto left_numbers = version_numbers(left);
  if (!left_numbers) return fail(left_numbers.error());
  auto right_numbers = version_numbers(right);
  if (!right_numbers) return fail(right_numbers.error());
  const std::size_t count = std::max(left_numbers->size(), right_numbers->size());
  for (std::size_t index = 0; index < count; ++index) {
    const std::uint32_t a = index < left_numbers->size() ? (*left_numbers)[index] : 0;
    const std::uint32_t b = index < right_numbers->size() ? (*right_numbers)[index] : 0;
    if (a != b) return a <=> b;
  }
  return std::strong_ordering::equal;
}

Result<std::vector<HeadsetRelease>> parse_headset_file(ByteSpan file) {
  if (file.size() > kHeadsetFileBytesMax) {
    return fail(ErrorCode::HeadsetFileTooLarge,
                std::to_string(file.size()) + " bytes, headset_file_bytes_max " +
                    std::to_string(kHeadsetFileBytesMax));
  }
  const std::string_view text = as_text(file);
  tinyxml2::XMLDocument document;
  if (document.Parse(text.data(), text.size()) != tinyxml2::XML_SUCCESS) {
    return fail(ErrorCode::HeadsetFileSyntax,
                "line " + std::to_string(document.ErrorLineNum()) + ": " + document.ErrorStr());
  }
  const tinyxml2::XMLElement* root = document.RootElement();
  if (root == nullptr || kRootElement != root->Name()) {
    return fail(ErrorCode::HeadsetFileSyntax, "the root element is not <headsetFirmware>");
  }
  // Counted before any entry is read, so that the limit holds whatever the entries say.
  std::size_t entries = 0;
  for (const tinyxml2::XMLElement* element = root->FirstChildElement(kEntryElement.data());
       element != nullptr; element = element->NextSiblingElement(kEntryElement.data())) {
    if (++entries > kHeadsetEntriesMax) {
      return fail(ErrorCode::HeadsetFileTooLarge,
                  "more than headset_entries_max " + std::to_string(kHeadsetEntriesMax) +
                      " <headset> entries");
    }
  }
  std::vector<HeadsetRelease> releases;
  std::size_t entry = 0;
  for (const tinyxml2::XMLElement* element = root->FirstChildElement(kEntryElement.data());
       element != nullptr; element = element->NextSiblingElement(kEntryElement.data())) {
    ++entry;
    const std::string where = "headset entry " + std::to_string(entry) + " (line " +
                              std::to_string(element->GetLineNum()) + "): ";
    HeadsetRelease release;
    auto series = required_attribute(*element, "series", entry);
    if (!series) return fail(series.error());
    auto parsed_series = parse_headset_series(*series);
    if (!parsed_series) {
      return fail(ErrorCode::HeadsetFileSyntax, where + "series must be 520, 560 or 700");
    }
    release.series = *parsed_series;
    if (find_headset_release(releases, release.series) != nullptr) {
      return fail(ErrorCode::HeadsetFileSyntax, where + "series " + *series + " listed twice");
    }
    auto version = required_attribute(*element, "version", entry);
    if (!version) return fail(version.error());
    if (auto valid = version_numbers(*version); !valid) {
      return fail(ErrorCode::HeadsetFileSyntax, where + "version: " + valid.error().detail);
    }
    release.version = std::move(*version);
    auto image = required_attribute(*element, "image", entry);
    if (!image) return fail(image.error());
    if (image->find("://") != std::string::npos || image->find("..") != std::string::npos) {
      return fail(ErrorCode::HeadsetFileSyntax,
                  where + "image must be a path on the same server without '..'");
    }
    release.image = std::move(*image);
    auto bytes = required_attribute(*element, "bytes", entry);
    if (!bytes) return fail(bytes.error());
    std::size_t size = 0;
    auto [stop, error] = std::from_chars(bytes->data(), bytes->data() + bytes->size(), size);
    if (error != std::errc{} || stop != bytes->data() + bytes->size() || size == 0 ||
        size > kHeadsetImageBytesMax) {
      return fail(ErrorCode::HeadsetFileSyntax,
                  where + "bytes must be 1 to headset_image_bytes_max " +
                      std::to_string(kHeadsetImageBytesMax));
    }
    release.bytes = size;
    auto digest = required_attribute(*element, "sha256", entry);
    if (!digest) return fail(digest.error());
    auto parsed_digest = parse_sha256_hex(*digest);
    if (!parsed_digest) {
      return fail(ErrorCode::HeadsetFileSyntax, where + "sha256 must be 64 hex digits");
    }
    release.sha256 = *parsed_digest;
    releases.push_back(std::move(release));
  }
  return releases;
}

std::string format_headset_file(const std::vector<HeadsetRelease>& releases) {
  tinyxml2::XMLDocument document;
  tinyxml2::XMLElement* root = document.NewElement(kRootElement.data());
  document.InsertFirstChild(root);
  for (const HeadsetRelease& release : releases) {
    tinyxml2::XMLElement* element = document.NewElement(kEntryElement.data());
    element->SetAttribute("series", std::string(to_string(release.series)).c_str());
    element->SetAttribute("version", release.version.c_str());
    element->SetAttribute("image", release.image.c_str());
    element->SetAttribute("bytes", std::to_string(release.bytes).c_str());
    element->SetAttribute("sha256", sha256_hex(release.sha256).c_str());
    root->InsertEndChild(element);
  }
  tinyxml2::XMLPrinter printer;
  document.Print(&printer);
  return std::string(printer.CStr(), static_cast<std::size_t>(printer.CStrSize() - 1));
}

const HeadsetRelease* find_headset_release(const std::vector<HeadsetRelease>& releases,
                                           HeadsetSeries series) {
  for (const HeadsetRelease& release : releases) {
    if (release.series == series) return &release;
  }
  return nullptr;
}

std::string headset_image_path(std::string_view file_path, std::string_view image) {
  if (image.starts_with('/')) return std::string(image);
  file_path = file_path.substr(0, file_path.find('?'));  // a query is no part of the directory
  const std::size_t slash = file_path.rfind('/');
  const std::string_view directory =
      slash == std::string_view::npos ? std::string_view("/") : file_path.substr(0, slash + 1);
  return std::string(directory) + std::string(image);
}

}  // namespace fw
