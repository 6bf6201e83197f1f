// ScanStore over the SQL connection interface (store/sql.h; SQLite or PostgreSQL): opening and
// migrating, writing a scan batch by batch, and reading it back as the ScanReport it was written
// from. Each query is written once; what differs by backend is named where it is handled.
#include "store/scan_store.h"
#include "model/clock.h"

#include <algorithm>
#include <charconv>

#include <signal.h>
#include <unistd.h>

#include <simdjson.h>
#include <cerrno>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "model/text.h"
#include "model/url.h"
#include "store/asset_json.h"
#include "store/browser_json.h"
#include "store/content_digest.h"
#include "store/json_text.h"
#include "store/payment_json.h"
#include "store/postgres.h"
#include "store/read_ahead.h"
#include "store/schema.h"
#include "store/sql.h"
#include "store/sqlite.h"

namespace tw {
namespace {

using nlohmann::json;
using sql::Connection;
using sql::in_transaction;
using sql::ReadTransaction;
using sql::Statement;

// Crawled text may be any bytes; invalid UTF-8 is replaced rather than failing the write.
std::string to_json_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json parse_json_text(const std::string& text) {
  json value = json::parse(text, nullptr, false);
  return value.is_discarded() ? json() : value;
}

std::vector<std::string> json_strings(const std::string& text) {
  std::vector<std::string> out;
  json value = parse_json_text(text);
  if (!value.is_array()) return out;
  for (const json& item : value) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

PageError parse_page_error(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(PageError::other); ++i) {
    auto error = static_cast<PageError>(i);
    if (to_string(error) == text) return error;
  }
  return PageError::other;
}

ScanStatus parse_scan_status(std::string_view text) {
  for (ScanStatus status :
       {ScanStatus::running, ScanStatus::complete, ScanStatus::partial, ScanStatus::failed}) {
    if (to_string(status) == text) return status;
  }
  return ScanStatus::failed;
}

// Who wrote a scan: enough to tell later whether that process still runs. The start time (from
// /proc) guards against the pid having been reused by an unrelated process.
struct ProcessIdentity {
  std::string hostname;
  std::int64_t pid = 0;
  std::string start;
};

std::string process_start_time(std::int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  // Field 22 (starttime); fields after the command name start at 3 (state).
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 22) return field;
  }
  return {};
}

ProcessIdentity current_process() {
  ProcessIdentity self;
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) == 0) self.hostname = name;
  self.pid = getpid();
  self.start = process_start_time(self.pid);
  return self;
}

bool process_alive(const ProcessIdentity& writer, const ProcessIdentity& self) {
  if (writer.hostname != self.hostname || writer.pid <= 0) return true;  // cannot tell: assume so
  if (kill(static_cast<pid_t>(writer.pid), 0) != 0 && errno == ESRCH) return false;
  if (!writer.start.empty()) {
    std::string now = process_start_time(writer.pid);
    if (!now.empty() && now != writer.start) return false;
  }
  return true;
}

// A page row with its analysis and its findings (version 3 keeps each distinct one once).
constexpr const char* kPageColumns =
    "p.id, p.requested_url, p.url, p.status, p.content_type, p.depth, p.fetch_ms, p.body_bytes, "
    "p.content_hash, p.error, p.error_detail, coalesce(a.title, ''), p.csp_header, "
    "coalesce(a.csp_meta, ''), coalesce(a.consent_manager_index, -1), p.reused, p.headers, "
    "coalesce(a.links, ''), coalesce(a.notes, '[]'), coalesce(a.tags, '[]'), "
    "coalesce(f.findings, '[]'), coalesce(a.browser, ''), coalesce(a.first_party_files, ''), "
    "coalesce(a.dom_shape, '')";
// The same columns without the page's links, which no report lists (a page may have a million).
constexpr const char* kReportPageColumns =
    "p.id, p.requested_url, p.url, p.status, p.content_type, p.depth, p.fetch_ms, p.body_bytes, "
    "p.content_hash, p.error, p.error_detail, coalesce(a.title, ''), p.csp_header, "
    "coalesce(a.csp_meta, ''), coalesce(a.consent_manager_index, -1), p.reused, p.headers, "
    "'', coalesce(a.notes, '[]'), coalesce(a.tags, '[]'), coalesce(f.findings, '[]'), "
    "coalesce(a.browser, ''), '', ''";
// What a page listing (PageParts::listing) reads: no response headers, no findings.
constexpr const char* kListingPageColumns =
    "p.id, p.requested_url, p.url, p.status, p.content_type, p.depth, p.fetch_ms, p.body_bytes, "
    "p.content_hash, p.error, p.error_detail, coalesce(a.title, ''), p.csp_header, "
    "coalesce(a.csp_meta, ''), coalesce(a.consent_manager_index, -1), p.reused, '', "
    "'', coalesce(a.notes, '[]'), coalesce(a.tags, '[]'), '[]', coalesce(a.browser, ''), '', ''";
// What a counting walk (PageParts::counts) reads: the same positions, the rest left empty.
constexpr const char* kCountPageColumns =
    "p.id, p.requested_url, p.url, p.status, p.content_type, p.depth, p.fetch_ms, p.body_bytes, "
    "p.content_hash, p.error, p.error_detail, '', '', '', -1, p.reused, '', '', '[]', "
    "coalesce(a.tags, '[]'), coalesce(f.findings, '[]'), '', '', ''";
// What a findings walk (PageParts::findings) reads: not even the tags, a page's largest row.
constexpr const char* kFindingPageColumns =
    "p.id, p.requested_url, p.url, p.status, p.content_type, p.depth, p.fetch_ms, p.body_bytes, "
    "p.content_hash, p.error, p.error_detail, '', '', '', -1, p.reused, '', '', '[]', '[]', "
    "coalesce(f.findings, '[]'), '', '', ''";
constexpr const char* kPagesFrom =
    " FROM pages p LEFT JOIN analyses a ON a.id = p.analysis_id "
    "LEFT JOIN finding_sets f ON f.id = p.finding_set_id ";

std::vector<Tag> tags_from_json(const std::string& text);
std::vector<Finding> findings_from_json(const std::string& text);

// A stored number where a value in [low, high] is expected: the database is a file anyone can
// edit, so a value out of range reads as `fallback` instead of reaching an index or a cast.
int stored_in_range(std::int64_t value, int low, int high, int fallback) {
  return value >= low && value <= high ? static_cast<int>(value) : fallback;
}

int stored_count(std::int64_t value) {
  return stored_in_range(value, 0, std::numeric_limits<int>::max(), 0);
}

// A page's first-party files as the analyses row keeps them: one "script URL" or "stylesheet URL"
// per line.
std::string first_party_files_text(const std::vector<FirstPartyAsset>& files) {
  std::string out;
  for (const FirstPartyAsset& file : files) {
    if (!out.empty()) out.push_back('\n');
    out += file.stylesheet ? "stylesheet " : "script ";
    out += file.url;
  }
  return out;
}

std::vector<FirstPartyAsset> first_party_files_from_text(const std::string& text) {
  std::vector<FirstPartyAsset> out;
  for (const std::string& line : split_lines(text)) {
    std::size_t space = line.find(' ');
    if (space == std::string::npos || out.size() >= kMaxFirstPartyAssetsPerPage) continue;
    std::string_view kind = std::string_view(line).substr(0, space);
    FirstPartyAsset file{line.substr(space + 1), kind == "stylesheet"};
    if ((kind == "script" || kind == "stylesheet") && is_http_url(file.url)) {
      out.push_back(std::move(file));
    }
  }
  return out;
}

std::size_t stored_row_count(const std::string& text);

// A page from a row of kPageColumns, kReportPageColumns, or the columns of its `parts`.
PageAnalysis read_page(const Statement& row, bool with_findings = true,
                       PageParts parts = PageParts::all) {
  PageAnalysis analysis;
  Page& page = analysis.page;
  page.requested_url = row.text(1);
  page.final_url = row.text(2);
  page.status = stored_in_range(row.integer(3), 0, 999, 0);
  page.content_type = row.text(4);
  page.depth = stored_count(row.integer(5));
  const double fetch_ms = row.real(6);
  page.fetch_ms = std::isfinite(fetch_ms) && fetch_ms >= 0 ? fetch_ms : 0;
  page.body_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(row.integer(7), 0));
  page.content_hash = row.text(8);
  page.error = parse_page_error(row.text(9));
  page.error_detail = row.text(10);
  analysis.reused = row.integer(15) != 0;
  if (parts == PageParts::counts || parts == PageParts::findings) {
    if (parts == PageParts::counts) {
      analysis.unread_tags = static_cast<int>(stored_row_count(row.text(19)));
    }
    analysis.findings = findings_from_json(row.text(20));
    return analysis;
  }
  analysis.title = row.text(11);
  analysis.csp.header = row.text(12);
  analysis.csp.meta = row.text(13);
  json headers = parts == PageParts::all ? parse_json_text(row.text(16)) : json();
  if (headers.is_array()) {
    for (const json& pair : headers) {
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
        page.headers.push_back({pair[0].get<std::string>(), pair[1].get<std::string>()});
      }
    }
  }
  analysis.links = split_lines(row.text(17));
  analysis.notes = json_strings(row.text(18));
  analysis.tags = tags_from_json(row.text(19));
  // The privacy rule indexes the tags with it: past them (or below -1) means no consent manager.
  analysis.consent_manager_index =
      stored_in_range(row.integer(14), -1, static_cast<int>(analysis.tags.size()) - 1, -1);
  if (with_findings && parts == PageParts::all)
    analysis.findings = findings_from_json(row.text(20));
  analysis.browser = visits_from_json(row.text(21));
  analysis.first_party_assets = first_party_files_from_text(row.text(22));
  analysis.dom_shape = row.text(23);
  return analysis;
}

std::string notes_json(const std::vector<std::string>& notes) {
  std::string out = "[";
  for (const std::string& note : notes) {
    if (out.size() > 1) out.push_back(',');
    append_json_string(out, note);
  }
  out.push_back(']');
  return out;
}

// The attribute a cloaked tag's CNAME chain is stored under (names separated by spaces).
constexpr std::string_view kCnameChainAttribute = "tagwarden-cname-chain";

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t space = std::min(text.find(' ', start), text.size());
    if (space > start) words.emplace_back(text.substr(start, space - start));
    start = space + 1;
  }
  return words;
}

// A page's tags as stored in page_tags.tags (schema.cpp): one JSON array per tag.
std::string tags_json(const std::vector<Tag>& tags) {
  std::string out;
  out.reserve(tags.size() * 320);
  out.push_back('[');
  for (const Tag& tag : tags) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('[');
    for (std::string_view text : {to_string(tag.kind), std::string_view(tag.url),
                                  std::string_view(tag.host), std::string_view(tag.domain),
                                  std::string_view(tag.vendor), std::string_view(tag.category)}) {
      append_json_string(out, text);
      out.push_back(',');
    }
    for (int number : {tag.line, tag.column}) {
      char digits[16];
      out.append(digits, std::to_chars(digits, digits + sizeof digits, number).ptr);
      out.push_back(',');
    }
    for (std::string_view text :
         {to_string(tag.initiator), std::string_view(tag.parent), std::string_view(tag.snippet)}) {
      append_json_string(out, text);
      out.push_back(',');
    }
    out.push_back('{');
    bool first = true;
    for (const auto& [name, value] : tag.attributes) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, name);
      out.push_back(':');
      append_json_string(out, value);
    }
    // A cloaked tag's chain rides in the attributes, so the stored shape stays as it was.
    if (tag.cloaked) {
      if (!first) out.push_back(',');
      append_json_string(out, kCnameChainAttribute);
      out.push_back(':');
      append_json_string(out, join(tag.cname_chain, " "));
    }
    out += "},[";
    for (std::size_t i = 0; i < tag.ids.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_string(out, tag.ids[i]);
    }
    out.push_back(']');
    for (bool flag : {tag.in_head, tag.in_noscript, tag.consent_gated, tag.document_write}) {
      out += flag ? ",1" : ",0";
    }
    // Who saw it, only when the browser did: a static-only tag is stored as before version 5.
    if (tag.seen_by_browser || !tag.seen_statically) {
      out += tag.seen_statically ? ",\"static,browser\"" : ",\"browser\"";
    }
    out.push_back(']');
  }
  out.push_back(']');
  return out;
}

// The stored rows (tags, findings) are read back with simdjson's DOM parser: every report of a
// stored scan parses every page's rows, and simdjson reads them several times faster than
// nlohmann's SAX parser did. One parser per thread, reused (its buffers grow to the largest row
// set). Text that is not JSON, or not an array, gives no rows; a row of another shape is skipped.
simdjson::dom::parser& row_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

std::string stored_text(simdjson::dom::element value) {
  std::string_view text;
  return value.get_string().get(text) ? std::string() : std::string(text);
}

int stored_number(simdjson::dom::element value) {
  std::int64_t number = 0;
  return value.get_int64().get(number) ? 0 : stored_count(number);
}

// The rows of a stored array whose rows have one of the `sizes`, each as its fields.
template <typename Visit>
void for_each_stored_row(const std::string& text, std::initializer_list<std::size_t> sizes,
                         Visit visit) {
  simdjson::dom::array rows;
  if (row_parser().parse(text).get_array().get(rows)) return;
  std::vector<simdjson::dom::element> fields;
  for (simdjson::dom::element row : rows) {
    simdjson::dom::array array;
    if (row.get_array().get(array)) continue;
    fields.assign(array.begin(), array.end());
    if (std::find(sizes.begin(), sizes.end(), fields.size()) != sizes.end()) visit(fields);
  }
}

// How many rows a stored array holds, without reading them.
std::size_t stored_row_count(const std::string& text) {
  simdjson::dom::array rows;
  if (row_parser().parse(text).get_array().get(rows)) return 0;
  return rows.size();
}

// The inverse of tags_json.
std::vector<Tag> tags_from_json(const std::string& text) {
  static constexpr std::pair<std::size_t, std::string Tag::*> kTexts[] = {
      {1, &Tag::url},      {2, &Tag::host},   {3, &Tag::domain},  {4, &Tag::vendor},
      {5, &Tag::category}, {9, &Tag::parent}, {10, &Tag::snippet}};
  static constexpr std::pair<std::size_t, bool Tag::*> kFlags[] = {{13, &Tag::in_head},
                                                                   {14, &Tag::in_noscript},
                                                                   {15, &Tag::consent_gated},
                                                                   {16, &Tag::document_write}};
  std::vector<Tag> tags;
  for_each_stored_row(text, {17, 18}, [&tags](const std::vector<simdjson::dom::element>& fields) {
    Tag& tag = tags.emplace_back();
    tag.kind = parse_tag_kind(stored_text(fields[0])).value_or(TagKind::script);
    tag.line = stored_number(fields[6]);
    tag.column = stored_number(fields[7]);
    tag.initiator = parse_initiator(stored_text(fields[8])).value_or(Initiator::parser);
    for (const auto& [index, member] : kTexts) tag.*member = stored_text(fields[index]);
    for (const auto& [index, member] : kFlags) tag.*member = stored_number(fields[index]) != 0;
    if (fields.size() == 18) {
      const std::string seen_by = stored_text(fields[17]);
      tag.seen_statically = seen_by != "browser";
      tag.seen_by_browser = seen_by == "browser" || seen_by == "static,browser";
    }
    simdjson::dom::object attributes;
    if (!fields[11].get_object().get(attributes)) {
      for (simdjson::dom::key_value_pair attribute : attributes) {
        std::string_view value;
        if (!attribute.value.get_string().get(value)) {
          tag.attributes[std::string(attribute.key)] = std::string(value);
        }
      }
    }
    if (auto chain = tag.attributes.find(std::string(kCnameChainAttribute));
        chain != tag.attributes.end()) {
      tag.cloaked = true;
      tag.cname_chain = split_words(chain->second);
      tag.attributes.erase(chain);
    }
    simdjson::dom::array ids;
    if (!fields[12].get_array().get(ids)) {
      for (simdjson::dom::element id : ids) {
        std::string_view value;
        if (!id.get_string().get(value)) tag.ids.emplace_back(value);
      }
    }
  });
  return tags;
}

// A list of findings as stored in finding_sets.findings (schema.cpp): one JSON array per finding,
// and the unsuppressed ones counted by severity.
struct FindingSetText {
  std::string json;
  std::array<int, 5> unsuppressed{};  // info, low, medium, high, critical
};

FindingSetText findings_json(const std::vector<Finding>& findings) {
  FindingSetText set;
  std::string& out = set.json;
  out.push_back('[');
  for (const Finding& finding : findings) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('[');
    for (std::string_view text :
         {std::string_view(finding.rule), to_string(finding.severity),
          std::string_view(finding.page), std::string_view(finding.vendor),
          std::string_view(finding.host), std::string_view(finding.tag_url)}) {
      append_json_string(out, text);
      out.push_back(',');
    }
    out += std::to_string(finding.line) + ',' + std::to_string(finding.column) + ',';
    for (std::string_view text :
         {std::string_view(finding.message), std::string_view(finding.evidence),
          std::string_view(finding.fingerprint)}) {
      append_json_string(out, text);
      out.push_back(',');
    }
    out += finding.suppressed ? "1," : "0,";
    append_json_string(out, finding.suppression_reason);
    out.push_back(',');
    append_json_string(out, finding.baseline_state);
    out.push_back(',');
    append_json_string(out, issue_id(finding));
    out.push_back(']');
    if (!finding.suppressed) ++set.unsuppressed[static_cast<std::size_t>(finding.severity)];
  }
  out.push_back(']');
  return set;
}

// The inverse of findings_json. 15 fields, the last the issue id (not read back: reports group
// by what the finding says); sets migrated from version 2 have 14.
std::vector<Finding> findings_from_json(const std::string& text) {
  static constexpr std::pair<std::size_t, std::string Finding::*> kTexts[] = {
      {0, &Finding::rule},
      {2, &Finding::page},
      {3, &Finding::vendor},
      {4, &Finding::host},
      {5, &Finding::tag_url},
      {8, &Finding::message},
      {9, &Finding::evidence},
      {10, &Finding::fingerprint},
      {12, &Finding::suppression_reason},
      {13, &Finding::baseline_state}};
  std::vector<Finding> findings;
  for_each_stored_row(
      text, {14, 15}, [&findings](const std::vector<simdjson::dom::element>& fields) {
        Finding& finding = findings.emplace_back();
        for (const auto& [index, member] : kTexts) finding.*member = stored_text(fields[index]);
        finding.severity = parse_severity(stored_text(fields[1])).value_or(Severity::info);
        finding.line = stored_number(fields[6]);
        finding.column = stored_number(fields[7]);
        finding.suppressed = stored_number(fields[11]) != 0;
      });
  return findings;
}

}  // namespace

// Page row ids first..last (inclusive) of one scan.
struct PageIdRange {
  std::int64_t first = 0;
  std::int64_t last = 0;
};

struct ScanStore::Impl {
  explicit Impl(std::unique_ptr<Connection> opened)
      : connection(std::move(opened)), db(*connection) {}
  std::unique_ptr<Connection> connection;
  Connection& db;
  ProcessIdentity self = current_process();
  std::unordered_map<std::int64_t, std::string> analyser_versions;  // scan id -> tool version

  Status mark_abandoned_scans_partial();
  bool abandoned(const Statement& row, int hostname_column) const {
    ProcessIdentity writer{row.text(hostname_column), row.integer(hostname_column + 1),
                           row.text(hostname_column + 2)};
    return !process_alive(writer, self);
  }
  Status store_page(std::int64_t scan_id, const PageAnalysis& analysis);
  // The analysis and finding list rows a page refers to: its stored_rows when they still exist,
  // else its own, stored once per distinct content.
  struct ContentRows {
    std::int64_t analysis_id = 0;
    std::optional<std::int64_t> finding_set_id;  // nullopt: no findings
  };
  Result<ContentRows> content_rows(std::int64_t scan_id, const PageAnalysis& analysis);
  bool rows_exist(const PageAnalysis::StoredRows& rows);
  Result<std::string> analyser_version(std::int64_t scan_id);
  Result<std::int64_t> intern_analysis(const PageAnalysis& analysis, const std::string& version);
  // nullopt for no findings: a page without findings refers to no set.
  Result<std::optional<std::int64_t>> intern_findings(const std::vector<Finding>& findings);
  Status drop_if_unreferenced(std::optional<std::int64_t> analysis_id,
                              std::optional<std::int64_t> finding_set_id);
  Status add_finding_changes(std::vector<ScanListEntry>& entries);
  Status load_redirects(std::int64_t scan_id, std::optional<PageIdRange> page_ids,
                        std::vector<PageAnalysis>& pages,
                        const std::unordered_map<std::int64_t, std::size_t>& index_of);
  Status load_scan_header(std::int64_t scan_id, ScanReport& report);
  Status load_trend(std::int64_t scan_id, ScanReport& report);
  class StoredPageStream;
};

Status ScanStore::Impl::mark_abandoned_scans_partial() {
  std::vector<std::int64_t> abandoned_ids;
  {
    auto running =
        db.prepare("SELECT id, hostname, pid, process_start FROM scans WHERE status = 'running'");
    if (!running) return Error{running.error()};
    while (running->step() == sql::kRow) {
      if (abandoned(*running, 1)) abandoned_ids.push_back(running->integer(0));
    }
  }
  if (abandoned_ids.empty()) return Ok{};
  return in_transaction(db, [&]() -> Status {
    for (std::int64_t id : abandoned_ids) {
      auto mark = db.prepare(
          "UPDATE scans SET status = 'partial', finished = updated "
          "WHERE id = ? AND status = 'running'");
      if (!mark) return Error{mark.error()};
      mark->bind(1, id);
      if (Status done = sql::run(db, *mark, "marking an interrupted scan partial"); !done) {
        return done;
      }
    }
    return Ok{};
  });
}

ScanStore::ScanStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScanStore::~ScanStore() = default;
ScanStore::ScanStore(ScanStore&&) noexcept = default;
ScanStore& ScanStore::operator=(ScanStore&&) noexcept = default;

Result<ScanStore> ScanStore::open(const std::string& path, const StoreOptions& options) {
  Result<std::unique_ptr<Connection>> connection =
      sql::is_postgres_url(path)
          ? postgres::open(path)
          : sqlite::open(path, {options.busy_timeout_ms, options.max_page_count});
  if (!connection) return Error{connection.error()};
  auto impl = std::make_unique<Impl>(std::move(*connection));
  if (Status migrated = migrate(impl->db); !migrated) return Error{migrated.error()};
  if (Status marked = impl->mark_abandoned_scans_partial(); !marked) return Error{marked.error()};
  return ScanStore(std::move(impl));
}

Result<std::int64_t> ScanStore::begin_scan(const ScanInfo& info,
                                           std::string_view catalogue_digest) {
  Connection& db = impl_->db;
  std::int64_t scan_id = 0;
  Status stored = in_transaction(db, [&]() -> Status {
    auto insert = db.prepare(
        "INSERT INTO scans (target, started, status, tool_version, policy_path, policy_digest, "
        "error_counts, updated, hostname, pid, process_start, catalogue_digest) "
        "VALUES (?, ?, 'running', ?, ?, ?, '{}', ?, ?, ?, ?, ?)" +
        std::string(db.returning_id()));
    if (!insert) return Error{insert.error()};
    std::string now = utc_now_iso8601();
    insert->bind(1, join(info.targets, " "))
        .bind(2, info.started.empty() ? now : info.started)
        .bind(3, info.tool_version)
        .bind(4, info.policy_path)
        .bind(5, info.policy_digest)
        .bind(6, now)
        .bind(7, impl_->self.hostname)
        .bind(8, impl_->self.pid)
        .bind(9, impl_->self.start)
        .bind(10, catalogue_digest);
    Result<std::optional<std::int64_t>> id = sql::inserted_id(db, *insert, "recording a new scan");
    if (!id) return Error{id.error()};
    scan_id = id->value_or(0);
    for (std::size_t i = 0; i < info.targets.size(); ++i) {
      auto target =
          db.prepare("INSERT INTO scan_targets (scan_id, position, target) VALUES (?, ?, ?)");
      if (!target) return Error{target.error()};
      target->bind(1, scan_id).bind(2, static_cast<std::int64_t>(i)).bind(3, info.targets[i]);
      if (Status done = sql::run(db, *target, "recording the scan targets"); !done) return done;
    }
    for (const auto& [name, value] : info.settings) {
      auto setting = db.prepare("INSERT INTO settings (scan_id, name, value) VALUES (?, ?, ?)");
      if (!setting) return Error{setting.error()};
      setting->bind(1, scan_id).bind(2, name).bind(3, value);
      if (Status done = sql::run(db, *setting, "recording the scan settings"); !done) {
        return done;
      }
    }
    return Ok{};
  });
  if (!stored) return Error{stored.error()};
  if (!info.analyser_version.empty()) impl_->analyser_versions[scan_id] = info.analyser_version;
  return scan_id;
}

Result<std::string> ScanStore::Impl::analyser_version(std::int64_t scan_id) {
  if (auto known = analyser_versions.find(scan_id); known != analyser_versions.end()) {
    return known->second;
  }
  // A scan this store did not begin (begin_scan records its analyser version): the tool version.
  auto row = db.prepare("SELECT tool_version FROM scans WHERE id = ?");
  if (!row) return Error{row.error()};
  row->bind(1, scan_id);
  if (int code = row->step(); code != sql::kRow) {
    if (code == sql::kDone) return Error{db.path() + ": no scan " + std::to_string(scan_id)};
    return db.error(code, "reading the scan");
  }
  return analyser_versions[scan_id] = row->text(0);
}

namespace {
// Looks a row up by its digest and inserts it when new; returns its id either way.
template <typename Bind>
Result<std::int64_t> intern_row(Connection& db, const std::string& table,
                                const std::string& columns, int column_count,
                                const std::string& digest, Bind&& bind_columns) {
  auto found = db.prepare("SELECT id FROM " + table + " WHERE digest = ?");
  if (!found) return Error{found.error()};
  {
    found->bind(1, digest);
    int code = found->step();
    if (code == sql::kRow) return found->integer(0);
    if (code != sql::kDone) return db.error(code, "looking up stored " + table);
    found->reset();
  }
  // Another writer may store the same content at once (another runner of a shared PostgreSQL
  // store): its row is the one to refer to, read once its transaction committed.
  std::string placeholders = "?";
  for (int i = 0; i < column_count; ++i) placeholders += ", ?";
  {
    auto insert =
        db.prepare("INSERT INTO " + table + " (digest, " + columns + ") VALUES (" + placeholders +
                   ") ON CONFLICT (digest) DO NOTHING" + db.returning_id());
    if (!insert) return Error{insert.error()};
    insert->bind(1, digest);
    bind_columns(*insert);
    Result<std::optional<std::int64_t>> id = sql::inserted_id(db, *insert, "storing " + table);
    if (!id) return Error{id.error()};
    if (*id) return **id;
  }
  found->bind(1, digest);
  int code = found->step();
  if (code == sql::kRow) return found->integer(0);
  return db.error(code, "looking up stored " + table);
}
}  // namespace

Result<std::int64_t> ScanStore::Impl::intern_analysis(const PageAnalysis& analysis,
                                                      const std::string& version) {
  const std::string tags = tags_json(analysis.tags);
  const std::string links = join(analysis.links, "\n");
  const std::string notes = notes_json(analysis.notes);
  const std::string consent = std::to_string(analysis.consent_manager_index);
  const std::string browser = visits_json(analysis.browser);
  const std::string files = first_party_files_text(analysis.first_party_assets);
  const std::string& content_hash = analysis.page.content_hash;
  // The same parts in the same order as the version 3 migration's tw_digest call; the browser's
  // visits only when there are some, so an analysis without them keeps its digest.
  std::vector<std::string_view> parts = {content_hash, version, analysis.title, analysis.csp.meta,
                                         consent,      tags,    links,          notes};
  if (!browser.empty()) parts.push_back(browser);
  if (!files.empty()) {
    if (browser.empty()) parts.push_back(browser);  // the files' place stays distinct
    parts.push_back(files);
  }
  if (!analysis.dom_shape.empty()) {
    while (parts.size() < 10) parts.push_back(std::string_view());  // the places before it
    parts.push_back(analysis.dom_shape);
  }
  std::string digest = content_digest(parts);
  return intern_row(db, "analyses",
                    "content_hash, analyser_version, title, csp_meta, consent_manager_index, tags, "
                    "links, notes, browser, first_party_files, dom_shape",
                    11, digest, [&](Statement& insert) {
                      insert.bind_borrowed(2, content_hash)
                          .bind_borrowed(3, version)
                          .bind_borrowed(4, analysis.title)
                          .bind_borrowed(5, analysis.csp.meta)
                          .bind(6, analysis.consent_manager_index)
                          .bind_borrowed(7, tags)
                          .bind_borrowed(8, links)
                          .bind_borrowed(9, notes)
                          .bind_borrowed(10, browser)
                          .bind_borrowed(11, files)
                          .bind_borrowed(12, analysis.dom_shape);
                    });
}

Result<std::optional<std::int64_t>> ScanStore::Impl::intern_findings(
    const std::vector<Finding>& findings) {
  if (findings.empty()) return std::optional<std::int64_t>();
  FindingSetText set = findings_json(findings);
  auto id = intern_row(db, "finding_sets", "findings, info, low, medium, high, critical", 6,
                       content_digest({set.json}), [&](Statement& insert) {
                         insert.bind_borrowed(2, set.json);
                         for (int i = 0; i < 5; ++i) insert.bind(3 + i, set.unsuppressed[i]);
                       });
  if (!id) return Error{id.error()};
  return std::optional<std::int64_t>(*id);
}

// After a page or scan stopped referring to them: rows nothing refers to any more go at once
// (a page stored again by the third-party stage would otherwise leave its first analysis behind).
Status ScanStore::Impl::drop_if_unreferenced(std::optional<std::int64_t> analysis_id,
                                             std::optional<std::int64_t> finding_set_id) {
  if (analysis_id) {
    auto drop = db.prepare(
        "DELETE FROM analyses WHERE id = ?1 AND NOT EXISTS "
        "(SELECT 1 FROM pages WHERE analysis_id = ?1)");
    if (!drop) return Error{drop.error()};
    drop->bind(1, *analysis_id);
    if (Status done = sql::run(db, *drop, "dropping an unused analysis"); !done) return done;
  }
  if (!finding_set_id) return Ok{};
  auto drop = db.prepare(
      "DELETE FROM finding_sets WHERE id = ?1 AND NOT EXISTS "
      "(SELECT 1 FROM pages WHERE finding_set_id = ?1) AND NOT EXISTS "
      "(SELECT 1 FROM scans WHERE site_finding_set_id = ?1)");
  if (!drop) return Error{drop.error()};
  drop->bind(1, *finding_set_id);
  return sql::run(db, *drop, "dropping unused findings");
}

namespace {
std::string seen_by_text(bool statically, bool by_browser) {
  if (!by_browser) return "static";
  return statically ? "static,browser" : "browser";
}
}  // namespace

const std::string& stored_page_key(const Page& page) {
  return page.requested_url.empty() ? page.final_url : page.requested_url;
}

namespace {
std::optional<std::int64_t> nullable_id(const Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.integer(column);
}

Statement& bind_id(Statement& stmt, int index, std::optional<std::int64_t> id) {
  return id ? stmt.bind(index, *id) : stmt.bind_null(index);
}

// The page's response headers as stored in pages.headers: an array of [name, value] pairs.
std::string headers_json(const std::vector<Header>& headers) {
  std::string out = "[";
  for (const Header& header : headers) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('[');
    append_json_string(out, header.name);
    out.push_back(',');
    append_json_string(out, header.value);
    out.push_back(']');
  }
  out.push_back(']');
  return out;
}
}  // namespace

bool ScanStore::Impl::rows_exist(const PageAnalysis::StoredRows& rows) {
  auto row = db.prepare(
      "SELECT EXISTS (SELECT 1 FROM analyses WHERE id = ?1) AND "
      "(CAST(?2 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM finding_sets WHERE id = ?2))");
  if (!row) return false;
  row->bind(1, rows.analysis_id);
  bind_id(*row, 2, rows.finding_set_id);
  return row->step() == sql::kRow && row->integer(0) != 0;
}

Result<ScanStore::Impl::ContentRows> ScanStore::Impl::content_rows(std::int64_t scan_id,
                                                                   const PageAnalysis& analysis) {
  // Checked inside this write transaction: a prune may have removed the rows since they were read.
  if (analysis.stored_rows && rows_exist(*analysis.stored_rows)) {
    ContentRows rows{analysis.stored_rows->analysis_id, analysis.stored_rows->finding_set_id};
    if (rows.finding_set_id) return rows;
    Result<std::optional<std::int64_t>> findings = intern_findings(analysis.findings);
    if (!findings) return Error{findings.error()};
    rows.finding_set_id = *findings;
    return rows;
  }
  Result<std::string> version = analyser_version(scan_id);
  if (!version) return Error{version.error()};
  Result<std::int64_t> analysis_id = intern_analysis(analysis, *version);
  if (!analysis_id) return Error{analysis_id.error()};
  Result<std::optional<std::int64_t>> findings = intern_findings(analysis.findings);
  if (!findings) return Error{findings.error()};
  return ContentRows{*analysis_id, *findings};
}

Status ScanStore::Impl::store_page(std::int64_t scan_id, const PageAnalysis& analysis) {
  const Page& page = analysis.page;
  const std::string& key = stored_page_key(page);
  Result<ContentRows> rows = content_rows(scan_id, analysis);
  if (!rows) return Error{rows.error()};
  const std::int64_t analysis_id = rows->analysis_id;
  const std::optional<std::int64_t> finding_set_id = rows->finding_set_id;

  // A page stored again (the third-party stage's) keeps its row id, and with it its place in the
  // order; what it referred to before is dropped if nothing else refers to it.
  std::optional<std::int64_t> page_id;
  std::optional<std::int64_t> old_analysis;
  std::optional<std::int64_t> old_findings;
  {
    auto existing = db.prepare(
        "SELECT id, analysis_id, finding_set_id FROM pages WHERE scan_id = ? AND requested_url = "
        "?");
    if (!existing) return Error{existing.error()};
    existing->bind(1, scan_id).bind_borrowed(2, key);
    int code = existing->step();
    if (code == sql::kRow) {
      page_id = existing->integer(0);
      old_analysis = nullable_id(*existing, 1);
      old_findings = nullable_id(*existing, 2);
    } else if (code != sql::kDone) {
      return db.error(code, "storing page " + key);
    }
  }
  {
    auto write = db.prepare(
        page_id ? "UPDATE pages SET url = ?3, status = ?4, content_type = ?5, depth = ?6, "
                  "fetch_ms = ?7, body_bytes = ?8, content_hash = ?9, etag = ?10, "
                  "last_modified = ?11, error = ?12, error_detail = ?13, csp_header = ?14, "
                  "reused = ?15, headers = ?16, analysis_id = ?17, finding_set_id = ?18 "
                  "WHERE scan_id = ?1 AND requested_url = ?2"
                : "INSERT INTO pages (scan_id, requested_url, url, status, content_type, depth, "
                  "fetch_ms, body_bytes, content_hash, etag, last_modified, error, error_detail, "
                  "csp_header, reused, headers, analysis_id, finding_set_id) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                  "?16, ?17, ?18)" +
                      std::string(db.returning_id()));
    if (!write) return Error{write.error()};
    write->bind(1, scan_id)
        .bind_borrowed(2, key)
        .bind(3, page.final_url.empty() ? key : page.final_url)
        .bind(4, page.status)
        .bind_borrowed(5, page.content_type)
        .bind(6, page.depth)
        .bind(7, page.fetch_ms)
        .bind(8, static_cast<std::int64_t>(page.body_bytes))
        .bind_borrowed(9, page.content_hash)
        .bind(10, page.header("etag"))
        .bind(11, page.header("last-modified"))
        .bind(12, to_string(page.error))
        .bind_borrowed(13, page.error_detail)
        .bind_borrowed(14, analysis.csp.header)
        .bind(15, analysis.reused)
        .bind(16, headers_json(page.headers))
        .bind(17, analysis_id);
    bind_id(*write, 18, finding_set_id);
    if (page_id) {
      if (Status done = sql::run(db, *write, "storing page " + key); !done) return done;
    } else {
      Result<std::optional<std::int64_t>> id = sql::inserted_id(db, *write, "storing page " + key);
      if (!id) return Error{id.error()};
      page_id = *id;
    }
  }
  if (page_id) {
    auto clear = db.prepare("DELETE FROM redirects WHERE page_id = ?");
    if (!clear) return Error{clear.error()};
    clear->bind(1, *page_id);
    if (Status done = sql::run(db, *clear, "replacing page " + key); !done) return done;
    if (old_analysis == analysis_id) old_analysis.reset();
    if (old_findings == finding_set_id) old_findings.reset();
    if (Status dropped = drop_if_unreferenced(old_analysis, old_findings); !dropped) {
      return dropped;
    }
  }
  for (std::size_t i = 0; i < page.redirect_chain.size(); ++i) {
    auto insert = db.prepare("INSERT INTO redirects (page_id, position, url) VALUES (?, ?, ?)");
    if (!insert) return Error{insert.error()};
    insert->bind(1, *page_id).bind(2, static_cast<std::int64_t>(i)).bind(3, page.redirect_chain[i]);
    if (Status done = sql::run(db, *insert, "storing a redirect"); !done) return done;
  }
  return Ok{};
}

Status ScanStore::add_pages(std::int64_t scan_id, std::span<const PageAnalysis> pages) {
  Connection& db = impl_->db;
  return in_transaction(db, [&]() -> Status {
    for (const PageAnalysis& page : pages) {
      if (Status stored = impl_->store_page(scan_id, page); !stored) return stored;
    }
    auto touch = db.prepare("UPDATE scans SET updated = ? WHERE id = ?");
    if (!touch) return Error{touch.error()};
    touch->bind(1, utc_now_iso8601()).bind(2, scan_id);
    return sql::run(db, *touch, "recording progress");
  });
}

Status ScanStore::mark_partial(std::int64_t scan_id) {
  Connection& db = impl_->db;
  return in_transaction(db, [&]() -> Status {
    std::string now = utc_now_iso8601();
    auto update = db.prepare(
        "UPDATE scans SET status = 'partial', finished = ?, updated = ? "
        "WHERE id = ? AND status = 'running'");
    if (!update) return Error{update.error()};
    update->bind(1, now).bind(2, now).bind(3, scan_id);
    return sql::run(db, *update, "marking the scan partial");
  });
}

Status ScanStore::finish_scan(std::int64_t scan_id, const ScanInfo& info,
                              const std::vector<Finding>& site_findings,
                              const std::vector<VendorSummary>& vendors) {
  Connection& db = impl_->db;
  return in_transaction(db, [&]() -> Status {
    json error_counts = json::object();
    for (const auto& [name, count] : info.error_counts) error_counts[name] = count;
    ScanStatus status = info.status == ScanStatus::running ? ScanStatus::complete : info.status;
    std::string finished = info.finished.empty() ? utc_now_iso8601() : info.finished;
    auto update = db.prepare(
        "UPDATE scans SET status = ?, finished = ?, updated = ?, error_counts = ?, "
        "policy_path = ?, policy_digest = ?, "
        "tool_version = CASE WHEN ? = '' THEN tool_version ELSE ? END WHERE id = ?");
    if (!update) return Error{update.error()};
    update->bind(1, to_string(status))
        .bind(2, finished)
        .bind(3, finished)
        .bind(4, to_json_text(error_counts))
        .bind(5, info.policy_path)
        .bind(6, info.policy_digest)
        .bind(7, info.tool_version)
        .bind(8, info.tool_version)
        .bind(9, scan_id);
    if (Status done = sql::run(db, *update, "finishing the scan"); !done) return done;
    if (db.changes() == 0) {
      return Error{db.path() + ": no scan " + std::to_string(scan_id) + " to finish"};
    }
    for (const auto& [name, value] : info.settings) {
      auto setting = db.prepare(
          "INSERT INTO settings (scan_id, name, value) VALUES (?, ?, ?) "
          "ON CONFLICT (scan_id, name) DO UPDATE SET value = excluded.value");
      if (!setting) return Error{setting.error()};
      setting->bind(1, scan_id).bind(2, name).bind(3, value);
      if (Status done = sql::run(db, *setting, "recording the scan settings"); !done) {
        return done;
      }
    }
    std::optional<std::int64_t> old_site_findings;
    {
      auto old = db.prepare("SELECT site_finding_set_id FROM scans WHERE id = ?");
      if (!old) return Error{old.error()};
      old->bind(1, scan_id);
      if (old->step() == sql::kRow) old_site_findings = nullable_id(*old, 0);
    }
    Result<std::optional<std::int64_t>> site_set = impl_->intern_findings(site_findings);
    if (!site_set) return Error{site_set.error()};
    {
      auto refer = db.prepare("UPDATE scans SET site_finding_set_id = ? WHERE id = ?");
      if (!refer) return Error{refer.error()};
      bind_id(*refer, 1, *site_set).bind(2, scan_id);
      if (Status done = sql::run(db, *refer, "storing the site findings"); !done) return done;
    }
    if (old_site_findings != *site_set) {
      if (Status dropped = impl_->drop_if_unreferenced(std::nullopt, old_site_findings); !dropped) {
        return dropped;
      }
    }
    {
      auto clear = db.prepare("DELETE FROM vendors WHERE scan_id = ?");
      if (!clear) return Error{clear.error()};
      clear->bind(1, scan_id);
      if (Status done = sql::run(db, *clear, "replacing the vendor inventory"); !done) {
        return done;
      }
    }
    for (std::size_t i = 0; i < vendors.size(); ++i) {
      const VendorSummary& vendor = vendors[i];
      auto insert = db.prepare(
          "INSERT INTO vendors (scan_id, position, name, category, hosts, ids, pages, status, "
          "owner, seen_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      if (!insert) return Error{insert.error()};
      insert->bind(1, scan_id)
          .bind(2, static_cast<std::int64_t>(i))
          .bind(3, vendor.name)
          .bind(4, vendor.category)
          .bind(5, to_json_text(json(vendor.hosts)))
          .bind(6, to_json_text(json(vendor.ids)))
          .bind(7, vendor.pages)
          .bind(8, vendor.status)
          .bind(9, vendor.owner)
          .bind(10, seen_by_text(vendor.seen_statically, vendor.seen_by_browser));
      if (Status done = sql::run(db, *insert, "storing the vendor inventory"); !done) {
        return done;
      }
    }
    return Ok{};
  });
}

Status ScanStore::record_baseline_states(std::int64_t scan_id,
                                         const std::vector<const Finding*>& findings) {
  Connection& db = impl_->db;
  std::unordered_map<std::string, std::string> state_of;
  for (const Finding* finding : findings) state_of[finding->fingerprint] = finding->baseline_state;
  // Finding sets are shared with other scans: each set of this scan is rewritten with the states
  // as a new set (or an existing one with the same content), and this scan's pages re-pointed.
  return in_transaction(db, [&]() -> Status {
    std::vector<std::pair<std::int64_t, std::string>> sets;
    {
      auto rows = db.prepare(
          "SELECT f.id, f.findings FROM finding_sets f WHERE f.id IN (SELECT finding_set_id "
          "FROM pages WHERE scan_id = ?1 UNION SELECT site_finding_set_id FROM scans WHERE id = "
          "?1)");
      if (!rows) return Error{rows.error()};
      rows->bind(1, scan_id);
      while (rows->step() == sql::kRow) sets.emplace_back(rows->integer(0), rows->text(1));
    }
    for (const auto& [old_id, text] : sets) {
      std::vector<Finding> stored = findings_from_json(text);
      bool changed = false;
      for (Finding& finding : stored) {
        auto state = state_of.find(finding.fingerprint);
        if (state == state_of.end() || state->second == finding.baseline_state) continue;
        finding.baseline_state = state->second;
        changed = true;
      }
      if (!changed) continue;
      Result<std::optional<std::int64_t>> new_id = impl_->intern_findings(stored);
      if (!new_id) return Error{new_id.error()};
      for (const char* sql :
           {"UPDATE pages SET finding_set_id = ?1 WHERE scan_id = ?2 AND finding_set_id = ?3",
            "UPDATE scans SET site_finding_set_id = ?1 WHERE id = ?2 AND site_finding_set_id = "
            "?3"}) {
        auto update = db.prepare(sql);
        if (!update) return Error{update.error()};
        bind_id(*update, 1, *new_id).bind(2, scan_id).bind(3, old_id);
        if (Status done = sql::run(db, *update, "recording baseline states"); !done) return done;
      }
      if (Status dropped = impl_->drop_if_unreferenced(std::nullopt, old_id); !dropped) {
        return dropped;
      }
    }
    return Ok{};
  });
}

// Fills the redirect chains of the pages already read: every page of the scan, or only those with
// ids in `page_ids` when given.
Status ScanStore::Impl::load_redirects(
    std::int64_t scan_id, std::optional<PageIdRange> page_ids, std::vector<PageAnalysis>& pages,
    const std::unordered_map<std::int64_t, std::size_t>& index_of) {
  // A range is read by the redirects' own key, so a batch costs its pages and not the scan's (a
  // join with pages searched every page of the scan for each batch); a concurrent scan's pages
  // in the range are not in `index_of` and are skipped.
  auto rows = db.prepare(
      page_ids ? "SELECT page_id, url FROM redirects WHERE page_id BETWEEN ?1 AND ?2 "
                 "ORDER BY page_id, position"
               : "SELECT r.page_id, r.url FROM redirects r JOIN pages p ON p.id = r.page_id "
                 "WHERE p.scan_id = ?1 ORDER BY r.page_id, r.position");
  if (!rows) return Error{rows.error()};
  if (page_ids) {
    rows->bind(1, page_ids->first).bind(2, page_ids->last);
  } else {
    rows->bind(1, scan_id);
  }
  while (rows->step() == sql::kRow) {
    auto found = index_of.find(rows->integer(0));
    if (found != index_of.end()) pages[found->second].page.redirect_chain.push_back(rows->text(1));
  }
  return Ok{};
}

Status ScanStore::for_each_page_batch(
    std::int64_t scan_id, std::size_t batch_size,
    const std::function<Status(std::vector<PageAnalysis>&)>& visit) {
  Connection& db = impl_->db;
  std::int64_t after = 0;
  for (;;) {
    std::vector<PageAnalysis> pages;
    std::unordered_map<std::int64_t, std::size_t> index_of;
    PageIdRange range;
    {
      auto rows = db.prepare(std::string("SELECT ") + kPageColumns + kPagesFrom +
                             "WHERE p.scan_id = ? AND p.id > ? ORDER BY p.id LIMIT ?");
      if (!rows) return Error{rows.error()};
      rows->bind(1, scan_id).bind(2, after).bind(3, static_cast<std::int64_t>(batch_size));
      int code = sql::kRow;
      while ((code = rows->step()) == sql::kRow) {
        std::int64_t id = rows->integer(0);
        if (pages.empty()) range.first = id;
        range.last = id;
        index_of[id] = pages.size();
        pages.push_back(read_page(*rows));
      }
      if (code != sql::kDone) return db.error(code, "reading the pages of the scan");
    }
    if (pages.empty()) return Ok{};
    if (Status redirects = impl_->load_redirects(scan_id, range, pages, index_of); !redirects) {
      return redirects;
    }
    after = range.last;
    if (Status visited = visit(pages); !visited) return visited;
  }
}

Status ScanStore::add_payment_pages(std::int64_t scan_id, const std::vector<PaymentPage>& pages) {
  Connection& db = impl_->db;
  return in_transaction(db, [&]() -> Status {
    {
      auto clear = db.prepare("DELETE FROM payment_pages WHERE scan_id = ?");
      if (!clear) return Error{clear.error()};
      clear->bind(1, scan_id);
      if (Status done = sql::run(db, *clear, "replacing payment pages"); !done) return done;
    }
    for (const PaymentPage& page : pages) {
      auto insert = db.prepare(
          "INSERT INTO payment_pages (scan_id, url, scripts, headers) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (scan_id, url) DO UPDATE SET scripts = excluded.scripts, "
          "headers = excluded.headers");
      if (!insert) return Error{insert.error()};
      insert->bind(1, scan_id).bind(2, page.url).bind(3, scripts_json(page.scripts));
      insert->bind(4, security_headers_json(page.headers));
      if (Status done = sql::run(db, *insert, "storing a payment page"); !done) return done;
    }
    return Ok{};
  });
}

Result<std::vector<PaymentPage>> ScanStore::payment_pages(std::int64_t scan_id) {
  Connection& db = impl_->db;
  auto rows =
      db.prepare("SELECT url, scripts, headers FROM payment_pages WHERE scan_id = ? ORDER BY url");
  if (!rows) return Error{rows.error()};
  rows->bind(1, scan_id);
  std::vector<PaymentPage> pages;
  int code;
  while ((code = rows->step()) == sql::kRow) {
    pages.push_back({rows->text(0), scripts_from_json(rows->text(1)),
                     security_headers_from_json(rows->text(2))});
  }
  if (code != sql::kDone) return db.error(code, "reading the payment pages");
  return pages;
}

Result<std::vector<Finding>> ScanStore::site_findings(std::int64_t scan_id) {
  Connection& db = impl_->db;
  auto row = db.prepare(
      "SELECT f.findings FROM scans s JOIN finding_sets f ON f.id = s.site_finding_set_id "
      "WHERE s.id = ?");
  if (!row) return Error{row.error()};
  row->bind(1, scan_id);
  int code = row->step();
  if (code == sql::kRow) return findings_from_json(row->text(0));
  if (code != sql::kDone) return db.error(code, "reading the site findings");
  return std::vector<Finding>{};
}

// The scan row, its targets and settings, its site findings and vendor inventory: everything
// of a stored scan but its pages.
Status ScanStore::Impl::load_scan_header(std::int64_t scan_id, ScanReport& report) {
  ScanInfo& info = report.scan;
  {
    auto row = db.prepare(
        "SELECT id, started, finished, status, tool_version, policy_path, policy_digest, "
        "error_counts, hostname, pid, process_start, updated FROM scans WHERE id = ?");
    if (!row) return Error{row.error()};
    row->bind(1, scan_id);
    int code = row->step();
    if (code == sql::kDone) return Error{db.path() + ": no scan " + std::to_string(scan_id)};
    if (code != sql::kRow) return db.error(code, "reading scan " + std::to_string(scan_id));
    info.id = row->integer(0);
    info.started = row->text(1);
    info.finished = row->text(2);
    info.status = parse_scan_status(row->text(3));
    if (info.status == ScanStatus::running && abandoned(*row, 8)) {
      info.status = ScanStatus::partial;
      info.finished = row->text(11);
    }
    info.tool_version = row->text(4);
    info.policy_path = row->text(5);
    info.policy_digest = row->text(6);
    json counts = parse_json_text(row->text(7));
    if (counts.is_object()) {
      for (const auto& [name, value] : counts.items()) {
        if (value.is_number_integer()) info.error_counts[name] = value.get<int>();
      }
    }
  }
  {
    auto rows = db.prepare("SELECT target FROM scan_targets WHERE scan_id = ? ORDER BY position");
    if (!rows) return Error{rows.error()};
    rows->bind(1, scan_id);
    while (rows->step() == sql::kRow) info.targets.push_back(rows->text(0));
  }
  {
    auto rows = db.prepare("SELECT name, value FROM settings WHERE scan_id = ? ORDER BY name");
    if (!rows) return Error{rows.error()};
    rows->bind(1, scan_id);
    while (rows->step() == sql::kRow) info.settings[rows->text(0)] = rows->text(1);
  }
  {
    auto row = db.prepare(
        "SELECT f.findings FROM scans s JOIN finding_sets f ON f.id = s.site_finding_set_id "
        "WHERE s.id = ?");
    if (!row) return Error{row.error()};
    row->bind(1, scan_id);
    if (row->step() == sql::kRow) report.site_findings = findings_from_json(row->text(0));
  }
  auto rows = db.prepare(
      "SELECT name, category, hosts, ids, pages, status, owner, seen_by FROM vendors "
      "WHERE scan_id = ? "
      "ORDER BY position");
  if (!rows) return Error{rows.error()};
  rows->bind(1, scan_id);
  while (rows->step() == sql::kRow) {
    VendorSummary vendor;
    vendor.name = rows->text(0);
    vendor.category = rows->text(1);
    vendor.hosts = json_strings(rows->text(2));
    vendor.ids = json_strings(rows->text(3));
    vendor.pages = static_cast<int>(rows->integer(4));
    vendor.status = rows->text(5);
    vendor.owner = rows->text(6);
    const std::string seen_by = rows->text(7);
    vendor.seen_statically = seen_by != "browser";
    vendor.seen_by_browser = seen_by == "browser" || seen_by == "static,browser";
    report.vendors.push_back(std::move(vendor));
  }
  return Ok{};
}

// Pages in the order reports list them (depth, then URL: stable across scans of a site).
constexpr const char* kReportOrder = " ORDER BY p.depth, p.url, p.id";

Result<ScanReport> ScanStore::load_scan(std::int64_t scan_id) {
  Connection& db = impl_->db;
  ScanReport report;
  // One read transaction, so a scan being written by another process is read consistently.
  ReadTransaction read(db);
  if (!read.status) return Error{read.status.error()};
  if (Status header = impl_->load_scan_header(scan_id, report); !header) {
    return Error{header.error()};
  }
  std::unordered_map<std::int64_t, std::size_t> index_of;
  {
    auto rows = db.prepare(std::string("SELECT ") + kPageColumns + kPagesFrom +
                           "WHERE p.scan_id = ?" + kReportOrder);
    if (!rows) return Error{rows.error()};
    rows->bind(1, scan_id);
    while (rows->step() == sql::kRow) {
      index_of[rows->integer(0)] = report.pages.size();
      report.pages.push_back(read_page(*rows));
    }
  }
  if (Status redirects = impl_->load_redirects(scan_id, std::nullopt, report.pages, index_of);
      !redirects) {
    return Error{redirects.error()};
  }
  return report;
}

// How many scans the trend of a report shows, this one included.
constexpr int kTrendScans = 12;

Status ScanStore::Impl::load_trend(std::int64_t scan_id, ScanReport& report) {
  auto scans = db.prepare(
      "SELECT s.id, s.started, (SELECT count(*) FROM pages p WHERE p.scan_id = s.id) "
      "FROM scans s WHERE s.id <= ?1 AND s.target = (SELECT target FROM scans WHERE id = ?1) "
      "AND (s.status IN ('complete', 'partial') OR s.id = ?1) ORDER BY s.id DESC LIMIT ?2");
  if (!scans) return Error{scans.error()};
  scans->bind(1, scan_id).bind(2, kTrendScans);
  std::vector<TrendPoint> points;
  int code = sql::kRow;
  while ((code = scans->step()) == sql::kRow) {
    points.push_back({scans->integer(0), scans->text(1), stored_count(scans->integer(2)), {}});
  }
  if (code != sql::kDone) return db.error(code, "reading the scans of the trend");
  // Summed per scan from the finding lists' counts, by the pages' scan index (not the view, which
  // groups every scan).
  auto counts = db.prepare(
      "SELECT sum(f.info), sum(f.low), sum(f.medium), sum(f.high), sum(f.critical) FROM "
      "(SELECT finding_set_id AS id FROM pages WHERE scan_id = ?1 UNION ALL "
      " SELECT site_finding_set_id FROM scans WHERE id = ?1) l JOIN finding_sets f ON f.id = l.id");
  if (!counts) return Error{counts.error()};
  for (TrendPoint& point : points) {
    counts->reset();
    counts->bind(1, point.scan_id);
    if (int step = counts->step(); step != sql::kRow) {
      return db.error(step, "counting a scan's findings");
    }
    for (std::size_t i = 0; i < point.findings.size(); ++i) {
      point.findings[i] = stored_count(counts->integer(static_cast<int>(i)));
    }
  }
  report.trend.assign(points.rbegin(), points.rend());
  return Ok{};
}

// A stored scan's pages read again for each walk, by row id in the order taken when the report
// was opened, without their links, on a read-ahead thread (store/read_ahead.h) while the caller
// visits them: the walk holds a few batches of pages, whatever the size of the scan.
class ScanStore::Impl::StoredPageStream final : public PageStream {
 public:
  StoredPageStream(Impl& store, std::vector<std::int64_t> page_ids)
      : store_(store), page_ids_(std::move(page_ids)) {}

  Status walk(const Visit& visit, PageParts parts) const override {
    return ReadAhead<PageAnalysis>::walk(
        [&](const ReadAhead<PageAnalysis>::Emit& emit) { return read(parts, emit); }, visit);
  }

 private:
  // Runs on the read-ahead thread: the only one using the connection during the walk.
  Status read(PageParts parts, const ReadAhead<PageAnalysis>::Emit& emit) const {
    Connection& db = store_.db;
    ReadTransaction read(db);
    if (!read.status) return read.status;
    const char* columns = parts == PageParts::all       ? kReportPageColumns
                          : parts == PageParts::listing ? kListingPageColumns
                          : parts == PageParts::counts  ? kCountPageColumns
                                                        : kFindingPageColumns;
    auto page_row = db.prepare(std::string("SELECT ") + columns + kPagesFrom + "WHERE p.id = ?");
    if (!page_row) return Error{page_row.error()};
    auto redirect_rows =
        db.prepare("SELECT url FROM redirects WHERE page_id = ? ORDER BY position");
    if (!redirect_rows) return Error{redirect_rows.error()};
    for (std::int64_t id : page_ids_) {
      page_row->reset();
      page_row->bind(1, id);
      int code = page_row->step();
      if (code == sql::kDone) continue;  // removed since (a prune running beside the report)
      if (code != sql::kRow) return db.error(code, "reading the pages of the scan");
      PageAnalysis page = read_page(*page_row, true, parts);
      if (parts == PageParts::all || parts == PageParts::listing) {
        redirect_rows->reset();
        redirect_rows->bind(1, id);
        while (redirect_rows->step() == sql::kRow) {
          page.page.redirect_chain.push_back(redirect_rows->text(0));
        }
      }
      if (!emit(std::move(page))) break;
    }
    return Ok{};
  }

 private:
  Impl& store_;
  std::vector<std::int64_t> page_ids_;
};

Result<ScanReport> ScanStore::stream_scan(std::int64_t scan_id,
                                          std::optional<StreamedTotals> known) {
  Connection& db = impl_->db;
  ScanReport report;
  std::vector<std::int64_t> page_ids;
  {
    ReadTransaction read(db);
    if (!read.status) return Error{read.status.error()};
    if (Status header = impl_->load_scan_header(scan_id, report); !header) {
      return Error{header.error()};
    }
    if (Status trend = impl_->load_trend(scan_id, report); !trend) return Error{trend.error()};
    auto rows =
        db.prepare(std::string("SELECT p.id FROM pages p WHERE p.scan_id = ?") + kReportOrder);
    if (!rows) return Error{rows.error()};
    rows->bind(1, scan_id);
    int code = sql::kRow;
    while ((code = rows->step()) == sql::kRow) page_ids.push_back(rows->integer(0));
    if (code != sql::kDone) return db.error(code, "listing the pages of the scan");
  }
  auto stream = std::make_shared<Impl::StoredPageStream>(*impl_, std::move(page_ids));
  if (known) {
    report.streamed = std::move(known);
    report.page_stream = std::move(stream);
    return report;
  }
  StreamedTotals& totals = report.streamed.emplace();
  if (Status counted = stream->walk(
          [&totals](const PageAnalysis& page) {
            totals.add(page);
            return true;
          },
          PageParts::counts);
      !counted) {
    return Error{counted.error()};
  }
  report.page_stream = std::move(stream);
  return report;
}

Result<std::int64_t> ScanStore::latest_scan_id(const std::string& target, bool complete_only) {
  Connection& db = impl_->db;
  auto row = db.prepare(
      "SELECT s.id FROM scans s WHERE (?1 = '' OR EXISTS (SELECT 1 FROM scan_targets t WHERE "
      "t.scan_id = s.id AND instr(t.target, ?1) > 0)) AND (?2 = 0 OR s.status = 'complete') "
      "ORDER BY s.id DESC LIMIT 1");
  if (!row) return Error{row.error()};
  row->bind(1, target).bind(2, complete_only);
  int code = row->step();
  if (code == sql::kRow) return row->integer(0);
  if (code != sql::kDone) return db.error(code, "finding the latest scan");
  std::string what = complete_only ? "no complete scan" : "no scan";
  return Error{db.path() + ": " + what + (target.empty() ? "" : " of " + target) + " stored yet"};
}

Result<std::int64_t> ScanStore::previous_complete_scan_id(std::int64_t scan_id) {
  Connection& db = impl_->db;
  auto row = db.prepare(
      "SELECT id FROM scans WHERE target = (SELECT target FROM scans WHERE id = ?1) "
      "AND status = 'complete' AND id < ?1 ORDER BY id DESC LIMIT 1");
  if (!row) return Error{row.error()};
  row->bind(1, scan_id);
  int code = row->step();
  if (code == sql::kRow) return row->integer(0);
  if (code != sql::kDone) return db.error(code, "finding the previous scan");
  return Error{db.path() + ": no complete scan of the same target before scan " +
               std::to_string(scan_id)};
}

Result<std::vector<ScanListEntry>> ScanStore::list_scans(const std::string& target_filter) {
  Connection& db = impl_->db;
  std::vector<ScanListEntry> entries;
  ReadTransaction read(db);
  if (!read.status) return Error{read.status.error()};
  {
    auto rows = db.prepare(
        "SELECT s.id, s.started, s.finished, s.status, s.tool_version, s.policy_path, "
        "s.policy_digest, s.updated, s.hostname, s.pid, s.process_start, "
        "(SELECT count(*) FROM pages p WHERE p.scan_id = s.id), "
        // The inventory once the scan finished; before that (running, killed), the vendors of
        // the tags stored so far.
        "coalesce(nullif((SELECT count(*) FROM vendors v WHERE v.scan_id = s.id), 0), "
        "    (SELECT count(DISTINCT t.vendor) FROM tags t JOIN pages p ON p.id = t.page_id "
        "     WHERE p.scan_id = s.id AND t.vendor <> '')) "
        "FROM scans s WHERE ?1 = '' OR EXISTS (SELECT 1 FROM scan_targets t WHERE "
        "t.scan_id = s.id AND instr(t.target, ?1) > 0) ORDER BY s.id DESC");
    if (!rows) return Error{rows.error()};
    rows->bind(1, target_filter);
    int code = 0;
    while ((code = rows->step()) == sql::kRow) {
      ScanListEntry entry;
      entry.info.id = rows->integer(0);
      entry.info.started = rows->text(1);
      entry.info.finished = rows->text(2);
      entry.info.status = parse_scan_status(rows->text(3));
      if (entry.info.status == ScanStatus::running && impl_->abandoned(*rows, 8)) {
        entry.info.status = ScanStatus::partial;
        entry.info.finished = rows->text(7);
      }
      entry.info.tool_version = rows->text(4);
      entry.info.policy_path = rows->text(5);
      entry.info.policy_digest = rows->text(6);
      entry.pages = static_cast<int>(rows->integer(11));
      entry.vendors = static_cast<int>(rows->integer(12));
      entries.push_back(std::move(entry));
    }
    if (code != sql::kDone) return db.error(code, "listing scans");
  }
  for (ScanListEntry& entry : entries) {
    auto targets =
        db.prepare("SELECT target FROM scan_targets WHERE scan_id = ? ORDER BY position");
    if (!targets) return Error{targets.error()};
    targets->bind(1, entry.info.id);
    while (targets->step() == sql::kRow) entry.info.targets.push_back(targets->text(0));
    auto counts = db.prepare(
        "SELECT info, low, medium, high, critical FROM v_scan_severities WHERE scan_id = ?");
    if (!counts) return Error{counts.error()};
    counts->bind(1, entry.info.id);
    if (counts->step() == sql::kRow) {
      for (int i = 0; i < 5; ++i) {
        int count = static_cast<int>(counts->integer(i));
        if (count > 0) entry.findings_by_severity[std::string(to_string(Severity(i)))] = count;
      }
    }
  }
  if (Status changes = impl_->add_finding_changes(entries); !changes) {
    return Error{changes.error()};
  }
  return entries;
}

// Fingerprints of the unsuppressed findings of each scan, compared with the newest older complete
// scan of the same targets in the list. A set shared by many scans is parsed once.
Status ScanStore::Impl::add_finding_changes(std::vector<ScanListEntry>& entries) {
  std::unordered_map<std::int64_t, std::vector<std::string>> fingerprints_of_set;
  auto fingerprints = [&](std::int64_t scan_id) -> Result<std::set<std::string>> {
    std::set<std::string> out;
    auto rows = db.prepare(
        "SELECT f.id, f.findings FROM finding_sets f WHERE f.id IN (SELECT finding_set_id "
        "FROM pages WHERE scan_id = ?1 UNION SELECT site_finding_set_id FROM scans WHERE id = ?1)");
    if (!rows) return Error{rows.error()};
    rows->bind(1, scan_id);
    int code = 0;
    while ((code = rows->step()) == sql::kRow) {
      auto [known, added] = fingerprints_of_set.try_emplace(rows->integer(0));
      if (added) {
        for (const Finding& finding : findings_from_json(rows->text(1))) {
          if (!finding.suppressed) known->second.push_back(finding.fingerprint);
        }
      }
      out.insert(known->second.begin(), known->second.end());
    }
    if (code != sql::kDone) return db.error(code, "reading the findings of a scan");
    return out;
  };
  std::vector<std::optional<std::set<std::string>>> by_entry(entries.size());
  auto of_entry = [&](std::size_t i) -> Result<const std::set<std::string>*> {
    if (!by_entry[i]) {
      Result<std::set<std::string>> read = fingerprints(entries[i].info.id);
      if (!read) return Error{read.error()};
      by_entry[i] = std::move(*read);
    }
    return &*by_entry[i];
  };
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::size_t before = i + 1;  // entries are newest first
    while (before < entries.size() && (entries[before].info.status != ScanStatus::complete ||
                                       entries[before].info.targets != entries[i].info.targets)) {
      ++before;
    }
    if (before == entries.size()) continue;
    Result<const std::set<std::string>*> now = of_entry(i);
    if (!now) return Error{now.error()};
    Result<const std::set<std::string>*> then = of_entry(before);
    if (!then) return Error{then.error()};
    ScanListEntry& entry = entries[i];
    entry.compared_with = entries[before].info.id;
    for (const std::string& fingerprint : **now)
      entry.new_findings += !(*then)->contains(fingerprint);
    for (const std::string& fingerprint : **then)
      entry.fixed_findings += !(*now)->contains(fingerprint);
    if (i > 0) by_entry[i - 1].reset();  // newest first: an entry is not needed again
  }
  return Ok{};
}

std::optional<ScanStore::PreviousPage> ScanStore::previous_page(const std::string& url) {
  auto row = impl_->db.prepare(
      "SELECT p.id, p.etag, p.last_modified, p.content_hash, coalesce(a.analyser_version, ''), "
      "s.policy_digest, s.catalogue_digest FROM pages p JOIN scans s ON s.id = p.scan_id "
      "LEFT JOIN analyses a ON a.id = p.analysis_id WHERE p.requested_url = ? AND "
      "p.error = 'none' AND s.status IN ('complete', 'partial') ORDER BY p.scan_id DESC LIMIT 1");
  if (!row) return std::nullopt;
  row->bind(1, url);
  if (row->step() != sql::kRow) return std::nullopt;
  return PreviousPage{row->integer(0), row->text(1), row->text(2), row->text(3),
                      row->text(4),    row->text(5), row->text(6)};
}

std::optional<AssetScan> ScanStore::first_party_file(const std::string& digest) {
  auto row = impl_->db.prepare("SELECT refs FROM first_party_files WHERE digest = ?");
  if (!row) return std::nullopt;
  row->bind(1, digest);
  if (row->step() != sql::kRow) return std::nullopt;
  return asset_scan_from_json(row->text(0));
}

Status ScanStore::add_first_party_files(const std::vector<std::pair<std::string, AssetScan>>& files,
                                        const std::string& analyser_version) {
  Connection& db = impl_->db;
  return in_transaction(db, [&]() -> Status {
    for (const auto& [digest, scan] : files) {
      auto insert = db.prepare(
          "INSERT INTO first_party_files (digest, analyser_version, refs, stored) "
          "VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING");
      if (!insert) return Error{insert.error()};
      insert->bind(1, digest).bind(2, analyser_version).bind(3, asset_scan_json(scan));
      insert->bind(4, utc_now_iso8601());
      if (Status done = sql::run(db, *insert, "storing a first-party file"); !done) return done;
    }
    return Ok{};
  });
}

bool ScanStore::has_reusable_pages() {
  auto row = impl_->db.prepare(
      "SELECT EXISTS (SELECT 1 FROM scans WHERE status IN ('complete', 'partial'))");
  return row && row->step() == sql::kRow && row->integer(0) != 0;
}

std::optional<PageAnalysis> ScanStore::stored_analysis(const PreviousPage& previous,
                                                       bool with_findings) {
  auto row = impl_->db.prepare(std::string("SELECT ") + kPageColumns +
                               ", p.analysis_id, p.finding_set_id" + kPagesFrom + "WHERE p.id = ?");
  if (!row) return std::nullopt;
  row->bind(1, previous.page_id);
  if (row->step() != sql::kRow || row->is_null(24)) return std::nullopt;
  PageAnalysis analysis = read_page(*row, with_findings);
  analysis.stored_rows = PageAnalysis::StoredRows{row->integer(24), nullable_id(*row, 25)};
  return analysis;
}

namespace {
// The store's size: the file (WAL checkpointed first), or the PostgreSQL database.
std::int64_t store_size(Connection& db) {
  if (db.dialect() == sql::Dialect::postgres) {
    auto size = db.prepare("SELECT pg_database_size(current_database())");
    return size && size->step() == sql::kRow ? size->integer(0) : 0;
  }
  (void)db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::error_code error;
  auto size = std::filesystem::file_size(db.path(), error);
  return error ? 0 : static_cast<std::int64_t>(size);
}

// After the rows went: SQLite gives free pages back with an incremental vacuum (or rewrites the
// file with VACUUM); PostgreSQL's autovacuum makes them reusable, and `vacuum` runs a plain
// VACUUM now (never VACUUM FULL, which would lock out runners writing at the same time).
Status give_space_back(Connection& db, bool vacuum, PruneOutcome& outcome) {
  if (db.dialect() == sql::Dialect::postgres) {
    return vacuum ? db.exec(
                        "VACUUM (ANALYZE) analyses, finding_sets, pages, redirects, scans, "
                        "scan_targets, settings, vendors, payment_pages, first_party_files")
                  : Status{Ok{}};
  }
  if (vacuum) return db.exec("PRAGMA auto_vacuum = INCREMENTAL; VACUUM");
  outcome.space_returned = sqlite::incremental_vacuum(db);
  return outcome.space_returned ? db.exec("PRAGMA incremental_vacuum") : Status{Ok{}};
}
}  // namespace

Result<PruneOutcome> ScanStore::prune(const PruneOptions& options) {
  Connection& db = impl_->db;
  PruneOutcome outcome;
  outcome.bytes_before = store_size(db);
  std::vector<std::int64_t> doomed;
  {
    // Rank among the target's finished scans, newest first; a limit not given keeps nothing.
    auto rows = db.prepare(
        "SELECT id FROM (SELECT id, started, row_number() OVER (PARTITION BY target ORDER BY id "
        "DESC) AS newest FROM scans WHERE status <> 'running') ranked "
        "WHERE (?1 = 0 OR started <= ?2) AND (?3 < 0 OR newest > ?3) ORDER BY id");
    if (!rows) return Error{rows.error()};
    // Started before the cutoff: both are ISO 8601 in UTC, so text order is time order.
    const long long cutoff = static_cast<long long>(std::time(nullptr)) -
                             static_cast<long long>(options.keep_days.value_or(0)) * 86400;
    rows->bind(1, options.keep_days.has_value())
        .bind(2, utc_iso8601(cutoff))
        .bind(3, options.keep_scans.value_or(-1));
    int code = 0;
    while ((code = rows->step()) == sql::kRow) doomed.push_back(rows->integer(0));
    if (code != sql::kDone) return db.error(code, "choosing the scans to prune");
  }
  for (std::int64_t id : doomed) {
    Status removed = in_transaction(db, [&]() -> Status {
      // A scan is running again only if its id was reused, which SQLite never does; the status
      // check guards against a scan that began after the list was made.
      auto remove = db.prepare("DELETE FROM scans WHERE id = ? AND status <> 'running'");
      if (!remove) return Error{remove.error()};
      remove->bind(1, id);
      if (Status done = sql::run(db, *remove, "pruning scan " + std::to_string(id)); !done) {
        return done;
      }
      outcome.scans_removed += db.changes();
      return Ok{};
    });
    if (!removed) return Error{removed.error()};
  }
  // Whatever nothing refers to, including what an interrupted scan or prune left.
  Status swept = in_transaction(db, [&]() -> Status {
    if (Status done = db.exec("DELETE FROM analyses WHERE NOT EXISTS "
                              "(SELECT 1 FROM pages WHERE analysis_id = analyses.id)");
        !done) {
      return done;
    }
    outcome.analyses_removed = db.changes();
    if (Status done =
            db.exec("DELETE FROM finding_sets WHERE NOT EXISTS "
                    "(SELECT 1 FROM pages WHERE finding_set_id = finding_sets.id) AND NOT EXISTS "
                    "(SELECT 1 FROM scans WHERE site_finding_set_id = finding_sets.id)");
        !done) {
      return done;
    }
    outcome.finding_sets_removed = db.changes();
    // First-party file contents first read before the oldest scan kept: a later scan that still
    // includes one reads it again (version 6).
    return db.exec(
        "DELETE FROM first_party_files WHERE stored < "
        "(SELECT coalesce(min(started), '9999') FROM scans)");
  });
  if (!swept) return Error{swept.error()};
  if (Status given = give_space_back(db, options.vacuum, outcome); !given) {
    return Error{given.error()};
  }
  outcome.bytes_after = store_size(db);
  return outcome;
}

}  // namespace tw
