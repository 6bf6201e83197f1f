// The tool's version and the report schema version, set in one place.
#pragma once

namespace tw {

inline constexpr const char* kToolName = "tagwarden";
inline constexpr const char* kToolVersion = "0.1.0";
inline constexpr int kReportSchemaVersion = 2;

}  // namespace tw
