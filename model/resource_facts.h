// What fetching a third-party resource taught us, stored on its Tag as "resource-*" attributes so
// the store and every report carry it without a schema change. The third-party stage writes it;
// the resource rules (TW203, TW301, TW304, TW308, TW403-405) read it back through this view.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/tag.h"

namespace tw {

struct ResourceFacts {
  std::string error;  // PageError name; "none" when an answer arrived
  std::string error_detail;
  bool dns_failed = false;  // the host did not resolve (for whatever reason)
  // DNS proved the host missing (NXDOMAIN): a dangling host (TW308). `domain_unregistered` when
  // its registrable domain has no SOA or NS either, so anyone may register it.
  bool host_nxdomain = false;
  bool domain_unregistered = false;
  // On the tags of the first page that names a missing host only: how many pages and tags of the
  // scan name it, so TW308 is reported once per host with its reach.
  int host_pages = 0;
  int host_references = 0;
  bool resolve_only = false;  // only resolution was checked, nothing below is known
  int status = 0;
  std::string final_url;
  std::vector<std::string> redirects;  // URLs before final_url
  std::string content_type;
  std::string content_encoding;  // "gzip", "br"...; empty when served uncompressed
  std::string cache_control;
  std::string expires;
  bool has_validator = false;        // ETag or Last-Modified (revalidation possible)
  std::uint64_t transfer_bytes = 0;  // on the wire
  std::uint64_t decoded_bytes = 0;
  bool truncated = false;  // body cap reached
  double ttfb_ms = 0;
  double total_ms = 0;
  std::vector<std::string> set_cookies;  // "name; Domain=...; SameSite=..." (values dropped)
  // Subresource Integrity: "match", "mismatch", "unsupported" (no usable hash in the attribute)
  // or empty when the tag has no integrity attribute.
  std::string integrity;
  std::string integrity_actual;  // strongest algorithm of the attribute, e.g. "sha384-..."
  std::string sri_sha384;        // what to put in integrity="" for these bytes
  // Libraries detected from URL, file name or content (retire.js extractors).
  struct Library {
    std::string name;  // retire's component name, e.g. "jquery"
    std::string version;
    std::string detection;  // "uri", "filename", "filecontent", "hash"
  };
  std::vector<Library> libraries;

  bool fetched() const { return !resolve_only && error == "none"; }

  // Writes every fact as "resource-*" attributes (replacing earlier ones).
  void write_to(Tag& tag) const;
  // Reads them back; nullopt when the tag was never looked at by the third-party stage.
  static std::optional<ResourceFacts> read_from(const Tag& tag);
};

}  // namespace tw
