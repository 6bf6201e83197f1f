// Heuristics tuned against false positives: hashes count only in parameters named for personal
// data (em=, ph=, ud[em]=...), phone numbers only in phone parameters or as explicit +E.164, and
// e-mail domains must end in a real-looking TLD (so logo@2x.png and pkg@1.2.3 are not addresses).
#include "rules/personal_data.h"

#include <algorithm>
#include <set>

#include "model/text.h"

namespace tw {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

// Decodes twice: trackers often carry a URL-encoded URL inside a parameter.
std::string fully_decoded(std::string_view text) {
  return percent_decode(percent_decode(text, false), false);
}

// "ud[em]" / "user_data.em" / "udff%5Bem%5D" -> "em".
std::string base_name(std::string name) {
  name = lower_ascii(fully_decoded(name));
  if (!name.empty() && name.back() == ']') {
    std::size_t open = name.rfind('[');
    if (open != std::string::npos) name = name.substr(open + 1, name.size() - open - 2);
  }
  std::size_t dot = name.rfind('.');
  if (dot != std::string::npos) name = name.substr(dot + 1);
  return name;
}

bool is_email_parameter(const std::string& name) {
  static const std::set<std::string> kNames{
      "em",         "email",        "e-mail",    "e_mail",      "mail",       "hashed_email",
      "email_hash", "sha256_email", "emailhash", "hashedemail", "user_email", "useremail"};
  return kNames.count(name) > 0;
}

bool is_phone_parameter(const std::string& name) {
  static const std::set<std::string> kNames{
      "ph",   "phone",  "tel",          "telephone",  "mobile",       "phone_number", "phonenumber",
      "cell", "msisdn", "hashed_phone", "phone_hash", "sha256_phone", "user_phone"};
  return kNames.count(name) > 0;
}

bool is_hashed_identity_parameter(const std::string& name) {
  // Meta / TikTok / Google advanced matching keys for names and birth dates as well.
  return is_email_parameter(name) || is_phone_parameter(name) || name == "fn" || name == "ln" ||
         name == "db" || name == "first_name" || name == "last_name";
}

bool is_hex_hash(std::string_view value) {
  if (value.size() != 32 && value.size() != 40 && value.size() != 64) return false;
  bool letters = false, digits = false;
  for (char c : value) {
    if (hex_value(c) < 0) return false;
    (c >= '0' && c <= '9' ? digits : letters) = true;
  }
  return letters && digits;  // all-digit or all-letter runs are not digests
}

bool is_local_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '%' || c == '+' || c == '-';
}

bool is_domain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

// A file extension after '@' (retina images, versioned packages) is not a mail domain.
bool looks_like_file_extension(const std::string& tld) {
  static const std::set<std::string> kExtensions{
      "png", "jpg",  "jpeg", "gif", "svg", "webp", "avif",  "ico", "js",  "mjs",  "css",
      "map", "json", "html", "htm", "xml", "woff", "woff2", "ttf", "mp4", "webm", "min"};
  return kExtensions.count(lower_ascii(tld)) > 0;
}

// The first e-mail address in `text`, or empty.
std::string find_email(std::string_view text) {
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && is_local_char(text[begin - 1])) --begin;
    std::size_t end = at + 1;
    while (end < text.size() && is_domain_char(text[end])) ++end;
    std::string_view local = text.substr(begin, at - begin);
    std::string domain(text.substr(at + 1, end - at - 1));
    while (!domain.empty() && (domain.back() == '.' || domain.back() == '-')) domain.pop_back();
    std::size_t dot = domain.rfind('.');
    if (local.empty() || dot == std::string::npos || dot == 0) continue;
    std::string tld = domain.substr(dot + 1);
    bool alphabetic =
        tld.size() >= 2 && tld.size() <= 24 && std::all_of(tld.begin(), tld.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        });
    if (!alphabetic || looks_like_file_extension(tld)) continue;
    return std::string(local) + "@" + domain;
  }
  return {};
}

std::string redact_email(const std::string& email) {
  std::size_t at = email.find('@');
  return email.substr(0, 1) + "***" + email.substr(at);
}

// Digits of a phone number written with the usual separators; empty when it is not one.
std::string phone_digits(std::string_view value) {
  std::string digits;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (!(c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' ||
                 (c == '+' && digits.empty()))) {
      return {};
    }
  }
  return digits.size() >= 7 && digits.size() <= 15 ? digits : std::string();
}

struct Parameter {
  std::string name;  // raw
  std::string raw_value;
};

std::vector<Parameter> parameters(std::string_view url) {
  std::vector<Parameter> out;
  std::size_t start = url.find_first_of("?#");
  if (start == std::string_view::npos) return out;
  std::string_view rest = url.substr(start + 1);
  while (!rest.empty()) {
    std::size_t end = rest.find_first_of("&;#?");
    std::string_view pair = rest.substr(0, end);
    std::size_t equals = pair.find('=');
    if (equals != std::string_view::npos) {
      out.push_back({std::string(pair.substr(0, equals)), std::string(pair.substr(equals + 1))});
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace

std::vector<PersonalDataHit> find_personal_data(std::string_view url) {
  std::vector<PersonalDataHit> hits;
  std::set<std::string> seen;
  auto add = [&](std::string kind, std::string parameter, std::string redacted) {
    if (seen.insert(kind + "\n" + parameter).second) {
      hits.push_back({std::move(kind), std::move(parameter), std::move(redacted)});
    }
  };
  // The path: matrix parameters (DoubleClick's ";u1=...") are parameters like the query's;
  // elsewhere only clear e-mail addresses count (paths are full of ids and hashes).
  std::vector<Parameter> all;
  std::size_t scheme = url.find("://");
  std::size_t path_start = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  std::size_t query_start = url.find_first_of("?#");
  if (path_start != std::string_view::npos && path_start < query_start) {
    std::string_view path = url.substr(path_start, query_start - path_start);
    std::string rest;
    std::size_t begin = 0;
    while (begin <= path.size()) {
      std::size_t end = path.find_first_of(";/", begin);
      std::string_view part =
          path.substr(begin, end == std::string_view::npos ? path.npos : end - begin);
      std::size_t equals = part.find('=');
      if (equals != std::string_view::npos && equals > 0) {
        all.push_back({std::string(part.substr(0, equals)), std::string(part.substr(equals + 1))});
      } else {
        rest += "/" + std::string(part);
      }
      if (end == std::string_view::npos) break;
      begin = end + 1;
    }
    if (std::string email = find_email(fully_decoded(rest)); !email.empty()) {
      add("e-mail address", "path", redact_email(email));
    }
  }
  std::vector<Parameter> query = parameters(url);
  all.insert(all.end(), query.begin(), query.end());
  for (const Parameter& p : all) {
    std::string name = base_name(p.name);
    std::string value = fully_decoded(p.raw_value);
    std::string label = lower_ascii(fully_decoded(p.name));
    if (std::string email = find_email(value); !email.empty()) {
      add("e-mail address", label, redact_email(email));
      continue;
    }
    if (is_hashed_identity_parameter(name) && is_hex_hash(value)) {
      std::string kind = is_phone_parameter(name)   ? "hashed phone number"
                         : is_email_parameter(name) ? "hashed e-mail"
                                                    : "hashed personal data";
      add(kind, label, value.substr(0, 8) + "...");
      continue;
    }
    std::string digits = phone_digits(value);
    bool explicit_international =
        (p.raw_value.starts_with("+") || lower_ascii(p.raw_value).starts_with("%2b")) &&
        digits.size() >= 10;
    if (!digits.empty() && (is_phone_parameter(name) || explicit_international)) {
      add("phone number", label, "***" + digits.substr(digits.size() - 2));
    }
  }
  return hits;
}

}  // namespace tw
