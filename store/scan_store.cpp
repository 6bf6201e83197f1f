// ScanStore on SQLite: opening and migrating, writing a scan batch by batch, and reading it back
// as the ScanReport it was written from.
#include "store/scan_store.h"
#include "model/clock.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "store/json_text.h"
#include "store/schema.h"
#include "store/sqlite.h"

namespace tw {
namespace {

using nlohmann::json;
using sqlite::Connection;
using sqlite::Statement;

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

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += '\n';
    out += line;
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

std::string join_targets(const std::vector<std::string>& targets) {
  std::string out;
  for (const std::string& target : targets) {
    if (!out.empty()) out += ' ';
    out += target;
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

constexpr const char* kPageColumns =
    "p.id, p.requested_url, p.url, p.status, p.content_type, p.depth, p.fetch_ms, p.body_bytes, "
    "p.content_hash, p.error, p.error_detail, p.title, p.csp_header, p.csp_meta, "
    "p.consent_manager_index, p.reused, p.headers, p.links";

PageAnalysis read_page(const Statement& row) {
  PageAnalysis analysis;
  Page& page = analysis.page;
  page.requested_url = row.text(1);
  page.final_url = row.text(2);
  page.status = static_cast<int>(row.integer(3));
  page.content_type = row.text(4);
  page.depth = static_cast<int>(row.integer(5));
  page.fetch_ms = row.real(6);
  page.body_bytes = static_cast<std::uint64_t>(row.integer(7));
  page.content_hash = row.text(8);
  page.error = parse_page_error(row.text(9));
  page.error_detail = row.text(10);
  analysis.title = row.text(11);
  analysis.csp.header = row.text(12);
  analysis.csp.meta = row.text(13);
  analysis.consent_manager_index = static_cast<int>(row.integer(14));
  analysis.reused = row.integer(15) != 0;
  json headers = parse_json_text(row.text(16));
  if (headers.is_array()) {
    for (const json& pair : headers) {
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
        page.headers.push_back({pair[0].get<std::string>(), pair[1].get<std::string>()});
      }
    }
  }
  analysis.links = split_lines(row.text(17));
  return analysis;
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
    out += "},[";
    for (std::size_t i = 0; i < tag.ids.size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_string(out, tag.ids[i]);
    }
    out.push_back(']');
    for (bool flag : {tag.in_head, tag.in_noscript, tag.consent_gated, tag.document_write}) {
      out += flag ? ",1" : ",0";
    }
    out.push_back(']');
  }
  out.push_back(']');
  return out;
}

// The inverse of tags_json; entries that do not have the shape are skipped, and text that is not
// JSON gives no tags. Read with nlohmann's SAX parser straight into Tags: loading a scan parses
// every page's tags, and a DOM first cost twice the time.
class TagRowsReader final : public nlohmann::json_sax<json> {
 public:
  static constexpr std::size_t kFields = 17;

  std::vector<Tag> take() { return valid_ ? std::move(tags_) : std::vector<Tag>(); }

  bool null() override { return scalar({}, std::nullopt); }
  bool boolean(bool) override { return scalar({}, std::nullopt); }
  bool number_integer(number_integer_t value) override { return scalar({}, value); }
  bool number_unsigned(number_unsigned_t value) override {
    return scalar({}, static_cast<long long>(value));
  }
  bool number_float(number_float_t, const string_t&) override { return scalar({}, std::nullopt); }
  bool string(string_t& value) override { return scalar(&value, std::nullopt); }
  bool binary(binary_t&) override { return scalar({}, std::nullopt); }
  bool key(string_t& value) override {
    key_ = std::move(value);
    return true;
  }
  bool start_object(std::size_t) override { return open(false); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    valid_ = false;
    return false;
  }

 private:
  enum class Inside { row, attributes, ids };

  // A scalar at the current depth: a row's field, an attribute value or an id.
  bool scalar(std::string* text, std::optional<long long> number) {
    if (ignoring()) return true;
    if (depth_ == 0) {
      valid_ = false;  // not an array of rows
    } else if (depth_ == 2) {
      set_field(text, number);
      ++field_;
    } else if (depth_ == 3 && text != nullptr) {
      if (inside_ == Inside::attributes) row_.attributes[key_] = std::move(*text);
      if (inside_ == Inside::ids) row_.ids.push_back(std::move(*text));
    }
    return true;
  }

  bool open(bool array) {
    if (!ignoring()) {
      if (depth_ == 0) {
        if (!array) valid_ = false;
      } else if (depth_ == 1 && array) {
        row_ = Tag();
        field_ = 0;
      } else if (depth_ == 2 && field_ == 11 && !array) {
        inside_ = Inside::attributes;
      } else if (depth_ == 2 && field_ == 12 && array) {
        inside_ = Inside::ids;
      } else {
        ignore_depth_ = depth_;  // a value of no interest, skipped whole
      }
    }
    ++depth_;
    return true;
  }

  bool close() {
    --depth_;
    if (ignore_depth_ >= 0) {
      if (depth_ != ignore_depth_) return true;
      ignore_depth_ = -1;
      if (depth_ == 2) ++field_;  // the skipped value was a field of the row
      return true;
    }
    if (depth_ == 2) {
      inside_ = Inside::row;
      ++field_;
    } else if (depth_ == 1 && field_ == kFields) {
      tags_.push_back(std::move(row_));
    }
    return true;
  }

  bool ignoring() const { return ignore_depth_ >= 0; }

  // The row's fields by position (tags_json): text, whole numbers, and 0/1 flags.
  void set_field(std::string* text, std::optional<long long> number) {
    static constexpr std::pair<std::size_t, std::string Tag::*> kTexts[] = {
        {1, &Tag::url},      {2, &Tag::host},   {3, &Tag::domain},  {4, &Tag::vendor},
        {5, &Tag::category}, {9, &Tag::parent}, {10, &Tag::snippet}};
    static constexpr std::pair<std::size_t, bool Tag::*> kFlags[] = {{13, &Tag::in_head},
                                                                     {14, &Tag::in_noscript},
                                                                     {15, &Tag::consent_gated},
                                                                     {16, &Tag::document_write}};
    std::string value = text != nullptr ? std::move(*text) : std::string();
    if (field_ == 0) row_.kind = parse_tag_kind(value).value_or(TagKind::script);
    if (field_ == 6) row_.line = static_cast<int>(number.value_or(0));
    if (field_ == 7) row_.column = static_cast<int>(number.value_or(0));
    if (field_ == 8) row_.initiator = parse_initiator(value).value_or(Initiator::parser);
    for (const auto& [index, member] : kTexts) {
      if (index == field_) row_.*member = std::move(value);
    }
    for (const auto& [index, member] : kFlags) {
      if (index == field_) row_.*member = number.value_or(0) != 0;
    }
    // 11 and 12 are the attributes and ids containers; a scalar there leaves them empty.
  }

  std::vector<Tag> tags_;
  Tag row_;
  std::string key_;
  std::size_t field_ = 0;
  int depth_ = 0;
  int ignore_depth_ = -1;
  Inside inside_ = Inside::row;
  bool valid_ = true;
};

std::vector<Tag> tags_from_json(const std::string& text) {
  TagRowsReader reader;
  if (!json::sax_parse(text, &reader)) return {};
  return reader.take();
}

constexpr const char* kFindingColumns =
    "f.page_id, f.rule, f.severity, f.page, f.vendor, f.host, f.tag_url, f.line, f.col, "
    "f.message, f.evidence, f.fingerprint, f.suppressed, f.suppression_reason, f.baseline_state, "
    "f.issue_key";

Finding read_finding(const Statement& row) {
  Finding finding;
  finding.rule = row.text(1);
  finding.severity = parse_severity(row.text(2)).value_or(Severity::info);
  finding.page = row.text(3);
  finding.vendor = row.text(4);
  finding.host = row.text(5);
  finding.tag_url = row.text(6);
  finding.line = static_cast<int>(row.integer(7));
  finding.column = static_cast<int>(row.integer(8));
  finding.message = row.text(9);
  finding.evidence = row.text(10);
  finding.fingerprint = row.text(11);
  finding.suppressed = row.integer(12) != 0;
  finding.suppression_reason = row.text(13);
  finding.baseline_state = row.text(14);
  finding.issue_key = row.text(15);
  return finding;
}

// Runs `body` between BEGIN IMMEDIATE and COMMIT (rolled back on any error). IMMEDIATE takes the
// write lock up front, so a second writer waits in the busy handler instead of failing later.
template <typename Body>
Status in_transaction(Connection& db, Body&& body) {
  if (Status begun = db.exec("BEGIN IMMEDIATE"); !begun) return begun;
  Status result = body();
  if (result) result = db.exec("COMMIT");
  if (!result) (void)db.exec("ROLLBACK");
  return result;
}

// A read transaction for the lifetime of the object, so what is read from several tables belongs
// to one snapshot even while another process writes the same scan.
struct ReadTransaction {
  explicit ReadTransaction(Connection& connection)
      : db(connection), status(connection.exec("BEGIN")) {}
  ~ReadTransaction() {
    if (status) (void)db.exec("COMMIT");
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  Connection& db;
  Status status;
};

}  // namespace

// Page row ids first..last (inclusive) of one scan.
struct PageIdRange {
  std::int64_t first = 0;
  std::int64_t last = 0;
};

struct ScanStore::Impl {
  Connection db;
  ProcessIdentity self = current_process();

  Status migrate();
  Status mark_abandoned_scans_partial();
  bool abandoned(const Statement& row, int hostname_column) const {
    ProcessIdentity writer{row.text(hostname_column), row.integer(hostname_column + 1),
                           row.text(hostname_column + 2)};
    return !process_alive(writer, self);
  }
  Status store_page(std::int64_t scan_id, const PageAnalysis& analysis);
  Status insert_finding(std::int64_t scan_id, std::optional<std::int64_t> page_id, int position,
                        const Finding& finding);
  Status load_page_details(std::int64_t scan_id, std::optional<PageIdRange> page_ids,
                           std::vector<PageAnalysis>& pages,
                           const std::unordered_map<std::int64_t, std::size_t>& index_of,
                           bool with_findings, std::vector<Finding>* site_findings);
};

Status ScanStore::Impl::migrate() {
  return in_transaction(db, [&]() -> Status {
    // Every statement is reset before the migrations run: DROP TABLE fails while one is active.
    std::size_t version = 0;
    {
      auto version_query = db.prepare("PRAGMA user_version");
      if (!version_query) return Error{version_query.error()};
      int code = version_query->step();
      if (code != SQLITE_ROW) return db.error(code, "reading the schema version");
      version = static_cast<std::size_t>(version_query->integer(0));
    }
    std::span<const std::string_view> migrations = schema_migrations();
    if (version > migrations.size()) {
      return Error{db.path() + ": database schema version " + std::to_string(version) +
                   " is newer than this tagwarden understands (" +
                   std::to_string(migrations.size()) +
                   "); use a newer tagwarden or another --db file"};
    }
    if (version == 0) {
      auto tables = db.prepare("SELECT count(*) FROM sqlite_master");
      if (!tables) return Error{tables.error()};
      bool has_tables = tables->step() == SQLITE_ROW && tables->integer(0) > 0;
      if (has_tables) {
        return Error{db.path() +
                     ": a SQLite database that tagwarden did not create (it has tables but no "
                     "tagwarden schema version); use another --db file"};
      }
    }
    for (std::size_t step = version; step < migrations.size(); ++step) {
      if (Status applied = db.exec(std::string(migrations[step])); !applied) return applied;
      auto record = db.prepare("INSERT INTO schema_version (version, applied) VALUES (?, ?)");
      if (!record) return Error{record.error()};
      record->bind(1, static_cast<std::int64_t>(step + 1)).bind(2, utc_now_iso8601());
      if (Status done = sqlite::run(db, *record, "recording the schema version"); !done) {
        return done;
      }
    }
    if (version == migrations.size()) return Ok{};
    return db.exec("PRAGMA user_version = " + std::to_string(migrations.size()));
  });
}

Status ScanStore::Impl::mark_abandoned_scans_partial() {
  std::vector<std::int64_t> abandoned_ids;
  {
    auto running =
        db.prepare("SELECT id, hostname, pid, process_start FROM scans WHERE status = 'running'");
    if (!running) return Error{running.error()};
    while (running->step() == SQLITE_ROW) {
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
      if (Status done = sqlite::run(db, *mark, "marking an interrupted scan partial"); !done) {
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
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return Error{path + ": is a directory, not a database file"};
  }
  sqlite3* raw = nullptr;
  int code =
      // NOMUTEX: a connection belongs to one thread (sqlite.h), so SQLite's per-call locking
      // is pure cost.
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  sqlite::ConnectionPtr handle(raw);
  if (code != SQLITE_OK) {
    int system_errno = raw ? sqlite3_system_errno(raw) : 0;
    std::string reason =
        system_errno != 0 ? std::strerror(system_errno) : std::string(sqlite3_errstr(code));
    return Error{path + ": cannot open the database (" + reason + ")"};
  }
  auto impl = std::make_unique<Impl>();
  impl->db = Connection(std::move(handle), path);
  Connection& db = impl->db;
  sqlite3_busy_timeout(db.handle(), options.busy_timeout_ms);
  sqlite3_extended_result_codes(db.handle(), 1);
  if (sqlite3_db_readonly(db.handle(), "main") == 1) {
    return Error{path +
                 ": the database is read-only (check the permissions of the file and its "
                 "directory)"};
  }
  if (options.max_page_count > 0) {
    if (Status capped =
            db.exec("PRAGMA max_page_count = " + std::to_string(options.max_page_count));
        !capped) {
      return Error{capped.error()};
    }
  }
  {
    // Two processes creating the same new database both switch it to WAL; the switch needs an
    // exclusive lock and SQLite returns BUSY at once instead of calling the busy handler, so
    // retry for as long as the busy timeout would have waited.
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(std::max(options.busy_timeout_ms, 0));
    std::string mode;
    for (;;) {
      auto wal = db.prepare("PRAGMA journal_mode = WAL");
      if (!wal) return Error{wal.error()};
      code = wal->step();
      if (code == SQLITE_ROW) {
        mode = wal->text(0);
        break;
      }
      if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) ||
          std::chrono::steady_clock::now() >= deadline) {
        return db.error(code, "switching to WAL mode");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (mode != "wal") {
      return Error{path + ": cannot use write-ahead logging here (journal mode stays " + mode +
                   "); put the database on a local file system"};
    }
  }
  // NORMAL is safe with WAL: a crash can lose the last commit on power loss, never consistency.
  if (Status pragmas = db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON"); !pragmas) {
    return Error{pragmas.error()};
  }
  if (Status migrated = impl->migrate(); !migrated) return Error{migrated.error()};
  if (Status marked = impl->mark_abandoned_scans_partial(); !marked) return Error{marked.error()};
  return ScanStore(std::move(impl));
}

Result<std::int64_t> ScanStore::begin_scan(const ScanInfo& info) {
  Connection& db = impl_->db;
  std::int64_t scan_id = 0;
  Status stored = in_transaction(db, [&]() -> Status {
    auto insert = db.prepare(
        "INSERT INTO scans (target, started, status, tool_version, policy_path, policy_digest, "
        "error_counts, updated, hostname, pid, process_start) "
        "VALUES (?, ?, 'running', ?, ?, ?, '{}', ?, ?, ?, ?)");
    if (!insert) return Error{insert.error()};
    std::string now = utc_now_iso8601();
    insert->bind(1, join_targets(info.targets))
        .bind(2, info.started.empty() ? now : info.started)
        .bind(3, info.tool_version)
        .bind(4, info.policy_path)
        .bind(5, info.policy_digest)
        .bind(6, now)
        .bind(7, impl_->self.hostname)
        .bind(8, impl_->self.pid)
        .bind(9, impl_->self.start);
    if (Status done = sqlite::run(db, *insert, "recording a new scan"); !done) return done;
    scan_id = sqlite3_last_insert_rowid(db.handle());
    for (std::size_t i = 0; i < info.targets.size(); ++i) {
      auto target =
          db.prepare("INSERT INTO scan_targets (scan_id, position, target) VALUES (?, ?, ?)");
      if (!target) return Error{target.error()};
      target->bind(1, scan_id).bind(2, static_cast<std::int64_t>(i)).bind(3, info.targets[i]);
      if (Status done = sqlite::run(db, *target, "recording the scan targets"); !done) return done;
    }
    for (const auto& [name, value] : info.settings) {
      auto setting = db.prepare("INSERT INTO settings (scan_id, name, value) VALUES (?, ?, ?)");
      if (!setting) return Error{setting.error()};
      setting->bind(1, scan_id).bind(2, name).bind(3, value);
      if (Status done = sqlite::run(db, *setting, "recording the scan settings"); !done) {
        return done;
      }
    }
    return Ok{};
  });
  if (!stored) return Error{stored.error()};
  return scan_id;
}

Status ScanStore::Impl::insert_finding(std::int64_t scan_id, std::optional<std::int64_t> page_id,
                                       int position, const Finding& finding) {
  static const std::string kInsert =
      "INSERT INTO findings (scan_id, page_id, position, rule, severity, page, vendor, host, "
      "tag_url, line, col, message, evidence, fingerprint, suppressed, suppression_reason, "
      "baseline_state, issue_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  auto insert = db.prepare(kInsert);
  if (!insert) return Error{insert.error()};
  insert->bind(1, scan_id);
  if (page_id) {
    insert->bind(2, *page_id);
  } else {
    insert->bind_null(2);
  }
  // The finding outlives the step, so its strings are bound without a copy.
  insert->bind(3, position)
      .bind_borrowed(4, finding.rule)
      .bind_borrowed(5, to_string(finding.severity))
      .bind_borrowed(6, finding.page)
      .bind_borrowed(7, finding.vendor)
      .bind_borrowed(8, finding.host)
      .bind_borrowed(9, finding.tag_url)
      .bind(10, finding.line)
      .bind(11, finding.column)
      .bind_borrowed(12, finding.message)
      .bind_borrowed(13, finding.evidence)
      .bind_borrowed(14, finding.fingerprint)
      .bind(15, finding.suppressed)
      .bind_borrowed(16, finding.suppression_reason)
      .bind_borrowed(17, finding.baseline_state)
      .bind_borrowed(18, finding.issue_key);
  return sqlite::run(db, *insert, "storing a finding");
}

const std::string& stored_page_key(const Page& page) {
  return page.requested_url.empty() ? page.final_url : page.requested_url;
}

Status ScanStore::Impl::store_page(std::int64_t scan_id, const PageAnalysis& analysis) {
  const Page& page = analysis.page;
  const std::string& key = stored_page_key(page);
  json headers = json::array();
  for (const Header& header : page.headers) headers.push_back({header.name, header.value});

  // An upsert keeps the row id of a page stored before, and with it the page's place in the order.
  // An upsert that updates leaves last_insert_rowid alone, which tells a new page (nothing of it
  // to clear) from one stored again (the third-party stage's pages). A new page whose id happens
  // to equal the previous rowid only costs the four deletes below.
  std::int64_t page_id = 0;
  bool stored_before = false;
  {
    std::int64_t last_rowid = sqlite3_last_insert_rowid(db.handle());
    auto upsert = db.prepare(
        "INSERT INTO pages (scan_id, requested_url, url, status, content_type, depth, fetch_ms, "
        "body_bytes, content_hash, etag, last_modified, error, error_detail, title, csp_header, "
        "csp_meta, consent_manager_index, reused, headers, links) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (scan_id, requested_url) DO UPDATE SET url = excluded.url, "
        "status = excluded.status, content_type = excluded.content_type, depth = excluded.depth, "
        "fetch_ms = excluded.fetch_ms, body_bytes = excluded.body_bytes, "
        "content_hash = excluded.content_hash, etag = excluded.etag, "
        "last_modified = excluded.last_modified, error = excluded.error, "
        "error_detail = excluded.error_detail, title = excluded.title, "
        "csp_header = excluded.csp_header, csp_meta = excluded.csp_meta, "
        "consent_manager_index = excluded.consent_manager_index, reused = excluded.reused, "
        "headers = excluded.headers, links = excluded.links "
        "RETURNING id");
    if (!upsert) return Error{upsert.error()};
    upsert->bind(1, scan_id)
        .bind(2, key)
        .bind(3, page.final_url.empty() ? key : page.final_url)
        .bind(4, page.status)
        .bind(5, page.content_type)
        .bind(6, page.depth)
        .bind(7, page.fetch_ms)
        .bind(8, static_cast<std::int64_t>(page.body_bytes))
        .bind(9, page.content_hash)
        .bind(10, page.header("etag"))
        .bind(11, page.header("last-modified"))
        .bind(12, to_string(page.error))
        .bind(13, page.error_detail)
        .bind(14, analysis.title)
        .bind(15, analysis.csp.header)
        .bind(16, analysis.csp.meta)
        .bind(17, analysis.consent_manager_index)
        .bind(18, analysis.reused)
        .bind(19, to_json_text(headers))
        .bind(20, join_lines(analysis.links));
    int code = upsert->step();
    if (code != SQLITE_ROW) return db.error(code, "storing page " + key);
    page_id = upsert->integer(0);
    if (code = upsert->step(); code != SQLITE_DONE) return db.error(code, "storing page " + key);
    stored_before = sqlite3_last_insert_rowid(db.handle()) == last_rowid;
  }
  // findings are found through their (scan_id, page_id, position) index, the others by page_id.
  for (const char* sql :
       {"DELETE FROM page_tags WHERE page_id = ?1",
        "DELETE FROM findings WHERE scan_id = ?2 AND page_id = ?1",
        "DELETE FROM redirects WHERE page_id = ?1", "DELETE FROM notes WHERE page_id = ?1"}) {
    if (!stored_before) break;
    auto clear = db.prepare(sql);
    if (!clear) return Error{clear.error()};
    clear->bind(1, page_id).bind(2, scan_id);
    if (Status done = sqlite::run(db, *clear, "replacing page " + key); !done) return done;
  }
  for (std::size_t i = 0; i < page.redirect_chain.size(); ++i) {
    auto insert = db.prepare("INSERT INTO redirects (page_id, position, url) VALUES (?, ?, ?)");
    if (!insert) return Error{insert.error()};
    insert->bind(1, page_id).bind(2, static_cast<std::int64_t>(i)).bind(3, page.redirect_chain[i]);
    if (Status done = sqlite::run(db, *insert, "storing a redirect"); !done) return done;
  }
  for (std::size_t i = 0; i < analysis.notes.size(); ++i) {
    auto insert = db.prepare("INSERT INTO notes (page_id, position, note) VALUES (?, ?, ?)");
    if (!insert) return Error{insert.error()};
    insert->bind(1, page_id).bind(2, static_cast<std::int64_t>(i)).bind(3, analysis.notes[i]);
    if (Status done = sqlite::run(db, *insert, "storing a note"); !done) return done;
  }
  if (!analysis.tags.empty()) {
    auto insert = db.prepare("INSERT INTO page_tags (page_id, tags) VALUES (?, ?)");
    if (!insert) return Error{insert.error()};
    std::string tags = tags_json(analysis.tags);
    insert->bind(1, page_id).bind_borrowed(2, tags);
    if (Status done = sqlite::run(db, *insert, "storing the tags of " + key); !done) return done;
  }
  for (std::size_t i = 0; i < analysis.findings.size(); ++i) {
    if (Status done = insert_finding(scan_id, page_id, static_cast<int>(i), analysis.findings[i]);
        !done) {
      return done;
    }
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
    return sqlite::run(db, *touch, "recording progress");
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
    return sqlite::run(db, *update, "marking the scan partial");
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
    if (Status done = sqlite::run(db, *update, "finishing the scan"); !done) return done;
    if (sqlite3_changes(db.handle()) == 0) {
      return Error{db.path() + ": no scan " + std::to_string(scan_id) + " to finish"};
    }
    for (const auto& [name, value] : info.settings) {
      auto setting = db.prepare(
          "INSERT INTO settings (scan_id, name, value) VALUES (?, ?, ?) "
          "ON CONFLICT (scan_id, name) DO UPDATE SET value = excluded.value");
      if (!setting) return Error{setting.error()};
      setting->bind(1, scan_id).bind(2, name).bind(3, value);
      if (Status done = sqlite::run(db, *setting, "recording the scan settings"); !done) {
        return done;
      }
    }
    for (const char* sql : {"DELETE FROM findings WHERE scan_id = ? AND page_id IS NULL",
                            "DELETE FROM vendors WHERE scan_id = ?"}) {
      auto clear = db.prepare(sql);
      if (!clear) return Error{clear.error()};
      clear->bind(1, scan_id);
      if (Status done = sqlite::run(db, *clear, "replacing the site findings"); !done) return done;
    }
    for (std::size_t i = 0; i < site_findings.size(); ++i) {
      if (Status done =
              impl_->insert_finding(scan_id, std::nullopt, static_cast<int>(i), site_findings[i]);
          !done) {
        return done;
      }
    }
    for (std::size_t i = 0; i < vendors.size(); ++i) {
      const VendorSummary& vendor = vendors[i];
      auto insert = db.prepare(
          "INSERT INTO vendors (scan_id, position, name, category, hosts, ids, pages, status, "
          "owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      if (!insert) return Error{insert.error()};
      insert->bind(1, scan_id)
          .bind(2, static_cast<std::int64_t>(i))
          .bind(3, vendor.name)
          .bind(4, vendor.category)
          .bind(5, to_json_text(json(vendor.hosts)))
          .bind(6, to_json_text(json(vendor.ids)))
          .bind(7, vendor.pages)
          .bind(8, vendor.status)
          .bind(9, vendor.owner);
      if (Status done = sqlite::run(db, *insert, "storing the vendor inventory"); !done) {
        return done;
      }
    }
    return Ok{};
  });
}

Status ScanStore::record_baseline_states(std::int64_t scan_id,
                                         const std::vector<const Finding*>& findings) {
  Connection& db = impl_->db;
  // Findings have no index by fingerprint (it cost every insert); the states go into a keyed
  // temporary table and one pass over the scan's findings picks them up.
  if (Status created =
          db.exec("CREATE TEMP TABLE IF NOT EXISTS baseline_states (fingerprint TEXT PRIMARY KEY, "
                  "state TEXT NOT NULL) WITHOUT ROWID; DELETE FROM temp.baseline_states");
      !created) {
    return created;
  }
  return in_transaction(db, [&]() -> Status {
    for (const Finding* finding : findings) {
      auto state = db.prepare(
          "INSERT OR REPLACE INTO temp.baseline_states (fingerprint, state) VALUES (?, ?)");
      if (!state) return Error{state.error()};
      state->bind(1, finding->fingerprint).bind(2, finding->baseline_state);
      if (Status done = sqlite::run(db, *state, "recording baseline states"); !done) return done;
    }
    auto update = db.prepare(
        "UPDATE findings SET baseline_state = coalesce((SELECT b.state FROM temp.baseline_states b "
        "WHERE b.fingerprint = findings.fingerprint), baseline_state) WHERE scan_id = ?");
    if (!update) return Error{update.error()};
    update->bind(1, scan_id);
    return sqlite::run(db, *update, "recording baseline states");
  });
}

// Fills redirects, notes, tags (with ids) and optionally findings of the pages already read:
// every page of the scan, or only those with ids in `page_ids` when given.
Status ScanStore::Impl::load_page_details(
    std::int64_t scan_id, std::optional<PageIdRange> page_ids, std::vector<PageAnalysis>& pages,
    const std::unordered_map<std::int64_t, std::size_t>& index_of, bool with_findings,
    std::vector<Finding>* site_findings) {
  // Rows are selected either for the whole scan or for a range of pages (by their primary key,
  // so a re-scan's lookups stay O(1) per page); ?1 is the scan, ?2 and ?3 the range.
  const std::string page_filter =
      page_ids ? "p.id BETWEEN ?2 AND ?3 AND p.scan_id = ?1" : "p.scan_id = ?1";
  auto bind_filter = [&](Statement& stmt) {
    stmt.bind(1, scan_id);
    if (page_ids) stmt.bind(2, page_ids->first).bind(3, page_ids->last);
  };
  auto page_at = [&](std::int64_t id) -> PageAnalysis* {
    auto found = index_of.find(id);
    return found == index_of.end() ? nullptr : &pages[found->second];
  };
  {
    auto rows = db.prepare(
        "SELECT r.page_id, r.url FROM redirects r JOIN pages p ON p.id = "
        "r.page_id WHERE " +
        page_filter + " ORDER BY r.page_id, r.position");
    if (!rows) return Error{rows.error()};
    bind_filter(*rows);
    while (rows->step() == SQLITE_ROW) {
      if (PageAnalysis* page = page_at(rows->integer(0))) {
        page->page.redirect_chain.push_back(rows->text(1));
      }
    }
  }
  {
    auto rows = db.prepare(
        "SELECT n.page_id, n.note FROM notes n JOIN pages p ON p.id = "
        "n.page_id WHERE " +
        page_filter + " ORDER BY n.page_id, n.position");
    if (!rows) return Error{rows.error()};
    bind_filter(*rows);
    while (rows->step() == SQLITE_ROW) {
      if (PageAnalysis* page = page_at(rows->integer(0))) page->notes.push_back(rows->text(1));
    }
  }
  {
    auto rows = db.prepare(
        "SELECT t.page_id, t.tags FROM page_tags t JOIN pages p ON p.id = "
        "t.page_id WHERE " +
        page_filter);
    if (!rows) return Error{rows.error()};
    bind_filter(*rows);
    while (rows->step() == SQLITE_ROW) {
      if (PageAnalysis* page = page_at(rows->integer(0)))
        page->tags = tags_from_json(rows->text(1));
    }
  }
  if (!with_findings) return Ok{};
  auto rows = db.prepare(
      std::string("SELECT ") + kFindingColumns + " FROM findings f WHERE " +
      (page_ids ? "f.scan_id = ?1 AND f.page_id BETWEEN ?2 AND ?3 " : "f.scan_id = ?1 ") +
      "ORDER BY f.page_id IS NULL, f.page_id, f.position");
  if (!rows) return Error{rows.error()};
  bind_filter(*rows);
  while (rows->step() == SQLITE_ROW) {
    if (rows->is_null(0)) {
      if (site_findings != nullptr) site_findings->push_back(read_finding(*rows));
    } else if (PageAnalysis* page = page_at(rows->integer(0))) {
      page->findings.push_back(read_finding(*rows));
    }
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
      auto rows = db.prepare(std::string("SELECT ") + kPageColumns +
                             " FROM pages p WHERE p.scan_id = ? AND p.id > ? ORDER BY p.id "
                             "LIMIT ?");
      if (!rows) return Error{rows.error()};
      rows->bind(1, scan_id).bind(2, after).bind(3, static_cast<std::int64_t>(batch_size));
      int code = SQLITE_ROW;
      while ((code = rows->step()) == SQLITE_ROW) {
        std::int64_t id = rows->integer(0);
        if (pages.empty()) range.first = id;
        range.last = id;
        index_of[id] = pages.size();
        pages.push_back(read_page(*rows));
      }
      if (code != SQLITE_DONE) return db.error(code, "reading the pages of the scan");
    }
    if (pages.empty()) return Ok{};
    if (Status details = impl_->load_page_details(scan_id, range, pages, index_of, true, nullptr);
        !details) {
      return details;
    }
    after = range.last;
    if (Status visited = visit(pages); !visited) return visited;
  }
}

Result<ScanReport> ScanStore::load_scan(std::int64_t scan_id) {
  Connection& db = impl_->db;
  ScanReport report;
  ScanInfo& info = report.scan;
  // One read transaction, so a scan being written by another process is read consistently.
  ReadTransaction read(db);
  if (!read.status) return Error{read.status.error()};
  {
    auto row = db.prepare(
        "SELECT id, started, finished, status, tool_version, policy_path, policy_digest, "
        "error_counts, hostname, pid, process_start, updated FROM scans WHERE id = ?");
    if (!row) return Error{row.error()};
    row->bind(1, scan_id);
    int code = row->step();
    if (code == SQLITE_DONE) return Error{db.path() + ": no scan " + std::to_string(scan_id)};
    if (code != SQLITE_ROW) return db.error(code, "reading scan " + std::to_string(scan_id));
    info.id = row->integer(0);
    info.started = row->text(1);
    info.finished = row->text(2);
    info.status = parse_scan_status(row->text(3));
    if (info.status == ScanStatus::running && impl_->abandoned(*row, 8)) {
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
    while (rows->step() == SQLITE_ROW) info.targets.push_back(rows->text(0));
  }
  {
    auto rows = db.prepare("SELECT name, value FROM settings WHERE scan_id = ? ORDER BY name");
    if (!rows) return Error{rows.error()};
    rows->bind(1, scan_id);
    while (rows->step() == SQLITE_ROW) info.settings[rows->text(0)] = rows->text(1);
  }
  // Pages in the order reports list them (depth, then URL: stable across scans of a site).
  std::unordered_map<std::int64_t, std::size_t> index_of;
  {
    auto rows = db.prepare(std::string("SELECT ") + kPageColumns +
                           " FROM pages p WHERE p.scan_id = ? ORDER BY p.depth, p.url, p.id");
    if (!rows) return Error{rows.error()};
    rows->bind(1, scan_id);
    while (rows->step() == SQLITE_ROW) {
      index_of[rows->integer(0)] = report.pages.size();
      report.pages.push_back(read_page(*rows));
    }
  }
  if (Status details = impl_->load_page_details(scan_id, std::nullopt, report.pages, index_of, true,
                                                &report.site_findings);
      !details) {
    return Error{details.error()};
  }
  auto rows = db.prepare(
      "SELECT name, category, hosts, ids, pages, status, owner FROM vendors WHERE scan_id = ? "
      "ORDER BY position");
  if (!rows) return Error{rows.error()};
  rows->bind(1, scan_id);
  while (rows->step() == SQLITE_ROW) {
    VendorSummary vendor;
    vendor.name = rows->text(0);
    vendor.category = rows->text(1);
    vendor.hosts = json_strings(rows->text(2));
    vendor.ids = json_strings(rows->text(3));
    vendor.pages = static_cast<int>(rows->integer(4));
    vendor.status = rows->text(5);
    vendor.owner = rows->text(6);
    report.vendors.push_back(std::move(vendor));
  }
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
  if (code == SQLITE_ROW) return row->integer(0);
  if (code != SQLITE_DONE) return db.error(code, "finding the latest scan");
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
  if (code == SQLITE_ROW) return row->integer(0);
  if (code != SQLITE_DONE) return db.error(code, "finding the previous scan");
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
    int code = SQLITE_OK;
    while ((code = rows->step()) == SQLITE_ROW) {
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
    if (code != SQLITE_DONE) return db.error(code, "listing scans");
  }
  for (ScanListEntry& entry : entries) {
    auto targets =
        db.prepare("SELECT target FROM scan_targets WHERE scan_id = ? ORDER BY position");
    if (!targets) return Error{targets.error()};
    targets->bind(1, entry.info.id);
    while (targets->step() == SQLITE_ROW) entry.info.targets.push_back(targets->text(0));
    auto counts = db.prepare(
        "SELECT severity, count(*) FROM findings WHERE scan_id = ? AND NOT suppressed "
        "GROUP BY severity");
    if (!counts) return Error{counts.error()};
    counts->bind(1, entry.info.id);
    while (counts->step() == SQLITE_ROW) {
      entry.findings_by_severity[counts->text(0)] = static_cast<int>(counts->integer(1));
    }
  }
  return entries;
}

namespace {
constexpr const char* kPreviousFetch =
    " FROM pages p JOIN scans s ON s.id = p.scan_id WHERE p.requested_url = ? AND "
    "p.error = 'none' AND s.status IN ('complete', 'partial') ORDER BY p.scan_id DESC LIMIT 1";
}  // namespace

std::optional<ScanStore::PreviousPage> ScanStore::previous_page(const std::string& url) {
  auto row = impl_->db.prepare(std::string("SELECT p.etag, p.last_modified, p.content_hash") +
                               kPreviousFetch);
  if (!row) return std::nullopt;
  row->bind(1, url);
  if (row->step() != SQLITE_ROW) return std::nullopt;
  return PreviousPage{row->text(0), row->text(1), row->text(2)};
}

bool ScanStore::has_reusable_pages() {
  auto row = impl_->db.prepare(
      "SELECT EXISTS (SELECT 1 FROM scans WHERE status IN ('complete', 'partial'))");
  return row && row->step() == SQLITE_ROW && row->integer(0) != 0;
}

std::optional<PageAnalysis> ScanStore::previous_analysis(const std::string& url) {
  std::vector<PageAnalysis> pages;
  std::unordered_map<std::int64_t, std::size_t> index_of;
  std::int64_t scan_id = 0;
  std::int64_t page_id = 0;
  {
    auto row =
        impl_->db.prepare(std::string("SELECT ") + kPageColumns + ", p.scan_id" + kPreviousFetch);
    if (!row) return std::nullopt;
    row->bind(1, url);
    if (row->step() != SQLITE_ROW) return std::nullopt;
    page_id = row->integer(0);
    scan_id = row->integer(18);
    pages.push_back(read_page(*row));
    index_of[page_id] = 0;
  }
  if (!impl_->load_page_details(scan_id, PageIdRange{page_id, page_id}, pages, index_of, false,
                                nullptr)) {
    return std::nullopt;
  }
  return std::move(pages.front());
}

}  // namespace tw
