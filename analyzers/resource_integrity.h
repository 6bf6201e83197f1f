// Subresource Integrity for fetched third-party bytes (TW301): the digests a browser would
// compare, and the check of an `integrity` attribute as the SRI spec does it (only the strongest
// algorithm named counts; a value with no usable hash does not block). Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

namespace tw {

// "sha256-<base64>", "sha384-<base64>" or "sha512-<base64>" of `bytes`; empty for another name.
std::string sri_digest(std::string_view algorithm, std::string_view bytes);

// Lower-case hex SHA-1 (retire.js identifies some library builds by it).
std::string sha1_hex(std::string_view bytes);

// The three SRI digests of one resource, computed once while its bytes are at hand.
struct SriDigests {
  std::string sha256, sha384, sha512;  // "sha256-<base64>" ...
  static SriDigests of(std::string_view bytes);
  const std::string& named(std::string_view algorithm) const;  // empty for another name
};

struct IntegrityCheck {
  enum class Outcome { absent, match, mismatch, unsupported };
  Outcome outcome = Outcome::absent;
  std::string algorithm;  // the strongest algorithm the attribute names ("sha384")
  std::string actual;     // that algorithm's digest of the bytes, "sha384-..."
  std::string expected;   // the attribute's first value for that algorithm
};

std::string_view to_string(IntegrityCheck::Outcome outcome);

// Checks `integrity` (space-separated "alg-base64[?options]" tokens) against the digests.
IntegrityCheck check_integrity(std::string_view integrity, const SriDigests& digests);

}  // namespace tw
