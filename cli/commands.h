// The subcommands of `tagwarden`. Each takes the arguments after its name and returns the exit
// code; each owns its Boost.Program_options description and prints it for --help.
#pragma once

#include <string>
#include <vector>

namespace tw::cli {

// Exit codes (README "Exit codes"); scripts and CI depend on them.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;     // findings at or above --fail-on
inline constexpr int kExitUsage = 2;        // usage or configuration error
inline constexpr int kExitScanFailed = 3;   // the scan could not run
inline constexpr int kExitInterrupted = 4;  // SIGINT/SIGTERM: what was done is stored, scan partial

using Args = std::vector<std::string>;

int run_scan(const Args& args);
int run_report(const Args& args);
int run_diff(const Args& args);
int run_history(const Args& args);
int run_prune(const Args& args);
int run_init(const Args& args);
int run_vendors(const Args& args);
int run_rules(const Args& args);
int run_check_policy(const Args& args);
int run_inventory(const Args& args);
int run_approve(const Args& args);
int run_evidence(const Args& args);

}  // namespace tw::cli
