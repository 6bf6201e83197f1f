#include "cli/notify.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "crawler/webhook.h"
#include "model/text.h"
#include "model/url.h"
#include "reports/report_summary.h"
#include "rules/rule_catalogue.h"
#include "store/scan_store.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;
using Json = nlohmann::json;

constexpr std::size_t kTextLines = 20;  // issues listed in `text`; all are in `issues`
constexpr std::size_t kExamples = 3;

// Slack's escaping for its message text (Teams shows the same text as written): a crawled page
// words the messages, and must not turn them into links or mentions.
std::string chat_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (static_cast<unsigned char>(c) < 0x20 && c != '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string summary_text(const ScanInfo& scan, const std::vector<Issue>& issues,
                         Severity at_least) {
  std::string text = "tagwarden: " + std::to_string(issues.size()) +
                     (issues.size() == 1 ? " new issue" : " new issues") + " at or above " +
                     std::string(to_string(at_least)) + " on " + join(scan.targets, ", ") +
                     " (scan " + std::to_string(scan.id) + ")";
  for (std::size_t i = 0; i < issues.size() && i < kTextLines; ++i) {
    const Issue& issue = issues[i];
    text += "\n- [" + std::string(to_string(issue.severity)) + "] " + issue.rule + " " +
            issue.message + " (" + std::to_string(issue.pages) +
            (issue.pages == 1 ? " page)" : " pages)");
  }
  if (issues.size() > kTextLines) {
    text += "\n+" + std::to_string(issues.size() - kTextLines) + " more in the scan's reports";
  }
  return chat_text(text);
}

Json issue_json(const Issue& issue) {
  const RuleInfo* rule = find_rule(issue.rule);
  Json pages = Json::array();
  for (std::size_t i = 0; i < issue.examples.size() && i < kExamples; ++i) {
    pages.push_back(issue.examples[i].page);
  }
  return Json{{"id", issue.id},
              {"rule", issue.rule},
              {"title", rule != nullptr ? std::string(rule->title) : std::string()},
              {"severity", to_string(issue.severity)},
              {"message", issue.message},
              {"vendor", issue.vendor},
              {"host", issue.host},
              {"instances", issue.instances},
              {"pages", issue.pages},
              {"example_pages", std::move(pages)}};
}

// The issues of a stored scan, grouped as the reports group them.
Result<std::vector<Issue>> stored_issues(ScanStore& store, std::int64_t scan_id) {
  Result<ScanReport> report = store.stream_scan(scan_id);
  if (!report) return Error{report.error()};
  std::vector<Issue> issues = group_issues(*report, 0);
  if (!report->walk_error.empty()) return Error{report->walk_error};
  return issues;
}

}  // namespace

po::options_description notify_options(NotifyFlags& flags) {
  po::options_description options("Alerts");
  // clang-format off
  options.add_options()
    ("notify", po::value(&flags.urls)->value_name("URL")->composing(), "after a complete scan, post the issues new since the target's last scan to this webhook (repeatable; Slack, Teams, any JSON receiver)")
    ("notify-on", po::value(&flags.on)->value_name("SEVERITY"), "the least severity --notify posts (default high)");
  // clang-format on
  return options;
}

Status check_notify_flags(const NotifyFlags& flags) {
  if (!parse_severity(flags.on)) {
    return Error{"--notify-on must be one of info, low, medium, high, critical, not '" + flags.on +
                 "'"};
  }
  for (std::size_t i = 0; i < flags.urls.size(); ++i) {
    if (!is_http_url(flags.urls[i]) || !parse_url(flags.urls[i])) {
      return Error{"--notify webhook " + std::to_string(i + 1) + " is not an http(s) URL"};
    }
  }
  return Ok{};
}

std::vector<Issue> new_issues(std::vector<Issue> current, const std::vector<Issue>& previous,
                              Severity at_least) {
  std::set<std::string> known;
  for (const Issue& issue : previous) known.insert(issue.id);
  ReportOptions unsuppressed_at_least;  // no baseline: every open instance counts
  unsuppressed_at_least.fail_on = at_least;
  std::erase_if(current, [&](const Issue& issue) {
    return known.contains(issue.id) || failing_instances(issue, unsuppressed_at_least) == 0;
  });
  return current;
}

std::string notification_json(const ScanInfo& scan, const std::vector<Issue>& issues,
                              Severity at_least) {
  Json list = Json::array();
  for (const Issue& issue : issues) list.push_back(issue_json(issue));
  Json document{{"text", summary_text(scan, issues, at_least)},
                {"scan",
                 {{"id", scan.id},
                  {"targets", scan.targets},
                  {"started", scan.started},
                  {"finished", scan.finished}}},
                {"notify_on", to_string(at_least)},
                {"issues", std::move(list)}};
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::vector<std::string> notify_new_issues(const NotifyFlags& flags, const std::string& db_path,
                                           const ScanReport& report) {
  if (flags.urls.empty()) return {};
  Severity at_least = *parse_severity(flags.on);
  Result<ScanStore> store = ScanStore::open(db_path);
  if (!store) return {"note: --notify skipped: " + store.error()};
  std::vector<Issue> previous;
  if (Result<std::int64_t> before = store->previous_complete_scan_id(report.scan.id); before) {
    Result<std::vector<Issue>> listed = stored_issues(*store, *before);
    if (!listed) return {"note: --notify skipped: reading the previous scan: " + listed.error()};
    previous = std::move(listed).value();
  }
  std::vector<Issue> fresh = new_issues(group_issues(report, kExamples), previous, at_least);
  if (fresh.empty()) return {};
  std::string body = notification_json(report.scan, fresh, at_least);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < flags.urls.size(); ++i) {
    std::string webhook = "webhook " + std::to_string(i + 1);
    Status posted = post_json(flags.urls[i], body, WebhookOptions{});
    lines.push_back(posted ? "notified: " + webhook + " (" + std::to_string(fresh.size()) +
                                 (fresh.size() == 1 ? " new issue)" : " new issues)")
                           : "note: --notify " + webhook + " not delivered: " + posted.error());
  }
  return lines;
}

}  // namespace tw::cli
