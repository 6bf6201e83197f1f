// Security headers of a payment page, normalised so two scans compare equal when nothing changed.
#include "model/payment_page.h"

#include <algorithm>
#include <array>
#include <map>

#include "model/text.h"

namespace tw {
namespace {

constexpr std::array<std::string_view, 7> kSecurityHeaders{
    "content-security-policy",   "content-security-policy-report-only",
    "strict-transport-security", "x-frame-options",
    "referrer-policy",           "permissions-policy",
    "x-content-type-options"};

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view part = trim(text.substr(start, end - start));
    if (!part.empty()) parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::string cookie_flags(std::string_view set_cookie) {
  std::vector<std::string> parts = split(set_cookie, ';');
  if (parts.empty()) return "";
  std::string name(trim(std::string_view(parts.front()).substr(0, parts.front().find('='))));
  std::vector<std::string> flags;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    std::size_t equals = part.find('=');
    std::string key = lower_ascii(trim(part.substr(0, equals)));
    if (key == "expires" || key == "max-age") continue;
    std::string flag = key;
    if (equals != std::string_view::npos) flag += "=" + std::string(trim(part.substr(equals + 1)));
    flags.push_back(std::move(flag));
  }
  std::sort(flags.begin(), flags.end());
  return name + ": " + join(flags, "; ");
}

std::vector<SecurityHeader> security_headers(const std::vector<Header>& headers) {
  std::map<std::string, std::string> found;
  for (const Header& header : headers) {
    std::string name = lower_ascii(header.name);
    if (name == "set-cookie") {
      std::string flags = cookie_flags(header.value);
      std::string cookie = flags.substr(0, flags.find(':'));
      found["set-cookie " + cookie] = flags.substr(std::min(flags.size(), cookie.size() + 2));
      continue;
    }
    if (std::find(kSecurityHeaders.begin(), kSecurityHeaders.end(), name) ==
        kSecurityHeaders.end()) {
      continue;
    }
    std::string& value = found[name];
    value += (value.empty() ? "" : ", ") + std::string(trim(header.value));
  }
  std::vector<SecurityHeader> out;
  for (auto& [name, value] : found) out.push_back({name, std::move(value)});
  return out;
}

}  // namespace tw
