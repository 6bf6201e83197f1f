// Browser visits to and from stored JSON (see browser_json.h). Every value read is type-checked:
// the database is a file anyone can edit.
#include "store/browser_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "store/json_fields.h"

namespace tw {
namespace {

using json = nlohmann::json;

json request_json(const BrowserRequest& request) {
  return json{{"url", request.url},
              {"host", request.host},
              {"type", request.resource_type},
              {"status", request.status},
              {"bytes", request.bytes},
              {"initiator", request.initiator},
              {"initiator_url", request.initiator_url},
              {"after_consent", request.after_consent},
              {"blocked", request.blocked},
              {"third_party", request.third_party},
              {"vendor", request.vendor},
              {"category", request.category}};
}

json cookie_json(const BrowserCookie& cookie) {
  return json{{"name", cookie.name},
              {"domain", cookie.domain},
              {"path", cookie.path},
              {"expires", cookie.expires},
              {"secure", cookie.secure},
              {"http_only", cookie.http_only},
              {"same_site", cookie.same_site},
              {"third_party", cookie.third_party},
              {"set_by", cookie.set_by},
              {"set_via", cookie.set_via},
              {"after_consent", cookie.after_consent}};
}

BrowserRequest request_from(const json& object) {
  BrowserRequest request;
  request.url = json_text(object, "url");
  request.host = json_text(object, "host");
  request.resource_type = json_text(object, "type");
  request.status = std::clamp(json_number(object, "status", 0), 0, 999);
  request.bytes = json_number<std::uint64_t>(object, "bytes", 0);
  request.initiator = json_text(object, "initiator");
  request.initiator_url = json_text(object, "initiator_url");
  request.after_consent = json_flag(object, "after_consent");
  request.blocked = json_flag(object, "blocked");
  request.third_party = json_flag(object, "third_party");
  request.vendor = json_text(object, "vendor");
  request.category = json_text(object, "category");
  return request;
}

BrowserCookie cookie_from(const json& object) {
  BrowserCookie cookie;
  cookie.name = json_text(object, "name");
  cookie.domain = json_text(object, "domain");
  cookie.path = json_text(object, "path");
  cookie.expires = json_number(object, "expires", -1.0);
  cookie.secure = json_flag(object, "secure");
  cookie.http_only = json_flag(object, "http_only");
  cookie.same_site = json_text(object, "same_site");
  cookie.third_party = json_flag(object, "third_party");
  cookie.set_by = json_text(object, "set_by");
  cookie.set_via = json_text(object, "set_via");
  cookie.after_consent = json_flag(object, "after_consent");
  return cookie;
}

}  // namespace

std::string visits_json(const std::vector<BrowserVisit>& visits) {
  if (visits.empty()) return {};
  json out = json::array();
  for (const BrowserVisit& visit : visits) {
    json requests = json::array(), cookies = json::array();
    for (const BrowserRequest& request : visit.requests) requests.push_back(request_json(request));
    for (const BrowserCookie& cookie : visit.cookies) cookies.push_back(cookie_json(cookie));
    out.push_back(json{{"consent_state", to_string(visit.consent_state)},
                       {"consent_manager", visit.consent_manager},
                       {"consent_action", visit.consent_action},
                       {"tc_string", visit.tc_string},
                       {"note", visit.note},
                       {"requests", std::move(requests)},
                       {"cookies", std::move(cookies)}});
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<BrowserVisit> visits_from_json(const std::string& text_in) {
  std::vector<BrowserVisit> visits;
  if (text_in.empty()) return visits;
  json parsed = json::parse(text_in, nullptr, false);
  if (!parsed.is_array()) return visits;
  for (const json& object : parsed) {
    if (!object.is_object()) continue;
    BrowserVisit& visit = visits.emplace_back();
    visit.consent_state =
        parse_consent_state(json_text(object, "consent_state")).value_or(ConsentState::none);
    visit.consent_manager = json_text(object, "consent_manager");
    visit.consent_action = json_text(object, "consent_action");
    visit.tc_string = json_text(object, "tc_string");
    visit.note = json_text(object, "note");
    if (auto requests = object.find("requests"); requests != object.end() && requests->is_array()) {
      for (const json& request : *requests) {
        if (request.is_object()) visit.requests.push_back(request_from(request));
      }
    }
    if (auto cookies = object.find("cookies"); cookies != object.end() && cookies->is_array()) {
      for (const json& cookie : *cookies) {
        if (cookie.is_object()) visit.cookies.push_back(cookie_from(cookie));
      }
    }
  }
  return visits;
}

}  // namespace tw
