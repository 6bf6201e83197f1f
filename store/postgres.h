// The store's PostgreSQL backend (sql.h), for one store shared by many runners: libpq, one
// connection per ScanStore, every query prepared once per connection (PQprepare) with the `?N`
// placeholders the store writes turned into PostgreSQL's `$N`, text parameters and results.
#pragma once

#include <memory>
#include <string>

#include "model/result.h"
#include "store/sql.h"

namespace tw::postgres {

// Connects to `url` (postgresql://user:password@host:port/database?...; connect_timeout 10 s
// unless the URL says otherwise). Errors are one line naming the URL without its password:
// server unreachable, authentication failed, no such database.
Result<std::unique_ptr<sql::Connection>> open(const std::string& url);

// Schema migrations run with this lock held (pg_advisory_xact_lock), so runners that open a new
// database at once create it once.
inline constexpr long long kMigrationLock = 0x7461677761726465;  // "tagwarde"

}  // namespace tw::postgres
