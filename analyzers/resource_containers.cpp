// GTM's gtm.js embeds its configuration as a JSON object (`var data = {"resource":{"macros":[...],
// "tags":[...]}}`) followed by the runtime; tag parameters are "vtp_*" fields whose values are
// strings or small expressions (["macro",N], ["template",...], ["escape",...]). Adobe Launch keeps
// custom code in "source" fields of its rules' actions; Tealium lists its tag files in
// utag.loader.cfg. Only what marketing configured is read, never the vendors' own runtime code.
#include "analyzers/resource_containers.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <optional>

#include "model/url.h"

namespace tw {
namespace {

constexpr std::size_t kMaxContainerTags = 1000;
constexpr int kMaxNesting = 256;
constexpr int kMaxExpressionDepth = 16;
constexpr std::size_t kMaxValueBytes = 256u << 10;

// A built-in GTM tag template: which parameter holds the account id and what it loads.
struct GtmTemplate {
  std::string_view function;
  std::array<std::string_view, 3> id_fields;
  std::string_view id_prefix;  // "AW-" for Google Ads conversion ids written as numbers
  std::string_view loader;     // "{id}" is replaced; the template's usual script or endpoint
  std::string_view vendor;     // empty: the catalogue names it from the loader's host
  TagKind kind;
};

constexpr GtmTemplate kGtmTemplates[] = {
    {"__ua",
     {"vtp_trackingId", "", ""},
     "",
     "https://www.google-analytics.com/analytics.js",
     "Google Analytics",
     TagKind::script},
    {"__gaawc",
     {"vtp_measurementId", "vtp_tagId", ""},
     "",
     "https://www.googletagmanager.com/gtag/js?id={id}",
     "Google Analytics",
     TagKind::script},
    {"__gaawe",
     {"vtp_measurementIdOverride", "vtp_measurementId", ""},
     "",
     "https://www.googletagmanager.com/gtag/js?id={id}",
     "Google Analytics",
     TagKind::script},
    {"__googtag",
     {"vtp_tagId", "", ""},
     "",
     "https://www.googletagmanager.com/gtag/js?id={id}",
     "",
     TagKind::script},
    {"__awct",
     {"vtp_conversionId", "", ""},
     "AW-",
     "https://www.googleadservices.com/pagead/conversion_async.js",
     "",
     TagKind::script},
    {"__sp",
     {"vtp_conversionId", "", ""},
     "AW-",
     "https://www.googleadservices.com/pagead/conversion_async.js",
     "",
     TagKind::script},
    {"__flc",
     {"vtp_advertiserId", "", ""},
     "DC-",
     "https://fls.doubleclick.net/activityi",
     "",
     TagKind::iframe},
    {"__fls",
     {"vtp_advertiserId", "", ""},
     "DC-",
     "https://fls.doubleclick.net/activityi",
     "",
     TagKind::iframe},
    {"__baut",
     {"vtp_tagId", "vtp_uetqName", ""},
     "",
     "https://bat.bing.com/bat.js",
     "",
     TagKind::script},
    {"__hjtc",
     {"vtp_hotjar_site_id", "", ""},
     "",
     "https://static.hotjar.com/c/hotjar-{id}.js?sv=6",
     "",
     TagKind::script},
    {"__bzi",
     {"vtp_id", "", ""},
     "",
     "https://snap.licdn.com/li.lms-analytics/insight.min.js",
     "",
     TagKind::script},
    {"__twitter_website_tag",
     {"vtp_twitter_pixel_id", "", ""},
     "",
     "https://static.ads-twitter.com/uwt.js",
     "",
     TagKind::script},
    {"__pntr", {"vtp_tagId", "", ""}, "", "https://s.pinimg.com/ct/core.js", "", TagKind::script},
    {"__crto",
     {"vtp_accountId", "", ""},
     "",
     "https://static.criteo.net/js/ld/ld.js",
     "",
     TagKind::script},
    {"__opt",
     {"vtp_optimizeContainerId", "", ""},
     "",
     "https://www.googleoptimize.com/optimize.js?id={id}",
     "",
     TagKind::script},
    {"__qcm",
     {"vtp_pcode", "", ""},
     "",
     "https://secure.quantserve.com/quant.js",
     "",
     TagKind::script},
    {"__mpm", {"vtp_accountId", "", ""}, "", "https://s.ml-attr.com/getuid", "", TagKind::pixel},
};

// GTM functions that are triggers, listeners or utilities, not tags that load anything.
bool is_gtm_utility(std::string_view function) {
  constexpr std::string_view kUtilities[] = {"__cl",
                                             "__lcl",
                                             "__tl",
                                             "__fsl",
                                             "__evl",
                                             "__sdl",
                                             "__ytl",
                                             "__tg",
                                             "__jel",
                                             "__hl",
                                             "__gclidw",
                                             "__e",
                                             "__paused",
                                             "__ccd_ga_first",
                                             "__set_product_settings",
                                             "__ogt_1p_data_v2"};
  return std::find(std::begin(kUtilities), std::end(kUtilities), function) != std::end(kUtilities);
}

// Finds the JSON object that starts at or after `from` and returns its text, checking string
// escapes and nesting on the way; nullopt when it does not close or nests too deep.
std::optional<std::string_view> balanced_object(std::string_view text, std::size_t from,
                                                std::string& why) {
  auto start = text.find('{', from);
  if (start == std::string_view::npos) {
    why = "no object found";
    return std::nullopt;
  }
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = start; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxNesting) {
        why = "nested deeper than " + std::to_string(kMaxNesting);
        return std::nullopt;
      }
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return text.substr(start, i - start + 1);
    }
  }
  why = "the configuration object does not close";
  return std::nullopt;
}

// Evaluates a GTM parameter value to text: strings as they are, constant macros resolved,
// templates concatenated; run-time values (data layer, cookies) become "" since only what the
// container writes down can be known statically.
class GtmValues {
 public:
  explicit GtmValues(const nlohmann::json& macros) : macros_(macros) {}

  std::string text(const nlohmann::json& value, int depth = 0) const {
    if (depth > kMaxExpressionDepth) return {};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
    if (!value.is_array() || value.empty() || !value[0].is_string()) return {};
    const std::string& op = value[0].get_ref<const std::string&>();
    if (op == "macro" && value.size() >= 2 && value[1].is_number_integer()) {
      auto index = value[1].get<long long>();
      if (index < 0 || !macros_.is_array() || static_cast<std::size_t>(index) >= macros_.size()) {
        return {};
      }
      const auto& macro = macros_[static_cast<std::size_t>(index)];
      if (macro.is_object() && macro.value("function", "") == "__c" &&
          macro.contains("vtp_value")) {
        return text(macro["vtp_value"], depth + 1);
      }
      return {};
    }
    if (op == "template") {
      std::string out;
      for (std::size_t i = 1; i < value.size() && out.size() < kMaxValueBytes; ++i) {
        out += text(value[i], depth + 1);
      }
      return out;
    }
    if (op == "escape" && value.size() >= 2) return text(value[1], depth + 1);
    return {};
  }

 private:
  const nlohmann::json& macros_;
};

void gtm_template_tag(const GtmTemplate& known, const nlohmann::json& tag, const GtmValues& values,
                      ContainerContents& out) {
  ContainedTag contained;
  contained.source = std::string(known.function);
  contained.vendor = std::string(known.vendor);
  contained.kind = known.kind;
  std::string id;
  for (std::string_view field : known.id_fields) {
    if (field.empty() || !tag.contains(field)) continue;
    id = values.text(tag[std::string(field)]);
    if (!id.empty()) break;
  }
  if (!id.empty() && !known.id_prefix.empty() && !id.starts_with(known.id_prefix)) {
    id = std::string(known.id_prefix) + id;
  }
  if (id.size() > 100) id.resize(100);
  if (!id.empty()) contained.ids.push_back(id);
  std::string loader(known.loader);
  if (auto at = loader.find("{id}"); at != std::string::npos) {
    if (id.empty()) {
      loader.erase(at);
    } else {
      loader.replace(at, 4, id);
    }
  }
  contained.url = loader;
  out.tags.push_back(std::move(contained));
}

// Community templates (__cvt_...) and anything unknown: the URLs written in their parameters.
void gtm_other_tag(std::string_view function, const nlohmann::json& tag, const GtmValues& values,
                   ContainerContents& out) {
  for (const auto& [key, value] : tag.items()) {
    if (!key.starts_with("vtp_")) continue;
    std::string text = values.text(value);
    if (text.starts_with("//")) text = "https:" + text;
    if (!is_http_url(text)) continue;
    ContainedTag contained;
    contained.source = std::string(function);
    contained.url = text;
    contained.url_in_container = true;
    out.tags.push_back(std::move(contained));
  }
}

ContainerContents open_gtm(std::string_view body) {
  ContainerContents out;
  auto anchor = body.find("\"resource\"");
  if (anchor == std::string_view::npos) {
    out.notes.push_back("not a GTM container: no \"resource\" configuration");
    return out;
  }
  // The configuration object is the one that holds "resource": back up to its opening brace.
  auto open = body.rfind('{', anchor);
  std::string why;
  auto object = open == std::string_view::npos ? std::nullopt : balanced_object(body, open, why);
  if (!object) {
    out.notes.push_back("GTM container configuration unreadable: " + why);
    return out;
  }
  auto data = nlohmann::json::parse(*object, nullptr, false);
  if (data.is_discarded() || !data.is_object() || !data.contains("resource") ||
      !data["resource"].is_object()) {
    out.notes.push_back("GTM container configuration is not valid JSON");
    return out;
  }
  const auto& resource = data["resource"];
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const auto& macros = resource.contains("macros") ? resource["macros"] : kEmpty;
  const auto& tags = resource.contains("tags") ? resource["tags"] : kEmpty;
  if (!tags.is_array()) {
    out.notes.push_back("GTM container \"tags\" is not a list");
    return out;
  }
  out.parsed = true;
  GtmValues values(macros);
  for (const auto& tag : tags) {
    if (out.tags.size() >= kMaxContainerTags) {
      out.notes.push_back("GTM container: more than " + std::to_string(kMaxContainerTags) +
                          " tags, the rest skipped");
      break;
    }
    if (!tag.is_object() || !tag.contains("function") || !tag["function"].is_string()) continue;
    std::string function = tag["function"].get<std::string>();
    if (is_gtm_utility(function)) continue;
    if (function == "__html") {
      ContainedTag contained;
      contained.source = function;
      contained.kind = TagKind::inline_snippet;
      contained.html = tag.contains("vtp_html") ? values.text(tag["vtp_html"]) : "";
      if (contained.html.size() > kMaxValueBytes) contained.html.resize(kMaxValueBytes);
      if (!contained.html.empty()) out.tags.push_back(std::move(contained));
      continue;
    }
    if (function == "__img") {
      std::string url = tag.contains("vtp_url") ? values.text(tag["vtp_url"]) : "";
      if (url.starts_with("//")) url = "https:" + url;
      if (is_http_url(url)) {
        out.tags.push_back({function, url, true, {}, {}, {}, TagKind::pixel});
      }
      continue;
    }
    auto known = std::find_if(std::begin(kGtmTemplates), std::end(kGtmTemplates),
                              [&](const GtmTemplate& t) { return t.function == function; });
    if (known != std::end(kGtmTemplates)) {
      gtm_template_tag(*known, tag, values, out);
    } else {
      gtm_other_tag(function, tag, values, out);
    }
  }
  return out;
}

// Adobe Launch: every "source" of a custom-code action, inline code or the URL of an external one.
ContainerContents open_launch(std::string_view url, std::string_view body) {
  ContainerContents out;
  constexpr std::string_view kKey = "\"source\":";
  std::size_t position = 0;
  while ((position = body.find(kKey, position)) != std::string_view::npos) {
    position += kKey.size();
    if (position >= body.size() || body[position] != '"') continue;
    // Read one JSON string literal with nlohmann, which handles every escape.
    std::size_t end = position + 1;
    while (end < body.size() && body[end] != '"') end += body[end] == '\\' ? 2 : 1;
    if (end >= body.size()) break;
    auto literal = nlohmann::json::parse(body.substr(position, end - position + 1), nullptr, false);
    position = end + 1;
    if (!literal.is_string()) continue;
    std::string source = literal.get<std::string>();
    out.parsed = true;
    if (out.tags.size() >= kMaxContainerTags) break;
    ContainedTag contained;
    contained.source = "customCode";
    if (source.starts_with("//")) source = "https:" + source;
    if (is_http_url(source) || source.starts_with("/")) {
      auto absolute = resolve_url(url, source);
      if (!absolute) continue;
      contained.url = *absolute;
      contained.url_in_container = true;
    } else {
      contained.kind = TagKind::inline_snippet;
      if (source.size() > kMaxValueBytes) source.resize(kMaxValueBytes);
      // Custom code is HTML or JavaScript; wrapping plain code keeps it one inline script.
      contained.html =
          source.find('<') != std::string::npos ? source : "<script>" + source + "</script>";
    }
    out.tags.push_back(std::move(contained));
  }
  if (!out.parsed) out.notes.push_back("Adobe Launch library: no custom code found");
  out.parsed = true;
  return out;
}

// Tealium: utag.loader.cfg={"7":{load:1,...},...} names the tag files utag.7.js beside utag.js.
ContainerContents open_tealium(std::string_view url, std::string_view body) {
  ContainerContents out;
  auto anchor = body.find("utag.loader.cfg");
  if (anchor == std::string_view::npos) {
    out.notes.push_back("not a Tealium loader: no utag.loader.cfg");
    return out;
  }
  std::string why;
  auto object = balanced_object(body, anchor, why);
  if (!object) {
    out.notes.push_back("Tealium loader configuration unreadable: " + why);
    return out;
  }
  out.parsed = true;
  // Keys are quoted tag ids at nesting depth 1: "7":{...
  std::string base(url.substr(0, url.find('?')));
  base.erase(base.rfind('/') + 1);
  int depth = 0;
  for (std::size_t i = 0; i < object->size() && out.tags.size() < kMaxContainerTags; ++i) {
    char c = (*object)[i];
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c != '"' || depth != 1) continue;
    auto close = object->find('"', i + 1);
    if (close == std::string_view::npos) break;
    std::string_view key = object->substr(i + 1, close - i - 1);
    i = close;
    if (key.empty() || key.size() > 10 ||
        !std::all_of(key.begin(), key.end(), [](char k) { return k >= '0' && k <= '9'; })) {
      continue;
    }
    ContainedTag contained;
    contained.source = "utag." + std::string(key);
    contained.url = base + "utag." + std::string(key) + ".js";
    contained.url_in_container = true;
    out.tags.push_back(std::move(contained));
  }
  return out;
}

}  // namespace

std::string_view to_string(ContainerKind kind) {
  switch (kind) {
    case ContainerKind::none:
      return "none";
    case ContainerKind::google_tag_manager:
      return "google-tag-manager";
    case ContainerKind::adobe_launch:
      return "adobe-launch";
    case ContainerKind::tealium:
      return "tealium";
  }
  return "none";
}

ContainerKind container_kind(std::string_view url) {
  std::string host = url_host(url);
  std::string path = url_path(url);
  if (host == "www.googletagmanager.com" || host == "googletagmanager.com") {
    if (path.starts_with("/gtm.js") && path.find("id=GTM-") != std::string::npos) {
      return ContainerKind::google_tag_manager;
    }
  }
  if (host == "assets.adobedtm.com" && path.find("/launch-") != std::string::npos) {
    return ContainerKind::adobe_launch;
  }
  if (host == "tags.tiqcdn.com" && path.starts_with("/utag/")) {
    auto query = path.find('?');
    if (path.substr(0, query).ends_with("/utag.js")) return ContainerKind::tealium;
  }
  return ContainerKind::none;
}

std::string gtm_container_url(std::string_view container_id) {
  return "https://www.googletagmanager.com/gtm.js?id=" + std::string(container_id);
}

ContainerContents open_container(ContainerKind kind, std::string_view url, std::string_view body) {
  switch (kind) {
    case ContainerKind::google_tag_manager:
      return open_gtm(body);
    case ContainerKind::adobe_launch:
      return open_launch(url, body);
    case ContainerKind::tealium:
      return open_tealium(url, body);
    case ContainerKind::none:
      break;
  }
  return {};
}

}  // namespace tw
