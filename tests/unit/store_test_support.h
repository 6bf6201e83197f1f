// Small builders shared by the store's unit tests: a temporary directory and analysed pages.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "model/analysis.h"

namespace tw::test {

// A fresh directory under the system temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tw-store-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path(const std::string& name) const { return (root_ / name).string(); }

 private:
  std::filesystem::path root_;
};

// A fetched page at `url` with one script tag per host, attributed to no vendor.
inline PageAnalysis make_page(const std::string& url, const std::vector<std::string>& hosts) {
  PageAnalysis analysis;
  analysis.page.requested_url = url;
  analysis.page.final_url = url;
  analysis.page.status = 200;
  for (const std::string& host : hosts) {
    Tag tag;
    tag.url = "https://" + host + "/tag.js";
    tag.host = host;
    tag.domain = host;
    analysis.tags.push_back(tag);
  }
  return analysis;
}

inline Finding make_finding(const std::string& rule, Severity severity,
                            const std::string& fingerprint = {}, const std::string& page = {}) {
  Finding finding;
  finding.rule = rule;
  finding.severity = severity;
  finding.fingerprint = fingerprint.empty() ? rule + page : fingerprint;
  finding.page = page;
  return finding;
}

}  // namespace tw::test
