// Extraction accuracy over the fixture corpus (tests/fixtures/extraction): every page.html has a
// page.expected.tsv beside it listing the third-party tags it must yield. Recall and precision
// are reported over the whole corpus and must both be 100%.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "analyzers/page_analyzer.h"
#include "fixture_files.h"

using tw::test::read_file;

namespace {

std::string dash(const std::string& text) {
  return text.empty() ? "-" : text;
}

// One tag as a TSV row: kind, url, line:column, vendor, category, ids, snippet, initiator, flags.
std::string row(const tw::Tag& tag) {
  std::string ids;
  for (const std::string& id : tag.ids) ids += (ids.empty() ? "" : ",") + id;
  std::string flags;
  auto flag = [&](bool on, const char* name) {
    if (on) flags += (flags.empty() ? "" : " ") + std::string(name);
  };
  flag(tag.in_head, "head");
  flag(tag.in_noscript, "noscript");
  flag(tag.consent_gated, "gated");
  flag(tag.document_write, "docwrite");
  std::ostringstream out;
  out << tw::to_string(tag.kind) << '\t' << tag.url << '\t' << tag.line << ':' << tag.column << '\t'
      << dash(tag.vendor) << '\t' << dash(tag.category) << '\t' << dash(ids) << '\t'
      << dash(tag.snippet) << '\t' << tw::to_string(tag.initiator) << '\t' << dash(flags);
  return out.str();
}

struct Expectation {
  std::string page_url;
  std::vector<std::string> first_party;
  std::multiset<std::string> rows;
};

Expectation read_expectation(const std::filesystem::path& path) {
  Expectation expectation;
  std::istringstream lines(read_file(path));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line.starts_with("# page-url: ")) {
      expectation.page_url = line.substr(12);
    } else if (line.starts_with("# first-party: ")) {
      std::istringstream domains(line.substr(15));
      for (std::string domain; domains >> domain;) expectation.first_party.push_back(domain);
    } else if (!line.starts_with("#")) {
      expectation.rows.insert(line);
    }
  }
  return expectation;
}

}  // namespace

TEST_CASE("extraction finds every expected tag in the fixture corpus and nothing else") {
  const std::filesystem::path corpus = std::filesystem::path(TW_FIXTURES) / "extraction";
  std::size_t expected_total = 0, found_total = 0, matched_total = 0, pages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().extension() != ".html") continue;
    std::filesystem::path tsv = entry.path();
    tsv.replace_extension(".expected.tsv");
    INFO("page " << entry.path().filename().string());
    REQUIRE(std::filesystem::exists(tsv));
    Expectation expectation = read_expectation(tsv);
    REQUIRE_FALSE(expectation.page_url.empty());

    tw::Page page;
    page.requested_url = page.final_url = expectation.page_url;
    page.body = read_file(entry.path());
    tw::AnalysisContext context;
    context.rules.catalogue = &tw::Catalogue::builtin();
    context.first_party_domains = expectation.first_party;
    tw::PageAnalysis analysis = tw::analyze_page(std::move(page), context);

    std::multiset<std::string> unmatched = expectation.rows;
    std::size_t matched = 0;
    for (const tw::Tag& tag : analysis.tags) {
      std::string found = row(tag);
      if (auto it = unmatched.find(found); it != unmatched.end()) {
        unmatched.erase(it);
        ++matched;
      } else {
        UNSCOPED_INFO("unexpected: " << found);
      }
    }
    for (const std::string& missing : unmatched) UNSCOPED_INFO("missing:    " << missing);
    CHECK(unmatched.empty());
    CHECK(matched == analysis.tags.size());
    expected_total += expectation.rows.size();
    found_total += analysis.tags.size();
    matched_total += matched;
    ++pages;
  }
  REQUIRE(pages >= 8);
  double recall = expected_total ? 100.0 * matched_total / expected_total : 0;
  double precision = found_total ? 100.0 * matched_total / found_total : 0;
  std::cout << "extraction accuracy over " << pages << " pages, " << expected_total
            << " expected tags: recall " << recall << "%, precision " << precision << "%\n";
  CHECK(recall == 100.0);
  CHECK(precision == 100.0);
}
