// Extraction cost as a ratio to a bare Gumbo parse of the same pages (issue 4, item 6).
//
// usage: extract_bench [--rounds N] DOCROOT URLS_FILE [BASE_URL [EXPECTED_TSV]]
// Reads every page named in URLS_FILE (site paths, as written by bench/make_site.py) from
// DOCROOT into memory (disk is not timed), then per round measures process CPU time for
// (a) gumbo_parse + gumbo_destroy_output of every page, (b) analyze_page and run_page_rules of
// every page (parse, extraction, attribution, page rules). Prints the best round of each and their
// ratio. With EXPECTED_TSV (make_site.py's DIR.expected.tsv) it also counts how many of the
// third-party script/iframe/img/link URLs the generator put in each page are among the extracted
// tags.
#include <gumbo.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analyzers/html_document.h"
#include "analyzers/page_analyzer.h"
#include "model/url.h"

namespace {

double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "//host/x" resolves to http on the http benchmark site where the generator wrote https.
std::string without_scheme(const std::string& url) {
  std::size_t at = url.find("://");
  return at == std::string::npos ? url : url.substr(at + 3);
}

struct SitePage {
  std::string path;
  std::string body;
};

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() < 2) {
    std::cerr << "usage: extract_bench [--rounds N] DOCROOT URLS_FILE [BASE_URL [EXPECTED_TSV]]\n";
    return 2;
  }
  const std::string docroot = positional[0];
  const std::string base = positional.size() > 2 ? positional[2] : "http://127.0.0.1:8089";
  std::vector<SitePage> pages;
  std::size_t bytes = 0;
  {
    std::ifstream list(positional[1]);
    for (std::string path; std::getline(list, path);) {
      if (path.empty()) continue;
      SitePage page{path, read_file(docroot + path)};
      bytes += page.body.size();
      pages.push_back(std::move(page));
    }
  }
  if (pages.empty()) {
    std::cerr << "extract_bench: no pages read from " << positional[1] << "\n";
    return 2;
  }

  tw::AnalysisContext context;
  context.rules.catalogue = &tw::Catalogue::builtin();
  tw::analyze_page(tw::Page{}, context);  // build the catalogue and patterns outside the timing

  double best_parse = 1e300, best_extract = 1e300, best_guarded = 1e300, best_rules = 1e300;
  std::size_t tags = 0;
  std::vector<tw::PageAnalysis> last_round;
  for (int round = 0; round < rounds; ++round) {
    double start = cpu_seconds();
    for (const SitePage& page : pages) {
      GumboOutput* output =
          gumbo_parse_with_options(&kGumboDefaultOptions, page.body.data(), page.body.size());
      gumbo_destroy_output(&kGumboDefaultOptions, output);
    }
    best_parse = std::min(best_parse, cpu_seconds() - start);

    start = cpu_seconds();
    for (const SitePage& page : pages) tw::HtmlDocument::parse(page.body);
    best_guarded = std::min(best_guarded, cpu_seconds() - start);

    std::vector<tw::Page> inputs(pages.size());
    for (std::size_t i = 0; i < pages.size(); ++i) {
      inputs[i].requested_url = inputs[i].final_url = base + pages[i].path;
      inputs[i].body = pages[i].body;
    }
    std::vector<tw::PageAnalysis> results;
    results.reserve(pages.size());
    start = cpu_seconds();
    // What the scan pipeline does per page: analyze_page, then the page rules on its facts.
    for (tw::Page& page : inputs) {
      results.push_back(tw::analyze_page(std::move(page), context));
      tw::run_page_rules(results.back(), context.rules);
    }
    best_extract = std::min(best_extract, cpu_seconds() - start);
    // Time the page rules (rules/rule_engine.h) alone on copies.
    std::vector<tw::PageAnalysis> copies = results;
    for (auto& copy : copies) copy.findings.clear();
    start = cpu_seconds();
    for (auto& copy : copies) tw::run_page_rules(copy, context.rules);
    best_rules = std::min(best_rules, cpu_seconds() - start);
    tags = 0;
    for (const auto& result : results) tags += result.tags.size();
    last_round = std::move(results);
  }

  double per_page_parse = best_parse * 1000 / static_cast<double>(pages.size());
  double per_page_extract = best_extract * 1000 / static_cast<double>(pages.size());
  std::printf("pages: %zu (%.1f MB), rounds: %d (best of each)\n", pages.size(),
              static_cast<double>(bytes) / 1e6, rounds);
  std::printf("bare gumbo parse:  %.3f ms CPU per page\n", per_page_parse);
  std::printf("  guarded parse:   %.3f ms CPU per page (pre-scan + tagwarden's Gumbo options)\n",
              best_guarded * 1000 / static_cast<double>(pages.size()));
  std::printf("analyze_page:      %.3f ms CPU per page (%.1f tags per page)\n", per_page_extract,
              static_cast<double>(tags) / static_cast<double>(pages.size()));
  double per_page_rules = best_rules * 1000 / static_cast<double>(pages.size());
  std::printf("  of which rules:  %.3f ms CPU per page (run_page_rules alone)\n", per_page_rules);
  std::printf("ratio:             %.2fx (goal <= 1.25x); without the page rules %.2fx\n",
              per_page_extract / per_page_parse,
              (per_page_extract - per_page_rules) / per_page_parse);

  if (positional.size() > 3) {
    std::ifstream expected(positional[3]);
    std::string line;
    std::getline(expected, line);  // header
    std::size_t wanted = 0, found = 0;
    std::size_t index = 0;
    while (std::getline(expected, line) && index < last_round.size()) {
      std::vector<std::string> fields;
      std::stringstream cells(line);
      for (std::string cell; std::getline(cells, cell, '\t');) fields.push_back(cell);
      if (fields.empty()) continue;
      auto page = std::find_if(pages.begin(), pages.end(),
                               [&](const SitePage& p) { return p.path == fields[0]; });
      if (page == pages.end()) continue;
      const tw::PageAnalysis& analysis = last_round[static_cast<std::size_t>(page - pages.begin())];
      std::set<std::string> extracted;
      for (const tw::Tag& tag : analysis.tags) {
        extracted.insert(without_scheme(tw::normalize_url(tag.url).value_or(tag.url)));
      }
      for (std::size_t column = 3; column < fields.size(); ++column) {
        std::stringstream urls(fields[column]);
        for (std::string url; urls >> url;) {
          ++wanted;
          if (extracted.contains(without_scheme(tw::normalize_url(url).value_or(url)))) {
            ++found;
          } else if (found + 5 > wanted) {
            std::printf("  not extracted: %s %s\n", fields[0].c_str(), url.c_str());
          }
        }
      }
      ++index;
    }
    std::printf("generator's third-party URLs found among the tags: %zu / %zu\n", found, wanted);
  }
  return 0;
}
