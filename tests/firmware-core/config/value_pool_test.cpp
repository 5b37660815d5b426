#include "firmware-core/config/value_pool.h"

#include <string>

#include <gtest/gtest.h>

namespace fw {
namespace {

TEST(ValuePoolTest, IdenticalTextsShareOneHandle) {
  ValuePool pool;
  const ValuePool::Handle first = pool.intern("http://prov.example.com/$MA.xml");
  const ValuePool::Handle other = pool.intern("3600");
  EXPECT_EQ(pool.intern(std::string("http://prov.example.com/") + "$MA.xml"), first);
  EXPECT_NE(first, other);
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.text(first), "http://prov.example.com/$MA.xml");
  EXPECT_EQ(pool.text(other), "3600");
}

TEST(ValuePoolTest, HandlesFollowTheOrderOfFirstUse) {
  ValuePool pool;
  EXPECT_EQ(pool.intern("b"), 0u);
  EXPECT_EQ(pool.intern("a"), 1u);
  EXPECT_EQ(pool.intern("b"), 0u);
  EXPECT_EQ(pool.intern(""), 2u);
  EXPECT_EQ(pool.text(2), "");
}

TEST(ValuePoolTest, ViewsStayValidAsThePoolGrows) {
  ValuePool pool;
  const std::string_view first = pool.text(pool.intern("first"));
  const char* first_data = first.data();
  // Fill several blocks, and add one text longer than a block.
  for (int index = 0; index < 20'000; ++index) pool.intern("value number " + std::to_string(index));
  const std::string long_text(ValuePool::kBlockBytes + 1, 'x');
  const ValuePool::Handle long_handle = pool.intern(long_text);
  pool.intern("after the long one");
  EXPECT_EQ(first.data(), first_data);
  EXPECT_EQ(pool.text(0), "first");
  EXPECT_EQ(pool.text(long_handle), long_text);
  EXPECT_EQ(pool.text(pool.intern("value number 12345")), "value number 12345");
  EXPECT_EQ(pool.size(), 20'003u);
  EXPECT_GT(pool.memory_bytes(), 2 * ValuePool::kBlockBytes);
}

}  // namespace
}  // namespace fw
