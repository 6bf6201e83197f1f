#include "catalogue/compromised_domains.h"

#include "catalogue/embedded_data.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace tw {

Result<CompromisedDomains> CompromisedDomains::from_json(std::string_view json,
                                                         std::string_view origin) {
  nlohmann::json document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("entries") ||
      !document["entries"].is_array()) {
    return Error{std::string(origin) + ": not a compromised-domains list ({\"entries\": [...]})"};
  }
  CompromisedDomains list;
  list.updated_ = document.value("updated", "");
  for (const nlohmann::json& entry : document["entries"]) {
    if (!entry.is_object() || !entry.contains("host") || !entry["host"].is_string()) {
      return Error{std::string(origin) + ": an entry without a host"};
    }
    CompromisedHost host;
    host.host = entry["host"].get<std::string>();
    host.status = entry.value("status", "compromised");
    host.severity =
        parse_severity(entry.value("severity", "critical")).value_or(Severity::critical);
    host.since = entry.value("since", "");
    host.summary = entry.value("summary", "");
    if (entry.contains("sources") && entry["sources"].is_array()) {
      for (const nlohmann::json& source : entry["sources"]) {
        if (source.is_string()) host.sources.push_back(source.get<std::string>());
      }
    }
    list.hosts_.push_back(std::move(host));
  }
  return list;
}

const CompromisedDomains& CompromisedDomains::builtin() {
  static const CompromisedDomains list = [] {
    Result<CompromisedDomains> parsed =
        from_json(embedded_file("compromised-domains.json"), "compromised-domains.json");
    // The file is ours and checked by the unit tests; a broken build is a programmer error.
    if (!parsed) throw std::logic_error(parsed.error());
    return std::move(parsed).value();
  }();
  return list;
}

const CompromisedHost* CompromisedDomains::find(std::string_view host) const {
  const CompromisedHost* best = nullptr;
  for (const CompromisedHost& entry : hosts_) {
    const std::string& h = entry.host;
    bool match = host == h || (host.size() > h.size() && host.ends_with(h) &&
                               host[host.size() - h.size() - 1] == '.');
    if (match && (best == nullptr || h.size() > best->host.size())) best = &entry;
  }
  return best;
}

}  // namespace tw
