// First-party code, read during crawl_and_analyse: the site's own script and stylesheet files
// that pages include, each read once per scan (fetched with libcurl for a URL target, read from
// disk for a directory target), bounded in count and in bytes per file, and analysed once per
// distinct content: within the scan by content digest, across scans through the store (schema
// version 6, first_party_files), so an unchanged file is not analysed again. The references
// found become tags of every page that includes the file (analyzers/first_party_code.h), before
// the page rules run, so the policy and the rules judge them like any tag.
//
// Threads: apply() is called by every analysis worker at once; a file is read by the first
// worker that needs it while the others that need it wait for that read. take_new_contents() and
// summary() once the workers are joined.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analyzers/first_party_code.h"
#include "crawler/resource_fetcher.h"
#include "store/scan_store.h"

namespace tw {

struct FirstPartySettings {
  // The crawl's transfer limits and request shaping. The site's own files come from where its
  // pages came from (private addresses included); redirects are not followed (a file that
  // redirects is noted), and the site's credentials are not sent.
  ResourceFetchOptions fetch;
  std::vector<std::string> directories;  // directory targets, served at base_url
  std::string base_url;
  bool network = true;  // some target is a URL: files outside the directories are fetched
  int max_files = 200;  // distinct files read per scan (--max-first-party-assets)
  std::uint64_t max_bytes = 4ull << 20;  // per file; the rest is cut (--max-first-party-bytes)
  std::string analyser_version;
};

struct FirstPartySummary {
  int files_read = 0;           // fetched or read from disk, with a usable body
  int files_failed = 0;         // not usable: HTTP error, redirect, HTML, unreadable, cut short...
  int files_not_read = 0;       // past max_files
  int files_cut = 0;            // larger than max_bytes: the first max_bytes were read
  int contents_analysed = 0;    // distinct contents analysed in this scan
  int contents_from_store = 0;  // distinct contents whose references an earlier scan stored
};

class FirstPartyFiles {
 public:
  // `store`: its own connection, for the references earlier scans stored; may be empty.
  FirstPartyFiles(FirstPartySettings settings, std::optional<ScanStore> store);
  ~FirstPartyFiles();
  FirstPartyFiles(const FirstPartyFiles&) = delete;
  FirstPartyFiles& operator=(const FirstPartyFiles&) = delete;

  // Replaces the page's tags and notes from its first-party files with what the files hold now,
  // reading the files not yet read; true when the page's tags or notes changed. Any thread.
  bool apply(PageAnalysis& page, const AnalysisContext& context);

  FirstPartySummary summary() const;
  // The (digest, references) of the contents analysed in this scan, for the store.
  std::vector<std::pair<std::string, AssetScan>> take_new_contents();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw
