#pragma once

// Reads a scenario from YAML (yaml-cpp). Strict: unknown keys, wrong types and bad values are
// errors naming file:line and what is wrong, with a hint for a misspelt key ("did you mean
// 'count'?"). All errors of a file are reported, not just the first.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/format/scenario.h"

namespace scn {

struct Diagnostic {
  SourceLocation where;
  std::string message;
  std::string to_string() const;  // "tftp.yaml:12: fleet[0]: unknown key 'cuont' (did you mean 'count'?)"
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set only when there are no errors
  std::vector<Diagnostic> errors;
};

// `file:` references in the scenario are relative to the scenario file's folder.
LoadResult load_scenario_file(const std::filesystem::path& path);
// The same from text; `file_label` names it in messages, `base_directory` resolves `file:`.
LoadResult load_scenario_text(std::string_view text, std::string file_label,
                              const std::filesystem::path& base_directory);

}  // namespace scn
