// Payment pages to and from JSON text. Crawled text may be any bytes: invalid UTF-8 is replaced,
// and whatever a stored value lacks reads back empty (the file may be edited by hand).
#include "store/payment_json.h"

#include <nlohmann/json.hpp>

#include "store/json_fields.h"

namespace tw {
namespace {

using nlohmann::json;

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

int number_of(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int>() : 0;
}

json parse(const std::string& text) {
  json value = json::parse(text, nullptr, false);
  return value.is_array() ? value : json::array();
}

}  // namespace

std::string scripts_json(const std::vector<PageScript>& scripts) {
  json out = json::array();
  for (const PageScript& s : scripts) {
    out.push_back({{"url", s.url},
                   {"inline", s.is_inline},
                   {"line", s.line},
                   {"column", s.column},
                   {"party", s.party},
                   {"vendor", s.vendor},
                   {"sha384", s.sha384},
                   {"fetch_error", s.fetch_error},
                   {"status", s.status},
                   {"approved_hash", s.approved_hash},
                   {"owner", s.owner},
                   {"approved_by", s.approved_by},
                   {"approved_on", s.approved_on}});
  }
  return dump(out);
}

std::vector<PageScript> scripts_from_json(const std::string& text) {
  std::vector<PageScript> out;
  for (const json& item : parse(text)) {
    if (!item.is_object()) continue;
    PageScript s;
    s.url = json_text(item, "url");
    auto is_inline = item.find("inline");
    s.is_inline = is_inline != item.end() && is_inline->is_boolean() && is_inline->get<bool>();
    s.line = number_of(item, "line");
    s.column = number_of(item, "column");
    s.party = json_text(item, "party");
    s.vendor = json_text(item, "vendor");
    s.sha384 = json_text(item, "sha384");
    s.fetch_error = json_text(item, "fetch_error");
    s.status = json_text(item, "status");
    s.approved_hash = json_text(item, "approved_hash");
    s.owner = json_text(item, "owner");
    s.approved_by = json_text(item, "approved_by");
    s.approved_on = json_text(item, "approved_on");
    out.push_back(std::move(s));
  }
  return out;
}

std::string security_headers_json(const std::vector<SecurityHeader>& headers) {
  json out = json::array();
  for (const SecurityHeader& h : headers) out.push_back({h.name, h.value});
  return dump(out);
}

std::vector<SecurityHeader> security_headers_from_json(const std::string& text) {
  std::vector<SecurityHeader> out;
  for (const json& item : parse(text)) {
    if (item.is_array() && item.size() == 2 && item[0].is_string() && item[1].is_string()) {
      out.push_back({item[0].get<std::string>(), item[1].get<std::string>()});
    }
  }
  return out;
}

}  // namespace tw
