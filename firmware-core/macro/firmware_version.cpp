#include "firmware-core/macro/firmware_version.h"

#include <algorithm>
#include <string>

namespace fw {
namespace {

constexpr std::string_view kMppPrefix = "sip";
constexpr std::string_view kLoadsSuffix = ".loads";

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_alnum(char c) {
  return is_digit(c) || is_letter(c);
}
constexpr char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return to_lower(x) == to_lower(y);
         });
}

bool all_alnum(std::string_view text) {
  return std::all_of(text.begin(), text.end(), is_alnum);
}

Failure version_error(std::string what) {
  return fail(ErrorCode::VersionSyntax, std::move(what));
}

// The leading digits of `text` (possibly none).
std::string_view leading_digits(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && is_digit(text[end])) {
    ++end;
  }
  return text.substr(0, end);
}

// Appends one number to `version`. Errors when the number is too long or there are too many.
Result<void> push_number(FirmwareVersion& version, std::string_view digits) {
  if (digits.empty()) {
    return version_error("expected a number");
  }
  if (digits.size() > kVersionNumberDigitsMax) {
    return version_error("a number has more than " + std::to_string(kVersionNumberDigitsMax) +
                         " digits");
  }
  if (version.number_count == kVersionNumbersMax) {
    return version_error("more than " + std::to_string(kVersionNumbersMax) + " numbers");
  }
  std::uint32_t value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  version.numbers[version.number_count++] = value;
  return {};
}

// SPA: number *("." number) [tag] ["(" suffix ")"].
Result<FirmwareVersion> parse_spa(std::string_view text) {
  FirmwareVersion version;
  version.format = VersionFormat::Spa;
  std::string_view rest = text;
  if (std::size_t open = rest.find('('); open != std::string_view::npos) {
    std::string_view suffix = rest.substr(open + 1);
    if (suffix.empty() || suffix.back() != ')') {
      return version_error("'(' without a closing ')' at the end");
    }
    suffix.remove_suffix(1);
    if (suffix.empty() || !all_alnum(suffix)) {
      return version_error("the (suffix) must be letters and digits");
    }
    version.build = std::string(suffix);
    rest = rest.substr(0, open);
  }
  while (true) {
    std::string_view digits = leading_digits(rest);
    if (auto pushed = push_number(version, digits); !pushed) {
      return fail(std::move(pushed).error());
    }
    rest.remove_prefix(digits.size());
    if (rest.empty()) {
      break;
    }
    if (rest.front() == '.') {
      rest.remove_prefix(1);
      continue;
    }
    if (!all_alnum(rest)) {
      return version_error("unexpected character in an SPA version");
    }
    version.tag = std::string(rest);  // starts with a letter: the digits went into the number
    break;
  }
  return version;
}

// MPP: "sip" model "." field *("-" field); see firmware_version.h for which field is what.
Result<FirmwareVersion> parse_mpp(std::string_view text) {
  FirmwareVersion version;
  version.format = VersionFormat::Mpp;
  if (text.size() > kLoadsSuffix.size() &&
      equals_ignoring_case(text.substr(text.size() - kLoadsSuffix.size()), kLoadsSuffix)) {
    text.remove_suffix(kLoadsSuffix.size());
  }
  std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) {
    return version_error("an MPP version needs '.' after the model");
  }
  std::string_view model = text.substr(kMppPrefix.size(), dot - kMppPrefix.size());
  if (!std::all_of(model.begin(), model.end(), [](char c) { return is_alnum(c) || c == '_'; })) {
    return version_error("the model may hold only letters, digits and '_'");
  }
  version.model = std::string(model);
  std::string_view fields = text.substr(dot + 1);
  bool tagged = false;
  std::size_t index = 0;
  while (true) {
    std::size_t dash = fields.find('-');
    std::string_view field = fields.substr(0, dash);
    bool last = dash == std::string_view::npos;
    if (field.empty() || !all_alnum(field)) {
      return version_error("field " + std::to_string(index + 1) +
                           " must be non-empty letters and digits");
    }
    if (tagged) {
      // The field after the tagged one is the build, and nothing may follow it.
      if (!last) {
        return version_error("text after the build number");
      }
      version.build = std::string(field);
      break;
    }
    std::string_view digits = leading_digits(field);
    bool tagged_number = !digits.empty() && digits.size() < field.size();
    if (last && index > 0 && !tagged_number) {
      // No field carried a tag (sip8845_65.14-2-1-0001-105): the last field is the build.
      version.build = std::string(field);
      break;
    }
    if (auto pushed = push_number(version, digits); !pushed) {
      return fail(std::move(pushed).error());
    }
    if (tagged_number) {
      version.tag = std::string(field.substr(digits.size()));
      tagged = true;
    }
    if (last) {
      break;
    }
    fields.remove_prefix(dash + 1);
    ++index;
  }
  return version;
}

// Orders two digit runs by value without converting them (runs may be arbitrarily long).
std::weak_ordering compare_digit_runs(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') {
    a.remove_prefix(1);
  }
  while (b.size() > 1 && b.front() == '0') {
    b.remove_prefix(1);
  }
  if (a.size() != b.size()) {
    return a.size() <=> b.size();
  }
  return a.compare(b) <=> 0;
}

std::size_t run_end(std::string_view text, std::size_t start) {
  bool digit = is_digit(text[start]);
  std::size_t end = start + 1;
  while (end < text.size() && is_digit(text[end]) == digit) {
    ++end;
  }
  return end;
}

// Natural order: digit runs by value, other runs byte-wise, a digit run below any other run, a
// prefix below the longer text. A lexicographic order over runs, hence a consistent weak order.
std::weak_ordering compare_natural(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    bool a_digit = is_digit(a[i]);
    bool b_digit = is_digit(b[j]);
    if (a_digit != b_digit) {
      return a_digit ? std::weak_ordering::less : std::weak_ordering::greater;
    }
    std::size_t a_end = run_end(a, i);
    std::size_t b_end = run_end(b, j);
    std::string_view a_run = a.substr(i, a_end - i);
    std::string_view b_run = b.substr(j, b_end - j);
    std::weak_ordering order =
        a_digit ? compare_digit_runs(a_run, b_run) : (a_run.compare(b_run) <=> 0);
    if (order != 0) {
      return order;
    }
    i = a_end;
    j = b_end;
  }
  return (a.size() - i) <=> (b.size() - j);
}

}  // namespace

Result<FirmwareVersion> parse_firmware_version(std::string_view text) {
  if (text.empty()) {
    return version_error("empty version");
  }
  if (text.size() > kVersionBytesMax) {
    return version_error("version longer than " + std::to_string(kVersionBytesMax) + " bytes");
  }
  if (text.size() >= kMppPrefix.size() &&
      equals_ignoring_case(text.substr(0, kMppPrefix.size()), kMppPrefix)) {
    return parse_mpp(text);
  }
  if (!is_digit(text.front())) {
    return version_error("a version starts with a digit (SPA) or with \"sip\" (MPP)");
  }
  return parse_spa(text);
}

Result<std::weak_ordering> compare_firmware_versions(const FirmwareVersion& left,
                                                     const FirmwareVersion& right) {
  if (left.format != right.format) {
    return version_error(
        "an SPA version (major.minor.build) cannot be compared with an MPP "
        "version (sipYYYY.v1-v2-v3MPP-BN)");
  }
  std::span<const std::uint32_t> a = left.version_numbers();
  std::span<const std::uint32_t> b = right.version_numbers();
  std::weak_ordering order =
      std::lexicographical_compare_three_way(a.begin(), a.end(), b.begin(), b.end());
  if (order != 0) {
    return order;
  }
  order = compare_natural(left.tag, right.tag);
  if (order != 0) {
    return order;
  }
  return compare_natural(left.build, right.build);
}

Result<std::weak_ordering> compare_firmware_versions(std::string_view left,
                                                     std::string_view right) {
  auto a = parse_firmware_version(left);
  if (!a) {
    return fail(std::move(a).error());
  }
  auto b = parse_firmware_version(right);
  if (!b) {
    return fail(std::move(b).error());
  }
  return compare_firmware_versions(*a, *b);
}

}  // namespace fw
