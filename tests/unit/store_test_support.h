// Small builders shared by the store's unit tests: a temporary directory and analysed pages.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/analysis.h"
#include "store/postgres.h"

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

// Where a store test runs: a SQLite file in `dir` and, when ctest's tw_postgres fixture started a
// server (TAGWARDEN_TEST_POSTGRES_URL_FILE names the file holding its URL), a fresh PostgreSQL
// database on it, so the same test checks both backends.
inline std::vector<std::string> store_locations(const TempDir& dir) {
  std::vector<std::string> locations = {dir.path("tw.db")};
  const char* file = std::getenv("TAGWARDEN_TEST_POSTGRES_URL_FILE");
  std::ifstream in(file != nullptr ? file : "");
  std::string url;
  if (!std::getline(in, url) || url.empty()) return locations;
  auto server = postgres::open(url);
  if (!server) throw std::runtime_error(server.error());
  static int databases = 0;
  const std::string name =
      "tw_unit_" + std::to_string(getpid()) + "_" + std::to_string(++databases);
  if (Status made = (*server)->exec("CREATE DATABASE " + name); !made) {
    throw std::runtime_error(made.error());
  }
  locations.push_back(url.substr(0, url.rfind('/') + 1) + name);
  return locations;
}

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
