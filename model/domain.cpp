#include "model/domain.h"

#include <libpsl.h>

#include <unordered_map>

namespace tw {
namespace {

// The newest list on the machine (Debian's publicsuffix package), else the one built into libpsl.
// psl_ctx_t is immutable once loaded, so one shared instance serves every thread.
const psl_ctx_t* suffix_list() {
  static const psl_ctx_t* ctx = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest ? latest : psl_builtin();
  }();
  return ctx;
}

}  // namespace

bool is_ip_literal(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;  // IPv6
  if (host.empty()) return false;
  for (char c : host) {
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string registrable_domain(std::string_view host) {
  std::string h(host);
  while (!h.empty() && h.back() == '.') h.pop_back();
  if (h.empty() || is_ip_literal(h) || suffix_list() == nullptr) return h;
  // The same vendor hosts come back on every page: a per-thread memo skips most libpsl lookups.
  thread_local std::unordered_map<std::string, std::string> memo;
  if (auto found = memo.find(h); found != memo.end()) return found->second;
  const char* domain = psl_registrable_domain(suffix_list(), h.c_str());
  std::string result = domain ? std::string(domain) : h;
  if (memo.size() >= 4096) memo.clear();
  memo.emplace(std::move(h), result);
  return result;
}

bool has_listed_public_suffix(std::string_view host) {
  std::size_t dot = host.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == host.size() ||
      suffix_list() == nullptr || is_ip_literal(host)) {
    return false;
  }
  std::string top(host.substr(dot + 1)), whole(host);
  return psl_is_public_suffix2(suffix_list(), top.c_str(),
                               PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0 &&
         psl_is_public_suffix(suffix_list(), whole.c_str()) == 0;
}

bool host_in_domain(std::string_view host, std::string_view domain) {
  if (domain.empty() || host.size() < domain.size()) return false;
  if (host == domain) return true;
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

std::string normalize_dns_name(std::string_view name) {
  while (name.ends_with('.')) name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace tw
