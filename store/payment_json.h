// The JSON the store keeps a payment page's scripts and headers in (payment_pages.scripts and
// .headers, store/README.md). Internal to store/.
#pragma once

#include <string>
#include <vector>

#include "model/payment_page.h"

namespace tw {

std::string scripts_json(const std::vector<PageScript>& scripts);
std::vector<PageScript> scripts_from_json(const std::string& text);
std::string security_headers_json(const std::vector<SecurityHeader>& headers);
std::vector<SecurityHeader> security_headers_from_json(const std::string& text);

}  // namespace tw
