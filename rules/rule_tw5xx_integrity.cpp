// Payment-page script integrity (PCI DSS 4.0 requirements 6.4.3 and 11.6.1): scripts no entry of
// the scripts file authorizes (TW500), authorized scripts whose content changed (TW501), scripts
// added or removed since the last scan (TW502), and security headers changed since then (TW503).
#include <map>
#include <set>

#include "model/url.h"
#include "rules/rule_support.h"

namespace tw {
namespace {

// The page path, not the URL, keys fingerprints, as for every other page finding.
Finding integrity_finding(const RuleInfo& rule, const std::string& page, std::string message,
                          std::string evidence, const std::vector<std::string>& subject) {
  Finding finding;
  finding.rule = std::string(rule.id);
  finding.severity = rule.default_severity;
  finding.page = page;
  finding.message = std::move(message);
  finding.evidence = std::move(evidence);
  std::vector<std::string> parts{finding.rule, url_path_without_query(page)};
  parts.insert(parts.end(), subject.begin(), subject.end());
  finding.fingerprint = stable_fingerprint(parts);
  return finding;
}

Finding script_finding(const RuleInfo& rule, const PaymentPage& page, const PageScript& script,
                       std::string message, std::string evidence) {
  Finding finding = integrity_finding(rule, page.url, std::move(message), std::move(evidence),
                                      {script.is_inline ? script.sha384 : script.url});
  finding.vendor = script.vendor;
  if (!script.is_inline) {
    finding.tag_url = script.url;
    finding.host = url_host(script.url);
  }
  finding.line = script.line;
  finding.column = script.column;
  return finding;
}

std::string describe(const PageScript& script) {
  if (script.is_inline) return "inline script " + script.url.substr(script.url.rfind('#') + 1);
  return script.party + "-party script " + script.url;
}

const PaymentPage* find_page(const std::vector<PaymentPage>* pages, const std::string& url) {
  if (pages == nullptr) return nullptr;
  for (const PaymentPage& page : *pages) {
    if (page.url == url) return &page;
  }
  return nullptr;
}

const PageScript* find_script(const PaymentPage& page, const std::string& url) {
  for (const PageScript& script : page.scripts) {
    if (script.url == url) return &script;
  }
  return nullptr;
}

// Standing state: every script whose content no entry authorizes, scan after scan.
void check_unauthorized_script(const RuleInfo& rule, const IntegrityFacts& facts,
                               const RuleContext&, std::vector<Finding>& out) {
  for (const PaymentPage& page : facts.pages) {
    for (const PageScript& script : page.scripts) {
      if (script.status != "unauthorized" && script.status != "changed") continue;
      std::string hash =
          script.sha384.empty() ? "content not fetched: " + script.fetch_error : script.sha384;
      std::string why = script.status == "changed"
                            ? "its entry in the scripts file approved other content"
                            : "no entry of the scripts file authorizes it";
      out.push_back(script_finding(rule, page, script,
                                   describe(script) + " runs on a payment page and " + why, hash));
    }
  }
}

void check_changed_script(const RuleInfo& rule, const IntegrityFacts& facts, const RuleContext&,
                          std::vector<Finding>& out) {
  for (const PaymentPage& page : facts.pages) {
    const PaymentPage* before = find_page(facts.previous, page.url);
    for (const PageScript& script : page.scripts) {
      const PageScript* earlier = before ? find_script(*before, script.url) : nullptr;
      bool changed_now = earlier == nullptr || earlier->sha384 != script.sha384;
      // The change is an event, reported on the scan that sees it; TW500 keeps the standing state.
      if (script.status == "changed") {
        if (!changed_now) continue;
        out.push_back(script_finding(
            rule, page, script,
            describe(script) + " differs from the content its scripts-file entry approved",
            "approved " + script.approved_hash + "; now " + script.sha384));
        continue;
      }
      // A URL-only entry approves whatever the URL serves: a change since the last scan is news.
      if (script.status != "authorized" || !script.approved_hash.empty() || before == nullptr ||
          script.sha384.empty()) {
        continue;
      }
      if (earlier == nullptr || earlier->sha384.empty() || earlier->sha384 == script.sha384) {
        continue;
      }
      out.push_back(script_finding(rule, page, script,
                                   describe(script) + " changed since " + facts.previous_origin,
                                   "before " + earlier->sha384 + "; now " + script.sha384));
    }
  }
}

void check_script_added_or_removed(const RuleInfo& rule, const IntegrityFacts& facts,
                                   const RuleContext&, std::vector<Finding>& out) {
  for (const PaymentPage& page : facts.pages) {
    const PaymentPage* before = find_page(facts.previous, page.url);
    if (before == nullptr) continue;  // a new payment page: TW500 lists what is unapproved
    for (const PageScript& script : page.scripts) {
      if (find_script(*before, script.url) != nullptr) continue;
      out.push_back(script_finding(rule, page, script,
                                   describe(script) + " was added since " + facts.previous_origin,
                                   "added; now " + script.sha384));
    }
    for (const PageScript& script : before->scripts) {
      if (find_script(page, script.url) != nullptr) continue;
      Finding finding = script_finding(
          rule, page, script, describe(script) + " was removed since " + facts.previous_origin,
          "removed; was " + script.sha384);
      finding.severity = Severity::low;
      out.push_back(std::move(finding));
    }
  }
}

bool has_token(std::string_view value, std::string_view token) {
  return lower_ascii(value).find(token) != std::string::npos;
}

// A change that leaves the page less protected: the header gone, a CSP that now allows inline or
// evaluated code or any source, a cookie that lost Secure or HttpOnly, a shorter HSTS.
bool weakened(const std::string& name, const std::string& before, const std::string& after) {
  if (after.empty()) return true;
  if (name.starts_with("content-security-policy")) {
    for (std::string_view token : {"'unsafe-inline'", "'unsafe-eval'", " * ", " *;", "data:"}) {
      if (has_token(" " + after + " ", token) && !has_token(" " + before + " ", token)) return true;
    }
    for (std::string_view directive : {"default-src", "script-src", "frame-ancestors"}) {
      if (has_token(before, directive) && !has_token(after, directive)) return true;
    }
    return false;
  }
  if (name.starts_with("set-cookie ")) {
    for (std::string_view flag : {"secure", "httponly"}) {
      if (has_token(before, flag) && !has_token(after, flag)) return true;
    }
    return has_token(after, "samesite=none") && !has_token(before, "samesite=none");
  }
  if (name == "strict-transport-security") {
    return !has_token(after, "includesubdomains") && has_token(before, "includesubdomains");
  }
  return name == "x-frame-options" || name == "x-content-type-options";
}

std::map<std::string, std::string> header_map(const PaymentPage& page) {
  std::map<std::string, std::string> out;
  for (const SecurityHeader& header : page.headers) out[header.name] = header.value;
  return out;
}

void check_security_header_changed(const RuleInfo& rule, const IntegrityFacts& facts,
                                   const RuleContext&, std::vector<Finding>& out) {
  for (const PaymentPage& page : facts.pages) {
    const PaymentPage* before_page = find_page(facts.previous, page.url);
    if (before_page == nullptr) continue;
    std::map<std::string, std::string> before = header_map(*before_page);
    std::map<std::string, std::string> after = header_map(page);
    std::set<std::string> names;
    for (const auto& [name, value] : before) names.insert(name);
    for (const auto& [name, value] : after) names.insert(name);
    for (const std::string& name : names) {
      const std::string& was = before[name];
      const std::string& now = after[name];
      if (was == now) continue;
      bool worse = weakened(name, was, now);
      std::string what = was.empty()   ? "appeared"
                         : now.empty() ? "was removed"
                         : worse       ? "was weakened"
                                       : "changed";
      Finding finding = integrity_finding(rule, page.url,
                                          "response header " + name + " of the payment page " +
                                              what + " since " + facts.previous_origin,
                                          "before: " + (was.empty() ? "(absent)" : was) +
                                              " | after: " + (now.empty() ? "(absent)" : now),
                                          {name, was, now});
      if (!worse) finding.severity = Severity::medium;
      out.push_back(std::move(finding));
    }
  }
}

void mark_script(PageScript& script, const PaymentPolicy& payment) {
  ScriptVerdict verdict = judge_script(payment, script.url, script.is_inline, script.sha384);
  const AuthorizedScript* entry = verdict.entry != nullptr ? verdict.entry : verdict.pinned;
  if (entry == nullptr) {
    script.status = "unauthorized";
    return;
  }
  script.approved_hash = entry->sha384;
  script.owner = entry->owner;
  script.approved_by = entry->approved_by;
  script.approved_on = entry->approved_on;
  if (verdict.entry != nullptr) {
    script.status = "authorized";
  } else {
    script.status = script.sha384.empty() ? "unverified" : "changed";
  }
}

}  // namespace

void judge_payment_scripts(PaymentPage& page, const SanctionedStack* policy) {
  static const PaymentPolicy kNoScripts;
  const PaymentPolicy& payment =
      policy != nullptr && policy->details ? policy->details->payment : kNoScripts;
  for (PageScript& script : page.scripts) mark_script(script, payment);
}

extern const Rule kUnauthorizedScriptRule{
    {"TW500", "unauthorized-payment-script", "integrity",
     "Script on a payment page that the scripts file does not authorize", Severity::high,
     "PCI DSS 4.0 requirement 6.4.3: every script a payment page runs is inventoried, justified "
     "and authorized. No entry of the scripts file authorizes this script (inline or external, "
     "first, third or fourth party): none names it by URL or SHA-384, or its entry pinned other "
     "content.",
     "If the script belongs there, run 'tagwarden approve' and fill in owner, justification and "
     "approval in the scripts file through review; otherwise remove it from the page.",
     true},
    &check_unauthorized_script};

extern const Rule kChangedScriptRule{
    {"TW501", "payment-script-changed", "integrity",
     "Authorized payment-page script whose content changed", Severity::high,
     "The script's SHA-384 this scan differs from the hash its scripts-file entry approved (and "
     "from the last scan's: the change is reported once, TW500 keeps reporting the unapproved "
     "content) or, for an entry that names only a URL, from the last scan of the target. An "
     "approved script that changes without review is how payment skimmers arrive (Magecart).",
     "Compare the new content with the approved one. If the change is expected, approve the new "
     "hash through review; if not, treat it as an incident.",
     true},
    &check_changed_script};

extern const Rule kScriptAddedOrRemovedRule{
    {"TW502", "payment-script-added-or-removed", "integrity",
     "Script added to or removed from a payment page since the last scan", Severity::medium,
     "PCI DSS 4.0 requirement 11.6.1: unauthorized changes to a payment page's scripts are "
     "detected. Compares the page's scripts with the last scan of the same target (external "
     "scripts by URL, inline ones by their place on the page).",
     "Confirm the change was made on purpose and is authorized in the scripts file.", true},
    &check_script_added_or_removed};

extern const Rule kSecurityHeaderChangedRule{
    {"TW503", "payment-header-changed", "integrity",
     "Security header of a payment page changed or weakened since the last scan", Severity::high,
     "PCI DSS 4.0 requirement 11.6.1 covers the security-relevant HTTP headers as the browser "
     "receives them: Content-Security-Policy, Strict-Transport-Security, X-Frame-Options, "
     "Referrer-Policy, Permissions-Policy, X-Content-Type-Options and the flags of each "
     "Set-Cookie. A removed or weakened header is high; any other change is medium.",
     "Check the before and after values in the evidence; restore the header if the change was "
     "not intended.",
     true},
    &check_security_header_changed};

}  // namespace tw
