// Tag-manager containers opened up: what a Google Tag Manager container (gtm.js?id=GTM-...), an
// Adobe Launch library (assets.adobedtm.com/.../launch-*.js) or a Tealium loader
// (tags.tiqcdn.com/utag/ACCOUNT/PROFILE/ENV/utag.js) configures, from their published files.
// Pure functions of the bytes; bounded on hostile input (sizes, nesting, counts); any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/tag.h"

namespace tw {

enum class ContainerKind { none, google_tag_manager, adobe_launch, tealium };

std::string_view to_string(ContainerKind kind);

// Which container a resource URL is, from its host and path.
ContainerKind container_kind(std::string_view url);

// The loader URL of a GTM container id ("GTM-ABC123"), for containers a page names only by id.
std::string gtm_container_url(std::string_view container_id);

// One tag a container configures.
struct ContainedTag {
  std::string source;  // the template or action: "__gaawc", "__html", "customCode", "utag.7"
  std::string url;     // what it loads when the container says so, absolute; may be empty
  bool url_in_container = false;  // the URL is written in the container (not the template's
                                  // usual loader), so fetching it is what the browser does
  std::vector<std::string> ids;   // account ids the template is configured with
  std::string html;    // custom HTML / custom code to look into for scripts, pixels, snippets
  std::string vendor;  // vendor the template belongs to, when the template says it
  TagKind kind = TagKind::script;
};

struct ContainerContents {
  bool parsed = false;  // false: the bytes were not the container format (note says why)
  std::vector<ContainedTag> tags;
  std::vector<std::string> notes;  // what could not be read, and why
};

// Opens a fetched container. `url` is the container's own (final) URL.
ContainerContents open_container(ContainerKind kind, std::string_view url, std::string_view body);

}  // namespace tw
