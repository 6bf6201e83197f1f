// Who a tag belongs to: first-party test (the site's registrable domain, the context's and the
// policy's own domains) and vendor attribution (policy vendor hosts first, then the catalogue's
// most specific host suffix). Built once per page; read-only afterwards.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/page_analyzer.h"
#include "analyzers/script_strings.h"
#include "model/tag.h"

namespace tw {

class TagAttribution {
 public:
  TagAttribution(std::string_view page_url, const AnalysisContext& context);

  bool is_first_party(std::string_view host) const;
  const std::string& page_host() const { return page_host_; }
  // Whether the page's references to the site's other hosts are kept (the CNAME check).
  bool keeps_site_hosts() const { return keep_site_hosts_; }
  // The policy or the catalogue names a vendor for `host`.
  bool knows_host(std::string_view host) const;
  // Whether a URL a script names (`url`, written as `form`) is worth a tag: hosts written without
  // a scheme count only when the name is known to load something (a catalogue or policy host,
  // or a name under a listed public suffix followed by a script or pixel path); a bare
  // registrable domain in configuration is usually a cookie or link domain.
  bool accepts_script_url(UrlForm form, std::string_view url) const;

  // Fills domain, vendor and category of a tag whose host is set.
  void attribute(Tag& tag) const;

 private:
  std::string page_host_;
  std::vector<std::string> own_domains_;  // registrable domains (or hosts) counted first party
  const Catalogue* catalogue_;
  const SanctionedStack* policy_;
  bool keep_site_hosts_ = false;
};

}  // namespace tw
