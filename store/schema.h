// The store's schema as a list of forward migrations: migration i takes a database from version i
// to i + 1. A released migration is never edited; a schema change is a new entry at the end, in
// both dialects: schema_migrations() for SQLite, postgres_migrations() for PostgreSQL (whose
// first entry creates version kPostgresBaseVersion at once).
#pragma once

#include <span>
#include <string_view>

#include "model/result.h"
#include "store/sql.h"

namespace tw {

std::span<const std::string_view> schema_migrations();

// PostgreSQL stores began at version 5: its first migration creates that schema whole, the
// entries after it take the database one version further each, as the SQLite ones do.
inline constexpr int kPostgresBaseVersion = 5;
std::span<const std::string_view> postgres_migrations();

// Brings the database to kStoreSchemaVersion in one transaction (so it is never left half
// migrated; on PostgreSQL under an advisory lock, so runners opening a new database at once
// create it once). Errors: a schema newer than this tool's, a SQLite file with tables that
// tagwarden did not create, a PostgreSQL database with tables but no tagwarden schema.
Status migrate(sql::Connection& db);

}  // namespace tw
