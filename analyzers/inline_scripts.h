// What the text of an inline <script> loads: the recognised tag-manager, analytics, pixel, chat
// and consent snippets (with their account IDs), any other absolute or protocol-relative URL in a
// string literal, the URLs the script builds by concatenation and the hosts it writes without a
// scheme (script_strings.h), and the markup it passes to document.write. Also the IDs a resource URL carries. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/script_strings.h"

namespace tw {

struct ScriptReference {
  // As written in the script ("https://…" or "//host/…"), or the family's usual loader when the
  // snippet builds its URL at run time; the caller resolves it against the page.
  std::string url;
  std::size_t offset = 0;        // where in the script text the URL or the snippet stands
  std::string snippet;           // family, e.g. "gtm", "meta-pixel"; empty for a bare URL literal
  std::vector<std::string> ids;  // distinct, at most kMaxIdsPerReference
  bool ids_cut = false;          // more distinct IDs were in the script than kept
  // How the URL stands in the script; hosts written without a scheme are the caller's to accept
  // (a catalogue host, or a name under a public suffix before a script path).
  UrlForm form = UrlForm::literal;
  // False when the snippet builds its URL at run time and `url` is the family's usual loader: the
  // script writes no host of its own for the vendor, and a page that names one elsewhere wins.
  bool url_written = true;
};

// A real snippet names a handful of IDs; a script listing thousands is refused past this many.
inline constexpr std::size_t kMaxIdsPerReference = 100;

struct InlineScriptFacts {
  std::vector<ScriptReference> references;  // in text order
  bool document_write = false;              // the script calls document.write / writeln
  std::vector<WrittenMarkup> writes;        // markup passed to document.write, to parse as HTML
};

InlineScriptFacts scan_inline_script(std::string_view text, ScriptStringOptions options = {});

// True when `text` names a file the family's snippet loads ("matomo.js", "/gtm.js"), so that a
// page hosting the loader itself is not given the vendor's default host.
bool names_snippet_loader(std::string_view family, std::string_view text);

// Account / container / property IDs in a resource URL: gtm.js?id=GTM-X, gtag/js?id=G-X,
// js.hs-scripts.com/123.js, tags.tiqcdn.com/utag/acct/profile/env/utag.js, ...
std::vector<std::string> ids_from_url(std::string_view url);

}  // namespace tw
