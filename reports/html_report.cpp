// The HTML report: one self-contained file for people (no network at view time). Findings are
// shown grouped into issues (model/issue.h) first; every long list and table is cut to its first
// entries with a "+N more" or a pointer to the JSON/CSV reports, so 100,000 pages stay readable.
// Every crawled string goes through report_text::html; crawled URLs are shown as text, never as
// links. The report carries its own strict Content-Security-Policy (only its own script and style,
// by hash), so even a missed escape could not run an injected script.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "model/clock.h"
#include "model/text.h"
#include "model/version.h"
#include "reports/report_summary.h"
#include "reports/report_text.h"
#include "reports/html_page.h"
#include "reports/writers.h"

namespace tw {
namespace {

using report_text::html;

// Caps that keep the file readable (and under ~10 MB) at 100,000 pages; what is cut says where
// the rest is (the JSON and CSV reports hold everything).
constexpr std::size_t kMaxIssueRows = 1000;
constexpr std::size_t kMaxFindingRows = 1000;
constexpr std::size_t kMaxMatrixRows = 200;
constexpr std::size_t kMaxMatrixColumns = 40;
constexpr std::size_t kMaxPageRows = 1000;
constexpr std::size_t kMaxVendorRows = 1000;
constexpr std::size_t kListShown = 5;  // hosts, ids and pages in one cell
constexpr std::size_t kIssuePagesShown = 3;

std::string_view severity_fill(Severity severity) {
  switch (severity) {
    case Severity::critical:
      return "#7b1fa2";
    case Severity::high:
      return "#c62828";
    case Severity::medium:
      return "#ef6c00";
    case Severity::low:
      return "#0277bd";
    case Severity::info:
      return "#607d8b";
  }
  return "#607d8b";
}

std::string severity_badge(Severity severity) {
  return fmt::format("<span class=\"sev sev-{0}\">{0}</span>", to_string(severity));
}

void card(std::ostream& out, std::string_view number, std::string_view label) {
  out << "<div class=\"card\"><div class=\"n\">" << number << "</div><div class=\"l\">" << label
      << "</div></div>\n";
}

// Stacked horizontal bars: findings per rule area, one segment per severity.
void area_chart(std::ostream& out, const ReportSummary& s) {
  constexpr int kLabel = 110, kBar = 360, kRow = 26, kTop = 8;
  int max_total = 1;
  for (std::string_view area : kAreas) {
    int total = 0;
    auto it = s.by_area.find(std::string(area));
    if (it != s.by_area.end()) {
      for (const auto& [severity, count] : it->second) total += count;
    }
    max_total = std::max(max_total, total);
  }
  int height = kTop + kRow * static_cast<int>(kAreas.size()) + 34;
  out << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"Findings by area and severity\">\n",
      kLabel + kBar + 50, height);
  int y = kTop;
  for (std::string_view area : kAreas) {
    out << fmt::format("<text x=\"0\" y=\"{}\" font-size=\"12\" fill=\"#1d2330\">{}</text>\n",
                       y + 15, html(area));
    int x = kLabel, total = 0;
    auto it = s.by_area.find(std::string(area));
    for (Severity severity : kSeveritiesWorstFirst) {
      int count = 0;
      if (it != s.by_area.end()) {
        auto found = it->second.find(severity);
        if (found != it->second.end()) count = found->second;
      }
      if (count == 0) continue;
      int width = std::max(2, count * kBar / max_total);
      out << fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"18\" fill=\"{}\"><title>{} {}: {}"
          "</title></rect>\n",
          x, y + 2, width, severity_fill(severity), html(area), to_string(severity), count);
      x += width;
      total += count;
    }
    out << fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#5b6475\">{}</text>\n",
                       x + 6, y + 15, total);
    y += kRow;
  }
  int lx = 0;
  for (Severity severity : kSeveritiesWorstFirst) {
    out << fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" "
        "font-size=\"12\" fill=\"#1d2330\">{}</text>\n",
        lx, y + 10, severity_fill(severity), lx + 16, y + 20, to_string(severity));
    lx += 90;
  }
  out << "</svg>\n";
}

void vendor_chart(std::ostream& out, const ReportSummary& s) {
  constexpr int kLabel = 150, kBar = 300, kRow = 24;
  std::size_t max_count = 1;
  for (const CategoryGroup& group : s.categories)
    max_count = std::max(max_count, group.vendors.size());
  int rows = std::max<int>(1, static_cast<int>(s.categories.size()));
  out << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"Vendors per category\">\n",
      kLabel + kBar + 40, rows * kRow + 8);
  int y = 4;
  if (s.categories.empty()) {
    out << "<text x=\"0\" y=\"16\" font-size=\"12\" fill=\"#5b6475\">no vendors found</text>\n";
  }
  for (const CategoryGroup& group : s.categories) {
    int width = static_cast<int>(group.vendors.size() * kBar / max_count);
    std::string label = report_text::truncate_to_width(
        group.category.empty() ? std::string("(uncategorised)") : group.category, 22);
    out << fmt::format("<text x=\"0\" y=\"{}\" font-size=\"12\" fill=\"#1d2330\">{}</text>\n",
                       y + 14, html(label));
    out << fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" fill=\"{}\"><title>{}: {}</title>"
        "</rect>\n",
        kLabel, y + 2, std::max(2, width), group.overlap ? "#ef6c00" : "#2457c5",
        html(group.category), group.vendors.size());
    out << fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#5b6475\">{}</text>\n",
                       kLabel + std::max(2, width) + 6, y + 14, group.vendors.size());
    y += kRow;
  }
  out << "</svg>\n";
}

int trend_total(const TrendPoint& point) {
  int total = 0;
  for (int count : point.findings) total += count;
  return total;
}

int trend_severe(const TrendPoint& point) {
  return point.findings[static_cast<std::size_t>(Severity::critical)] +
         point.findings[static_cast<std::size_t>(Severity::high)];
}

// Unsuppressed findings (all, and high or critical) over the last scans of the same targets: one
// circle per scan, its counts in its title.
void trend_chart(std::ostream& out, const std::vector<TrendPoint>& trend) {
  constexpr int kLeft = 40, kWidth = 420, kTop = 10, kHeight = 110;
  int max_total = 1;
  for (const TrendPoint& point : trend) max_total = std::max(max_total, trend_total(point));
  const int steps = std::max<int>(1, static_cast<int>(trend.size()) - 1);
  auto x_of = [&](std::size_t i) { return kLeft + static_cast<int>(i) * kWidth / steps; };
  auto y_of = [&](int count) { return kTop + kHeight - count * kHeight / max_total; };
  out << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"Findings over the last scans\" class=\"trend\">\n",
      kLeft + kWidth + 20, kTop + kHeight + 40);
  out << fmt::format(
      "<text x=\"0\" y=\"{}\" font-size=\"12\" fill=\"#5b6475\">{}</text>\n"
      "<text x=\"0\" y=\"{}\" font-size=\"12\" fill=\"#5b6475\">0</text>\n"
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#d7dbe3\"/>\n",
      kTop + 10, max_total, kTop + kHeight, kLeft, kTop + kHeight, kLeft + kWidth, kTop + kHeight);
  for (auto [count_of, colour] :
       {std::pair{&trend_total, "#2457c5"}, std::pair{&trend_severe, "#c62828"}}) {
    std::string points;
    for (std::size_t i = 0; i < trend.size(); ++i) {
      points += fmt::format("{}{},{}", i ? " " : "", x_of(i), y_of(count_of(trend[i])));
    }
    out << fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n",
                       points, colour);
  }
  for (std::size_t i = 0; i < trend.size(); ++i) {
    const TrendPoint& point = trend[i];
    std::string counts;
    for (Severity severity : kSeveritiesWorstFirst) {
      counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", to_string(severity),
                            point.findings[static_cast<std::size_t>(severity)]);
    }
    out << fmt::format(
        "<circle class=\"trend-point\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#2457c5\"><title>scan "
        "{}, {}: {} pages, {} findings ({})</title></circle>\n",
        x_of(i), y_of(trend_total(point)), point.scan_id, html(point.started), point.pages,
        trend_total(point), counts);
  }
  const std::size_t last = trend.size() - 1;
  out << fmt::format(
      "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#5b6475\">{}</text>\n"
      "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#5b6475\" text-anchor=\"end\">{}</text>\n"
      "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#2457c5\">all findings</text>\n"
      "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#c62828\">high and critical</text>\n",
      kLeft, kTop + kHeight + 16, html(trend.front().started.substr(0, 10)), x_of(last),
      kTop + kHeight + 16, html(trend[last].started.substr(0, 10)), kLeft, kTop + kHeight + 34,
      kLeft + 110, kTop + kHeight + 34);
  out << "</svg>\n";
}

std::string more_note(std::size_t more) {
  return more == 0 ? std::string() : fmt::format("<br><span class=\"muted\">+{} more</span>", more);
}

// The first few values, one per line, then "+N more".
std::string join_escaped(const std::vector<std::string>& values) {
  std::string out;
  std::size_t shown = std::min(values.size(), kListShown);
  for (std::size_t i = 0; i < shown; ++i) {
    out += (i ? "<br>" : "") + std::string("<code>") + html(values[i]) + "</code>";
  }
  return out + more_note(values.size() - shown);
}

// "<p>First N of M x shown; ...</p>" when a table was cut.
void cut_note(std::ostream& out, std::size_t shown, std::size_t total, std::string_view what,
              std::string_view where) {
  if (total <= shown) return;
  out << fmt::format("<p class=\"muted cut\">First {} of {} {} shown; {}.</p>\n", shown, total,
                     what, where);
}

void summary_section(std::ostream& out, const ScanReport& report, const ReportSummary& s,
                     const ReportOptions& options, int failing) {
  out << "<section id=\"summary\"><h2>Executive summary</h2>\n<div class=\"cards\">\n";
  card(out, fmt::format("{} / {}", s.pages_analysed, s.pages_total), "pages analysed / crawled");
  card(out, std::to_string(report.vendors.size()), "vendors");
  card(out, std::to_string(s.vendors_by_status.at("sanctioned")), "sanctioned");
  card(out,
       std::to_string(s.vendors_by_status.at("unsanctioned") + s.vendors_by_status.at("forbidden")),
       "unsanctioned or forbidden");
  card(out, std::to_string(s.vendors_by_status.at("unreviewed")), "unreviewed (not in a policy)");
  card(out, std::to_string(s.findings - s.suppressed), "findings");
  card(out, std::to_string(failing),
       "failing at or above " + std::string(to_string(options.fail_on)));
  out << "</div>\n<table class=\"severity-counts\"><thead><tr>";
  for (Severity severity : kSeveritiesWorstFirst)
    out << "<th>" << severity_badge(severity) << "</th>";
  out << "<th>suppressed</th>" << (options.baseline ? "<th>new since baseline</th>" : "")
      << "</tr></thead><tbody><tr>";
  for (Severity severity : kSeveritiesWorstFirst) {
    out << "<td class=\"num\">" << s.by_severity.at(severity) << "</td>";
  }
  out << "<td class=\"num\">" << s.suppressed << "</td>";
  if (options.baseline) out << "<td class=\"num\">" << s.new_findings << "</td>";
  out << "</tr></tbody></table>\n";
  std::vector<std::string> overlaps;
  for (const CategoryGroup& group : s.categories) {
    if (group.overlap) {
      overlaps.push_back(
          fmt::format("{} ({} vendors)", html(group.category), group.vendors.size()));
    }
  }
  if (!overlaps.empty()) {
    std::string list;
    for (const std::string& o : overlaps) list += (list.empty() ? "" : ", ") + o;
    out << "<p><strong>Overlap (Frankenstack):</strong> several vendors do the same job in " << list
        << ".</p>\n";
  }
  out << "</section>\n";
}

void vendor_section(std::ostream& out, const ReportSummary& s,
                    const std::map<std::string, std::vector<std::string>>& cloaked) {
  out << "<section id=\"vendors\"><h2>Vendor inventory by category</h2>\n";
  if (s.categories.empty()) out << "<p class=\"muted\">No third-party vendor was found.</p>\n";
  std::size_t rows = 0, total = 0;
  for (const CategoryGroup& group : s.categories) total += group.vendors.size();
  for (const CategoryGroup& group : s.categories) {
    if (rows >= kMaxVendorRows) break;
    out << "<h3>" << html(group.category.empty() ? "(uncategorised)" : group.category) << " <span "
        << "class=\"muted\">(" << group.vendors.size() << ")</span>";
    if (group.overlap) {
      out << "<span class=\"overlap\">overlap: " << group.vendors.size()
          << " vendors in one category</span>";
    }
    out << "</h3>\n<table class=\"sortable\"><thead><tr><th>vendor</th><th>status</th>"
           "<th>owner</th><th class=\"num\">pages</th><th>hosts</th><th>ids</th><th>seen by</th>"
           "</tr></thead>"
           "<tbody>\n";
    for (const VendorSummary* v : group.vendors) {
      if (rows++ == kMaxVendorRows) break;
      out << "<tr><td>" << html(v->name);
      if (auto hosts = cloaked.find(v->name); hosts != cloaked.end()) {
        out << "<br><span class=\"muted\">cloaked: CNAME of " << join_escaped(hosts->second)
            << "</span>";
      }
      out << "</td><td class=\"status-" << html(v->status) << "\">" << html(v->status)
          << "</td><td>" << html(v->owner) << "</td><td class=\"num\">" << v->pages << "</td><td>"
          << join_escaped(v->hosts) << "</td><td>" << join_escaped(v->ids) << "</td><td>"
          << html(join(seen_by(v->seen_statically, v->seen_by_browser), " + ")) << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
  }
  cut_note(out, std::min(rows, kMaxVendorRows), total, "vendors",
           "the CSV vendor inventory lists them all");
  out << "</section>\n";
}

std::string expiry_text(double expires) {
  if (expires < 0) return "session";
  return utc_iso8601(static_cast<long long>(expires)).substr(0, 10);  // the day is enough
}

// How the setter set a cookie, after its URL.
std::string_view set_via_text(std::string_view via) {
  if (via == "response") return " (Set-Cookie)";
  if (via == "script") return " (document.cookie)";
  return "";
}

// The cookies the browser pass found (--browser); nothing when it did not run.
void cookie_section(std::ostream& out, const ScanReport& report) {
  if (!report.scan.settings.contains("browser")) return;
  std::vector<CookieSummary> cookies = cookie_inventory(report);
  out << "<section id=\"cookies\"><h2>Cookie inventory</h2>\n";
  if (cookies.empty()) {
    out << "<p class=\"muted\">The rendered pages set no cookie.</p></section>\n";
    return;
  }
  out << "<p class=\"muted\">Cookies the pages left in headless Chromium, in the consent states "
         "they were rendered in.</p>\n<table class=\"sortable\"><thead><tr><th>name</th>"
         "<th>domain</th><th>party</th><th>set by</th><th>expires</th><th>flags</th>"
         "<th>consent states</th><th class=\"num\">pages</th></tr></thead><tbody>\n";
  std::size_t shown = 0;
  for (const CookieSummary& cookie : cookies) {
    if (shown++ == kMaxVendorRows) break;
    std::vector<std::string> flags;
    if (cookie.secure) flags.emplace_back("Secure");
    if (cookie.http_only) flags.emplace_back("HttpOnly");
    if (!cookie.same_site.empty()) flags.push_back("SameSite=" + cookie.same_site);
    out << "<tr><td>" << html(cookie.name) << "</td><td>" << html(cookie.domain) << "</td><td>"
        << (cookie.third_party ? "third" : "first") << "</td><td class=\"url\">"
        << html(cookie.set_by) << set_via_text(cookie.set_via) << "</td><td>"
        << expiry_text(cookie.expires) << "</td><td>" << html(join(flags, " ")) << "</td><td>"
        << html(join(cookie.consent_states, ", ")) << "</td><td class=\"num\">" << cookie.pages
        << "</td></tr>\n";
  }
  out << "</tbody></table>\n";
  cut_note(out, std::min(shown, kMaxVendorRows), cookies.size(), "cookies",
           "the JSON report lists them all");
  out << "</section>\n";
}

void matrix_section(std::ostream& out, const ScanReport& report, const ReportSummary& s) {
  PageVendorMatrix matrix = page_vendor_matrix(report, kMaxMatrixRows);
  std::size_t columns = std::min(matrix.vendors.size(), kMaxMatrixColumns);
  out << "<section id=\"matrix\"><h2>Pages &times; vendors</h2>\n";
  if (matrix.vendors.empty()) {
    out << "<p class=\"muted\">No page loads a known vendor.</p></section>\n";
    return;
  }
  out << "<p class=\"muted\">Number of tags of each vendor on each page.</p>\n"
         "<table class=\"matrix sortable\"><thead><tr><th>page</th>";
  for (std::size_t v = 0; v < columns; ++v) {
    out << "<th class=\"v\" title=\"" << html(matrix.vendors[v]) << "\">"
        << html(report_text::truncate_to_width(matrix.vendors[v], 28)) << "</th>";
  }
  out << "</tr></thead><tbody>\n";
  for (std::size_t p = 0; p < matrix.pages.size(); ++p) {
    out << "<tr><td class=\"url\">" << html(matrix.pages[p]) << "</td>";
    for (std::size_t v = 0; v < columns; ++v) {
      int count = matrix.counts[p][v];
      out << (count ? "<td class=\"hit\">" + std::to_string(count)
                    : std::string("<td class=\"miss\">·"))
          << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
  cut_note(out, kMaxMatrixRows, static_cast<std::size_t>(s.pages_total), "pages",
           "the JSON report lists every tag");
  cut_note(out, kMaxMatrixColumns, matrix.vendors.size(), "vendors",
           "the vendor inventory above lists them all");
  out << "</section>\n";
}

// The tag each shown finding is about, looked up by page URL then tag URL (or line): one walk
// over the pages, keeping the tags of the pages the findings name and nothing else.
class TagLookup {
 public:
  TagLookup(const ScanReport& report, const std::vector<Finding>& findings) {
    for (const Finding& finding : findings) {
      if (!finding.page.empty()) tags_.emplace(finding.page, std::nullopt);
    }
    if (tags_.empty()) return;
    report.for_each_page([this](const PageAnalysis& page) {
      for (std::string_view url : {page_url(page), std::string_view(page.page.requested_url)}) {
        auto named = tags_.find(url);
        if (named != tags_.end() && !named->second) named->second = page.tags;
      }
      return true;
    });
  }

  const Tag* find(const Finding& f) const {
    auto it = tags_.find(f.page);
    if (f.page.empty() || it == tags_.end() || !it->second) return nullptr;
    for (const Tag& tag : *it->second) {
      if ((!f.tag_url.empty() && tag.url == f.tag_url) || (f.line > 0 && tag.line == f.line)) {
        return &tag;
      }
    }
    return nullptr;
  }

 private:
  // page URL -> the tags of the first page known by it
  std::map<std::string, std::optional<std::vector<Tag>>, std::less<>> tags_;
};

std::string filter_controls(std::string_view table, std::string_view what) {
  return fmt::format(
      "<div class=\"controls\" data-filter-table=\"{0}\">"
      "<input type=\"search\" placeholder=\"filter {1} (page, vendor, rule, text)\" "
      "aria-label=\"filter {1}\"><select aria-label=\"minimum severity\">"
      "<option value=\"0\">all severities</option><option value=\"1\">low and above</option>"
      "<option value=\"2\">medium and above</option><option value=\"3\">high and above</option>"
      "<option value=\"4\">critical</option></select><span class=\"count muted\"></span></div>\n",
      table, what);
}

std::string remediation_cell(const RuleText& rule) {
  if (rule.remediation.empty()) return "<td></td>";
  return "<td><details><summary>how to fix</summary>" + html(rule.remediation) + "</details></td>";
}

// Closes a findings or issues table and its section, saying when it was cut.
void end_findings_table(std::ostream& out, std::size_t shown, std::size_t total,
                        std::string_view what, std::string_view where) {
  out << "</tbody></table>\n";
  if (total == 0) out << "<p class=\"muted\">No findings.</p>\n";
  cut_note(out, shown, total, what, where);
  out << "</section>\n";
}

// The first pages of an issue (with the line), then "+N more".
std::string issue_pages_cell(const Issue& issue) {
  PageSample sample = sample_pages(issue, kIssuePagesShown);
  std::string cell;
  for (const IssueInstance* instance : sample.shown) {
    cell += (cell.empty() ? "" : "<br>") + std::string("<code>") + html(instance->page) + "</code>";
    if (instance->line > 0)
      cell += fmt::format(" <span class=\"muted\">line {}</span>", instance->line);
  }
  if (cell.empty()) return "<em>site</em>";
  return cell + more_note(static_cast<std::size_t>(sample.more));
}

void issues_section(std::ostream& out, const std::vector<Issue>& issues,
                    const ReportOptions& options) {
  out << "<section id=\"issues\"><h2>Issues</h2>\n<p class=\"muted\">Findings grouped: the same "
         "rule, vendor, host and message on any number of pages is one issue.</p>\n"
      << filter_controls("issues-table", "issues")
      << "<table id=\"issues-table\" class=\"sortable\"><thead><tr><th>severity</th>"
         "<th>rule</th><th>vendor / host</th><th>message</th><th class=\"num\">instances</th>"
         "<th class=\"num\">pages</th><th>first pages</th><th>remediation</th>"
      << (options.baseline ? "<th class=\"num\">new</th>" : "") << "</tr></thead><tbody>\n";
  std::size_t shown = 0;
  for (const Issue& issue : issues) {
    if (shown++ == kMaxIssueRows) break;
    RuleText rule = rule_text(issue.rule);
    bool suppressed = issue.suppressed == issue.instances;
    std::string who = issue.vendor.empty()
                          ? html(issue.host)
                          : html(issue.vendor) + "<br><code>" + html(issue.host) + "</code>";
    out << "<tr data-severity=\"" << static_cast<int>(issue.severity) << "\" data-issue=\""
        << html(issue.id) << "\"" << (suppressed ? " class=\"suppressed\"" : "")
        << "><td data-sort=\"" << static_cast<int>(issue.severity) << "\">"
        << severity_badge(issue.severity)
        << (issue.suppressed
                ? fmt::format("<br><span class=\"muted\">{} suppressed</span>", issue.suppressed)
                : std::string())
        << "</td><td><strong>" << html(issue.rule) << "</strong><br>"
        << (rule.title == issue.rule ? std::string() : html(rule.title)) << "</td><td>" << who
        << "</td><td>" << html(issue.message) << "</td><td class=\"num\">" << issue.instances
        << "</td><td class=\"num\">" << issue.pages << "</td><td class=\"url\">"
        << issue_pages_cell(issue) << "</td>";
    out << remediation_cell(rule);
    if (options.baseline) out << "<td class=\"num\">" << issue.new_instances << "</td>";
    out << "</tr>\n";
  }
  end_findings_table(out, kMaxIssueRows, issues.size(), "issues (worst first)",
                     "the JSON report lists them all");
}

void findings_section(std::ostream& out, const ScanReport& report, const ReportSummary& s,
                      const ReportOptions& options) {
  std::vector<Finding> shown_findings = worst_findings(report, kMaxFindingRows);
  TagLookup tags(report, shown_findings);
  out << "<section id=\"findings\"><h2>Findings</h2>\n"
      << filter_controls("findings-table", "findings")
      << "<table id=\"findings-table\" class=\"sortable\"><thead><tr><th>severity</th>"
         "<th>rule</th><th>page</th><th>tag</th><th class=\"num\">line</th><th>vendor</th>"
         "<th>message</th><th>evidence</th><th>remediation</th>"
      << (options.baseline ? "<th>baseline</th>" : "") << "</tr></thead><tbody>\n";
  for (const Finding& finding : shown_findings) {
    const Finding* f = &finding;
    RuleText rule = rule_text(f->rule);
    const Tag* tag = tags.find(*f);
    std::string tag_cell = html(f->tag_url);
    if (tag) {
      tag_cell = html(std::string(to_string(tag->kind))) + " <code>" + html(tag->url) + "</code>";
    }
    out << "<tr data-severity=\"" << static_cast<int>(f->severity) << "\""
        << (f->suppressed ? " class=\"suppressed\"" : "") << "><td data-sort=\""
        << static_cast<int>(f->severity) << "\">" << severity_badge(f->severity)
        << (f->suppressed
                ? "<br><span class=\"muted\">suppressed: " + html(f->suppression_reason) + "</span>"
                : "")
        << "</td><td><strong>" << html(f->rule) << "</strong><br>"
        << (rule.title == f->rule ? std::string() : html(rule.title)) << "</td><td class=\"url\">"
        << (f->page.empty() ? "<em>site</em>" : html(f->page)) << "</td><td class=\"url\">"
        << tag_cell << "</td><td class=\"num\" data-sort=\"" << f->line << "\">"
        << (f->line > 0 ? fmt::format("{}:{}", f->line, f->column) : "") << "</td><td>"
        << html(f->vendor.empty() ? f->host : f->vendor) << "</td><td>" << html(f->message)
        << "</td><td><code>" << html(f->evidence) << "</code></td>";
    out << remediation_cell(rule);
    if (options.baseline) out << "<td>" << html(f->baseline_state) << "</td>";
    out << "</tr>\n";
  }
  end_findings_table(out, kMaxFindingRows, static_cast<std::size_t>(s.findings),
                     "findings (worst first)",
                     "the JSON and CSV reports hold them all, and the issues above group them");
}

void pages_section(std::ostream& out, const ScanReport& report, const ReportSummary& s) {
  out << "<section id=\"pages\"><h2>Pages</h2>\n"
         "<div class=\"controls\" data-filter-table=\"pages-table\"><input type=\"search\" "
         "placeholder=\"filter pages\" aria-label=\"filter pages\"><span class=\"count muted\">"
         "</span></div>\n<table id=\"pages-table\" class=\"sortable\"><thead><tr><th>page</th>"
         "<th>title</th><th class=\"num\">status</th><th>error</th><th class=\"num\">tags</th>"
         "<th class=\"num\">findings</th><th class=\"num\">depth</th></tr></thead><tbody>\n";
  std::size_t shown = 0;
  report.for_each_page([&](const PageAnalysis& page) {
    if (shown++ == kMaxPageRows) return false;
    std::string error =
        page.page.error == PageError::none
            ? std::string()
            : std::string(to_string(page.page.error)) + ": " + page.page.error_detail;
    out << "<tr><td class=\"url\">" << html(page_url(page)) << "</td><td>" << html(page.title)
        << "</td><td class=\"num\">" << page.page.status << "</td><td>" << html(error)
        << "</td><td class=\"num\">" << page.tags.size() << "</td><td class=\"num\">"
        << page.findings.size() << "</td><td class=\"num\">" << page.page.depth << "</td></tr>\n";
    return true;
  });
  out << "</tbody></table>\n";
  cut_note(out, kMaxPageRows, static_cast<std::size_t>(s.pages_total), "pages",
           "the JSON report lists them all");
  out << "</section>\n";
}

}  // namespace

void write_html_report(const ScanReport& report, const ReportOptions& options, std::ostream& out) {
  ReportSummary s = summarize(report);
  std::string target = report.scan.targets.empty() ? std::string() : report.scan.targets.front();
  write_html_head(out, "tagwarden report: " + report_text::truncate_to_width(target, 80));
  out << "<header><h1>tagwarden report</h1>"
      << "<p class=\"muted\">";
  for (std::size_t i = 0; i < report.scan.targets.size(); ++i) {
    out << (i ? ", " : "") << "<code>" << html(report.scan.targets[i]) << "</code>";
  }
  out << " &middot; scan " << html(std::string(to_string(report.scan.status))) << " &middot; "
      << html(report.scan.started) << (report.scan.finished.empty() ? "" : " &ndash; ")
      << html(report.scan.finished) << " &middot; " << kToolName << " " << kToolVersion;
  if (!report.scan.policy_path.empty()) {
    out << " &middot; policy <code>" << html(report.scan.policy_path) << "</code>";
  }
  out << "</p>\n<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts</a>"
         "<a href=\"#issues\">Issues</a><a href=\"#vendors\">Vendors</a>"
         "<a href=\"#matrix\">Pages &times; vendors</a><a href=\"#findings\">Findings</a>"
         "<a href=\"#pages\">Pages</a></nav></header>\n<main>\n";
  std::vector<Issue> issues = group_issues(report, kIssuePagesShown);
  summary_section(out, report, s, options, failing_findings(issues, options));
  out << "<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">\n"
         "<figure><figcaption>Findings by area and severity</figcaption>\n";
  area_chart(out, s);
  out << "</figure>\n<figure><figcaption>Vendors per category</figcaption>\n";
  vendor_chart(out, s);
  out << "</figure>\n";
  if (report.trend.size() >= 2) {
    out << "<figure><figcaption>Findings over the last scans</figcaption>\n";
    trend_chart(out, report.trend);
    out << "</figure>\n";
  }
  out << "</div></section>\n";
  // Issues first after the overview: they are what a reader acts on.
  issues_section(out, issues, options);
  vendor_section(out, s, cloaked_hosts_by_vendor(issues));
  cookie_section(out, report);
  matrix_section(out, report, s);
  findings_section(out, report, s, options);
  pages_section(out, report, s);
  out << "</main>\n";
  write_html_end(out);
}

}  // namespace tw
