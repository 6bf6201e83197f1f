// First-party file references as JSON; see asset_json.h.
#include "store/asset_json.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "model/url.h"
#include "store/json_fields.h"

namespace tw {
namespace {

using nlohmann::json;

std::optional<UrlForm> parse_form(int value) {
  if (value < 0 || value > static_cast<int>(UrlForm::host_only)) return std::nullopt;
  return static_cast<UrlForm>(value);
}

}  // namespace

std::string asset_scan_json(const AssetScan& scan) {
  json references = json::array();
  for (const AssetReference& reference : scan.references) {
    json entry = {{"url", reference.url},
                  {"line", reference.line},
                  {"column", reference.column},
                  {"kind", to_string(reference.kind)},
                  {"form", static_cast<int>(reference.form)}};
    if (!reference.snippet.empty()) entry["snippet"] = reference.snippet;
    if (!reference.ids.empty()) entry["ids"] = reference.ids;
    references.push_back(std::move(entry));
  }
  json out = {{"references", std::move(references)}, {"notes", scan.notes}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

AssetScan asset_scan_from_json(const std::string& text) {
  AssetScan scan;
  json value = json::parse(text, nullptr, false);
  if (!value.is_object()) return scan;
  if (auto notes = value.find("notes"); notes != value.end() && notes->is_array()) {
    for (const json& note : *notes) {
      if (note.is_string()) scan.notes.push_back(note.get<std::string>());
    }
  }
  auto references = value.find("references");
  if (references == value.end() || !references->is_array()) return scan;
  for (const json& entry : *references) {
    if (!entry.is_object()) continue;
    AssetReference reference;
    reference.url = json_text(entry, "url");
    std::optional<TagKind> kind = parse_tag_kind(json_text(entry, "kind"));
    std::optional<UrlForm> form = parse_form(json_number(entry, "form", -1));
    if (!is_http_url(reference.url) || !kind || !form) continue;
    reference.kind = *kind;
    reference.form = *form;
    reference.line = json_number(entry, "line", 0);
    reference.column = json_number(entry, "column", 0);
    reference.snippet = json_text(entry, "snippet");
    if (auto ids = entry.find("ids"); ids != entry.end() && ids->is_array()) {
      for (const json& id : *ids) {
        if (id.is_string()) reference.ids.push_back(id.get<std::string>());
      }
    }
    scan.references.push_back(std::move(reference));
  }
  return scan;
}

}  // namespace tw
