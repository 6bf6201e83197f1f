// Snippet recognition over inline script text. Each family is found by a cheap substring marker
// first; its ID patterns (PCRE2) only run on scripts that carry the marker, which keeps pages with
// large application scripts fast.
#include "analyzers/inline_scripts.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <unordered_set>

#include "analyzers/pattern.h"
#include "model/text.h"

namespace tw {
namespace {

struct IdPattern {
  const char* expression;  // group 1 is the ID
  const char* prefix;      // prepended to the ID ("DC-" for a Floodlight src=)
};

struct SnippetFamily {
  const char* name;
  std::initializer_list<const char*> markers;  // any of these in the text means the family
  std::initializer_list<const char*> hosts;    // a URL literal on one of these is its loader
  const char* default_url;                     // loader when the snippet builds the URL itself
  std::initializer_list<IdPattern> ids;
  // Files the loader is known by: a URL naming one is the loader on a host of the site's own
  // (self-hosted, or a tagging server), and a script naming one writes its loader's host itself.
  std::initializer_list<const char*> loader_files = {};
};

// The families of issue 4, item 2. Markers are the identifiers each vendor's published snippet
// uses; hosts are the loader hosts (suffix match).
const SnippetFamily kFamilies[] = {
    {"gtm",
     {"googletagmanager.com/gtm.js", "gtm.start"},
     {"googletagmanager.com"},
     "https://www.googletagmanager.com/gtm.js",
     {{R"(\b(GTM-[A-Z0-9]{4,12})\b)", ""}},
     {"/gtm.js"}},
    {"gtag",
     {"gtag("},
     {"googletagmanager.com"},
     "https://www.googletagmanager.com/gtag/js",
     {{R"(gtag\(\s*['"]config['"]\s*,\s*['"]((?:G|AW|DC|UA|GT)-[A-Za-z0-9-]+)['"])", ""},
      {R"(['"]?send_to['"]?\s*:\s*['"]((?:AW|DC)-\d+))", ""}},
     {"/gtag/js"}},
    {"universal-analytics",
     {"google-analytics.com/analytics.js", "google-analytics.com/ga.js", "ga('create'",
      "ga(\"create\"", "_gaq.push"},
     {"google-analytics.com"},
     "https://www.google-analytics.com/analytics.js",
     {{R"(\b(UA-\d{4,10}-\d{1,4})\b)", ""}},
     {"/analytics.js", "/ga.js"}},
    {"floodlight",
     {"fls.doubleclick.net"},
     {"fls.doubleclick.net"},
     "https://fls.doubleclick.net/",
     {{R"(fls\.doubleclick\.net/activityi?;src=(\d+))", "DC-"}}},
    {"meta-pixel",
     {"fbq(", "connect.facebook.net/en_US/fbevents.js"},
     {"connect.facebook.net"},
     "https://connect.facebook.net/en_US/fbevents.js",
     {{R"(fbq\(\s*['"]init['"]\s*,\s*['"]?(\d{5,20}))", ""}},
     {"/fbevents.js"}},
    {"linkedin-insight",
     {"_linkedin_partner_id", "_linkedin_data_partner_ids", "li.lms-analytics/insight"},
     {"licdn.com"},
     "https://snap.licdn.com/li.lms-analytics/insight.min.js",
     {{R"(_linkedin_partner_id\s*=\s*['"]?(\d+))", ""},
      {R"(_linkedin_data_partner_ids\.push\(\s*['"]?(\d+))", ""}}},
    {"tiktok-pixel",
     {"ttq.load", "analytics.tiktok.com/i18n/pixel"},
     {"analytics.tiktok.com"},
     "https://analytics.tiktok.com/i18n/pixel/events.js",
     {{R"(ttq\.load\(\s*['"]([A-Z0-9]{6,32})['"])", ""}}},
    {"pinterest-tag",
     {"pintrk(", "s.pinimg.com/ct/core.js"},
     {"pinimg.com", "pinterest.com"},
     "https://s.pinimg.com/ct/core.js",
     {{R"(pintrk\(\s*['"]load['"]\s*,\s*['"]?(\d+))", ""}}},
    {"x-pixel",
     {"twq(", "static.ads-twitter.com/uwt.js"},
     {"ads-twitter.com"},
     "https://static.ads-twitter.com/uwt.js",
     {{R"(twq\(\s*['"](?:config|init)['"]\s*,\s*['"]([A-Za-z0-9]+)['"])", ""}}},
    {"snap-pixel",
     {"snaptr(", "sc-static.net/scevent"},
     {"sc-static.net", "snapchat.com"},
     "https://sc-static.net/scevent.min.js",
     {{R"(snaptr\(\s*['"]init['"]\s*,\s*['"]([0-9a-fA-F-]{36})['"])", ""}}},
    {"microsoft-uet",
     {"bat.bing.com"},
     {"bat.bing.com"},
     "https://bat.bing.com/bat.js",
     {{R"(\bti\s*:\s*['"]?(\d{4,12}))", ""}}},
    {"microsoft-clarity",
     {"clarity.ms/tag", "\"clarity\"", "'clarity'"},
     {"clarity.ms"},
     "https://www.clarity.ms/tag/",
     {{R"(['"]clarity['"]\s*,\s*['"]script['"]\s*,\s*['"]([a-z0-9]{6,16})['"])", ""}}},
    {"hotjar",
     {"hjid", "static.hotjar.com"},
     {"hotjar.com"},
     "https://static.hotjar.com/c/hotjar-",
     {{R"(\bhjid\s*:\s*['"]?(\d+))", ""}},
     {"/hotjar-"}},
    {"hubspot",
     {"hs-scripts.com", "hbspt.", "_hsq"},
     {"hs-scripts.com", "hsforms.net", "hubspot.com"},
     "https://js.hs-scripts.com/",
     {{R"(portalId['"]?\s*:\s*['"]?(\d+))", ""}, {R"(hs-scripts\.com/(\d+)\.js)", ""}}},
    {"segment",
     {"analytics.load(", "_writeKey", "cdn.segment.com"},
     {"segment.com", "segment.io"},
     "https://cdn.segment.com/analytics.js/v1/",
     {{R"(analytics\.load\(\s*['"]([A-Za-z0-9]{8,64})['"])", ""},
      {R"(_writeKey\s*=\s*['"]([A-Za-z0-9]{8,64})['"])", ""}},
     {"/analytics.js/v1/", "/analytics.min.js"}},
    {"adobe-launch",
     {"_satellite", "assets.adobedtm.com"},
     {"adobedtm.com"},
     "https://assets.adobedtm.com/",
     {}},
    {"tealium", {"tiqcdn.com/utag"}, {"tiqcdn.com"}, "https://tags.tiqcdn.com/utag/", {}},
    {"matomo",
     {"_paq"},
     {"*"},
     "https://cdn.matomo.cloud/matomo.js",
     {{R"(setSiteId['"]\s*,\s*['"]?([A-Za-z0-9-]+))", ""}},
     {"matomo.js", "piwik.js", "matomo.php", "piwik.php"}},
    {"plausible",
     {"window.plausible", "plausible.io"},
     {"plausible.io"},
     "https://plausible.io/js/script.js",
     {},
     {"/js/script.", "/js/plausible."}},
    {"intercom",
     {"intercomSettings", "Intercom("},
     {"intercom.io", "intercomcdn.com"},
     "https://widget.intercom.io/widget/",
     {{R"(app_id['"]?\s*:\s*['"]([A-Za-z0-9]{4,16})['"])", ""}}},
    {"drift",
     {"drift.load(", "driftt.com"},
     {"driftt.com", "drift.com"},
     "https://js.driftt.com/include/",
     {{R"(drift\.load\(\s*['"]([A-Za-z0-9]{6,20})['"])", ""}}},
    {"zendesk",
     {"zdassets.com", "zESettings", "zE("},
     {"zdassets.com", "zendesk.com"},
     "https://static.zdassets.com/ekr/snippet.js",
     {{R"(snippet\.js\?key=([0-9a-fA-F-]{36}))", ""}}},
    {"optimizely",
     {"optimizely"},
     {"optimizely.com"},
     "https://cdn.optimizely.com/js/",
     {{R"(cdn\.optimizely\.com/js/(\d+)\.js)", ""}, {R"(projectId['"]?\s*:\s*['"]?(\d+))", ""}}},
    {"vwo",
     {"_vwo_code", "visualwebsiteoptimizer.com"},
     {"visualwebsiteoptimizer.com", "vwo.com"},
     "https://dev.visualwebsiteoptimizer.com/j.php",
     {{R"(account_id\s*[=:]\s*['"]?(\d+))", ""}}},
    {"cookiebot",
     {"cookiebot.com", "Cookiebot"},
     {"cookiebot.com", "cookiebot.eu"},
     "https://consent.cookiebot.com/uc.js",
     {{R"(cbid['"]?\s*[,=:]\s*['"]([0-9a-fA-F-]{36})['"])", ""}}},
    {"onetrust",
     {"cookielaw.org", "OptanonWrapper", "otSDKStub"},
     {"cookielaw.org", "onetrust.com"},
     "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js",
     {{R"(domain-script['"]?\s*[,=:]\s*['"]([0-9a-fA-F-]{36}(?:-test)?)['"])", ""}}},
    {"usercentrics",
     {"usercentrics"},
     {"usercentrics.eu", "usercentrics.com"},
     "https://web.cmp.usercentrics.eu/ui/loader.js",
     {{R"(settings-?[iI]d['"]?\s*[,=:]\s*['"]([A-Za-z0-9_-]{6,}))", ""}}},
    {"quantcast-choice",
     {"quantcast.mgr.consensu.org", "cmp.quantcast.com", "cmp.inmobi.com"},
     {"quantcast.mgr.consensu.org", "cmp.quantcast.com", "cmp.inmobi.com"},
     "https://cmp.inmobi.com/choice/",
     {{R"(['"]/choice/['"]\s*,\s*['"]([A-Za-z0-9_-]+)['"])", ""}}},
};

// IDs carried by resource URLs. `needle` must occur in the URL before the pattern runs.
struct UrlIdPattern {
  const char* needle;
  IdPattern id;
};

const UrlIdPattern kUrlIds[] = {
    {"id=", {R"([?&;]id=((?:GTM|G|AW|DC|UA|GT)-[A-Za-z0-9-]+))", ""}},
    {"hs-scripts.com", {R"(hs-scripts\.com/(\d+)\.js)", ""}},
    {"hs-analytics.net", {R"(hs-analytics\.net/analytics/\d+/(\d+)\.js)", ""}},
    {"tiqcdn.com", {R"(tiqcdn\.com/utag/([^/?#]+/[^/?#]+/[^/?#]+))", ""}},
    {"adobedtm.com", {R"(adobedtm\.com/([^?#]*?launch-[A-Za-z0-9]+))", ""}},
    {"optimizely.com", {R"(optimizely\.com/js/(\d+)\.js)", ""}},
    {"hotjar", {R"(hotjar-(\d+)\.js)", ""}},
    {"facebook.net", {R"(facebook\.net/signals/config/(\d+))", ""}},
    {"facebook.com/tr", {R"(facebook\.com/tr/?\?(?:[^#]*&)?id=(\d+))", ""}},
    {"ads.linkedin.com", {R"(ads\.linkedin\.com/collect/?\?(?:[^#]*&)?pid=(\d+))", ""}},
    {"tiktok.com", {R"(tiktok\.com/[^#]*[?&]sdkid=([A-Z0-9]+))", ""}},
    {"bat.bing.com", {R"(bat\.bing\.com/action/0\?(?:[^#]*&)?ti=(\d+))", ""}},
    {"segment.com", {R"(segment\.com/analytics\.js/v1/([A-Za-z0-9]+)/)", ""}},
    {"cookiebot", {R"(cookiebot\.(?:com|eu)/uc\.js\?(?:[^#]*&)?cbid=([0-9a-fA-F-]{36}))", ""}},
    {"cookielaw.org", {R"(cookielaw\.org/consent/([0-9a-fA-F-]{36}(?:-test)?))", ""}},
    {"clarity.ms", {R"(clarity\.ms/tag/([a-z0-9]+))", ""}},
    {"intercom.io", {R"(intercom\.io/widget/([A-Za-z0-9]+))", ""}},
    {"driftt.com", {R"(driftt\.com/include/\d+/([A-Za-z0-9]+)\.js)", ""}},
    {"zdassets.com", {R"(snippet\.js\?key=([0-9a-fA-F-]{36}))", ""}},
    {"visualwebsiteoptimizer.com",
     {R"(visualwebsiteoptimizer\.com/j\.php\?(?:[^#]*&)?a=(\d+))", ""}},
    {"idsite=", {R"([?&]idsite=(\d+))", ""}},
    {"fls.doubleclick.net", {R"(fls\.doubleclick\.net/activityi?;src=(\d+))", "DC-"}},
    {"viewthroughconversion", {R"(viewthroughconversion/(\d+))", "AW-"}},
    {"tid=",
     {R"(google-analytics\.com/(?:g/|j/)?collect\?(?:[^#]*&)?tid=((?:UA|G)-[A-Za-z0-9-]+))", ""}},
    {"ct.pinterest.com", {R"(ct\.pinterest\.com/v3/?\?(?:[^#]*&)?tid=(\d+))", ""}},
    {"/choice/", {R"(cmp\.(?:quantcast|inmobi)\.com/choice/([A-Za-z0-9_-]+)/)", ""}},
};

// Compiled forms, built once (function-local statics are initialised thread-safely).
struct CompiledFamilies {
  std::vector<std::vector<std::unique_ptr<Pattern>>> family_ids;
  std::vector<std::unique_ptr<Pattern>> url_ids;
  CompiledFamilies() {
    for (const SnippetFamily& family : kFamilies) {
      auto& patterns = family_ids.emplace_back();
      for (const IdPattern& id : family.ids)
        patterns.push_back(std::make_unique<Pattern>(id.expression));
    }
    for (const UrlIdPattern& id : kUrlIds)
      url_ids.push_back(std::make_unique<Pattern>(id.id.expression));
  }
};

const CompiledFamilies& compiled() {
  static const CompiledFamilies instance;
  return instance;
}

void add_unique(std::vector<std::string>& ids, std::string id) {
  if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end())
    ids.push_back(std::move(id));
}

// add_unique, or false once the reference holds kMaxIdsPerReference (which also bounds the linear
// search: 200,000 IDs in one script were quadratic).
bool add_id(ScriptReference& reference, std::string id) {
  if (reference.ids.size() >= kMaxIdsPerReference) {
    bool known = std::find(reference.ids.begin(), reference.ids.end(), id) != reference.ids.end();
    reference.ids_cut = reference.ids_cut || !known;
    return known;
  }
  add_unique(reference.ids, std::move(id));
  return true;
}

bool is_quote(char c) {
  return c == '\'' || c == '"' || c == '`';
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         equals_ignoring_ascii_case(text.substr(text.size() - suffix.size()), suffix);
}

struct UrlLiteral {
  std::string url;  // with "\/" unescaped
  std::string host;
  std::size_t offset;
  UrlForm form = UrlForm::literal;
  bool consumed = false;
};

// Absolute ("https://…") and protocol-relative ("//host…") URLs that open a string literal.
std::vector<UrlLiteral> url_literals(std::string_view text) {
  std::vector<UrlLiteral> out;
  std::size_t at = 0;
  while ((at = text.find('/', at)) != std::string_view::npos) {
    // Accept "//" and the JSON-escaped "\/\/".
    std::size_t slashes_end;
    if (at + 1 < text.size() && text[at + 1] == '/') {
      slashes_end = at + 2;
    } else if (at + 3 < text.size() && text[at + 1] == '\\' && text[at + 2] == '/' && at >= 1 &&
               text[at - 1] == '\\') {
      slashes_end = at + 3;
      --at;  // the opening backslash
    } else {
      ++at;
      continue;
    }
    std::size_t start = at;
    std::string_view before = text.substr(0, start);
    if (ends_with_ignoring_case(before, "https:"))
      start -= 6;
    else if (ends_with_ignoring_case(before, "http:"))
      start -= 5;
    if (start == 0 || !is_quote(text[start - 1])) {
      at = slashes_end;
      continue;
    }
    char quote = text[start - 1];
    std::size_t end = slashes_end;
    while (end < text.size()) {
      char c = text[end];
      // Any quote ends it: a URL inside an HTML attribute inside a JS string ends at either.
      if (is_quote(c) || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '<' || c == '>' ||
          static_cast<unsigned char>(c) < 0x20)
        break;
      if (c == '\\' && !(end + 1 < text.size() && text[end + 1] == '/')) break;
      if (quote == '`' && c == '$' && end + 1 < text.size() && text[end + 1] == '{') break;
      ++end;
    }
    std::size_t host_start = slashes_end;
    std::size_t host_end = host_start;
    while (host_end < end && is_host_char(text[host_end])) ++host_end;
    // A key before '@' (a Sentry DSN, "https://KEY@o1.ingest.sentry.io/1"): the host follows it,
    // and the key stays out of the reported URL.
    if (host_end < end && text[host_end] == '@') {
      host_start = host_end + 1;
      host_end = host_start;
      while (host_end < end && is_host_char(text[host_end])) ++host_end;
    }
    std::string_view host = text.substr(host_start, host_end - host_start);
    bool host_complete = host_end == end || text[host_end] == '/' || text[host_end] == '?' ||
                         text[host_end] == '#' || text[host_end] == ':' || text[host_end] == '\\';
    if (host.find('.') != std::string_view::npos && host.front() != '.' && host.back() != '.' &&
        host_complete) {
      UrlLiteral literal;
      literal.offset = start;
      for (std::size_t i = start; i < end; ++i) {
        if (i == slashes_end) i = host_start;  // past the key, if any
        if (text[i] == '\\' && i + 1 < end && text[i + 1] == '/') continue;
        literal.url.push_back(text[i]);
      }
      literal.host = lower_ascii(host);
      out.push_back(std::move(literal));
    }
    at = end;
  }
  return out;
}

bool host_matches(std::string_view host, std::string_view suffix) {
  if (host.size() < suffix.size()) return false;
  if (host.substr(host.size() - suffix.size()) != suffix) return false;
  return host.size() == suffix.size() || host[host.size() - suffix.size() - 1] == '.';
}

}  // namespace

// Which of kUrlIds' needles occur in `url`, as bits, found in one pass over it: a search per
// needle (27 of them, for every tag URL) was a percent of a scan's CPU.
std::uint32_t needles_in(std::string_view url) {
  static_assert(std::size(kUrlIds) <= 32, "one bit per needle");
  static const auto by_first_byte = [] {
    std::array<std::vector<std::uint8_t>, 256> table;
    for (std::size_t i = 0; i < std::size(kUrlIds); ++i) {
      table[static_cast<unsigned char>(kUrlIds[i].needle[0])].push_back(
          static_cast<std::uint8_t>(i));
    }
    return table;
  }();
  std::uint32_t found = 0;
  for (std::size_t at = 0; at < url.size(); ++at) {
    for (std::uint8_t i : by_first_byte[static_cast<unsigned char>(url[at])]) {
      if ((found & (1u << i)) == 0 && url.substr(at).starts_with(kUrlIds[i].needle)) {
        found |= 1u << i;
      }
    }
  }
  return found;
}

std::vector<std::string> ids_from_url(std::string_view url) {
  std::vector<std::string> ids;
  const auto& patterns = compiled().url_ids;
  std::uint32_t present = needles_in(url);
  for (std::size_t i = 0; i < std::size(kUrlIds); ++i) {
    if ((present & (1u << i)) == 0) continue;
    if (auto match = patterns[i]->find(url)) {
      add_unique(ids, std::string(kUrlIds[i].id.prefix) + std::string(match->group));
    }
  }
  return ids;
}

namespace {

// The evaluator's URLs join the literal scanner's (both in offset order): a built URL at a
// literal's offset is that literal completed ("https://cdn.example/" + "x.js"), the others are new.
void add_built_urls(std::vector<UrlLiteral>& literals, std::vector<BuiltUrl> built) {
  std::size_t known = literals.size(), at = 0;
  for (BuiltUrl& url : built) {
    while (at < known && literals[at].offset < url.offset) ++at;
    UrlLiteral* literal =
        at < known && literals[at].offset == url.offset ? &literals[at] : &literals.emplace_back();
    literal->host = lower_ascii(bare_host(url.url.substr(url.url.find("//") + 2)));
    literal->url = std::move(url.url);
    literal->offset = url.offset;
    literal->form = url.form;
  }
  std::stable_sort(literals.begin(), literals.end(),
                   [](const UrlLiteral& a, const UrlLiteral& b) { return a.offset < b.offset; });
}

const SnippetFamily* family_named(std::string_view name) {
  for (const SnippetFamily& family : kFamilies) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

bool names_loader_file(const SnippetFamily& family, std::string_view text) {
  return std::any_of(family.loader_files.begin(), family.loader_files.end(),
                     [&](const char* file) { return text.find(file) != std::string_view::npos; });
}

// The URL the family's snippet loads: a literal on one of its hosts, else one naming its loader
// file on a host of the site's choosing; null when there is none.
UrlLiteral* loader_literal(const SnippetFamily& family, std::vector<UrlLiteral>& literals) {
  for (UrlLiteral& literal : literals) {
    bool on_host = std::any_of(family.hosts.begin(), family.hosts.end(), [&](const char* host) {
      return std::string_view(host) == "*" || host_matches(literal.host, host);
    });
    if (on_host && !literal.consumed) return &literal;
  }
  for (UrlLiteral& literal : literals) {
    if (!literal.consumed && names_loader_file(family, literal.url)) return &literal;
  }
  return nullptr;
}

}  // namespace

bool names_snippet_loader(std::string_view family, std::string_view text) {
  const SnippetFamily* found = family_named(family);
  return found != nullptr && names_loader_file(*found, text);
}

InlineScriptFacts scan_inline_script(std::string_view text, ScriptStringOptions options) {
  InlineScriptFacts facts;
  facts.document_write = text.find("document.write") != std::string_view::npos;
  std::vector<UrlLiteral> literals = url_literals(text);
  ScriptStrings strings = evaluate_script_strings(text, options);
  add_built_urls(literals, std::move(strings.urls));
  std::erase_if(literals, [&](const UrlLiteral& literal) {
    return std::find(strings.ruled_out.begin(), strings.ruled_out.end(), literal.offset) !=
           strings.ruled_out.end();
  });
  facts.writes = std::move(strings.writes);

  const auto& family_patterns = compiled().family_ids;
  for (std::size_t f = 0; f < std::size(kFamilies); ++f) {
    const SnippetFamily& family = kFamilies[f];
    std::size_t marker_at = std::string_view::npos;
    for (const char* marker : family.markers) marker_at = std::min(marker_at, text.find(marker));
    if (marker_at == std::string_view::npos) continue;

    ScriptReference reference;
    reference.snippet = family.name;
    reference.offset = marker_at;
    if (UrlLiteral* literal = loader_literal(family, literals)) {
      literal->consumed = true;
      reference.url = literal->url;
      reference.offset = literal->offset;
      reference.form = literal->form;
    } else if (names_loader_file(family, text)) {
      continue;  // the loader is written on a host of the site's own (a relative path)
    } else {
      reference.url = family.default_url;
      reference.url_written = false;
    }
    for (std::size_t p = 0; p < family_patterns[f].size(); ++p) {
      std::size_t from = 0;
      while (auto match = family_patterns[f][p]->find(text, from)) {
        if (!add_id(reference,
                    std::string(family.ids.begin()[p].prefix) + std::string(match->group))) {
          break;
        }
        from = match->end > from ? match->end : from + 1;
      }
    }
    // A loader that appends the ID at run time ("gtm.js?id='+i"): show the URL it will load.
    bool id_parameter = reference.url.ends_with("?id=") || reference.url.ends_with("?a=");
    if (id_parameter && !reference.ids.empty()) reference.url += reference.ids.front();
    for (std::string& id : ids_from_url(reference.url)) add_id(reference, std::move(id));
    facts.references.push_back(std::move(reference));
  }
  std::unordered_set<std::string> referenced;
  for (const ScriptReference& reference : facts.references) referenced.insert(reference.url);
  for (UrlLiteral& literal : literals) {
    if (literal.consumed || !referenced.insert(literal.url).second) continue;
    ScriptReference reference;
    reference.url = std::move(literal.url);
    reference.offset = literal.offset;
    reference.form = literal.form;
    reference.ids = ids_from_url(reference.url);
    facts.references.push_back(std::move(reference));
  }
  std::stable_sort(
      facts.references.begin(), facts.references.end(),
      [](const ScriptReference& a, const ScriptReference& b) { return a.offset < b.offset; });
  return facts;
}

}  // namespace tw
