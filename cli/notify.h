// `scan --notify URL`: after a complete scan, the issues that are new since the target's previous
// complete scan, at or above --notify-on, posted as JSON to each webhook. The document has a
// `text` field that Slack and Microsoft Teams incoming webhooks display, and the issues for other
// receivers. Delivery never changes the exit code: a webhook that cannot be reached is a note.
// Webhook URLs are secrets: no output, report or stored setting ever holds one; a webhook is
// named by its position on the command line.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "model/analysis.h"
#include "model/issue.h"
#include "model/result.h"
#include "model/severity.h"

namespace tw::cli {

struct NotifyFlags {
  std::vector<std::string> urls;
  std::string on = "high";
};

boost::program_options::options_description notify_options(NotifyFlags& flags);

// Every URL http(s), the severity known; errors name a webhook by position, not by URL.
Status check_notify_flags(const NotifyFlags& flags);

// The issues of `current` with unsuppressed instances at or above `at_least` whose ids are not
// among `previous` (empty when the target has no earlier complete scan), in report order.
std::vector<Issue> new_issues(std::vector<Issue> current, const std::vector<Issue>& previous,
                              Severity at_least);

// The JSON document posted: {"text", "scan", "notify_on", "issues"}.
std::string notification_json(const ScanInfo& scan, const std::vector<Issue>& issues,
                              Severity at_least);

// Finds the new issues of the stored scan `report` against the previous complete scan of the
// same targets in `db_path`, and posts them when there are any. Returns one line per webhook:
// "notified: webhook N (K new issues)" or a note of why delivery failed.
std::vector<std::string> notify_new_issues(const NotifyFlags& flags, const std::string& db_path,
                                           const ScanReport& report);

}  // namespace tw::cli
