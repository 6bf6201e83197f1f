// First-party code: what the site's own script and stylesheet files reference. A file is read
// once per distinct content (asset_references); its references then become tags of every page
// that includes it (add_first_party_tags), with initiator first_party_script or stylesheet, the
// file as parent and positions inside the file. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/page_analyzer.h"
#include "analyzers/script_strings.h"
#include "model/analysis.h"
#include "model/tag.h"

namespace tw {

// One URL a first-party file names, before the page decides whether it is third party.
struct AssetReference {
  std::string url;  // absolute http(s), resolved against the file's URL, no fragment
  int line = 0;     // 1-based, inside the file
  int column = 0;   // 1-based, in code points
  TagKind kind = TagKind::inline_snippet;  // css for a stylesheet's references
  UrlForm form = UrlForm::literal;
  std::string snippet;           // recognised vendor snippet family, if any
  std::vector<std::string> ids;  // account ids the snippet names
  bool operator==(const AssetReference&) const = default;
};

// A file names more than this many URLs only when it is a URL list, not code: the rest are cut.
inline constexpr std::size_t kMaxReferencesPerAsset = 500;

struct AssetScan {
  std::vector<AssetReference> references;  // in text order
  std::vector<std::string> notes;          // what could not be read and why
};

// The URLs in the bytes of one file. Scripts: string literals, concatenations and recognised
// snippets (inline_scripts.h); stylesheets: @import, url(), image-set() (css_urls.h). Relative
// URLs are resolved against `asset_url`. Linear in the file's length; invalid UTF-8 is noted and
// read byte for byte.
AssetScan asset_references(std::string_view body, const FirstPartyAsset& asset);

// The scan of a file as this scan read it, never null: a file that could not be read has no
// references and a note saying why.
using AssetLookup = std::function<std::shared_ptr<const AssetScan>(const FirstPartyAsset&)>;

// Replaces the page's tags and notes from first-party files with those of its files as `lookup`
// answers now, attributed like the page's own tags; references to first-party hosts and hosts
// written without a scheme that name nothing known are left out. Returns true when the page's
// tags or notes changed.
bool add_first_party_tags(PageAnalysis& page, const AnalysisContext& context,
                          const AssetLookup& lookup);

// Hosts scripts name that are namespaces or documentation, not something a browser loads
// (w3.org, schema.org, example.com, a bare name...): never a tag from a script file.
bool is_inert_host(std::string_view host);

// Notes that the first-party pass writes start with this, so a reused page's can be replaced.
inline constexpr std::string_view kFirstPartyNotePrefix = "first-party file ";

}  // namespace tw
