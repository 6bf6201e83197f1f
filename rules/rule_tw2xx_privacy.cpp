// Privacy page rules: consent (TW200), personal data in URLs (TW201), trackers on sensitive pages
// (TW202), session replay and fingerprinting (TW204), trackers that ignore a rejection (TW205),
// trackers behind a CNAME alias of the site's own host (TW206).
#include <set>

#include "rules/personal_data.h"
#include "rules/rule_support.h"

namespace tw {
namespace {

bool is_tracking(const PageFacts& page, const Tag& tag) {
  return is_tracking_category(page.category_of(tag));
}

// The browser pass rendered the page in the `none` state and the tag's host was requested.
bool loaded_without_a_choice(const Tag& tag) {
  std::string_view states = tag.attribute("browser-states");
  for (std::size_t start = 0; start <= states.size();) {
    std::size_t comma = std::min(states.find(',', start), states.size());
    if (states.substr(start, comma - start) == "none") return true;
    start = comma + 1;
  }
  return false;
}

void check_consent(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  const std::vector<Tag>& tags = page.analysis.tags;
  const int manager = page.analysis.consent_manager_index;
  std::set<std::string> reported;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const Tag& tag = tags[i];
    // The browser saw it load in the `none` state: no choice was made, whatever the markup says.
    const bool loaded_unchosen = loaded_without_a_choice(tag);
    if (!loads_content(tag) || (tag.consent_gated && !loaded_unchosen) || page.is_own(tag) ||
        !is_tracking(page, tag)) {
      continue;
    }
    std::string vendor = page.vendor_of(tag);
    std::string who = vendor.empty() ? tag.host : vendor;
    if (!reported.insert(lower_ascii(who)).second) continue;
    std::string state;
    std::string message;
    Severity severity = rule.default_severity;
    if (manager < 0) {
      state = "no-consent-manager";
      message = who + " tracks visitors on a page without any consent manager";
    } else if (loaded_unchosen) {
      state = "loaded-before-choice";
      message = who +
                " made requests in the browser before the visitor chose anything in the "
                "consent manager (" +
                tags[manager].host + ")";
    } else if (loaded_by_other_code(tag.initiator) || tag.initiator == Initiator::runtime) {
      continue;  // loaded by other code: its ordering against the manager is unknown here
    } else if (static_cast<int>(i) < manager) {
      state = "before-consent-manager";
      message = who + " loads before the consent manager (" + tags[manager].host +
                "), so it runs before the visitor can choose";
      severity = Severity::medium;
    } else {
      state = "not-gated";
      message = who +
                " is not blocked until consent: mark it for the consent manager (for "
                "example type=\"text/plain\" with the manager's category class)";
      severity = Severity::low;
    }
    Finding finding = tag_finding(rule, page, tag, message, tag.url, {lower_ascii(who), state});
    finding.severity = severity;
    out.push_back(std::move(finding));
  }
}

void check_personal_data(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  bool has_third_party = false;
  for (const Tag& tag : page.analysis.tags) {
    if (!loads_content(tag) || page.is_own(tag)) continue;
    has_third_party = true;
    for (const PersonalDataHit& hit : find_personal_data(tag.url)) {
      out.push_back(tag_finding(rule, page, tag,
                                "a third-party URL to " + tag.host + " carries personal data (" +
                                    hit.kind + ") in '" + hit.parameter + "'",
                                hit.parameter + "=" + hit.redacted,
                                {tag.host, hit.parameter, hit.kind}));
    }
  }
  if (!has_third_party) return;
  // The page's own URL reaches every third party through the Referer header and through the
  // scripts that report the page location.
  for (const PersonalDataHit& hit : find_personal_data(page.url)) {
    out.push_back(
        page_finding(rule, page,
                     "the page URL carries personal data (" + hit.kind + ") in '" + hit.parameter +
                         "', which leaks to the third parties on it (referrer and "
                         "page-location reporting)",
                     hit.parameter + "=" + hit.redacted, {"page-url", hit.parameter, hit.kind}));
  }
}

// Used when the policy names no sensitive paths.
constexpr std::string_view kDefaultSensitive[] = {
    "/login/**",      "/signin/**",   "/sign-in/**", "/register/**", "/account/**",
    "/my-account/**", "/checkout/**", "/cart/**",    "/basket/**",   "/payment/**",
    "/password/**",   "/health/**",   "/patient/**", "/medical/**"};

bool is_sensitive_page(const PageFacts& page, std::string& matched) {
  const SanctionedStack::Details* details = page.details();
  if (details != nullptr && !details->sensitive.empty()) {
    for (const SensitivePattern& pattern : details->sensitive) {
      if (pattern.matches(page.path, page.path_and_query)) {
        matched = pattern.text();
        return true;
      }
    }
    return false;
  }
  static const std::vector<Glob> defaults = [] {
    std::vector<Glob> globs;
    for (std::string_view text : kDefaultSensitive) {
      globs.push_back(Glob::compile(text, Glob::Kind::path).value());
    }
    return globs;
  }();
  for (const Glob& glob : defaults) {
    // "/login/**" also covers "/login.html": strip a trailing extension before matching.
    std::string path = page.path;
    std::size_t dot = path.rfind('.');
    if (dot != std::string::npos && path.find('/', dot) == std::string::npos) path.resize(dot);
    if (glob.matches(page.path) || glob.matches(path)) {
      matched = glob.text();
      return true;
    }
  }
  return false;
}

void check_sensitive_page_tracker(const RuleInfo& rule, const PageFacts& page,
                                  std::vector<Finding>& out) {
  std::string matched;
  if (!is_sensitive_page(page, matched)) return;
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    if (!loads_content(tag) || page.is_own(tag)) continue;
    std::string category = page.category_of(tag);
    if (category != "advertising" && category != "social") continue;
    std::string who = page.vendor_of(tag).empty() ? tag.host : page.vendor_of(tag);
    if (!reported.insert(lower_ascii(who)).second) continue;
    out.push_back(tag_finding(
        rule, page, tag, category + " tracker " + who + " on a sensitive page (" + matched + ")",
        tag.url, {lower_ascii(who)}));
  }
}

// Device fingerprinting services; the catalogue files them under utility or other.
constexpr std::string_view kFingerprintingDomains[] = {"fpjs.io", "fpcdn.io", "openfpcdn.io",
                                                       "fingerprint.com", "fpapi.io"};

void check_session_replay(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    if (!loads_content(tag) || page.is_own(tag)) continue;
    std::string kind;
    if (page.category_of(tag) == "session-replay") kind = "session-replay";
    for (std::string_view domain : kFingerprintingDomains) {
      if (tag.domain == domain) kind = "fingerprinting";
    }
    if (kind.empty()) continue;
    std::string vendor = page.vendor_of(tag);
    std::string who = vendor.empty() ? tag.host : vendor;
    if (!reported.insert(lower_ascii(who)).second) continue;
    bool sanctioned =
        page.policy() != nullptr && find_sanctioned(*page.policy(), vendor, tag.host) != nullptr;
    Finding finding = tag_finding(rule, page, tag,
                                  who + " is a " + kind + " vendor" +
                                      (sanctioned ? " (sanctioned: keep its masking reviewed)"
                                                  : ": it records what visitors do and type"),
                                  tag.url, {lower_ascii(who)});
    if (sanctioned) finding.severity = Severity::info;
    out.push_back(std::move(finding));
  }
}

// The consent manager the browser told to reject, for the message.
std::string rejecting_manager(const PageAnalysis& page) {
  for (const BrowserVisit& visit : page.browser) {
    if (visit.consent_state == ConsentState::reject) return visit.consent_manager;
  }
  return {};
}

void check_tracking_after_reject(const RuleInfo& rule, const PageFacts& page,
                                 std::vector<Finding>& out) {
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    std::string_view what = tag.attribute("browser-after-reject");
    if (what.empty() || page.is_own(tag) || !is_tracking(page, tag)) continue;
    std::string vendor = page.vendor_of(tag);
    std::string who = vendor.empty() ? tag.host : vendor;
    if (!reported.insert(lower_ascii(who)).second) continue;
    out.push_back(tag_finding(rule, page, tag,
                              who + " " + std::string(what) +
                                  " after the visitor rejected consent (" +
                                  rejecting_manager(page.analysis) + ")",
                              std::string(what), {lower_ascii(who)}));
  }
}

// The third-party stage found the host to be a DNS alias of a tracker's (tag.cloaked): one
// finding per cloaked host on the page, naming the chain.
void check_cname_cloaking(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out) {
  std::set<std::string> reported;
  for (const Tag& tag : page.analysis.tags) {
    if (!tag.cloaked || !reported.insert(tag.host).second) continue;
    std::string chain = tag.host;
    for (const std::string& name : tag.cname_chain) chain += " -> " + name;
    std::string who = !tag.vendor.empty()        ? tag.vendor
                      : !tag.cname_chain.empty() ? tag.cname_chain.back()
                                                 : std::string("a tracker");
    out.push_back(tag_finding(rule, page, tag,
                              tag.host + " is a DNS alias of " + who +
                                  ": cookies set for the site's domain reach " + who +
                                  " with every request to it",
                              "CNAME " + chain, {tag.host, lower_ascii(who)}));
  }
}

}  // namespace

bool is_sensitive_page(const PageAnalysis& page, const RuleContext& context) {
  std::string matched;
  return is_sensitive_page(PageFacts(page, context), matched);
}

extern const Rule kTrackingAfterRejectRule{
    {"TW205", "tracking-after-reject", "privacy", "Tracker loads or sets a cookie after reject",
     Severity::high,
     "Rendered in headless Chromium with --consent reject, the page's consent manager was told "
     "(through its own API) that the visitor rejects everything, and a tracking vendor still made "
     "a request or wrote a cookie afterwards. The consent banner's choice is not honoured.",
     "Gate the vendor on the consent manager's categories (its script type or class, or the tag "
     "manager's consent checks), and make sure the tag manager re-checks consent before it fires."},
    &check_tracking_after_reject};

extern const Rule kConsentRule{
    {"TW200", "tracking-without-consent", "privacy",
     "Tracking vendor loads without consent management", Severity::high,
     "A tracking vendor (analytics, advertising, social, session replay...) loads on a page with "
     "no consent manager at all (high), before the consent manager in the page (medium), or "
     "after it without being marked for blocking (low). With --browser, a tracker the browser saw "
     "load before the visitor chose anything is high, marked for blocking or not. Under GDPR and "
     "ePrivacy, tracking needs "
     "consent before it runs.",
     "Load the consent manager first, and mark each tracking tag so it waits for consent (the "
     "manager's script type or class, or consent mode in the tag manager)."},
    &check_consent};

extern const Rule kPersonalDataRule{
    {"TW201", "personal-data-in-url", "privacy", "Personal data in a third-party URL",
     Severity::high,
     "A third-party URL carries personal data: an e-mail address (in clear or URL-encoded), a "
     "phone number, or a hashed e-mail or phone in the parameters trackers use for them; or the "
     "page's own URL carries such data, which reaches every third party on the page through the "
     "referrer and page-location reporting. Hashes of e-mail addresses are still personal data.",
     "Stop putting personal data in URLs: send identifiers through the vendor's server-side API "
     "with consent, and keep e-mail addresses out of page URLs (use POST)."},
    &check_personal_data};

extern const Rule kSensitivePageTrackerRule{
    {"TW202", "tracker-on-sensitive-page", "privacy",
     "Advertising or social tracker on a sensitive page", Severity::high,
     "An advertising or social-media tracker loads on a sensitive page (login, account, checkout, "
     "payment, health). The policy's sensitive_paths decide which pages are sensitive; without "
     "them, common paths such as /login/**, /account/**, /checkout/**, /cart/**, /payment/** and "
     "/health/** are.",
     "Exclude these pages from the tag's triggers; measure conversions on the confirmation page "
     "with consent instead."},
    &check_sensitive_page_tracker};

extern const Rule kSessionReplayRule{
    {"TW204", "session-replay", "privacy", "Session-replay or fingerprinting vendor present",
     Severity::medium,
     "A session-replay vendor records what visitors do and type; a fingerprinting service "
     "identifies devices without cookies. Both are high-risk for privacy. A vendor the policy "
     "sanctions is reported as info, as a reminder to keep its masking and consent reviewed.",
     "Remove it, or sanction it with masking of inputs and personal data, and load it only "
     "after consent."},
    &check_session_replay};

extern const Rule kCnameCloakingRule{
    {"TW206", "cname-cloaking", "privacy", "Tracker hidden behind a CNAME of the site's own host",
     Severity::high,
     "A host of the site itself (metrics.example.com) is a DNS alias (CNAME) of a tracker's "
     "domain, so the tracker answers under the site's name. Browsers send it the cookies set for "
     "the site's domain, session and login cookies included, and treat it as first party, which "
     "defeats third-party cookie blocking and tracker blocklists. The tracker comes from the "
     "vendor catalogue's tracking vendors or the shipped list of known cloaking targets "
     "(NextDNS); the evidence names the CNAME chain.",
     "Load the vendor from its own domain, with consent, or move the alias to a cookieless "
     "subdomain of a separate domain; at the least scope the site's cookies to the hosts that "
     "need them (no Domain attribute) and mark them HttpOnly."},
    &check_cname_cloaking};

}  // namespace tw
