// Drift: set differences over the tags and findings of two scans.
#include "store/drift.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace tw {
namespace {

using nlohmann::json;

struct Seen {
  std::string vendor;
  std::set<std::string> pages;
};
using SeenMap = std::map<std::string, Seen>;

struct Inventory {
  SeenMap vendors;
  SeenMap hosts;
  SeenMap tag_ids;
};

const std::string& page_url(const PageAnalysis& page) {
  return page.page.final_url.empty() ? page.page.requested_url : page.page.final_url;
}

void note(SeenMap& map, const std::string& value, const std::string& vendor,
          const std::string& page) {
  if (value.empty()) return;
  Seen& seen = map[value];
  if (seen.vendor.empty()) seen.vendor = vendor;
  seen.pages.insert(page);
}

Inventory inventory_of(const ScanReport& report) {
  Inventory inventory;
  for (const PageAnalysis& page : report.pages) {
    const std::string& url = page_url(page);
    for (const Tag& tag : page.tags) {
      note(inventory.vendors, tag.vendor, tag.vendor, url);
      note(inventory.hosts, tag.host, tag.vendor, url);
      for (const std::string& id : tag.ids) note(inventory.tag_ids, id, tag.vendor, url);
    }
  }
  return inventory;
}

std::vector<DriftItem> only_in(const SeenMap& left, const SeenMap& right) {
  std::vector<DriftItem> out;
  for (const auto& [value, seen] : left) {
    if (right.count(value) != 0) continue;
    out.push_back({value, seen.vendor, {seen.pages.begin(), seen.pages.end()}});
  }
  return out;
}

DriftSet diff_sets(const SeenMap& before, const SeenMap& after) {
  return {only_in(after, before), only_in(before, after)};
}

// A finding without a fingerprint (from an old report) is identified by what it says.
std::string identity(const Finding& finding) {
  if (!finding.fingerprint.empty()) return finding.fingerprint;
  return finding.rule + "\x1f" + finding.page + "\x1f" + finding.message;
}

std::vector<Finding> findings_only_in(const ScanReport& left, const ScanReport& right) {
  std::set<std::string> known;
  for (const Finding* finding : right.all_findings()) known.insert(identity(*finding));
  std::vector<Finding> out;
  std::set<std::string> listed;
  for (const Finding* finding : left.all_findings()) {
    std::string id = identity(*finding);
    if (known.count(id) == 0 && listed.insert(id).second) out.push_back(*finding);
  }
  return out;
}

// Crawled text goes to a terminal: control characters (escape sequences) are shown as '?'.
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

std::string scan_label(const ScanInfo& scan) {
  std::string label = scan.id != 0 ? "scan " + std::to_string(scan.id) : std::string("report");
  if (!scan.started.empty()) label += " (" + scan.started + ")";
  return label;
}

void write_set(std::ostringstream& out, const char* title, const DriftSet& set) {
  auto write_items = [&](const char* sign, const std::vector<DriftItem>& items) {
    for (const DriftItem& item : items) {
      out << "  " << sign << " " << printable(item.value);
      if (!item.vendor.empty() && item.vendor != item.value) {
        out << " (" << printable(item.vendor) << ")";
      }
      out << " on " << item.pages.size() << (item.pages.size() == 1 ? " page" : " pages");
      constexpr std::size_t kShown = 3;
      for (std::size_t i = 0; i < item.pages.size() && i < kShown; ++i) {
        out << (i == 0 ? ": " : ", ") << printable(item.pages[i]);
      }
      if (item.pages.size() > kShown) out << ", ...";
      out << "\n";
    }
  };
  out << title << ": " << set.added.size() << " appeared, " << set.removed.size()
      << " disappeared\n";
  write_items("+", set.added);
  write_items("-", set.removed);
}

void write_findings(std::ostringstream& out, const char* sign,
                    const std::vector<Finding>& findings) {
  for (const Finding& finding : findings) {
    out << "  " << sign << " [" << to_string(finding.severity) << "] " << finding.rule << " "
        << printable(finding.message);
    if (!finding.page.empty()) out << " (" << printable(finding.page) << ")";
    out << "\n";
  }
}

json scan_json(const ScanInfo& scan) {
  return {{"id", scan.id},
          {"targets", scan.targets},
          {"started", scan.started},
          {"finished", scan.finished},
          {"status", std::string(to_string(scan.status))}};
}

json set_json(const DriftSet& set) {
  auto items = [](const std::vector<DriftItem>& list) {
    json out = json::array();
    for (const DriftItem& item : list) {
      out.push_back({{"value", item.value}, {"vendor", item.vendor}, {"pages", item.pages}});
    }
    return out;
  };
  return {{"added", items(set.added)}, {"removed", items(set.removed)}};
}

json findings_json(const std::vector<Finding>& findings) {
  json out = json::array();
  for (const Finding& finding : findings) {
    out.push_back({{"rule", finding.rule},
                   {"severity", std::string(to_string(finding.severity))},
                   {"page", finding.page},
                   {"vendor", finding.vendor},
                   {"host", finding.host},
                   {"message", finding.message},
                   {"line", finding.line},
                   {"fingerprint", finding.fingerprint}});
  }
  return out;
}

}  // namespace

Drift compute_drift(const ScanReport& before, const ScanReport& after) {
  Inventory old_inventory = inventory_of(before);
  Inventory new_inventory = inventory_of(after);
  Drift drift;
  drift.before = before.scan;
  drift.after = after.scan;
  drift.vendors = diff_sets(old_inventory.vendors, new_inventory.vendors);
  drift.hosts = diff_sets(old_inventory.hosts, new_inventory.hosts);
  drift.tag_ids = diff_sets(old_inventory.tag_ids, new_inventory.tag_ids);
  drift.new_findings = findings_only_in(after, before);
  drift.resolved_findings = findings_only_in(before, after);
  return drift;
}

std::string drift_to_text(const Drift& drift) {
  std::ostringstream out;
  out << "drift from " << scan_label(drift.before) << " to " << scan_label(drift.after) << "\n";
  if (drift.empty()) {
    out << "no drift: same vendors, hosts, tag IDs and findings\n";
    return out.str();
  }
  write_set(out, "vendors", drift.vendors);
  write_set(out, "hosts", drift.hosts);
  write_set(out, "tag IDs", drift.tag_ids);
  out << "findings: " << drift.new_findings.size() << " new, " << drift.resolved_findings.size()
      << " resolved\n";
  write_findings(out, "+", drift.new_findings);
  write_findings(out, "-", drift.resolved_findings);
  return out.str();
}

std::string drift_to_json(const Drift& drift) {
  json out = {{"before", scan_json(drift.before)},
              {"after", scan_json(drift.after)},
              {"vendors", set_json(drift.vendors)},
              {"hosts", set_json(drift.hosts)},
              {"tag_ids", set_json(drift.tag_ids)},
              {"findings",
               {{"new", findings_json(drift.new_findings)},
                {"resolved", findings_json(drift.resolved_findings)}}}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace tw
