// The store's SQLite backend (sql.h): one owned connection in WAL mode, prepared statements cached
// by their SQL text, and error messages that name the database file. The embedded default.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "model/result.h"
#include "store/sql.h"

namespace tw::sqlite {

struct OpenOptions {
  int busy_timeout_ms = 30000;      // how long a writer waits for another process's transaction
  std::int64_t max_page_count = 0;  // caps the file's size in pages (0: no cap)
};

// Opens or creates the database file: tw_digest registered (store/content_digest.h), WAL mode,
// synchronous NORMAL, foreign keys on, incremental auto-vacuum on a new file. Errors say what is
// wrong with the file (a directory, not SQLite, read-only, a file system without WAL).
Result<std::unique_ptr<sql::Connection>> open(const std::string& path, const OpenOptions& options);

// The file's schema version (PRAGMA user_version) and whether it has any table at all.
struct SchemaState {
  int version = 0;
  bool has_tables = false;
};
Result<SchemaState> schema_state(sql::Connection& db);
Status set_schema_version(sql::Connection& db, int version);

// Whether incremental vacuum is on for the file (auto_vacuum = INCREMENTAL).
bool incremental_vacuum(sql::Connection& db);

}  // namespace tw::sqlite
