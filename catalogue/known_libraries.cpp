// retire.js's repository in C++: JS-flavoured extractor regexes through PCRE2 (JIT, with match
// limits), retire's version comparison, advisories by range.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "catalogue/known_libraries.h"

#include <pcre2.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <variant>

#include "catalogue/embedded_data.h"

namespace tw {
namespace {

struct CodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};
struct MatchContextDeleter {
  void operator()(pcre2_match_context* context) const { pcre2_match_context_free(context); }
};
using Code = std::unique_ptr<pcre2_code, CodeDeleter>;
using MatchData = std::unique_ptr<pcre2_match_data, MatchDataDeleter>;
using MatchContext = std::unique_ptr<pcre2_match_context, MatchContextDeleter>;

// Bounds per match: enough for every real library banner, small enough that a hostile script
// built to make `.{50,300}` patterns backtrack costs milliseconds, not minutes.
constexpr uint32_t kMatchLimit = 2'000'000;
constexpr uint32_t kDepthLimit = 10'000;

struct Pattern {
  Code code;
  std::string replacement;  // filecontentreplace only: "$2" style template
};

std::optional<Pattern> compile(const std::string& pattern, std::string& error) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  // JavaScript semantics where they differ: \u and \x escapes, unset back-references match empty.
  uint32_t options = PCRE2_ALT_BSUX | PCRE2_MATCH_UNSET_BACKREF;
  Code compiled(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                              &code, &offset, nullptr));
  if (!compiled) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(code, message, sizeof message);
    error = "offset " + std::to_string(offset) + ": " + reinterpret_cast<const char*>(message);
    return std::nullopt;
  }
  pcre2_jit_compile(compiled.get(), PCRE2_JIT_COMPLETE);  // falls back to the interpreter
  return Pattern{std::move(compiled), {}};
}

// The text of capture group `group` of the first match, nullopt when nothing matches.
std::optional<std::string> first_match(const Pattern& pattern, std::string_view subject,
                                       const MatchContext& context, std::size_t group) {
  MatchData data(pcre2_match_data_create_from_pattern(pattern.code.get(), nullptr));
  if (!data) return std::nullopt;
  int rc = pcre2_match(pattern.code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                       subject.size(), 0, 0, data.get(), context.get());
  if (rc <= static_cast<int>(group)) return std::nullopt;
  PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
  if (ovector[2 * group] == PCRE2_UNSET) return std::nullopt;
  return std::string(
      subject.substr(ovector[2 * group], ovector[2 * group + 1] - ovector[2 * group]));
}

// Splits retire's "/regex/replacement/" form.
std::optional<std::pair<std::string, std::string>> split_replace(const std::string& text) {
  if (text.size() < 4 || text.front() != '/' || text.back() != '/') return std::nullopt;
  auto middle = text.rfind('/', text.size() - 2);
  if (middle == 0 || middle == std::string::npos) return std::nullopt;
  return std::pair{text.substr(1, middle - 1), text.substr(middle + 1, text.size() - middle - 2)};
}

// Replacement like JavaScript's String.replace template: $1..$9 from the match.
std::optional<std::string> replace_match(const Pattern& pattern, std::string_view subject,
                                         const MatchContext& context) {
  MatchData data(pcre2_match_data_create_from_pattern(pattern.code.get(), nullptr));
  if (!data) return std::nullopt;
  int rc = pcre2_match(pattern.code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                       subject.size(), 0, 0, data.get(), context.get());
  if (rc <= 0) return std::nullopt;
  PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
  std::string out;
  const std::string& templ = pattern.replacement;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] == '$' && i + 1 < templ.size() &&
        std::isdigit(static_cast<unsigned char>(templ[i + 1]))) {
      int group = templ[++i] - '0';
      if (group < rc && ovector[2 * group] != PCRE2_UNSET) {
        out.append(subject.substr(ovector[2 * group], ovector[2 * group + 1] - ovector[2 * group]));
      }
    } else {
      out += templ[i];
    }
  }
  return out;
}

// "1.8.1.min" from a file-name pattern whose version group swallowed the ".min".
std::string clean_version(std::string version) {
  for (std::string_view suffix : {".min", "-min", ".js"}) {
    if (version.size() > suffix.size() && version.ends_with(suffix)) {
      version.resize(version.size() - suffix.size());
    }
  }
  return version;
}

std::string file_name(std::string_view url) {
  auto end = url.find_first_of("?#");
  url = url.substr(0, end);
  auto slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

using VersionPart = std::variant<long long, std::string>;  // number or text, like retire

VersionPart comparable(std::string_view part) {
  if (!part.empty() && part.size() < 18 &&
      std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::stoll(std::string(part));
  }
  return std::string(part);
}

std::vector<std::string_view> version_parts(std::string_view version) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= version.size(); ++i) {
    if (i == version.size() || version[i] == '.' || version[i] == '-') {
      parts.push_back(version.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

struct LibraryRepository::Data {
  struct Library {
    std::string name;
    std::vector<Pattern> uri, filename, filecontent, filecontentreplace;
    std::vector<std::pair<std::string, std::string>> hashes;  // sha1 -> version
    std::vector<LibraryAdvisory> advisories;
  };
  std::string source;
  std::vector<Library> libraries;
  std::vector<std::string> warnings;
  MatchContext match_context;
};

LibraryRepository::LibraryRepository() : data_(std::make_unique<Data>()) {}
LibraryRepository::~LibraryRepository() = default;
LibraryRepository::LibraryRepository(LibraryRepository&&) noexcept = default;
LibraryRepository& LibraryRepository::operator=(LibraryRepository&&) noexcept = default;

const LibraryRepository& LibraryRepository::builtin() {
  static const LibraryRepository repository = [] {
    auto parsed =
        from_json(embedded_file("retirejs/jsrepository.json"), "retirejs/jsrepository.json");
    // The shipped file is tested in CI; an empty repository beats aborting a scan.
    return parsed ? std::move(parsed.value()) : LibraryRepository{};
  }();
  return repository;
}

Result<LibraryRepository> LibraryRepository::from_json(std::string_view json,
                                                       std::string_view origin) {
  auto document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("libraries") ||
      !document["libraries"].is_array()) {
    return Error{std::string(origin) + ": not a converted retire.js repository"};
  }
  LibraryRepository repository;
  Data& data = *repository.data_;
  data.match_context.reset(pcre2_match_context_create(nullptr));
  pcre2_set_match_limit(data.match_context.get(), kMatchLimit);
  pcre2_set_depth_limit(data.match_context.get(), kDepthLimit);
  data.source = document.value("source", "");
  try {
    for (const auto& entry : document["libraries"]) {
      Data::Library library;
      library.name = entry.at("name").get<std::string>();
      auto patterns = [&](const char* kind, std::vector<Pattern>& out, bool replace) {
        if (!entry.contains(kind)) return;
        for (const auto& text : entry[kind]) {
          std::string pattern = text.get<std::string>();
          std::string replacement;
          if (replace) {
            auto parts = split_replace(pattern);
            if (!parts) {
              data.warnings.push_back(library.name + ": bad replace pattern " + pattern);
              continue;
            }
            pattern = parts->first;
            replacement = parts->second;
          }
          std::string error;
          auto compiled = compile(pattern, error);
          if (!compiled) {
            data.warnings.push_back(library.name + " " + kind + " pattern: " + error);
            continue;
          }
          compiled->replacement = std::move(replacement);
          out.push_back(std::move(*compiled));
        }
      };
      patterns("uri", library.uri, false);
      patterns("filename", library.filename, false);
      patterns("filecontent", library.filecontent, false);
      patterns("filecontentreplace", library.filecontentreplace, true);
      if (entry.contains("hashes")) {
        for (const auto& [hash, version] : entry["hashes"].items()) {
          library.hashes.emplace_back(hash, version.get<std::string>());
        }
      }
      for (const auto& item : entry.value("vulnerabilities", nlohmann::json::array())) {
        LibraryAdvisory advisory;
        advisory.below = item.at("below").get<std::string>();
        advisory.at_or_above = item.value("atOrAbove", "");
        advisory.excludes = item.value("excludes", std::vector<std::string>{});
        advisory.severity =
            parse_severity(item.value("severity", "medium")).value_or(Severity::medium);
        advisory.summary = item.value("summary", "");
        advisory.ids = item.value("ids", std::vector<std::string>{});
        advisory.info = item.value("info", std::vector<std::string>{});
        library.advisories.push_back(std::move(advisory));
      }
      data.libraries.push_back(std::move(library));
    }
  } catch (const nlohmann::json::exception& e) {
    return Error{std::string(origin) + ": " + e.what()};
  }
  return repository;
}

std::vector<DetectedLibrary> LibraryRepository::detect(std::string_view url,
                                                       std::string_view content,
                                                       std::string_view sha1_hex) const {
  std::vector<DetectedLibrary> found;
  auto add = [&](const std::string& name, std::string version, const char* detection) {
    version = clean_version(std::move(version));
    if (version.empty()) return;
    for (const auto& existing : found) {
      if (existing.name == name && existing.version == version) return;
    }
    found.push_back({name, std::move(version), detection});
  };
  const auto& context = data_->match_context;
  std::string name = file_name(url);
  for (const auto& library : data_->libraries) {
    for (const auto& pattern : library.uri) {
      if (auto v = first_match(pattern, url, context, 1)) add(library.name, *v, "uri");
    }
    for (const auto& pattern : library.filename) {
      if (auto v = first_match(pattern, name, context, 1)) add(library.name, *v, "filename");
    }
  }
  if (content.empty()) return found;
  // Content: plain extractors first; the replace form and the hash only when nothing matched
  // (retire's scanFileContent order).
  std::size_t before = found.size();
  for (const auto& library : data_->libraries) {
    for (const auto& pattern : library.filecontent) {
      if (auto v = first_match(pattern, content, context, 1)) add(library.name, *v, "filecontent");
    }
  }
  if (found.size() == before) {
    for (const auto& library : data_->libraries) {
      for (const auto& pattern : library.filecontentreplace) {
        if (auto v = replace_match(pattern, content, context)) add(library.name, *v, "filecontent");
      }
    }
  }
  if (found.size() == before && !sha1_hex.empty()) {
    for (const auto& library : data_->libraries) {
      for (const auto& [hash, version] : library.hashes) {
        if (hash == sha1_hex) add(library.name, version, "hash");
      }
    }
  }
  return found;
}

std::vector<const LibraryAdvisory*> LibraryRepository::advisories(std::string_view library,
                                                                  std::string_view version) const {
  std::vector<const LibraryAdvisory*> out;
  for (const auto& entry : data_->libraries) {
    if (entry.name != library) continue;
    for (const auto& advisory : entry.advisories) {
      if (compare_library_versions(version, advisory.below) >= 0) continue;
      if (!advisory.at_or_above.empty() &&
          compare_library_versions(version, advisory.at_or_above) < 0) {
        continue;
      }
      if (std::find(advisory.excludes.begin(), advisory.excludes.end(), version) !=
          advisory.excludes.end()) {
        continue;
      }
      out.push_back(&advisory);
    }
  }
  return out;
}

const std::string& LibraryRepository::source() const {
  return data_->source;
}
const std::vector<std::string>& LibraryRepository::warnings() const {
  return data_->warnings;
}
std::size_t LibraryRepository::size() const {
  return data_->libraries.size();
}

int compare_library_versions(std::string_view a, std::string_view b) {
  auto left = version_parts(a);
  auto right = version_parts(b);
  std::size_t count = std::max(left.size(), right.size());
  for (std::size_t i = 0; i < count; ++i) {
    VersionPart x = i < left.size() ? comparable(left[i]) : VersionPart{0LL};
    VersionPart y = i < right.size() ? comparable(right[i]) : VersionPart{0LL};
    if (x.index() != y.index()) return x.index() == 0 ? 1 : -1;  // a number beats text
    if (x < y) return -1;
    if (y < x) return 1;
  }
  return 0;
}

}  // namespace tw
