// A thin RAII layer over the SQLite C API for the store: one owned connection, prepared statements
// cached by their SQL text, and error messages that name the database file. Not thread-safe: one
// Connection belongs to one ScanStore, which belongs to one thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "model/result.h"

namespace tw::sqlite {

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// One prepared statement in use: bind by 1-based index, step, read columns. Reset on destruction
// so the cached statement is ready (and holds no read lock) for its next use.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() {
    if (stmt_ != nullptr) reset();
  }
  Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);  // copied: temporaries are fine
  // Not copied: `text` must stay alive and unchanged until the statement is reset.
  Statement& bind_borrowed(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind_null(int index);

  // Makes the statement ready to be bound and stepped again.
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  // SQLITE_ROW, SQLITE_DONE or an error code (the connection's message says more).
  int step() { return sqlite3_step(stmt_); }

  std::string text(int column) const;
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  Connection() = default;
  Connection(ConnectionPtr db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  sqlite3* handle() const { return db_.get(); }
  const std::string& path() const { return path_; }

  // Runs one or more statements without results (schema, pragmas, BEGIN/COMMIT).
  Status exec(const std::string& sql);
  // The cached statement for `sql`, prepared on first use; a statement is not re-entrant (do not
  // prepare the same SQL again while its Statement is alive). Bad SQL is reported as an Error too,
  // so a broken query fails the operation instead of the process.
  Result<Statement> prepare(const std::string& sql);

  // "tagwarden.db: disk full" and the like, for the last failed call with result code `code`.
  Error error(int code, std::string_view doing) const;

 private:
  ConnectionPtr db_;
  std::string path_;
  std::unordered_map<std::string, StatementPtr> cache_;
};

// Runs a statement that returns no rows; maps failure to an Error naming the file.
Status run(Connection& db, Statement& stmt, std::string_view doing);

}  // namespace tw::sqlite
