#include "model/page.h"

namespace tw {

std::string_view to_string(PageError error) {
  switch (error) {
    case PageError::none: return "none";
    case PageError::dns: return "dns";
    case PageError::connect: return "connect";
    case PageError::tls: return "tls";
    case PageError::timeout: return "timeout";
    case PageError::too_large: return "too-large";
    case PageError::not_html: return "not-html";
    case PageError::http_status: return "http-status";
    case PageError::redirect: return "redirect";
    case PageError::off_scope: return "off-scope";
    case PageError::robots: return "robots";
    case PageError::scheme: return "scheme";
    case PageError::unparseable: return "unparseable";
    case PageError::read: return "read";
    case PageError::other: return "other";
  }
  return "other";
}

std::string_view Page::header(std::string_view lower_name) const {
  for (const Header& h : headers) {
    if (h.name == lower_name) return h.value;
  }
  return {};
}

}  // namespace tw
