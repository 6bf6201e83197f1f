// The store's schema as a list of forward migrations: migration i takes a database from version i
// to i + 1. A released migration is never edited; a schema change is a new entry at the end.
#pragma once

#include <span>
#include <string_view>

namespace tw {

std::span<const std::string_view> schema_migrations();

}  // namespace tw
