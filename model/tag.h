// A Tag is one third-party reference found in a page: what kind, where it points, who the vendor
// is, which account IDs it carries and where in the source it stands.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

enum class TagKind {
  script,          // <script src>
  inline_snippet,  // a recognised vendor snippet, or a URL an inline script names or builds
  iframe,          // <iframe src>, <frame src>
  img,             // <img src>, icons, background="", SVG <image> and <use>
  pixel,           // 1x1 or hidden image (also inside <noscript>)
  stylesheet,      // <link rel=stylesheet>
  preload,         // <link rel=preload|modulepreload|prefetch|manifest>
  preconnect,      // <link rel=preconnect|dns-prefetch>
  media,           // <source>, <video>, <audio>, <track>
  embed,           // <embed>, <object>
  form,            // <form action> posting to a third party
  meta_refresh,    // <meta http-equiv=refresh>
  css,             // CSS @import / url() / image-set() in <style> or style=""
};

std::string_view to_string(TagKind kind);
std::optional<TagKind> parse_tag_kind(std::string_view text);

// How the tag was found.
enum class Initiator {
  parser,              // an element or attribute in the page's HTML
  inline_script,       // a URL or snippet inside an inline <script>, or markup it writes
  tag_manager,         // configured inside a fetched tag-manager container
  third_party_script,  // referenced inside a fetched third-party script (a fourth party)
  runtime,             // requested by the page in headless Chromium only (--browser)
  first_party_script,  // referenced inside one of the site's own script files the page includes
  stylesheet,          // referenced inside one of the site's own stylesheets the page includes
};

// Tags some other code loads (a container, a script or stylesheet file): their position is in
// that file (`Tag::parent`), not in the page, and their order against the page's tags is unknown.
bool loaded_by_other_code(Initiator initiator);

// Tags the first-party pass derives from the site's own files (first_party_script, stylesheet).
bool from_first_party_file(Initiator initiator);

std::string_view to_string(Initiator initiator);
std::optional<Initiator> parse_initiator(std::string_view text);

struct Tag {
  TagKind kind = TagKind::script;
  std::string url;     // absolute, resolved against <base href> and the page URL
  std::string host;    // lower case
  std::string domain;  // registrable domain of host (public suffix list)
  std::string vendor;  // catalogue or policy name; empty when nothing explains the host
  std::string category;
  std::vector<std::string> ids;  // account / container / property ids, e.g. "GTM-ABC123"
  int line = 0;                  // 1-based source position of the element or snippet
  int column = 0;
  Initiator initiator = Initiator::parser;
  // The container, script or stylesheet file a derived tag was found in (tag-manager, fourth-party
  // and first-party-file tags); line and column are then positions inside that file.
  std::string parent;
  std::string snippet;  // family of a recognised inline snippet, e.g. "gtm", "meta-pixel"
  // Attributes that matter to the rules: async, defer, type, integrity, crossorigin, nonce,
  // sandbox, allow, loading, referrerpolicy, rel, width, height, style, consent markers...
  std::map<std::string, std::string> attributes;
  bool in_head = false;
  bool in_noscript = false;
  bool consent_gated = false;   // blocked until consent (text/plain + CMP marker, class, etc.)
  bool document_write = false;  // the snippet writes with document.write
  // Who saw it: the static crawl (its markup, scripts or containers), the browser pass, or both.
  bool seen_statically = true;
  bool seen_by_browser = false;
  // CNAME cloaking: a host of the site itself whose DNS name is an alias of a tracker's. The
  // vendor is the tracker's; the chain lists the names DNS gave after `host`, the last one the
  // tracker's ("m.example.com" -> ["example.tracker.net"]).
  bool cloaked = false;
  std::vector<std::string> cname_chain;

  bool has_attribute(std::string_view name) const;
  std::string_view attribute(std::string_view name) const;
};

}  // namespace tw
