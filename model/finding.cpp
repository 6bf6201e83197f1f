#include "model/finding.h"

#include <cstdint>
#include <cstdio>

namespace tw {
namespace {

// FNV-1a, 64 bit; two passes with different offsets give 128 bits, plenty for fingerprints.
std::uint64_t fnv1a(const std::vector<std::string>& parts, std::uint64_t hash) {
  for (const std::string& part : parts) {
    for (unsigned char c : part) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
    hash ^= 0x1f;  // unit separator, so ("ab","c") and ("a","bc") differ
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

std::string stable_fingerprint(const std::vector<std::string>& parts) {
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx",
                static_cast<unsigned long long>(fnv1a(parts, 14695981039346656037ULL)),
                static_cast<unsigned long long>(fnv1a(parts, 0x84222325cbf29ce4ULL)));
  return buffer;
}

}  // namespace tw
