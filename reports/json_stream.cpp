// See json_stream.h.
#include "reports/json_stream.h"

#include <string>

namespace tw::json_stream {

void write_nested(std::ostream& out, const Json& value, int depth) {
  std::string text = value.dump(2, ' ', false, Json::error_handler_t::replace);
  std::string pad(2 * static_cast<std::size_t>(depth), ' ');
  std::size_t start = 0;
  // A JSON text holds raw newlines only between tokens (strings escape theirs).
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.write(text.data() + start, static_cast<std::streamsize>(nl + 1 - start));
    out << pad;
    start = nl + 1;
  }
  out.write(text.data() + start, static_cast<std::streamsize>(text.size() - start));
}

}  // namespace tw::json_stream
