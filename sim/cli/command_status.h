#pragma once

// The exit statuses every phonesim command uses (the product contract in decisions.md), so that
// scripts can tell "the tool found what it was asked to look for" from "the tool could not run".

namespace sim::cli {

// The command ran and found nothing wrong (inspect: every element applied; diff: identical).
inline constexpr int kExitOk = 0;
// The command ran and the input has the problems it was asked to find (unknown elements or
// invalid values, differences, a false trigger, a rule that cannot be fetched).
inline constexpr int kExitProblemsFound = 1;
// Invalid command line, or input that cannot be read or decoded; the message names file:line.
inline constexpr int kExitInvalidInput = 2;

}  // namespace sim::cli
