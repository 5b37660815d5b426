#include "firmware-core/rules/profile_rule.h"

#include <array>

namespace fw {
namespace {

constexpr std::size_t kOctalEscapeDigits = 3;
constexpr unsigned kOctalEscapeValueMax = 0377;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_octal_digit(char c) {
  return c >= '0' && c <= '7';
}

Failure syntax_error(std::size_t position, std::string_view what) {
  return fail_at(ErrorCode::RuleSyntax, position, what);
}

enum class OptionName : std::uint8_t { Key, Uid, Pwd, Post, Alias, Delta, Status };

struct OptionRow {
  std::string_view name;  // without the leading "--"
  OptionName option;
  bool takes_argument;
};

constexpr std::array<OptionRow, 7> kOptions = {{
    {"key", OptionName::Key, true},
    {"uid", OptionName::Uid, true},
    {"pwd", OptionName::Pwd, true},
    {"post", OptionName::Post, true},
    {"alias", OptionName::Alias, true},
    {"delta", OptionName::Delta, false},
    {"status", OptionName::Status, false},
}};

bool option_allowed(RuleKind kind, OptionName option) {
  switch (kind) {
    case RuleKind::Profile:
      return option == OptionName::Key || option == OptionName::Uid || option == OptionName::Pwd ||
             option == OptionName::Post || option == OptionName::Alias;
    case RuleKind::Upgrade:
      return option == OptionName::Uid || option == OptionName::Pwd;
    case RuleKind::Report:
      return option == OptionName::Key || option == OptionName::Delta ||
             option == OptionName::Status || option == OptionName::Post;
  }
  return false;
}

std::string_view kind_name(RuleKind kind) {
  switch (kind) {
    case RuleKind::Profile:
      return "Profile_Rule";
    case RuleKind::Upgrade:
      return "Upgrade_Rule";
    case RuleKind::Report:
      return "the report rule";
  }
  return "this rule";
}

std::string allowed_options(RuleKind kind) {
  std::string list;
  for (const OptionRow& row : kOptions) {
    if (option_allowed(kind, row.option)) {
      if (!list.empty()) {
        list += ' ';
      }
      list += "--";
      list += row.name;
    }
  }
  return list;
}

// Decodes `\NNN` octal escapes. `raw_position` is where `raw` starts in the rule text.
Result<std::string> decode_octal_escapes(std::string_view raw, std::size_t raw_position) {
  std::string decoded;
  decoded.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    bool escape = raw[i] == '\\' && i + kOctalEscapeDigits < raw.size() &&
                  is_octal_digit(raw[i + 1]) && is_octal_digit(raw[i + 2]) &&
                  is_octal_digit(raw[i + 3]);
    if (!escape) {
      decoded += raw[i];
      continue;
    }
    unsigned value = 0;
    for (std::size_t digit = 1; digit <= kOctalEscapeDigits; ++digit) {
      value = value * 8 + static_cast<unsigned>(raw[i + digit] - '0');
    }
    if (value == 0 || value > kOctalEscapeValueMax) {
      return syntax_error(raw_position + i, "expected an octal escape in \\001..\\377");
    }
    decoded += static_cast<char>(value);
    i += kOctalEscapeDigits;
  }
  return decoded;
}

class RuleParser {
 public:
  RuleParser(std::string_view text, RuleKind kind) : text_(text), kind_(kind) {}

  Result<ProfileRule> parse() {
    ProfileRule rule;
    rule.kind = kind_;
    if (text_.size() > kRuleBytesMax) {
      return syntax_error(kRuleBytesMax,
                          "rule longer than " + std::to_string(kRuleBytesMax) + " bytes");
    }
    skip_space();
    if (at_end()) {
      return rule;
    }
    if (text_[position_] == '#') {
      rule.commented_out = true;
      return rule;
    }
    while (true) {
      if (rule.alternatives.size() == kAlternativesMax) {
        return syntax_error(position_,
                            "more than " + std::to_string(kAlternativesMax) + " alternatives");
      }
      auto alternative = parse_alternative();
      if (!alternative) {
        return fail(std::move(alternative).error());
      }
      rule.alternatives.push_back(std::move(*alternative));
      skip_space();
      if (at_end()) {
        break;
      }
      if (text_[position_] != '|') {
        return syntax_error(position_, "expected '|' or the end of the rule");
      }
      ++position_;
      skip_space();
      if (at_end()) {
        return syntax_error(position_, "expected an alternative after '|'");
      }
    }
    for (std::size_t i = 0; i + 1 < rule.alternatives.size(); ++i) {
      if (!rule.alternatives[i].condition) {
        return syntax_error(rule.alternatives[i].position,
                            "expected a condition '( ... )?' (only the last alternative may "
                            "go without one)");
      }
    }
    return rule;
  }

 private:
  bool at_end() const { return position_ >= text_.size(); }

  void skip_space() { position_ = skip_spaces(position_, text_.size()); }

  // The first position in [at, end) that is not white space, or `end`.
  std::size_t skip_spaces(std::size_t at, std::size_t end) const {
    while (at < end && is_space(text_[at])) {
      ++at;
    }
    return at;
  }

  // The position of the ')' that closes the '(' at `open`, skipping quoted text.
  Result<std::size_t> find_closing_parenthesis(std::size_t open) const {
    std::size_t depth = 0;
    for (std::size_t i = open; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '"') {
        std::size_t quote_end = text_.find('"', i + 1);
        if (quote_end == std::string_view::npos) {
          return syntax_error(i, "expected '\"' to close the quote");
        }
        i = quote_end;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return syntax_error(open, "expected ')' to close '('");
  }

  Result<RuleAlternative> parse_alternative() {
    RuleAlternative alternative;
    alternative.position = position_;
    bool has_assignments_block = false;
    while (!at_end() && text_[position_] == '(') {
      std::size_t open = position_;
      auto close = find_closing_parenthesis(open);
      if (!close) {
        return fail(std::move(close).error());
      }
      position_ = *close + 1;
      skip_space();
      char marker = at_end() ? '\0' : text_[position_];
      if (marker == '?') {
        if (alternative.condition || has_assignments_block) {
          return syntax_error(open, "expected at most one condition, before the assignments");
        }
        std::size_t begin = open + 1;
        std::size_t end = *close;
        while (begin < end && is_space(text_[begin])) {
          ++begin;
        }
        while (end > begin && is_space(text_[end - 1])) {
          --end;
        }
        if (begin == end) {
          return syntax_error(open + 1, "expected a condition inside '( )?'");
        }
        alternative.condition = std::string(text_.substr(begin, end - begin));
        alternative.condition_position = begin;
      } else if (marker == '!') {
        if (has_assignments_block) {
          return syntax_error(open, "expected at most one assignment block '( ... )!'");
        }
        auto assigned = parse_assignments(open + 1, *close, alternative.assignments);
        if (!assigned) {
          return fail(std::move(assigned).error());
        }
        has_assignments_block = true;
      } else {
        return syntax_error(position_, "expected '?' (condition) or '!' (assignments) after ')'");
      }
      ++position_;
      skip_space();
    }
    // Options usually sit in one pair of brackets; consecutive groups ("[--key K] [--uid U
    // --pwd P] url") are read as one, and an option may still appear only once.
    std::array<bool, kOptions.size()> options_seen{};
    bool has_options = false;
    while (!at_end() && text_[position_] == '[') {
      auto parsed = parse_options(alternative.options, options_seen);
      if (!parsed) {
        return fail(std::move(parsed).error());
      }
      has_options = true;
      skip_space();
    }
    if (has_options && (at_end() || text_[position_] == '|')) {
      return syntax_error(position_, "expected a URL after the options");
    }
    if (!at_end() && text_[position_] != '|') {
      alternative.url_position = position_;
      while (!at_end() && !is_space(text_[position_]) && text_[position_] != '|') {
        ++position_;
      }
      alternative.url =
          std::string(text_.substr(alternative.url_position, position_ - alternative.url_position));
    }
    if (!alternative.condition && !has_assignments_block && alternative.url.empty()) {
      return syntax_error(alternative.position, "expected a condition, assignments or a URL");
    }
    return alternative;
  }

  // Parses `Name = "value";` ... between `begin` and `end` (the text inside "( )!").
  Result<void> parse_assignments(std::size_t begin, std::size_t end,
                                 std::vector<RuleAssignment>& assignments) const {
    std::size_t at = begin;
    while (true) {
      at = skip_spaces(at, end);
      if (at == end) {
        break;
      }
      if (assignments.size() == kAssignmentsMax) {
        return syntax_error(at, "more than " + std::to_string(kAssignmentsMax) + " assignments");
      }
      std::size_t name_begin = at;
      while (at < end && is_name_char(text_[at])) {
        ++at;
      }
      if (at == name_begin) {
        return syntax_error(at, "expected a parameter name");
      }
      std::string_view name = text_.substr(name_begin, at - name_begin);
      at = skip_spaces(at, end);
      if (at == end || text_[at] != '=') {
        return syntax_error(at, "expected '=' after the parameter name");
      }
      ++at;
      at = skip_spaces(at, end);
      if (at == end || text_[at] != '"') {
        return syntax_error(at, "expected '\"' to open the value");
      }
      std::size_t value_end = text_.find('"', at + 1);
      if (value_end == std::string_view::npos || value_end >= end) {
        return syntax_error(at, "expected '\"' to close the value");
      }
      std::string_view value = text_.substr(at + 1, value_end - at - 1);
      at = value_end + 1;
      at = skip_spaces(at, end);
      if (at == end || text_[at] != ';') {
        return syntax_error(at, "expected ';' after the value");
      }
      ++at;
      assignments.push_back({assignment_parameter_name(name), std::string(value)});
    }
    if (assignments.empty()) {
      return syntax_error(begin, "expected at least one assignment 'Name = \"value\";'");
    }
    return {};
  }

  // The position of the ']' closing the '[' at position_.
  Result<std::size_t> find_closing_bracket() const {
    for (std::size_t i = position_ + 1; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == ']') {
        return i;
      }
      if (c == '[') {
        return syntax_error(i, "expected ']' before another '['");
      }
      if (c == '"') {
        std::size_t quote = i;
        for (++i; i < text_.size() && text_[i] != '"'; ++i) {
          if (text_[i] == '[' || text_[i] == ']') {
            return syntax_error(i,
                                "'[' and ']' cannot appear in an option argument (write "
                                "\\133 or \\135)");
          }
        }
        if (i == text_.size()) {
          return syntax_error(quote, "expected '\"' to close the quote");
        }
      }
    }
    return syntax_error(position_, "expected ']' to close '['");
  }

  // Reads one "[ ... ]" group into `options`; `seen` spans all groups of the alternative.
  Result<void> parse_options(RuleOptions& options, std::array<bool, kOptions.size()>& seen) {
    auto close = find_closing_bracket();
    if (!close) {
      return fail(std::move(close).error());
    }
    std::size_t at = position_ + 1;
    std::size_t end = *close;
    while (true) {
      at = skip_spaces(at, end);
      if (at == end) {
        break;
      }
      std::size_t token_begin = at;
      while (at < end && !is_space(text_[at])) {
        ++at;
      }
      std::string_view token = text_.substr(token_begin, at - token_begin);
      if (token.size() < 3 || token.substr(0, 2) != "--") {
        return syntax_error(token_begin, "expected an option (" + allowed_options(kind_) + ")");
      }
      std::size_t row_index = kOptions.size();
      for (std::size_t i = 0; i < kOptions.size(); ++i) {
        if (token.substr(2) == kOptions[i].name) {
          row_index = i;
        }
      }
      if (row_index == kOptions.size()) {
        return syntax_error(token_begin,
                            "unknown option (expected " + allowed_options(kind_) + ")");
      }
      const OptionRow& row = kOptions[row_index];
      std::string option_text = "--" + std::string(row.name);
      if (!option_allowed(kind_, row.option)) {
        std::string what = option_text + " is not supported on " + std::string(kind_name(kind_)) +
                           " (allowed: " + allowed_options(kind_) + ")";
        return syntax_error(token_begin, what);
      }
      if (seen[row_index]) {
        return syntax_error(token_begin, "expected " + option_text + " only once");
      }
      seen[row_index] = true;
      if (!row.takes_argument) {
        (row.option == OptionName::Delta ? options.delta : options.status) = true;
        continue;
      }
      at = skip_spaces(at, end);
      auto argument = read_argument(at, end, option_text);
      if (!argument) {
        return fail(std::move(argument).error());
      }
      auto stored = store_argument(row.option, std::move(*argument), token_begin, options);
      if (!stored) {
        return stored;
      }
    }
    position_ = end + 1;
    return {};
  }

  // Reads a bare or quoted argument starting at `at` and decodes its escapes.
  Result<std::string> read_argument(std::size_t& at, std::size_t end,
                                    const std::string& option_text) const {
    if (at == end) {
      return syntax_error(at, "expected an argument after " + option_text);
    }
    std::size_t raw_begin = at;
    std::string_view raw;
    if (text_[at] == '"') {
      std::size_t quote_end = text_.find('"', at + 1);
      if (quote_end == std::string_view::npos || quote_end >= end) {
        return syntax_error(at, "expected '\"' to close the quote");
      }
      raw_begin = at + 1;
      raw = text_.substr(raw_begin, quote_end - raw_begin);
      at = quote_end + 1;
      if (at < end && !is_space(text_[at])) {
        return syntax_error(at, "expected a space after the quoted argument");
      }
    } else {
      while (at < end && !is_space(text_[at])) {
        ++at;
      }
      raw = text_.substr(raw_begin, at - raw_begin);
      if (raw.substr(0, 2) == "--") {
        return syntax_error(raw_begin, "expected an argument after " + option_text);
      }
    }
    if (raw.empty()) {
      return syntax_error(raw_begin, "expected a non-empty argument after " + option_text);
    }
    return decode_octal_escapes(raw, raw_begin);
  }

  static Result<void> store_argument(OptionName option, std::string argument,
                                     std::size_t option_position, RuleOptions& options) {
    switch (option) {
      case OptionName::Key:
        options.key = std::move(argument);
        return {};
      case OptionName::Uid:
        options.uid = std::move(argument);
        return {};
      case OptionName::Pwd:
        options.pwd = std::move(argument);
        return {};
      case OptionName::Post:
      case OptionName::Alias: {
        char letter = argument.size() == 1 ? argument[0] : '\0';
        if (letter >= 'a' && letter <= 'p') {
          letter = static_cast<char>(letter - 'a' + 'A');
        }
        if (letter < 'A' || letter > 'P') {
          return syntax_error(option_position, option == OptionName::Post
                                                   ? "expected a GPP letter a..p after --post"
                                                   : "expected a GPP letter a..p after --alias");
        }
        (option == OptionName::Post ? options.post : options.alias) = letter;
        return {};
      }
      case OptionName::Delta:
      case OptionName::Status:
        break;
    }
    return {};
  }

  std::string_view text_;
  RuleKind kind_;
  std::size_t position_ = 0;
};

}  // namespace

std::vector<std::string_view> split_report_requests(std::string_view expanded_text) {
  std::vector<std::string_view> requests;
  std::size_t begin = 0;
  std::size_t depth = 0;  // inside ( ), [ ] or quotes nothing splits
  bool quoted = false;
  char last_token_end = '\0';  // the last non-space character outside brackets
  for (std::size_t i = 0; i < expanded_text.size(); ++i) {
    char c = expanded_text[i];
    if (quoted) {
      quoted = c != '"';
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '(' || c == '[') {
      // A '[' after white space that follows a URL starts the next request.
      if (c == '[' && depth == 0 && i > begin && is_space(expanded_text[i - 1]) &&
          last_token_end != '\0' && last_token_end != ']' && last_token_end != '?' &&
          last_token_end != '!' && last_token_end != '|') {
        requests.push_back(expanded_text.substr(begin, i - begin));
        begin = i;
      }
      ++depth;
    } else if ((c == ')' || c == ']') && depth > 0) {
      --depth;
    }
    if (depth == 0 && !is_space(c)) {
      last_token_end = c;
    }
  }
  requests.push_back(expanded_text.substr(begin));
  return requests;
}

Result<std::vector<ProfileRule>> parse_report_rule(std::string_view expanded_text) {
  std::vector<ProfileRule> requests;
  std::size_t offset = 0;
  for (std::string_view request : split_report_requests(expanded_text)) {
    auto parsed = parse_rule(request, RuleKind::Report);
    if (!parsed) {
      Error error = std::move(parsed).error();
      error.detail = "request at " + std::to_string(offset) + ": " + error.detail;
      return fail(std::move(error));
    }
    if (!parsed->commented_out && !parsed->alternatives.empty()) {
      requests.push_back(std::move(*parsed));
    }
    if (parsed->commented_out) {
      break;
    }
    offset += request.size();
  }
  return requests;
}

Result<ProfileRule> parse_rule(std::string_view expanded_text, RuleKind kind) {
  return RuleParser(expanded_text, kind).parse();
}

std::string assignment_parameter_name(std::string_view written_name) {
  if (written_name.size() == 1 && written_name[0] >= 'a' && written_name[0] <= 'p') {
    return "GPP_" + std::string(1, static_cast<char>(written_name[0] - 'a' + 'A'));
  }
  return std::string(written_name);
}

}  // namespace fw
