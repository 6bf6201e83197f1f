// Registrable domain ("eTLD+1") from the public suffix list (libpsl). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tw {

// "www.google-analytics.com" -> "google-analytics.com", "a.b.co.uk" -> "b.co.uk". An IP address
// or a bare public suffix is returned unchanged.
std::string registrable_domain(std::string_view host);

// True for an IP address written as a host ("192.0.2.1", "::1"): nothing DNS is asked about.
bool is_ip_literal(std::string_view host);

// True when `host` is a name under a suffix the list itself names (not only by its "*" default
// rule: "x.example.com" yes, "jquery.min.js" no) and is more than that suffix.
bool has_listed_public_suffix(std::string_view host);

// True when `host` equals `domain` or is a subdomain of it.
bool host_in_domain(std::string_view host, std::string_view domain);

// A DNS name as tagwarden compares them: lower case, without the trailing dot of a fully
// qualified name ("Metrics.Example.COM." -> "metrics.example.com").
std::string normalize_dns_name(std::string_view name);

}  // namespace tw
