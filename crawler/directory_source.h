// Directory mode: a built site on disk read as pages, with no network. Every .html/.htm file
// under the root is one page whose URL is base_url + its path under the root.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/page.h"
#include "model/result.h"

namespace tw {

struct DirectoryOptions {
  std::string root;
  std::string base_url = "http://localhost/";  // origin the files will be served from
  int max_pages = 0;                           // 0 = unlimited
  std::uint64_t max_page_bytes = 10ull << 20;
};

struct DirectoryRead {
  int pages = 0;                   // delivered
  std::vector<std::string> notes;  // what was skipped and why: links, unreadable entries
};

// Calls `deliver` once per page, in path order. Fails only when the root is missing or not a
// directory; unreadable or oversized files become pages with an error. Symbolic links are not
// followed, so every page lies inside the tree and is read once, under its own path.
Result<DirectoryRead> read_directory_site(const DirectoryOptions& options,
                                          const std::function<void(Page&&)>& deliver);

}  // namespace tw
