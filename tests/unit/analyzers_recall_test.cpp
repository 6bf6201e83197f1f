// Recall and precision over the hand-labelled corpus of tests/fixtures/recall (its README says how
// it is built): per page, the (kind, host) pairs a browser would request, kind being "parser"
// (markup) or "inline" (inline scripts), against the hosts of the tags analyze_page reports.
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

struct Labels {
  std::string page_url;
  std::set<std::pair<std::string, std::string>> pairs;  // (kind, host)
  std::set<std::string> hosts;
};

Labels read_labels(const std::filesystem::path& path) {
  Labels labels;
  std::istringstream lines(read_file(path));
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# page-url: ")) labels.page_url = line.substr(12);
    if (line.empty() || line.starts_with("#")) continue;
    std::istringstream fields(line);
    std::string kind, host;
    fields >> kind >> host;
    labels.pairs.emplace(kind, host);
    labels.hosts.insert(host);
  }
  return labels;
}

struct Counts {
  std::size_t expected = 0, found = 0;
  double recall() const { return expected == 0 ? 1.0 : double(found) / double(expected); }
};

}  // namespace

TEST_CASE("recall and precision over the labelled corpus meet the targets") {
  const std::filesystem::path corpus = std::filesystem::path(TW_FIXTURES) / "recall";
  Counts parser, inline_script;
  std::size_t reported = 0, invented = 0, pages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().extension() != ".html") continue;
    std::filesystem::path labels_path = entry.path();
    labels_path.replace_extension(".hosts");
    INFO("page " << entry.path().filename().string());
    REQUIRE(std::filesystem::exists(labels_path));
    Labels labels = read_labels(labels_path);
    REQUIRE_FALSE(labels.page_url.empty());

    tw::Page page;
    page.requested_url = page.final_url = labels.page_url;
    page.body = read_file(entry.path());
    tw::AnalysisContext context;
    context.rules.catalogue = &tw::Catalogue::builtin();
    tw::PageAnalysis analysis = tw::analyze_page(std::move(page), context);

    std::set<std::pair<std::string, std::string>> found;
    std::set<std::string> found_hosts;
    for (const tw::Tag& tag : analysis.tags) {
      found.emplace(tag.initiator == tw::Initiator::parser ? "parser" : "inline", tag.host);
      found_hosts.insert(tag.host);
    }
    for (const auto& pair : labels.pairs) {
      Counts& counts = pair.first == "parser" ? parser : inline_script;
      ++counts.expected;
      if (found.contains(pair)) {
        ++counts.found;
      } else {
        std::cout << entry.path().filename().string() << ": missed " << pair.first << " "
                  << pair.second << "\n";
      }
    }
    for (const std::string& host : found_hosts) {
      ++reported;
      if (!labels.hosts.contains(host)) {
        ++invented;
        std::cout << entry.path().filename().string() << ": not on the page: " << host << "\n";
      }
    }
    ++pages;
  }
  REQUIRE(pages >= 5);
  double precision = reported == 0 ? 1.0 : double(reported - invented) / double(reported);
  std::cout << "recall corpus, " << pages << " pages: parser recall " << parser.recall() << " ("
            << parser.found << "/" << parser.expected << "), inline-script recall "
            << inline_script.recall() << " (" << inline_script.found << "/"
            << inline_script.expected << "), precision " << precision << " (" << reported - invented
            << "/" << reported << ")\n";
  CHECK(parser.recall() >= 0.995);
  CHECK(inline_script.recall() >= 0.92);
  CHECK(precision >= 0.995);
}
