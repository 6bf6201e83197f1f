// The store's SQL connection, whatever the database behind it: SQLite (store/sqlite.h, the
// embedded default) or PostgreSQL (store/postgres.h, a store shared by many runners). ScanStore
// writes each query once against this interface with SQLite's placeholders (`?`, `?N`); a backend
// translates what its dialect spells otherwise. One Connection belongs to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "model/result.h"

namespace tw::sql {

enum class Dialect { sqlite, postgres };

// What Statement::step returns; any other value is an error code (Connection::error says more).
inline constexpr int kRow = 100;   // SQLITE_ROW
inline constexpr int kDone = 101;  // SQLITE_DONE

// A backend's prepared statement, cached by its connection for the connection's lifetime.
class PreparedStatement {
 public:
  virtual ~PreparedStatement() = default;
  // `borrowed`: the text stays alive and unchanged until the statement is reset.
  virtual void bind_text(int index, std::string_view text, bool borrowed) = 0;
  virtual void bind_integer(int index, std::int64_t value) = 0;
  virtual void bind_real(int index, double value) = 0;
  virtual void bind_null(int index) = 0;
  virtual void reset() = 0;
  virtual int step() = 0;
  virtual std::string text(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual bool is_null(int column) const = 0;
};

// One prepared statement in use: bind by 1-based index, step, read 0-based columns. Reset on
// destruction so the cached statement is ready (and holds no read lock) for its next use.
class Statement {
 public:
  explicit Statement(PreparedStatement* stmt) : stmt_(stmt) {}
  ~Statement() {
    if (stmt_ != nullptr) stmt_->reset();
  }
  Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text) {  // copied: temporaries are fine
    stmt_->bind_text(index, text, false);
    return *this;
  }
  // Not copied: `text` must stay alive and unchanged until the statement is reset.
  Statement& bind_borrowed(int index, std::string_view text) {
    stmt_->bind_text(index, text, true);
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    stmt_->bind_integer(index, value);
    return *this;
  }
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value) {
    stmt_->bind_real(index, value);
    return *this;
  }
  Statement& bind_null(int index) {
    stmt_->bind_null(index);
    return *this;
  }

  // Makes the statement ready to be bound and stepped again.
  void reset() { stmt_->reset(); }
  // kRow, kDone or an error code.
  int step() { return stmt_->step(); }

  std::string text(int column) const { return stmt_->text(column); }
  std::int64_t integer(int column) const { return stmt_->integer(column); }
  double real(int column) const { return stmt_->real(column); }
  bool is_null(int column) const { return stmt_->is_null(column); }

 private:
  PreparedStatement* stmt_;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  // What error messages call the database: the file, or the URL without its password.
  virtual const std::string& path() const = 0;

  // Runs one or more statements without results or parameters (schema, BEGIN/COMMIT).
  virtual Status exec(const std::string& sql) = 0;
  // The cached statement for `sql`, prepared on first use; a statement is not re-entrant (do not
  // prepare the same SQL again while its Statement is alive). Bad SQL is reported as an Error.
  virtual Result<Statement> prepare(const std::string& sql) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE that finished.
  virtual std::int64_t changes() const = 0;
  // How an INSERT hands back the id of the row it made (see inserted_id): " RETURNING id" where
  // the backend returns it as a row (PostgreSQL: the only way to learn it safely), "" where
  // last_inserted_id() reads it after the step (SQLite, for which RETURNING costs a temporary
  // table per statement).
  virtual const char* returning_id() const = 0;
  virtual std::int64_t last_inserted_id() const = 0;

  // A write transaction takes the write lock up front (SQLite's BEGIN IMMEDIATE), so a second
  // writer waits instead of failing half way; a read transaction reads one snapshot.
  virtual Status begin(bool write) = 0;
  // Whether the last failure was a conflict with another writer (a deadlock, a serialization
  // failure) after which the whole transaction may be run again.
  virtual bool conflicted() const = 0;

  // "tagwarden.db: disk full" and the like, for the last failed call with result code `code`.
  virtual Error error(int code, std::string_view doing) const = 0;
};

// Runs a statement that returns no rows (or whose rows are not read); maps failure to an Error.
inline Status run(Connection& db, Statement& stmt, std::string_view doing) {
  int code = stmt.step();
  if (code != kDone && code != kRow) return db.error(code, doing);
  return Ok{};
}

// Steps an INSERT written with db.returning_id() at its end: the new row's id, or nullopt when it
// inserted nothing (ON CONFLICT DO NOTHING met an existing row).
inline Result<std::optional<std::int64_t>> inserted_id(Connection& db, Statement& insert,
                                                       std::string_view doing) {
  int code = insert.step();
  if (code == kRow) return std::optional<std::int64_t>(insert.integer(0));
  if (code != kDone) return db.error(code, doing);
  if (db.changes() == 0) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(db.last_inserted_id());
}

// Runs `body` in a write transaction, committed when it succeeds and rolled back on any error.
// A transaction that conflicted with another writer's (Connection::conflicted) runs again after a
// short random pause, up to kTransactionAttempts times: `body` must be safe to run again after a
// rollback.
inline constexpr int kTransactionAttempts = 20;
void pause_before_retry(int attempt);  // sql.cpp

template <typename Body>
Status in_transaction(Connection& db, Body&& body) {
  for (int attempt = 1;; ++attempt) {
    if (Status begun = db.begin(true); !begun) return begun;
    Status result = body();
    if (result) result = db.exec("COMMIT");
    if (result) return result;
    const bool conflicted = db.conflicted();
    (void)db.exec("ROLLBACK");
    if (!conflicted) return result;
    if (attempt == kTransactionAttempts) {
      return Error{result.error() + " (" + std::to_string(attempt) + " attempts)"};
    }
    pause_before_retry(attempt);
  }
}

// A read transaction for the lifetime of the object, so what is read from several tables belongs
// to one snapshot even while another process writes the same scan.
struct ReadTransaction {
  explicit ReadTransaction(Connection& connection)
      : db(connection), status(connection.begin(false)) {}
  ~ReadTransaction() {
    if (status) (void)db.exec("COMMIT");
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  Connection& db;
  Status status;
};

// Whether `path` names a PostgreSQL database (postgresql:// or postgres://) rather than a file.
inline bool is_postgres_url(std::string_view path) {
  return path.starts_with("postgresql://") || path.starts_with("postgres://");
}

// `path` fit to print: a PostgreSQL URL's password is replaced by "***" (also one given as
// a password= parameter); a file name is returned as it is.
std::string display_name(std::string_view path);

}  // namespace tw::sql
