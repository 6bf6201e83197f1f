// The SQLite wrapper: binding, reading, statement cache and one-line error messages.
#include "store/sqlite.h"

#include <string>

namespace tw::sqlite {

Statement& Statement::bind(int index, std::string_view text) {
  // An empty view may have a null data pointer, which SQLite would store as NULL.
  const char* data = text.data() != nullptr ? text.data() : "";
  sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_borrowed(int index, std::string_view text) {
  const char* data = text.data() != nullptr ? text.data() : "";
  sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

std::string Statement::text(int column) const {
  const unsigned char* data = sqlite3_column_text(stmt_, column);
  if (data == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(data),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

Status Connection::exec(const std::string& sql) {
  int code = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return error(code, "running " + sql.substr(0, sql.find_first_of("(\n")));
  return Ok{};
}

Result<Statement> Connection::prepare(const std::string& sql) {
  auto found = cache_.find(sql);
  if (found == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    int code = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (code != SQLITE_OK) return error(code, "preparing a query");
    found = cache_.emplace(sql, StatementPtr(raw)).first;
  }
  return Statement(found->second.get());
}

Error Connection::error(int code, std::string_view doing) const {
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

Status run(Connection& db, Statement& stmt, std::string_view doing) {
  int code = stmt.step();
  if (code != SQLITE_DONE && code != SQLITE_ROW) return db.error(code, doing);
  return Ok{};
}

}  // namespace tw::sqlite
