// Known-vulnerable JavaScript libraries (TW304), from retire.js's repository: which library and
// version a script is (its URL, file name, content or SHA-1), and which advisories cover that
// version. Detection and matching follow retire.js's own rules, so results agree with `retire`.
// Immutable once built; any thread may call the const members.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "model/severity.h"

namespace tw {

struct LibraryAdvisory {
  std::string at_or_above;  // empty = from the first version
  std::string below;
  std::vector<std::string> excludes;  // versions in the range that are not affected
  Severity severity = Severity::medium;
  std::string summary;
  std::vector<std::string> ids;   // CVE-..., GHSA-...
  std::vector<std::string> info;  // links
};

struct DetectedLibrary {
  std::string name;  // retire's component name, e.g. "jquery"
  std::string version;
  std::string detection;  // "uri", "filename", "filecontent", "hash"
};

class LibraryRepository {
 public:
  LibraryRepository();
  ~LibraryRepository();
  LibraryRepository(LibraryRepository&&) noexcept;
  LibraryRepository& operator=(LibraryRepository&&) noexcept;

  // The shipped repository (parsed once, on first use; thread-safe).
  static const LibraryRepository& builtin();

  // Parses the converted shape written by catalogue/data/convert-retirejs.py. A pattern PCRE2
  // cannot compile is skipped and named in warnings(); malformed JSON is an error naming `origin`.
  static Result<LibraryRepository> from_json(std::string_view json, std::string_view origin);

  // Libraries a resource is, in retire's order: URL, file name (last path segment), content,
  // content with replacement, SHA-1 of the content (hex, lower case). One entry per name+version.
  // Pattern matching is bounded (PCRE2 match limits), so hostile content cannot stall it.
  std::vector<DetectedLibrary> detect(std::string_view url, std::string_view content,
                                      std::string_view sha1_hex) const;

  // Advisories whose range covers `version` of `library` (empty when none or unknown library).
  std::vector<const LibraryAdvisory*> advisories(std::string_view library,
                                                 std::string_view version) const;

  const std::string& source() const;
  const std::vector<std::string>& warnings() const;
  std::size_t size() const;

  struct Data;

 private:
  std::unique_ptr<Data> data_;
};

// retire.js's version comparison (isAtOrAbove): split on '.' and '-', numeric parts compared as
// numbers, a text part sorts below a number (so "1.0.0-beta" and "1.0.0rc1" are before "1.0.0"),
// missing parts count as 0. Returns <0, 0, >0.
int compare_library_versions(std::string_view a, std::string_view b);

}  // namespace tw
