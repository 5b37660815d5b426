#pragma once

#include <string_view>

#include <gtest/gtest.h>

#include "firmware-core/config/parameter_registry.h"

namespace fw::test {

// The builtin registry's id of `name`; a test failure (and id 0) if there is no such parameter.
inline ParamId id(std::string_view name) {
  const auto found = ParameterRegistry::builtin().find(name);
  EXPECT_TRUE(found.has_value()) << name;
  return found.value_or(0);
}

}  // namespace fw::test
