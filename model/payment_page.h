// The script inventory of a payment page (PCI DSS 4.0 requirements 6.4.3 and 11.6.1): every script
// the page runs, inline or external, with the SHA-384 of what it ran this scan, and the page's
// security-relevant response headers. The analyzer lists the scripts, the integrity pass hashes the
// external ones and marks each against the scripts file; the store keeps one per page per scan.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/page.h"

namespace tw {

struct PageScript {
  // The script's URL; for an inline script the page URL with "#inline-N" (N counts the page's
  // inline scripts from 1, in source order), so a URL glob can name it. Real script URLs never
  // carry a fragment, so the two cannot collide.
  std::string url;
  bool is_inline = false;
  int line = 0;
  int column = 0;
  std::string party;   // "first", "third" or "fourth"
  std::string vendor;  // empty for first party or an unknown host
  // "sha384-<base64>" of the inline text or of the bytes fetched this scan; empty when the
  // content could not be fetched (fetch_error says why).
  std::string sha384;
  std::string fetch_error;
  // Against the scripts file: "authorized", "unauthorized" (no entry names it), "changed" (an entry
  // names its URL but pins another hash) or "unverified" (an entry pins a hash, and the content
  // could not be fetched to compare).
  std::string status = "unauthorized";
  std::string approved_hash;  // the hash the naming entry pins; empty for a URL-only entry
  std::string approved_by;    // from the entry that authorizes it
  std::string approved_on;
  std::string owner;
};

// One header as compared between scans: the name in lower case ("set-cookie <cookie name>" for
// each cookie, whose value is reduced to its flags).
struct SecurityHeader {
  std::string name;
  std::string value;
};

struct PaymentPage {
  std::string url;  // final URL
  std::vector<PageScript> scripts;
  std::vector<SecurityHeader> headers;  // sorted by name; absent headers are not listed
};

// The security-relevant headers of a response: Content-Security-Policy (and -Report-Only),
// Strict-Transport-Security, X-Frame-Options, Referrer-Policy, Permissions-Policy,
// X-Content-Type-Options, and each Set-Cookie's flags (Secure, HttpOnly, SameSite, Domain, Path,
// Partitioned; never the value). Repeated headers are joined with ", ".
std::vector<SecurityHeader> security_headers(const std::vector<Header>& headers);

// The flags of one Set-Cookie value: "name: HttpOnly; SameSite=Lax; Secure" (attributes sorted,
// names lower-cased, Expires and Max-Age dropped since they change every response).
std::string cookie_flags(std::string_view set_cookie);

}  // namespace tw
