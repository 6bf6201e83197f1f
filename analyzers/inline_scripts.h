// What the text of an inline <script> loads: the recognised tag-manager, analytics, pixel, chat
// and consent snippets (with their account IDs), and any other absolute or protocol-relative URL
// in a string literal. Also the IDs a resource URL carries. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

struct ScriptReference {
  // As written in the script ("https://…" or "//host/…"), or the family's usual loader when the
  // snippet builds its URL at run time; the caller resolves it against the page.
  std::string url;
  std::size_t offset = 0;        // where in the script text the URL or the snippet stands
  std::string snippet;           // family, e.g. "gtm", "meta-pixel"; empty for a bare URL literal
  std::vector<std::string> ids;  // distinct, at most kMaxIdsPerReference
  bool ids_cut = false;          // more distinct IDs were in the script than kept
};

// A real snippet names a handful of IDs; a script listing thousands is refused past this many.
inline constexpr std::size_t kMaxIdsPerReference = 100;

struct InlineScriptFacts {
  std::vector<ScriptReference> references;  // in text order
  bool document_write = false;              // the script calls document.write / writeln
};

InlineScriptFacts scan_inline_script(std::string_view text);

// Account / container / property IDs in a resource URL: gtm.js?id=GTM-X, gtag/js?id=G-X,
// js.hs-scripts.com/123.js, tags.tiqcdn.com/utag/acct/profile/env/utag.js, ...
std::vector<std::string> ids_from_url(std::string_view url);

}  // namespace tw
