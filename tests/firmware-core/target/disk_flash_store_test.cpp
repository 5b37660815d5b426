#include "firmware-core/target/disk_flash_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "firmware-core/base/bytes.h"

namespace fw {
namespace {

class DiskFlashStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("disk_flash_store_test." + std::to_string(::getpid()) + "." +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::filesystem::path directory_;
};

TEST_F(DiskFlashStoreTest, NeverWrittenSlotIsEmpty) {
  DiskFlashStore flash(directory_);
  auto contents = flash.read("config-a");
  ASSERT_FALSE(contents);
  EXPECT_EQ(contents.error().code, ErrorCode::FlashEmpty);
}

TEST_F(DiskFlashStoreTest, SyncedWriteSurvivesANewStore) {
  {
    DiskFlashStore flash(directory_);
    ASSERT_TRUE(flash.write("config-a", as_bytes("hello")));
    ASSERT_TRUE(flash.sync("config-a"));
  }
  DiskFlashStore reopened(directory_);
  auto contents = reopened.read("config-a");
  ASSERT_TRUE(contents);
  EXPECT_EQ(as_text(*contents), "hello");
  EXPECT_FALSE(std::filesystem::exists(directory_ / "config-a.tmp"));
}

TEST_F(DiskFlashStoreTest, UnsyncedWriteIsReadableButNotDurable) {
  {
    DiskFlashStore flash(directory_);
    ASSERT_TRUE(flash.write("config-a", as_bytes("old")));
    ASSERT_TRUE(flash.sync("config-a"));
    ASSERT_TRUE(flash.write("config-a", as_bytes("new")));
    EXPECT_EQ(as_text(*flash.read("config-a")), "new");
  }  // "power loss": the store goes away without sync
  DiskFlashStore reopened(directory_);
  EXPECT_EQ(as_text(*reopened.read("config-a")), "old");
}

TEST_F(DiskFlashStoreTest, ReplaceIsAtomicWhenATemporaryFileWasLeftBehind) {
  DiskFlashStore flash(directory_);
  ASSERT_TRUE(flash.write("config-a", as_bytes("first")));
  ASSERT_TRUE(flash.sync("config-a"));
  std::ofstream(directory_ / "config-a.tmp") << "half written by a crash";
  EXPECT_EQ(as_text(*flash.read("config-a")), "first");
  ASSERT_TRUE(flash.write("config-a", as_bytes("second")));
  ASSERT_TRUE(flash.sync("config-a"));
  DiskFlashStore reopened(directory_);
  EXPECT_EQ(as_text(*reopened.read("config-a")), "second");
}

TEST_F(DiskFlashStoreTest, RejectsSlotNamesThatEscapeTheDirectory) {
  DiskFlashStore flash(directory_);
  for (const char* name : {"", "../etc", "a/b", ".hidden", "name with space"}) {
    EXPECT_FALSE(flash.write(name, as_bytes("x"))) << name;
    EXPECT_FALSE(flash.read(name)) << name;
  }
  EXPECT_FALSE(flash.write(std::string(65, 'a'), as_bytes("x")));
  EXPECT_TRUE(flash.write(std::string(64, 'a'), as_bytes("x")));
}

TEST_F(DiskFlashStoreTest, SyncReportsAnUnwritableDirectory) {
  DiskFlashStore flash(directory_ / "missing");
  ASSERT_TRUE(flash.write("config-a", as_bytes("x")));
  auto synced = flash.sync("config-a");
  ASSERT_FALSE(synced);
  EXPECT_EQ(synced.error().code, ErrorCode::FlashWriteFailed);
  EXPECT_NE(synced.error().detail.find("missing"), std::string::npos);
}

}  // namespace
}  // namespace fw
