// SHA-256 (FIPS 180-4), for the HTML report's Content-Security-Policy script and style hashes.
// OpenSSL is not a guaranteed dependency and the inputs are small. Internal to reports/.
#pragma once

#include <string>
#include <string_view>

namespace tw {

// The digest as base64, the form CSP's 'sha256-...' sources take.
std::string sha256_base64(std::string_view data);

}  // namespace tw
