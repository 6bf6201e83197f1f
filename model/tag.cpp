#include "model/tag.h"

#include "model/browser_visit.h"

#include <array>
#include <utility>

namespace tw {
namespace {

constexpr std::array<std::pair<TagKind, std::string_view>, 13> kKindNames{{
    {TagKind::script, "script"},
    {TagKind::inline_snippet, "inline-snippet"},
    {TagKind::iframe, "iframe"},
    {TagKind::img, "img"},
    {TagKind::pixel, "pixel"},
    {TagKind::stylesheet, "stylesheet"},
    {TagKind::preload, "preload"},
    {TagKind::preconnect, "preconnect"},
    {TagKind::media, "media"},
    {TagKind::embed, "embed"},
    {TagKind::form, "form"},
    {TagKind::meta_refresh, "meta-refresh"},
    {TagKind::css, "css"},
}};

constexpr std::array<std::pair<Initiator, std::string_view>, 7> kInitiatorNames{{
    {Initiator::parser, "parser"},
    {Initiator::inline_script, "inline-script"},
    {Initiator::tag_manager, "tag-manager"},
    {Initiator::third_party_script, "third-party-script"},
    {Initiator::runtime, "runtime"},
    {Initiator::first_party_script, "first-party-script"},
    {Initiator::stylesheet, "stylesheet"},
}};

constexpr std::array<std::pair<ConsentState, std::string_view>, 3> kConsentStateNames{{
    {ConsentState::none, "none"},
    {ConsentState::reject, "reject"},
    {ConsentState::accept, "accept"},
}};

}  // namespace

std::string_view to_string(ConsentState state) {
  for (const auto& [s, name] : kConsentStateNames) {
    if (s == state) return name;
  }
  return "none";
}

std::optional<ConsentState> parse_consent_state(std::string_view text) {
  for (const auto& [s, name] : kConsentStateNames) {
    if (name == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(TagKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "script";
}

std::optional<TagKind> parse_tag_kind(std::string_view text) {
  for (const auto& [k, name] : kKindNames) {
    if (name == text) return k;
  }
  return std::nullopt;
}

bool from_first_party_file(Initiator initiator) {
  return initiator == Initiator::first_party_script || initiator == Initiator::stylesheet;
}

bool loaded_by_other_code(Initiator initiator) {
  return initiator == Initiator::tag_manager || initiator == Initiator::third_party_script ||
         from_first_party_file(initiator);
}

std::string_view to_string(Initiator initiator) {
  for (const auto& [i, name] : kInitiatorNames) {
    if (i == initiator) return name;
  }
  return "parser";
}

std::optional<Initiator> parse_initiator(std::string_view text) {
  for (const auto& [i, name] : kInitiatorNames) {
    if (name == text) return i;
  }
  return std::nullopt;
}

bool Tag::has_attribute(std::string_view name) const {
  return attributes.find(std::string(name)) != attributes.end();
}

std::string_view Tag::attribute(std::string_view name) const {
  auto it = attributes.find(std::string(name));
  return it == attributes.end() ? std::string_view{} : std::string_view{it->second};
}

}  // namespace tw
