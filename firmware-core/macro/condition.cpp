#include "firmware-core/macro/condition.h"

#include <charconv>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "firmware-core/macro/firmware_version.h"

namespace fw {
namespace {

// How much of an offending token an error detail quotes.
constexpr std::size_t kQuotedTokenBytesMax = 16;

enum class Op : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

struct Operand {
  std::string_view text;
  std::size_t position = 0;
  bool quoted = false;
  bool implied = false;  // the legacy omitted left side: the phone's own version
};

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_word_char(char c) {
  return is_letter(c) || is_digit(c) || c == '_';
}
constexpr bool is_operator_char(char c) {
  return c == '=' || c == '<' || c == '>' || c == '!';
}
constexpr char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Keywords match in any letter case: manuals show "and" and "AND", operators "eq" and "EQ".
bool is_keyword(std::string_view word, std::string_view keyword) {
  if (word.size() != keyword.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (to_lower(word[i]) != keyword[i]) {
      return false;
    }
  }
  return true;
}

std::string_view op_name(Op op) {
  switch (op) {
    case Op::Eq:
      return "eq";
    case Op::Ne:
      return "ne";
    case Op::Lt:
      return "lt";
    case Op::Le:
      return "le";
    case Op::Gt:
      return "gt";
    case Op::Ge:
      return "ge";
  }
  return "?";
}

bool holds(Op op, std::weak_ordering order) {
  switch (op) {
    case Op::Eq:
      return order == 0;
    case Op::Ne:
      return order != 0;
    case Op::Lt:
      return order < 0;
    case Op::Le:
      return order <= 0;
    case Op::Gt:
      return order > 0;
    case Op::Ge:
      return order >= 0;
  }
  return false;
}

// "-12", "0", "600": an optional minus and at least one digit, nothing else.
bool looks_like_integer(std::string_view text) {
  if (text.starts_with('-')) {
    text.remove_prefix(1);
  }
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return true;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

class ConditionParser {
 public:
  ConditionParser(std::string_view text, const LegacySpaSyntax* legacy)
      : text_(text), legacy_(legacy) {}

  Result<bool> run() {
    if (text_.size() > kConditionBytesMax) {
      return syntax_error(kConditionBytesMax, "the expression is " + std::to_string(text_.size()) +
                                                  " bytes, more than kConditionBytesMax (" +
                                                  std::to_string(kConditionBytesMax) + ")");
    }
    skip_spaces();
    if (at_end()) {
      return syntax_error(position_, "the expression is empty");
    }
    auto value = parse_expression(0);
    if (!value) {
      return value;
    }
    skip_spaces();
    if (!at_end()) {
      if (is_keyword(peek_word(), "or")) {
        return syntax_error(
            position_, "\"or\" is not supported; use \"|\" alternatives or the second trigger");
      }
      return syntax_error(position_, "expected \"and\" or the end, found " + found());
    }
    return value;
  }

 private:
  bool at_end() const { return position_ >= text_.size(); }

  void skip_spaces() {
    while (!at_end() && is_space(text_[position_])) {
      ++position_;
    }
  }

  // The word (letters, digits, '_') at the current position; empty if none.
  std::string_view peek_word() const {
    std::size_t end = position_;
    while (end < text_.size() && is_word_char(text_[end])) {
      ++end;
    }
    return text_.substr(position_, end - position_);
  }

  // Names what is at the current position for an error detail, without quoting much of it.
  std::string found() const {
    if (at_end()) {
      return "the end";
    }
    std::string_view token = peek_word();
    if (token.empty()) {
      token = text_.substr(position_, 1);
    }
    std::string quoted = "\"";
    for (char c : token.substr(0, kQuotedTokenBytesMax)) {
      quoted.push_back(c >= ' ' && c <= '~' ? c : '?');
    }
    quoted += token.size() > kQuotedTokenBytesMax ? "...\"" : "\"";
    return quoted;
  }

  static Failure syntax_error(std::size_t position, std::string what) {
    return fail(ErrorCode::ConditionSyntax, "position " + std::to_string(position) + ": " + what);
  }

  static Failure version_error(const Operand& operand, const Error& error) {
    std::string detail = "position " + std::to_string(operand.position) + ": ";
    if (operand.implied) {
      detail += "the current firmware version: ";
    }
    return fail(ErrorCode::VersionSyntax, detail + error.detail);
  }

  // expr = term *( and term )
  Result<bool> parse_expression(std::size_t depth) {
    bool all_true = true;
    while (true) {
      auto term = parse_term(depth);
      if (!term) {
        return term;
      }
      // No short cut: a malformed later comparison must still be reported.
      all_true = all_true && *term;
      skip_spaces();
      std::string_view word = peek_word();
      if (!is_keyword(word, "and") && !is_keyword(word, "und")) {
        return all_true;
      }
      position_ += word.size();
    }
  }

  // term = "(" expr ")" | comparison
  Result<bool> parse_term(std::size_t depth) {
    skip_spaces();
    if (at_end() || text_[position_] != '(') {
      return parse_comparison();
    }
    std::size_t open = position_;
    if (depth + 1 > kConditionDepthMax) {
      return syntax_error(open, "parentheses nested deeper than kConditionDepthMax (" +
                                    std::to_string(kConditionDepthMax) + ")");
    }
    ++position_;
    auto value = parse_expression(depth + 1);
    if (!value) {
      return value;
    }
    skip_spaces();
    if (at_end() || text_[position_] != ')') {
      return syntax_error(position_, "expected \"and\" or \")\" closing the \"(\" at position " +
                                         std::to_string(open) + ", found " + found());
    }
    ++position_;
    return value;
  }

  Result<bool> parse_comparison() {
    skip_spaces();
    if (++comparisons_ > kConditionComparisonsMax) {
      return syntax_error(position_, "more than kConditionComparisonsMax (" +
                                         std::to_string(kConditionComparisonsMax) +
                                         ") comparisons");
    }
    Operand left;
    if (legacy_ != nullptr && !at_end() && is_operator_char(text_[position_])) {
      left = Operand{legacy_->current_firmware_version, position_, false, true};
    } else {
      auto operand = parse_operand();
      if (!operand) {
        return fail(std::move(operand).error());
      }
      left = *operand;
    }
    skip_spaces();
    std::size_t op_position = position_;
    auto op = parse_operator();
    if (!op) {
      return fail(std::move(op).error());
    }
    auto right = parse_operand();
    if (!right) {
      return fail(std::move(right).error());
    }
    return compare(left, *op, op_position, *right);
  }

  Result<Operand> parse_operand() {
    skip_spaces();
    std::size_t start = position_;
    if (at_end()) {
      return syntax_error(start, "expected an operand, found the end");
    }
    if (text_[start] == '"') {
      std::size_t close = text_.find('"', start + 1);
      if (close == std::string_view::npos) {
        return syntax_error(start, "the quoted string has no closing '\"'");
      }
      position_ = close + 1;
      return Operand{text_.substr(start + 1, close - start - 1), start, true, false};
    }
    // An unquoted operand runs to a space, quote, operator or unbalanced ')'. Parentheses inside
    // it belong to it: the SPA version 1.0.31(b).
    std::size_t open_parentheses = 0;
    while (!at_end()) {
      char c = text_[position_];
      if (is_space(c) || c == '"' || is_operator_char(c)) {
        break;
      }
      if (c == '(') {
        ++open_parentheses;
      } else if (c == ')') {
        if (open_parentheses == 0) {
          break;
        }
        --open_parentheses;
      }
      ++position_;
    }
    if (position_ == start) {
      return syntax_error(start, "expected an operand, found " + found());
    }
    return Operand{text_.substr(start, position_ - start), start, false, false};
  }

  Result<Op> parse_operator() {
    skip_spaces();
    std::size_t start = position_;
    if (at_end()) {
      return syntax_error(start,
                          "expected an operator (eq ne lt le gt ge = == != < <= > >=), "
                          "found the end");
    }
    char c = text_[start];
    bool followed_by_equals = start + 1 < text_.size() && text_[start + 1] == '=';
    if (is_operator_char(c)) {
      position_ += followed_by_equals ? 2 : 1;
      switch (c) {
        case '=':
          return Op::Eq;
        case '<':
          return followed_by_equals ? Op::Le : Op::Lt;
        case '>':
          return followed_by_equals ? Op::Ge : Op::Gt;
        default:  // '!'
          if (followed_by_equals || legacy_ != nullptr) {
            return Op::Ne;
          }
          return syntax_error(start, "a bare \"!\" is legacy SPA syntax; write \"!=\" or \"ne\"");
      }
    }
    std::string_view word = peek_word();
    static constexpr Op kKeywordOps[] = {Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge};
    for (Op op : kKeywordOps) {
      if (is_keyword(word, op_name(op))) {
        position_ += word.size();
        return op;
      }
    }
    return syntax_error(
        start, "expected an operator (eq ne lt le gt ge = == != < <= > >=), found " + found());
  }

  Result<bool> compare(const Operand& left, Op op, std::size_t op_position,
                       const Operand& right) const {
    if (left.quoted || right.quoted) {
      if (op != Op::Eq && op != Op::Ne) {
        return syntax_error(op_position, "quoted strings compare only with eq or ne, not \"" +
                                             std::string(op_name(op)) + "\"");
      }
      return (left.text == right.text) == (op == Op::Eq);
    }
    if (looks_like_integer(left.text) && looks_like_integer(right.text)) {
      auto a = parse_integer(left.text);
      auto b = parse_integer(right.text);
      if (!a || !b) {
        return syntax_error(a ? right.position : left.position,
                            "the integer does not fit in 64 bits");
      }
      return holds(op, *a <=> *b);
    }
    auto a = parse_firmware_version(left.text);
    if (!a) {
      return version_error(left, a.error());
    }
    auto b = parse_firmware_version(right.text);
    if (!b) {
      return version_error(right, b.error());
    }
    auto order = compare_firmware_versions(*a, *b);
    if (!order) {
      return fail(ErrorCode::VersionSyntax,
                  "position " + std::to_string(op_position) + ": " + order.error().detail);
    }
    return holds(op, *order);
  }

  std::string_view text_;
  const LegacySpaSyntax* legacy_;
  std::size_t position_ = 0;
  std::size_t comparisons_ = 0;
};

}  // namespace

Result<bool> evaluate_condition(std::string_view expanded_expression) {
  return ConditionParser(expanded_expression, nullptr).run();
}

Result<bool> evaluate_condition(std::string_view expanded_expression, LegacySpaSyntax legacy) {
  return ConditionParser(expanded_expression, &legacy).run();
}

}  // namespace fw
