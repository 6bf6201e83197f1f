// libFuzzer target: page bytes -> tags -> page rules, as the scan pipeline runs them. Besides "no
// crash, no sanitizer report", it checks the invariants every consumer of a Tag relies on.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyzers/css_urls.h"
#include "analyzers/first_party_code.h"
#include "analyzers/inline_scripts.h"
#include "analyzers/page_analyzer.h"
#include "analyzers/script_strings.h"
#include "model/url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  tw::scan_inline_script(bytes);
  for (const tw::WrittenMarkup& write : tw::evaluate_script_strings(bytes, {false}).writes) {
    for (const auto& source : write.sources) {
      if (source.script_offset > bytes.size() || source.markup_offset > write.markup.size())
        __builtin_trap();
    }
  }
  tw::css_references(bytes);
  tw::ids_from_url(bytes);
  // The site's own files: the same scanners, positions counted over the whole file.
  for (bool stylesheet : {false, true}) {
    tw::FirstPartyAsset file{"https://www.example.com/static/app", stylesheet};
    for (const tw::AssetReference& reference : tw::asset_references(bytes, file).references) {
      if (!tw::is_http_url(reference.url) || reference.line < 1 || reference.column < 1)
        __builtin_trap();
    }
  }

  tw::Page page;
  page.requested_url = page.final_url = "https://www.example.com/shop/index.html";
  page.body.assign(bytes);
  tw::AnalysisContext context;
  context.rules.catalogue = &tw::Catalogue::builtin();
  tw::PageAnalysis analysis = tw::analyze_page(std::move(page), context);
  tw::run_page_rules(analysis, context.rules);
  for (const tw::Tag& tag : analysis.tags) {
    if (!tw::is_http_url(tag.url) || tag.host.empty() || tag.line < 1 || tag.column < 1 ||
        tag.host == "www.example.com") {
      __builtin_trap();
    }
  }
  for (const std::string& link : analysis.links) {
    if (!tw::is_http_url(link) || link.find('#') != std::string::npos) __builtin_trap();
  }
  if (!analysis.page.body.empty()) __builtin_trap();
  return 0;
}
