// The digest the store keys content-addressed rows by (analyses, finding_sets): SHA-256 over the
// parts, each prefixed with its length so no two lists of parts share an input. The same function
// is registered in SQL as tw_digest(...) so a migration computes exactly what the store does.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

namespace tw {

// Hex of the first 128 bits of SHA-256: a crawled page cannot make two contents collide.
std::string content_digest(std::initializer_list<std::string_view> parts);
std::string content_digest(const std::vector<std::string_view>& parts);

// Registers tw_digest(part, ...) on the connection (numbers and NULL are digested as their text).
// Returns an SQLite result code.
int register_content_digest(sqlite3* db);

}  // namespace tw
