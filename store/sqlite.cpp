// The SQLite backend: binding, reading, the statement cache, one-line error messages, and opening
// a file with the pragmas the store relies on.
#include "store/sqlite.h"

#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <unordered_map>

#include "store/content_digest.h"

namespace tw::sqlite {
namespace {

static_assert(sql::kRow == SQLITE_ROW && sql::kDone == SQLITE_DONE);

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionCloser>;

class SqliteStatement final : public sql::PreparedStatement {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_text(int index, std::string_view text, bool borrowed) override {
    // An empty view may have a null data pointer, which SQLite would store as NULL.
    const char* data = text.data() != nullptr ? text.data() : "";
    sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()),
                      borrowed ? SQLITE_STATIC : SQLITE_TRANSIENT);
  }
  void bind_integer(int index, std::int64_t value) override {
    sqlite3_bind_int64(stmt_, index, value);
  }
  void bind_real(int index, double value) override { sqlite3_bind_double(stmt_, index, value); }
  void bind_null(int index) override { sqlite3_bind_null(stmt_, index); }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int step() override { return sqlite3_step(stmt_); }
  std::string text(int column) const override {
    const unsigned char* data = sqlite3_column_text(stmt_, column);
    if (data == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(data),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const override { return sqlite3_column_double(stmt_, column); }
  bool is_null(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteConnection final : public sql::Connection {
 public:
  SqliteConnection(ConnectionPtr db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}

  sqlite3* handle() const { return db_.get(); }
  sql::Dialect dialect() const override { return sql::Dialect::sqlite; }
  const std::string& path() const override { return path_; }

  Status exec(const std::string& sql) override {
    int code = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
    if (code != SQLITE_OK) return error(code, "running " + sql.substr(0, sql.find_first_of("(\n")));
    return Ok{};
  }

  Result<sql::Statement> prepare(const std::string& sql) override {
    auto found = cache_.find(sql);
    if (found == cache_.end()) {
      sqlite3_stmt* raw = nullptr;
      int code = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
      if (code != SQLITE_OK) return error(code, "preparing a query");
      found = cache_.emplace(sql, std::make_unique<SqliteStatement>(raw)).first;
    }
    return sql::Statement(found->second.get());
  }

  std::int64_t changes() const override { return sqlite3_changes64(db_.get()); }
  const char* returning_id() const override { return ""; }
  std::int64_t last_inserted_id() const override { return sqlite3_last_insert_rowid(db_.get()); }
  Status begin(bool write) override { return exec(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
  // SQLite serialises writers with its lock and busy timeout: a transaction never conflicts.
  bool conflicted() const override { return false; }
  Error error(int code, std::string_view doing) const override;

 private:
  ConnectionPtr db_;
  std::string path_;
  // Statements are finalized before the connection closes (members go in reverse order).
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> cache_;
};

Error SqliteConnection::error(int code, std::string_view doing) const {
  std::string what;
  switch (code & 0xff) {
    case SQLITE_NOTADB:
      what = "not a SQLite database (or encrypted)";
      break;
    case SQLITE_CORRUPT:
      what = "the database file is corrupt";
      break;
    case SQLITE_READONLY:
      what = "the database is read-only (check the permissions of the file and its directory)";
      break;
    case SQLITE_FULL:
      what = "disk full (or the database reached its size limit)";
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      what = "the database stayed locked by another process for too long";
      break;
    case SQLITE_CANTOPEN:
      what = "cannot open the database file";
      break;
    case SQLITE_IOERR:
      what = "I/O error";
      break;
    case SQLITE_PERM:
      what = "permission denied";
      break;
    default:
      break;
  }
  std::string detail = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(code);
  std::string message = path_ + ": ";
  if (!what.empty()) {
    message += what + " (" + std::string(doing) + ": " + detail + ")";
  } else {
    message += std::string(doing) + ": " + detail;
  }
  return Error{message};
}

// Two processes creating the same new database both switch it to WAL; the switch needs an
// exclusive lock and SQLite returns BUSY at once instead of calling the busy handler, so retry for
// as long as the busy timeout would have waited.
Status switch_to_wal(SqliteConnection& db, int busy_timeout_ms) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(busy_timeout_ms, 0));
  std::string mode;
  for (;;) {
    auto wal = db.prepare("PRAGMA journal_mode = WAL");
    if (!wal) return Error{wal.error()};
    int code = wal->step();
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
    return Error{db.path() + ": cannot use write-ahead logging here (journal mode stays " + mode +
                 "); put the database on a local file system"};
  }
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<sql::Connection>> open(const std::string& path, const OpenOptions& options) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return Error{path + ": is a directory, not a database file"};
  }
  sqlite3* raw = nullptr;
  int code =
      // NOMUTEX: a connection belongs to one thread (sql.h), so SQLite's per-call locking is
      // pure cost.
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  ConnectionPtr handle(raw);
  if (code != SQLITE_OK) {
    int system_errno = raw ? sqlite3_system_errno(raw) : 0;
    std::string reason =
        system_errno != 0 ? std::strerror(system_errno) : std::string(sqlite3_errstr(code));
    return Error{path + ": cannot open the database (" + reason + ")"};
  }
  auto db = std::make_unique<SqliteConnection>(std::move(handle), path);
  sqlite3_busy_timeout(db->handle(), options.busy_timeout_ms);
  sqlite3_extended_result_codes(db->handle(), 1);
  if (int registered = register_content_digest(db->handle()); registered != SQLITE_OK) {
    return db->error(registered, "registering tw_digest");
  }
  if (sqlite3_db_readonly(db->handle(), "main") == 1) {
    return Error{path +
                 ": the database is read-only (check the permissions of the file and its "
                 "directory)"};
  }
  if (options.max_page_count > 0) {
    if (Status capped =
            db->exec("PRAGMA max_page_count = " + std::to_string(options.max_page_count));
        !capped) {
      return Error{capped.error()};
    }
  }
  // Takes effect only on a new, empty file (before the switch to WAL writes its first page):
  // pruning then gives space back with an incremental vacuum; an older file gets it with
  // `tagwarden prune --vacuum`. Best effort: a file that is not a database fails just below.
  (void)db->exec("PRAGMA auto_vacuum = INCREMENTAL");
  if (Status wal = switch_to_wal(*db, options.busy_timeout_ms); !wal) return Error{wal.error()};
  // NORMAL is safe with WAL: a crash can lose the last commit on power loss, never consistency.
  if (Status pragmas = db->exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
      !pragmas) {
    return Error{pragmas.error()};
  }
  return std::unique_ptr<sql::Connection>(std::move(db));
}

Result<SchemaState> schema_state(sql::Connection& db) {
  SchemaState state;
  {
    auto version = db.prepare("PRAGMA user_version");
    if (!version) return Error{version.error()};
    int code = version->step();
    if (code != SQLITE_ROW) return db.error(code, "reading the schema version");
    state.version = static_cast<int>(version->integer(0));
  }
  auto tables = db.prepare("SELECT count(*) FROM sqlite_master");
  if (!tables) return Error{tables.error()};
  state.has_tables = tables->step() == SQLITE_ROW && tables->integer(0) > 0;
  return state;
}

Status set_schema_version(sql::Connection& db, int version) {
  return db.exec("PRAGMA user_version = " + std::to_string(version));
}

bool incremental_vacuum(sql::Connection& db) {
  auto mode = db.prepare("PRAGMA auto_vacuum");
  return mode && mode->step() == SQLITE_ROW && mode->integer(0) == 2;
}

}  // namespace tw::sqlite
