// Recall and precision over the hand-labelled corpus of tests/fixtures/first-party (its README says
// how it is built): each file read as a first-party file of an https page of www.shop.example,
// the hosts of the tags it gives that page against the hosts written in its NAME.hosts.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "analyzers/first_party_code.h"
#include "catalogue/catalogue.h"
#include "fixture_files.h"

using tw::test::read_file;

namespace {

std::set<std::string> read_hosts(const std::filesystem::path& path) {
  std::set<std::string> hosts;
  std::istringstream lines(read_file(path));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && !line.starts_with("#")) hosts.insert(line);
  }
  return hosts;
}

}  // namespace

TEST_CASE("recall and precision over the first-party corpus meet the targets") {
  const std::filesystem::path corpus = std::filesystem::path(TW_FIXTURES) / "first-party";
  tw::AnalysisContext context;
  context.rules.catalogue = &tw::Catalogue::builtin();
  std::size_t expected = 0, found = 0, reported = 0, invented = 0, files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::string extension = entry.path().extension().string();
    if (extension != ".js" && extension != ".css") continue;
    std::filesystem::path labels = entry.path();
    labels.replace_extension(".hosts");
    INFO("file " << entry.path().filename().string());
    REQUIRE(std::filesystem::exists(labels));
    ++files;
    tw::FirstPartyAsset file{"https://www.shop.example/static/" + entry.path().filename().string(),
                             extension == ".css"};
    std::string text = read_file(entry.path());
    tw::PageAnalysis page;
    page.page.requested_url = page.page.final_url = "https://www.shop.example/";
    page.first_party_assets = {file};
    tw::add_first_party_tags(page, context, [&text](const tw::FirstPartyAsset& asset) {
      return std::make_shared<const tw::AssetScan>(tw::asset_references(text, asset));
    });
    std::set<std::string> hosts;
    for (const tw::Tag& tag : page.tags) hosts.insert(tag.host);
    std::set<std::string> want = read_hosts(labels);
    for (const std::string& host : want) {
      ++expected;
      if (hosts.contains(host)) {
        ++found;
      } else {
        std::cout << "  missed: " << entry.path().filename().string() << " " << host << "\n";
      }
    }
    for (const std::string& host : hosts) {
      ++reported;
      if (!want.contains(host)) {
        ++invented;
        std::cout << "  not written: " << entry.path().filename().string() << " " << host << "\n";
      }
    }
  }
  double recall = double(found) / double(expected);
  double precision = reported == 0 ? 1.0 : 1.0 - double(invented) / double(reported);
  std::cout << "first-party corpus: " << files << " files, recall " << found << "/" << expected
            << " = " << recall << ", precision " << (reported - invented) << "/" << reported
            << " = " << precision << "\n";
  CHECK(files >= 10);
  CHECK(recall >= 0.80);
  CHECK(precision >= 0.95);
}
