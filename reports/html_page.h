// The shell every tagwarden HTML report shares: one style sheet, one script (sortable tables with
// class "sortable", filters for elements with data-filter-table) and a head whose
// Content-Security-Policy admits exactly those two by hash, so nothing else can run or load.
// Internal to reports/.
#pragma once

#include <ostream>
#include <string_view>

namespace tw {

extern const std::string_view kHtmlStyle;
extern const std::string_view kHtmlScript;

// From <!DOCTYPE html> to the opening <body>; `title` is escaped.
void write_html_head(std::ostream& out, std::string_view title);
// The script, then </body></html>.
void write_html_end(std::ostream& out);

}  // namespace tw
