#include "model/resource_facts.h"

#include <charconv>
#include <string_view>

#include "model/text.h"

namespace tw {
namespace {

// Lists are stored joined with newlines: neither header values nor normalised URLs can contain
// one.
std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto end = text.find('\n');
    out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string format_ms(double ms) {
  // Whole milliseconds are precise enough for budgets and keep reports stable to read.
  return std::to_string(static_cast<long long>(ms + 0.5));
}

template <typename Number>
Number parse_number(std::string_view text) {
  Number value{};
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

void set(Tag& tag, const char* name, std::string value) {
  if (value.empty()) {
    tag.attributes.erase(name);
  } else {
    tag.attributes[name] = std::move(value);
  }
}

}  // namespace

void ResourceFacts::write_to(Tag& tag) const {
  set(tag, "resource-error", error.empty() ? "none" : error);
  set(tag, "resource-error-detail", error_detail);
  set(tag, "resource-dns-failed", dns_failed ? "true" : "");
  set(tag, "resource-dns-nxdomain", host_nxdomain ? "true" : "");
  set(tag, "resource-domain-unregistered", domain_unregistered ? "true" : "");
  set(tag, "resource-host-pages", host_pages ? std::to_string(host_pages) : "");
  set(tag, "resource-host-references", host_references ? std::to_string(host_references) : "");
  set(tag, "resource-resolve-only", resolve_only ? "true" : "");
  set(tag, "resource-status", status ? std::to_string(status) : "");
  set(tag, "resource-final-url", final_url);
  set(tag, "resource-redirects", join(redirects, "\n"));
  set(tag, "resource-content-type", content_type);
  set(tag, "resource-content-encoding", content_encoding);
  set(tag, "resource-cache-control", cache_control);
  set(tag, "resource-expires", expires);
  set(tag, "resource-validator", has_validator ? "true" : "");
  bool answered = !resolve_only && status != 0;
  set(tag, "resource-transfer-bytes", answered ? std::to_string(transfer_bytes) : "");
  set(tag, "resource-decoded-bytes", answered ? std::to_string(decoded_bytes) : "");
  set(tag, "resource-truncated", truncated ? "true" : "");
  set(tag, "resource-ttfb-ms", answered ? format_ms(ttfb_ms) : "");
  set(tag, "resource-total-ms", resolve_only ? "" : format_ms(total_ms));
  set(tag, "resource-set-cookie", join(set_cookies, "\n"));
  set(tag, "resource-integrity", integrity);
  set(tag, "resource-integrity-actual", integrity_actual);
  set(tag, "resource-sri-sha384", sri_sha384);
  std::vector<std::string> lines;
  for (const auto& library : libraries) {
    lines.push_back(library.name + "@" + library.version + " " + library.detection);
  }
  set(tag, "resource-libraries", join(lines, "\n"));
}

std::optional<ResourceFacts> ResourceFacts::read_from(const Tag& tag) {
  if (!tag.has_attribute("resource-error")) return std::nullopt;
  auto get = [&](const char* name) { return std::string(tag.attribute(name)); };
  ResourceFacts facts;
  facts.error = get("resource-error");
  facts.error_detail = get("resource-error-detail");
  facts.dns_failed = tag.attribute("resource-dns-failed") == "true";
  facts.host_nxdomain = tag.attribute("resource-dns-nxdomain") == "true";
  facts.domain_unregistered = tag.attribute("resource-domain-unregistered") == "true";
  facts.host_pages = parse_number<int>(tag.attribute("resource-host-pages"));
  facts.host_references = parse_number<int>(tag.attribute("resource-host-references"));
  facts.resolve_only = tag.attribute("resource-resolve-only") == "true";
  facts.status = parse_number<int>(tag.attribute("resource-status"));
  facts.final_url = get("resource-final-url");
  facts.redirects = split_lines(tag.attribute("resource-redirects"));
  facts.content_type = get("resource-content-type");
  facts.content_encoding = get("resource-content-encoding");
  facts.cache_control = get("resource-cache-control");
  facts.expires = get("resource-expires");
  facts.has_validator = tag.attribute("resource-validator") == "true";
  facts.transfer_bytes = parse_number<std::uint64_t>(tag.attribute("resource-transfer-bytes"));
  facts.decoded_bytes = parse_number<std::uint64_t>(tag.attribute("resource-decoded-bytes"));
  facts.truncated = tag.attribute("resource-truncated") == "true";
  facts.ttfb_ms = parse_number<long long>(tag.attribute("resource-ttfb-ms"));
  facts.total_ms = parse_number<long long>(tag.attribute("resource-total-ms"));
  facts.set_cookies = split_lines(tag.attribute("resource-set-cookie"));
  facts.integrity = get("resource-integrity");
  facts.integrity_actual = get("resource-integrity-actual");
  facts.sri_sha384 = get("resource-sri-sha384");
  // "name@version detection"; names may start with '@' (npm scopes), so split at the last '@'.
  for (const auto& line : split_lines(tag.attribute("resource-libraries"))) {
    auto space = line.rfind(' ');
    auto at = line.rfind('@', space);
    if (space == std::string::npos || at == std::string::npos || at == 0) continue;
    facts.libraries.push_back(
        {line.substr(0, at), line.substr(at + 1, space - at - 1), line.substr(space + 1)});
  }
  return facts;
}

}  // namespace tw
