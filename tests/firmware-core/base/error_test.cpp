#include "firmware-core/base/error.h"

#include <set>
#include <memory>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include "firmware-core/base/result.h"

namespace fw {
namespace {

TEST(ErrorTableTest, EveryRowHasUniqueNameAndText) {
  std::set<std::string_view> names;
  std::set<std::string_view> texts;
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    auto code = static_cast<ErrorCode>(i);
    EXPECT_FALSE(error_name(code).empty());
    EXPECT_FALSE(err_text(code).empty()) << error_name(code);
    EXPECT_FALSE(error_doc(code).empty()) << error_name(code);
    EXPECT_TRUE(names.insert(error_name(code)).second) << error_name(code);
    EXPECT_TRUE(texts.insert(err_text(code)).second) << err_text(code);
  }
}

TEST(ErrorTableTest, ErrTextIsShortLowerCase) {
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    auto text = err_text(static_cast<ErrorCode>(i));
    EXPECT_LE(text.size(), 40u) << text;
    for (char c : text) {
      EXPECT_FALSE(c >= 'A' && c <= 'Z') << text;
    }
  }
}

TEST(ErrorTest, ToStringJoinsErrTextAndDetail) {
  Error error{ErrorCode::ParseError, "line 3: unclosed <GPP_A>"};
  EXPECT_EQ(error.to_string(), "parse error: line 3: unclosed <GPP_A>");
  EXPECT_EQ((Error{ErrorCode::ParseError, ""}).to_string(), "parse error");
}

Result<int> half(int value) {
  if (value % 2 != 0) {
    return fail(ErrorCode::InvalidValue, "odd");
  }
  return value / 2;
}

TEST(ResultTest, CarriesValueOrError) {
  auto good = half(8);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 4);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidValue);
  EXPECT_EQ(bad.error().retry_class(), RetryClass::NoRetry);
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(ResultTest, VoidResult) {
  Result<void> ok = {};
  EXPECT_TRUE(ok);
  Result<void> failed = fail(ErrorCode::FlashWriteFailed, "slot a");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().err_text(), "flash write failed");
  EXPECT_EQ(failed.error().retry_class(), RetryClass::Backoff);
}

TEST(ResultTest, BoolResultAcceptsOnlyBool) {
  static_assert(std::is_constructible_v<Result<bool>, bool>);
  static_assert(!std::is_constructible_v<Result<bool>, const char*>);
  static_assert(!std::is_constructible_v<Result<bool>, int*>);
  Result<bool> yes = true;
  EXPECT_TRUE(*yes);
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> boxed = std::make_unique<int>(7);
  ASSERT_TRUE(boxed);
  std::unique_ptr<int> taken = std::move(boxed).value();
  EXPECT_EQ(*taken, 7);
}

}  // namespace
}  // namespace fw
