// The third-party stage. Round one fetches what the pages name (scripts, stylesheets, tag-manager
// containers; other tags only get a resolution check), each URL once. Every completed resource is
// turned into a ResourceInsight at once and its body dropped, so memory follows the transfers in
// flight. Containers become tag-manager tags; round two fetches the scripts those tags load.
// Finally each changed page gets its facts, new tags and the resource rules' findings.
#include "pipeline/third_party_stage.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "analyzers/first_party_code.h"
#include "analyzers/inline_scripts.h"
#include "analyzers/resource_containers.h"
#include "analyzers/resource_integrity.h"
#include "analyzers/tag_attribution.h"
#include "catalogue/cname_cloaking.h"
#include "catalogue/known_libraries.h"
#include "model/domain.h"
#include "model/resource_facts.h"
#include "model/text.h"
#include "model/url.h"
#include "pipeline/third_party_hosts.h"
#include "rules/rule_resource_checks.h"

namespace tw {
namespace {

constexpr std::size_t kMaxFourthPartiesPerScript = 50;
constexpr std::size_t kMaxAddedTagsPerPage = 500;

// What one fetched URL is, computed once while its bytes are at hand.
struct ResourceInsight {
  ResourceFacts facts;  // without the per-tag integrity outcome
  SriDigests digests;
  bool has_body = false;
  ContainerKind container = ContainerKind::none;
  ContainerContents contents;
  std::vector<ScriptReference> references;  // URLs the script names (fourth-party candidates)
};

// How the stage treats a URL it plans to ask for.
struct Plan {
  bool full = false;    // fetch the bytes (else resolve only)
  bool script = false;  // look for libraries and fourth parties in it
  ContainerKind container = ContainerKind::none;
};

bool looks_like(std::string_view url, std::string_view extension) {
  std::string path = url_path(url);
  path = path.substr(0, path.find('?'));
  return lower_ascii(path).ends_with(extension);
}

// Tags whose bytes tagwarden reads; the rest only need their host resolved.
Plan plan_for(const Tag& tag) {
  Plan plan;
  plan.container = container_kind(tag.url);
  switch (tag.kind) {
    case TagKind::script:
    case TagKind::inline_snippet:
      plan.full = plan.script = true;
      break;
    case TagKind::stylesheet:
      plan.full = true;
      break;
    case TagKind::preload: {
      std::string as = lower_ascii(tag.attribute("as"));
      plan.script = as == "script" || (as.empty() && looks_like(tag.url, ".js"));
      plan.full = plan.script || as == "style" || looks_like(tag.url, ".css");
      break;
    }
    default:
      break;
  }
  if (plan.container != ContainerKind::none) plan.full = plan.script = true;
  return plan;
}

// What a resolve-only check asks for: the URL's origin ("https://host:port/"). A connection check
// says the same for every URL of an origin, and pages often carry a distinct pixel URL each, so
// checking origins keeps the stage's memory with the hosts, not with the pages.
std::string resolve_key(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::size_t end = url.find_first_of("/?#", scheme_end + 3);
  return std::string(url.substr(0, end)) + "/";
}

// "name=value; Domain=x; Secure" -> "name; Domain=x; Secure": values are often identifiers.
std::string cookie_without_value(std::string_view header) {
  auto semicolon = header.find(';');
  std::string_view pair = header.substr(0, semicolon);
  std::string out(pair.substr(0, pair.find('=')));
  if (semicolon != std::string_view::npos) out += header.substr(semicolon);
  if (out.size() > 300) out.resize(300);
  return out;
}

ResourceFacts facts_of(const FetchedResource& fetched) {
  const Page& response = fetched.response;
  ResourceFacts facts;
  facts.error = std::string(to_string(response.error));
  facts.error_detail = response.error_detail;
  facts.dns_failed = response.error == PageError::dns;
  facts.resolve_only = fetched.resolve_only;
  facts.status = response.status;
  if (response.final_url != response.requested_url) facts.final_url = response.final_url;
  facts.redirects = response.redirect_chain;
  facts.content_type = response.content_type;
  facts.content_encoding = lower_ascii(response.header("content-encoding"));
  if (facts.content_encoding == "identity") facts.content_encoding.clear();
  facts.cache_control = response.header("cache-control");
  facts.expires = response.header("expires");
  facts.has_validator =
      !response.header("etag").empty() || !response.header("last-modified").empty();
  facts.transfer_bytes = fetched.transfer_bytes;
  facts.decoded_bytes = response.body_bytes;
  facts.truncated = fetched.truncated;
  facts.ttfb_ms = fetched.ttfb_ms;
  facts.total_ms = response.fetch_ms;
  for (const auto& header : response.headers) {
    if (header.name == "set-cookie" && facts.set_cookies.size() < 50) {
      facts.set_cookies.push_back(cookie_without_value(header.value));
    }
  }
  return facts;
}

TagKind kind_from_url(std::string_view url) {
  if (looks_like(url, ".js") || looks_like(url, ".mjs")) return TagKind::script;
  if (looks_like(url, ".css")) return TagKind::stylesheet;
  for (std::string_view image : {".gif", ".png", ".jpg", ".jpeg", ".webp", ".svg"}) {
    if (looks_like(url, image)) return TagKind::img;
  }
  if (looks_like(url, ".html") || looks_like(url, ".htm")) return TagKind::iframe;
  return TagKind::inline_snippet;
}

std::string absolute(std::string_view url) {
  std::string text(url);
  if (text.starts_with("//")) text = "https:" + text;
  if (!is_http_url(text)) return {};
  return normalize_url(text).value_or(std::string());
}

}  // namespace

class ThirdPartyStage::Impl {
 public:
  Impl(const ResourceFetchOptions& options, const AnalysisContext& context)
      : context_(context),
        fetcher_(options),
        hosts_(options),
        stop_(options.stop),
        max_resources_(std::max(options.max_resources, 0)) {}

  // Round one is planned from each page as the crawl delivers it: what the pages name. Tags this
  // stage derived in an earlier scan come back with pages reused unchanged; they are left out
  // here and replaced by the last walk, derived again from today's containers.
  void plan(const PageAnalysis& page) {
    for (const Tag& tag : page.tags) {
      std::string id = gtm_id_in_url(tag.url);
      if (!id.empty() && !is_derived(tag) && !gtm_named_.contains(id) && has_room(gtm_named_)) {
        gtm_named_[id] = tag.url;
      }
    }
    if (page.page.error != PageError::none) return;
    for (const Tag& reference : page.site_host_references) keep_site_reference(page, reference);
    for (const Tag& tag : page.tags) {
      // A page reused unchanged keeps no site references, but its cloaked tags stand for them.
      if (tag.cloaked) keep_site_reference(page, tag);
      if (is_derived(tag)) {
        any_derived_ = true;
        continue;
      }
      if (is_http_url(tag.url)) hosts_.count_use(tag.host, pages_planned_, page_url(page), page.page.depth);
      plan_tag(tag, round_one_);
      for (const std::string& id : tag.ids) {
        if (id.starts_with("GTM-") && has_room(snippet_ids_)) snippet_ids_.insert(id);
      }
    }
    ++pages_planned_;
  }

  Result<ThirdPartySummary> run(PageSet& pages,
                                const std::function<void(const PageAnalysis&)>& each_final) {
    // A GTM id named only in a snippet gets its usual loader, unless some page loads that
    // container by URL.
    for (const std::string& id : snippet_ids_) {
      if (gtm_named_.contains(id)) continue;
      gtm_named_[id] = gtm_container_url(id);
      plan_url(gtm_named_[id], {true, true, ContainerKind::google_tag_manager}, round_one_);
    }
    fetch(round_one_);
    round_one_ = {};
    snippet_ids_ = {};
    if (!stop_requested()) find_cloaked_hosts();

    // Round two: the scripts the containers' tags load (no walk when no container configures
    // any tag).
    std::vector<ResourceRequest> round_two;
    std::size_t walked_page = pages_planned_;  // past plan()'s numbers: each page counts anew
    auto plan_contained = [&](PageAnalysis& page) {
      ++walked_page;
      if (page.page.error != PageError::none) return false;
      std::set<std::string> own_hosts;
      for (const Tag& tag : page.tags) {
        if (!is_derived(tag)) own_hosts.insert(tag.host);
      }
      std::vector<std::string> notes;
      std::optional<PageAnalysis> without_derived;
      if (std::any_of(page.tags.begin(), page.tags.end(), is_derived)) {
        without_derived = page;
        drop_derived_tags(*without_derived);
      }
      for (const Tag& tag : contained_tags(without_derived ? *without_derived : page, notes)) {
        if (tag.url.empty() || tag.attribute("tagwarden-loader") == "template") continue;
        hosts_.count_use(tag.host, walked_page, page_url(page), page.page.depth,
                         own_hosts.contains(tag.host));
        plan_tag(tag, round_two);
      }
      return false;
    };
    Status walked = any_contained_tags_ ? pages.for_each(plan_contained) : Status(Ok{});
    if (!walked) return Error{walked.error()};
    if (!stop_requested()) fetch(round_two);
    summary_.resources_fetched = fetcher_.fetched_count();
    summary_.stopped = stop_requested();
    summary_.hosts_missing = hosts_.hosts_missing();
    summary_.skipped = hosts_.skipped();
    // Nothing learned (DNS answered for nothing) and nothing derived earlier to drop: no page
    // would change, so none is walked (a sandbox without DNS pays for no walk of the site).
    if (insights_.empty() && !any_derived_ && cloaked_.empty()) return summary_;

    // Each page gets its facts, the tags the containers configure, the fourth parties its
    // scripts name, and the resource rules' findings.
    walked = pages.for_each([&](PageAnalysis& page) {
      const bool dropped = drop_derived_tags(page);
      bool changed = dropped;
      if (page.page.error == PageError::none) {
        std::vector<std::string> notes;
        std::vector<Tag> added = contained_tags(page, notes);
        std::vector<Tag> fourth = fourth_party_tags(page, added);
        added.insert(added.end(), std::make_move_iterator(fourth.begin()),
                     std::make_move_iterator(fourth.end()));
        std::vector<Tag> cloaked = cloaked_tags(page);
        added.insert(added.end(), std::make_move_iterator(cloaked.begin()),
                     std::make_move_iterator(cloaked.end()));
        page.notes.insert(page.notes.end(), notes.begin(), notes.end());
        changed = finish_page(page, std::move(added), dropped) || !notes.empty();
      }
      if (each_final) each_final(page);
      return changed;
    });
    if (!walked) return Error{walked.error()};
    return summary_;
  }

 private:
  bool stop_requested() const { return stop_ != nullptr && stop_->load(); }

  // Containers past max_resources are never fetched, so their ids need not be remembered either:
  // a site whose every page has its own GTM container stays bounded.
  template <typename Container>
  bool has_room(const Container& ids) const {
    return static_cast<int>(ids.size()) < max_resources_ &&
           static_cast<int>(plans_.size()) < max_resources_;
  }

  // Tags this stage adds, dropped and made again by each scan: what containers and scripts
  // load, and what DNS says a site host is an alias of.
  static bool is_derived(const Tag& tag) {
    return tag.initiator == Initiator::tag_manager ||
           tag.initiator == Initiator::third_party_script || tag.cloaked;
  }

  // The first reference of each page to each of the site's other hosts, as the crawl delivers
  // them: at most kMaxSiteHosts hosts and kMaxSiteReferences references per scan.
  void keep_site_reference(const PageAnalysis& page, const Tag& reference) {
    if (!site_hosts_.contains(reference.host)) {
      if (site_hosts_.size() >= kMaxSiteHosts) return;
      site_hosts_.insert(reference.host);
    }
    if (site_reference_count_ >= kMaxSiteReferences) {
      ++summary_.site_references_not_checked;
      return;
    }
    std::vector<SiteReference>& kept = site_references_[page_url(page)];
    for (const SiteReference& known : kept) {
      if (known.url == reference.url) return;
    }
    kept.push_back({reference.url, reference.host, reference.kind, reference.initiator,
                    reference.line, reference.column, reference.in_head, reference.in_noscript});
    ++site_reference_count_;
  }

  // DNS asked for the CNAME chain of every site host at once; a chain that leads to a tracker
  // makes the host cloaked. A lookup that fails or times out is no finding.
  void find_cloaked_hosts() {
    if (site_hosts_.empty()) return;
    const Catalogue& catalogue =
        context_.rules.catalogue != nullptr ? *context_.rules.catalogue : Catalogue::builtin();
    for (auto& [host, chain] : hosts_.cname_chains(site_hosts_)) {
      ++summary_.site_hosts_checked;
      std::optional<CloakedVendor> vendor =
          match_cname_chain(chain, registrable_domain(host), catalogue, CloakingTargets::builtin());
      if (!vendor) continue;
      ++summary_.site_hosts_cloaked;
      cloaked_.emplace(host, Cloaking{std::move(*vendor), std::move(chain)});
    }
  }

  // The page's references to cloaked hosts, as tags of the tracker the host is an alias of.
  std::vector<Tag> cloaked_tags(const PageAnalysis& page) const {
    std::vector<Tag> out;
    if (cloaked_.empty()) return out;
    auto kept = site_references_.find(page_url(page));
    if (kept == site_references_.end()) return out;
    for (const SiteReference& reference : kept->second) {
      auto cloaking = cloaked_.find(reference.host);
      if (cloaking == cloaked_.end()) continue;
      Tag& tag = out.emplace_back();
      tag.kind = reference.kind;
      tag.url = reference.url;
      tag.host = reference.host;
      tag.domain = registrable_domain(reference.host);
      tag.line = reference.line;
      tag.column = reference.column;
      tag.initiator = reference.initiator;
      tag.in_head = reference.in_head;
      tag.in_noscript = reference.in_noscript;
      tag.vendor = cloaking->second.vendor.vendor;
      tag.category = cloaking->second.vendor.category;
      tag.ids = ids_from_url(tag.url);
      tag.cloaked = true;
      tag.cname_chain = cloaking->second.chain;
    }
    return out;
  }

  static bool drop_derived_tags(PageAnalysis& page) {
    return std::erase_if(page.tags, is_derived) > 0;
  }

  // "GTM-ABC123" from a gtm.js?id=GTM-ABC123 URL, empty for any other URL.
  static std::string gtm_id_in_url(std::string_view url) {
    if (container_kind(url) != ContainerKind::google_tag_manager) return {};
    auto at = url.find("id=GTM-");
    if (at == std::string_view::npos) return {};
    std::string id = "GTM-";
    for (std::size_t i = at + 7; i < url.size() && id.size() < 20; ++i) {
      char c = url[i];
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) break;
      id += c;
    }
    return id.size() > 4 ? id : std::string();
  }

  // Each URL is requested once per scan; a URL planned again only strengthens its plan (seen as
  // a pixel first and as a script later, it needs its bytes after all, if not fetched yet).
  // Past max_resources distinct URLs nothing new is planned, so a site whose every page names its
  // own script URL costs neither fetches nor memory beyond the cap; those references are counted.
  void plan_url(const std::string& url, Plan plan, std::vector<ResourceRequest>& requests) {
    auto it = plans_.find(url);
    if (it == plans_.end()) {
      if (static_cast<int>(plans_.size()) >= max_resources_) {
        ++summary_.references_not_fetched;
        return;
      }
      plans_.emplace(url, plan);
      requests.push_back({url, !plan.full});
      return;
    }
    it->second.full = it->second.full || plan.full;
    it->second.script = it->second.script || plan.script;
  }

  void plan_tag(const Tag& tag, std::vector<ResourceRequest>& requests) {
    if (!is_http_url(tag.url)) return;
    Plan plan = plan_for(tag);
    plan_url(plan.full ? tag.url : resolve_key(tag.url), plan, requests);
  }

  void fetch(const std::vector<ResourceRequest>& requests) {
    std::vector<ResourceRequest> unique;
    for (const auto& request : requests) unique.push_back({request.url, !plans_[request.url].full});
    hosts_.check(unique, fetcher_);
    summary_.resources_requested += static_cast<int>(unique.size());
    fetcher_.fetch(unique, [this](const std::string& url, FetchedResource& fetched) {
      insights_[url] = inspect(url, fetched);
      if (fetched.response.error != PageError::none) ++summary_.resources_failed;
      fetched.response.body = std::string();  // insight taken: free the bytes now
    });
  }

  ResourceInsight inspect(const std::string& url, const FetchedResource& fetched) {
    ResourceInsight insight;
    insight.facts = facts_of(fetched);
    hosts_.mark_missing(url_host(url), insight.facts);
    const std::string& body = fetched.response.body;
    if (fetched.resolve_only || fetched.response.error != PageError::none) return insight;
    insight.has_body = true;
    insight.digests = SriDigests::of(body);
    insight.facts.sri_sha384 = insight.digests.sha384;
    const Plan& plan = plans_[url];
    if (!plan.script) return insight;
    std::string final_url = fetched.response.final_url.empty() ? url : fetched.response.final_url;
    insight.container =
        plan.container != ContainerKind::none ? plan.container : container_kind(final_url);
    if (insight.container != ContainerKind::none) {
      insight.contents = open_container(insight.container, final_url, body);
      ++summary_.containers_opened;
      if (!insight.contents.tags.empty()) any_contained_tags_ = true;
      return insight;  // a container's own runtime is the vendor's code, not configuration
    }
    for (const auto& library : LibraryRepository::builtin().detect(url, body, sha1_hex(body))) {
      insight.facts.libraries.push_back({library.name, library.version, library.detection});
    }
    insight.references = scan_inline_script(body).references;
    // A vendor's code names many hosts without a scheme (its own endpoints, lists of domains);
    // only URLs it writes out count as fourth parties.
    std::erase_if(insight.references, [](const ScriptReference& reference) {
      return reference.form == UrlForm::host_only || reference.form == UrlForm::host_and_script;
    });
    return insight;
  }

  const ResourceInsight* insight(const std::string& url) const {
    auto it = insights_.find(url);
    return it == insights_.end() ? nullptr : &it->second;
  }

  // What is known of a tag's URL: its own fetch, else the connection check of its origin.
  const ResourceInsight* facts_for(const std::string& url) const {
    const ResourceInsight* found = insight(url);
    return found != nullptr ? found : insight(resolve_key(url));
  }

  // A new tag attributed like the page's own, standing where its container or script stands.
  Tag derived_tag(const PageAnalysis& page, const Tag& anchor, TagKind kind, std::string url,
                  Initiator initiator) const {
    Tag tag;
    tag.kind = kind;
    tag.url = std::move(url);
    tag.host = url_host(tag.url);
    tag.initiator = initiator;
    tag.parent = anchor.url;
    tag.line = anchor.line;
    tag.column = anchor.column;
    tag.in_head = anchor.in_head;
    tag.in_noscript = anchor.in_noscript;
    tag.consent_gated = anchor.consent_gated;
    TagAttribution(page_url(page), context_).attribute(tag);
    for (const auto& id : ids_from_url(tag.url)) tag.ids.push_back(id);
    return tag;
  }

  static std::string page_url(const PageAnalysis& page) {
    return page.page.final_url.empty() ? page.page.requested_url : page.page.final_url;
  }

  // The container URL a tag stands for: its own URL, or the loader of the GTM id it names.
  std::string container_of(const Tag& tag) const {
    if (std::string id = gtm_id_in_url(tag.url); !id.empty()) {
      auto it = gtm_named_.find(id);
      return it != gtm_named_.end() ? it->second : std::string();  // past the cap: not fetched
    }
    if (container_kind(tag.url) != ContainerKind::none) return tag.url;
    for (const auto& id : tag.ids) {
      if (auto it = gtm_named_.find(id); it != gtm_named_.end()) return it->second;
    }
    return {};
  }

  std::vector<Tag> contained_tags(const PageAnalysis& page, std::vector<std::string>& notes) {
    std::vector<Tag> out;
    std::set<std::string> containers_done;
    TagAttribution attribution(page_url(page), context_);
    for (const Tag& anchor : page.tags) {
      std::string container = container_of(anchor);
      if (container.empty() || !containers_done.insert(container).second) continue;
      const ResourceInsight* found = insight(container);
      if (found == nullptr) continue;
      for (const auto& note : found->contents.notes) notes.push_back(container + ": " + note);
      if (!found->contents.parsed) continue;
      for (const ContainedTag& contained : found->contents.tags) {
        if (out.size() >= kMaxAddedTagsPerPage) break;
        if (!contained.html.empty()) {
          for (Tag& tag : custom_html_tags(page, container, contained.html)) {
            Tag placed = derived_tag(page, anchor, tag.kind, tag.url, Initiator::tag_manager);
            placed.parent = container;
            placed.ids = tag.ids;
            placed.snippet = tag.snippet;
            placed.attributes = tag.attributes;
            placed.document_write = tag.document_write;
            placed.consent_gated = placed.consent_gated || tag.consent_gated;
            if (!tag.vendor.empty()) placed.vendor = tag.vendor;
            if (!tag.category.empty()) placed.category = tag.category;
            placed.attributes["tagwarden-template"] = contained.source;
            out.push_back(std::move(placed));
          }
          continue;
        }
        std::string url = absolute(contained.url);
        if (url.empty() || attribution.is_first_party(url_host(url))) continue;
        Tag tag = derived_tag(page, anchor, contained.kind, url, Initiator::tag_manager);
        tag.parent = container;
        for (const auto& id : contained.ids) {
          if (std::find(tag.ids.begin(), tag.ids.end(), id) == tag.ids.end()) tag.ids.push_back(id);
        }
        if (!contained.vendor.empty() && context_.rules.catalogue != nullptr) {
          if (const VendorEntry* vendor =
                  context_.rules.catalogue->find_by_name(contained.vendor)) {
            tag.vendor = vendor->name;
            tag.category = vendor->category;
          }
        }
        tag.attributes["tagwarden-template"] = contained.source;
        // The template's usual loader stands for what it loads; it is not written in the
        // container, so it is never fetched (nor reported as dangling).
        if (!contained.url_in_container) tag.attributes["tagwarden-loader"] = "template";
        out.push_back(std::move(tag));
      }
    }
    return out;
  }

  // The tags a custom HTML tag holds, through the page analyzer (scripts, pixels, iframes and
  // recognised snippets with their ids), as if the HTML stood in the page. Cached per site, since
  // what counts as first party depends on the page's domain.
  std::vector<Tag> custom_html_tags(const PageAnalysis& page, const std::string& container,
                                    const std::string& html) {
    auto key = std::make_tuple(container, registrable_domain(url_host(page_url(page))), html);
    if (auto it = custom_html_.find(key); it != custom_html_.end()) return it->second;
    Page fragment;
    fragment.requested_url = page_url(page);
    fragment.final_url = fragment.requested_url;
    fragment.status = 200;
    fragment.content_type = "text/html";
    fragment.body = "<!doctype html><html><head></head><body>" + html + "</body></html>";
    fragment.body_bytes = fragment.body.size();
    PageAnalysis analysed = analyze_page(std::move(fragment), context_);
    std::vector<Tag> tags = std::move(analysed.tags);
    custom_html_.emplace(std::move(key), tags);
    return tags;
  }

  // Hosts named inside fetched scripts (round one and two) that are neither first party, nor
  // the script's own domain, nor already a tag of the page.
  std::vector<Tag> fourth_party_tags(const PageAnalysis& page, const std::vector<Tag>& added) {
    std::vector<Tag> out;
    TagAttribution attribution(page_url(page), context_);
    std::set<std::string> known_hosts;
    for (const Tag& tag : page.tags) known_hosts.insert(tag.host);
    for (const Tag& tag : added) known_hosts.insert(tag.host);
    std::set<std::string> scripts_done;
    auto scan = [&](const Tag& script) {
      if (!scripts_done.insert(script.url).second) return;
      const ResourceInsight* found = insight(script.url);
      if (found == nullptr || found->references.empty()) return;
      std::string own_domain = registrable_domain(script.host);
      std::size_t count = 0;
      for (const ScriptReference& reference : found->references) {
        if (count >= kMaxFourthPartiesPerScript ||
            out.size() + added.size() >= kMaxAddedTagsPerPage) {
          break;
        }
        std::string url = absolute(reference.url);
        if (url.empty()) continue;
        std::string host = url_host(url);
        if (host.empty() || known_hosts.contains(host) || is_inert_host(host) ||
            registrable_domain(host) == own_domain || attribution.is_first_party(host)) {
          continue;
        }
        known_hosts.insert(host);
        Tag tag = derived_tag(page, script, kind_from_url(url), url, Initiator::third_party_script);
        for (const auto& id : reference.ids) {
          if (std::find(tag.ids.begin(), tag.ids.end(), id) == tag.ids.end()) tag.ids.push_back(id);
        }
        tag.snippet = reference.snippet;
        out.push_back(std::move(tag));
        ++count;
      }
    };
    for (const Tag& tag : page.tags) scan(tag);
    for (const Tag& tag : added) scan(tag);
    return out;
  }

  // Facts on every tag, the new tags appended, the rules re-run (also when `dropped`: the page
  // lost tags derived in an earlier scan). True when the page changed.
  bool finish_page(PageAnalysis& page, std::vector<Tag> added, bool dropped) {
    const bool had_new_tags = !added.empty();
    bool changed = had_new_tags || dropped;
    summary_.tags_added += static_cast<int>(added.size());
    for (Tag& tag : added) page.tags.push_back(std::move(tag));
    for (Tag& tag : page.tags) {
      if (tag.attribute("tagwarden-loader") == "template") continue;
      const ResourceInsight* found = is_http_url(tag.url) ? facts_for(tag.url) : nullptr;
      if (found == nullptr) continue;
      ResourceFacts facts = found->facts;
      if (facts.host_nxdomain) hosts_.add_reach(tag.host, page_url(page), facts);
      if (found->has_body && tag.has_attribute("integrity")) {
        IntegrityCheck check = check_integrity(tag.attribute("integrity"), found->digests);
        facts.integrity = std::string(to_string(check.outcome));
        facts.integrity_actual = check.actual;
      }
      facts.write_to(tag);
      changed = true;
    }
    if (!changed) return false;
    // The policy applies to what marketing added inside a container too.
    if (had_new_tags || dropped) run_page_rules(page, context_.rules);
    suggest_integrity(page);
    std::erase_if(page.findings, [](const Finding& f) { return is_resource_rule(f.rule); });
    std::vector<Finding> found = run_resource_rules(page, context_.rules);
    summary_.findings_added += static_cast<int>(found.size());
    page.findings.insert(page.findings.end(), std::make_move_iterator(found.begin()),
                         std::make_move_iterator(found.end()));
    return true;
  }

  // TW300 (no integrity on a versioned URL) can now say which hash to add.
  static void suggest_integrity(PageAnalysis& page) {
    for (Finding& finding : page.findings) {
      if (finding.rule != "TW300" ||
          finding.message.find("integrity=\"sha384-") != std::string::npos) {
        continue;
      }
      for (const Tag& tag : page.tags) {
        if (tag.url != finding.tag_url) continue;
        std::string_view hash = tag.attribute("resource-sri-sha384");
        if (hash.empty()) break;
        finding.message +=
            " Add integrity=\"" + std::string(hash) + "\" crossorigin=\"anonymous\".";
        break;
      }
    }
  }

  const AnalysisContext& context_;
  ResourceFetcher fetcher_;
  ThirdPartyHosts hosts_;
  std::size_t pages_planned_ = 0;
  bool any_derived_ = false;  // some page came back with tags derived in an earlier scan
  std::vector<ResourceRequest> round_one_;
  std::set<std::string> snippet_ids_;
  bool any_contained_tags_ = false;
  const std::atomic<bool>* stop_;
  int max_resources_;
  ThirdPartySummary summary_;
  std::unordered_map<std::string, Plan> plans_;
  std::unordered_map<std::string, ResourceInsight> insights_;
  std::map<std::string, std::string> gtm_named_;  // GTM id -> loader URL
  // CNAME cloaking: the site's own hosts other than the pages' (bounded), the pages' references
  // to them by page URL, and the hosts DNS says are aliases of a tracker.
  struct SiteReference {
    std::string url;
    std::string host;
    TagKind kind;
    Initiator initiator;
    int line;
    int column;
    bool in_head;
    bool in_noscript;
  };
  struct Cloaking {
    CloakedVendor vendor;
    std::vector<std::string> chain;
  };
  static constexpr std::size_t kMaxSiteHosts = 64;
  static constexpr std::size_t kMaxSiteReferences = 100'000;
  std::set<std::string> site_hosts_;
  std::unordered_map<std::string, std::vector<SiteReference>> site_references_;
  std::size_t site_reference_count_ = 0;
  std::unordered_map<std::string, Cloaking> cloaked_;
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<Tag>> custom_html_;
};

Status PagesInMemory::for_each(const std::function<bool(PageAnalysis&)>& visit) {
  for (PageAnalysis& page : pages_) visit(page);
  return Ok{};
}

ThirdPartyStage::ThirdPartyStage(const ResourceFetchOptions& options,
                                 const AnalysisContext& context)
    : impl_(std::make_unique<Impl>(options, context)) {}

ThirdPartyStage::~ThirdPartyStage() = default;

void ThirdPartyStage::plan(const PageAnalysis& page) {
  impl_->plan(page);
}

Result<ThirdPartySummary> ThirdPartyStage::run(
    PageSet& pages, const std::function<void(const PageAnalysis&)>& each_final) {
  return impl_->run(pages, each_final);
}

}  // namespace tw
