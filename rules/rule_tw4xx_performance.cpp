// Performance page rules: render-blocking scripts (TW400), document.write (TW401), too many
// third-party hosts (TW402) and render-critical origins without preconnect (TW406).
#include <set>

#include "rules/rule_support.h"

namespace tw {
namespace {

// Classic scripts are the only ones that block the parser; a type the browser does not run
// (text/plain waiting for consent, JSON data) blocks nothing.
bool is_classic_script_type(std::string_view type) {
  std::string t = lower_ascii(type);
  t = t.substr(0, t.find(';'));
  return t.empty() || t == "text/javascript" || t == "application/javascript" ||
         t == "application/x-javascript" || t == "text/ecmascript";
}

bool is_render_blocking(const Tag& tag) {
  return tag.kind == TagKind::script && tag.initiator == Initiator::parser && tag.in_head &&
         !tag.in_noscript && !tag.consent_gated && !tag.has_attribute("async") &&
         !tag.has_attribute("defer") && is_classic_script_type(tag.attribute("type"));
}

void check_render_blocking(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    if (!is_render_blocking(tag) || page.is_own(tag) || !reported.insert(tag.url).second) continue;
    out.push_back(tag_finding(rule, page, tag,
                              "third-party script from " + tag.host +
                                  " blocks rendering: it is in <head> without async or defer",
                              "<script src=\"" + tag.url + "\">", {tag.url}));
  }
}

void check_document_write(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  for (const Tag& tag : page.analysis.tags) {
    if (!tag.document_write || page.is_own(tag)) continue;
    std::string who = page.vendor_of(tag).empty() ? tag.host : page.vendor_of(tag);
    out.push_back(tag_finding(rule, page, tag,
                              "the " + who +
                                  " snippet uses document.write, which blocks the "
                                  "parser (and Chrome skips it on slow connections)",
                              tag.snippet.empty() ? tag.url : tag.snippet + " snippet",
                              {who, tag.snippet, tag.url}));
  }
}

constexpr int kDefaultHostBudget = 20;

void check_host_budget(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  int budget = kDefaultHostBudget;
  if (const SanctionedStack::Details* details = page.details()) {
    budget = details->budgets.third_party_hosts_per_page.value_or(kDefaultHostBudget);
  }
  std::set<std::string> hosts;
  for (const Tag& tag : page.analysis.tags) {
    if (loads_content(tag) && !tag.host.empty() && !page.is_own(tag)) hosts.insert(tag.host);
  }
  if (static_cast<int>(hosts.size()) <= budget) return;
  std::string evidence;
  for (const std::string& host : hosts) evidence += (evidence.empty() ? "" : ", ") + host;
  out.push_back(page_finding(rule, page,
                             "the page loads from " + std::to_string(hosts.size()) +
                                 " third-party hosts; the budget is " + std::to_string(budget),
                             evidence, {}));
}

void check_missing_preconnect(const RuleInfo& rule, const PageFacts& page,
                              std::vector<Finding>& out) {
  std::set<std::string> hinted;
  for (const Tag& tag : page.analysis.tags) {
    if (tag.kind == TagKind::preconnect) hinted.insert(origin_of(tag.url));
  }
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    bool critical =
        is_render_blocking(tag) || (tag.kind == TagKind::stylesheet && tag.in_head &&
                                    tag.initiator == Initiator::parser && !tag.in_noscript);
    if (!critical || page.is_own(tag)) continue;
    std::string origin = origin_of(tag.url);
    if (origin.empty() || hinted.count(origin) || !reported.insert(origin).second) continue;
    out.push_back(tag_finding(
        rule, page, tag,
        "render-critical third-party origin " + origin + " has no <link rel=\"preconnect\">",
        origin, {origin}));
  }
}

}  // namespace

extern const Rule kRenderBlockingRule{
    {"TW400", "render-blocking-script", "performance", "Render-blocking third-party script",
     Severity::medium,
     "A third-party script in <head> has neither async nor defer (and is not a module), so the "
     "browser stops building the page until the vendor's server answers. A slow or unreachable "
     "vendor then blanks your page.",
     "Add async (or defer when order matters) or load the tag through the tag manager."},
    &check_render_blocking};

extern const Rule kDocumentWriteRule{
    {"TW401", "document-write", "performance", "document.write in a tag snippet", Severity::medium,
     "An inline tag snippet writes into the page with document.write. It blocks the parser, "
     "Chrome refuses it on slow connections, and it is a classic sign of a legacy tag version.",
     "Replace the snippet with the vendor's current asynchronous version."},
    &check_document_write};

extern const Rule kHostBudgetRule{
    {"TW402", "third-party-host-budget", "performance",
     "More third-party hosts on a page than the budget", Severity::low,
     "The page loads from more distinct third-party hosts than budgets.third_party_hosts_per_page "
     "allows (20 when the policy sets none). Every host costs a DNS lookup, a connection and a "
     "party that sees your visitors.",
     "Remove tags nobody uses, consolidate vendors, or raise the budget deliberately."},
    &check_host_budget};

extern const Rule kMissingPreconnectRule{
    {"TW406", "missing-preconnect", "performance",
     "No preconnect for a render-critical third-party origin", Severity::low,
     "A render-blocking script or a stylesheet in <head> comes from a third-party origin the "
     "page does not preconnect to, so DNS, TCP and TLS to that origin happen on the critical "
     "path.",
     "Add <link rel=\"preconnect\" href=\"https://origin\" crossorigin> early in <head>, or make "
     "the resource non-blocking."},
    &check_missing_preconnect};

}  // namespace tw
