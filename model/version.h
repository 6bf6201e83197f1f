// The tool's version and the report schema version, set in one place.
#pragma once

namespace tw {

inline constexpr const char* kToolName = "tagwarden";
inline constexpr const char* kToolVersion = "0.1.0";
inline constexpr int kReportSchemaVersion = 2;

// The tool version and a digest of the sources that shape a page's stored analysis and findings
// (extraction, attribution, vendor data, page rules, policy), e.g. "0.1.0+3f2a9c01d4e5", written at
// build time (cmake/analyser_version.cmake). What an earlier scan stored for an unchanged page is
// reused only under the same analyser version: a build that analyses differently analyses again.
extern const char* const kAnalyserVersion;

}  // namespace tw
