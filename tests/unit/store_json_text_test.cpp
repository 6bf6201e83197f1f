// Hand-written JSON strings: escaped, always valid UTF-8, and read back by a real JSON parser.
#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>
#include <string>

#include "store/json_text.h"

namespace {

std::string as_json(std::string_view text) {
  std::string out;
  tw::append_json_string(out, text);
  return out;
}

std::string round_trip(std::string_view text) {
  return nlohmann::json::parse(as_json(text)).get<std::string>();
}

}  // namespace

TEST_CASE("JSON strings escape quotes, backslashes and control characters") {
  CHECK(as_json("plain") == "\"plain\"");
  CHECK(as_json("say \"hi\"\\") == R"("say \"hi\"\\")");
  CHECK(as_json("a\nb\tc\rd") == R"("a\nb\tc\rd")");
  CHECK(as_json(std::string("nul\0bell\x07", 9)) == R"("nul\u0000bell\u0007")");
  CHECK(round_trip("</script><script>alert(1)</script>") == "</script><script>alert(1)</script>");
}

TEST_CASE("JSON strings keep valid UTF-8 and replace invalid bytes with U+FFFD") {
  CHECK(round_trip("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8D\xAA") ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8D\xAA");
  const std::string replacement = "\xEF\xBF\xBD";
  CHECK(round_trip("a\xFF"
                   "b") == "a" + replacement + "b");                             // never valid
  CHECK(round_trip("\xC3") == replacement);                                      // truncated
  CHECK(round_trip("\xC0\xAF") == replacement + replacement);                    // overlong '/'
  CHECK(round_trip("\xED\xA0\x80") == replacement + replacement + replacement);  // surrogate
  CHECK(round_trip("\xF4\x90\x80\x80").find("\xF4") == std::string::npos);       // past U+10FFFF
  CHECK_NOTHROW(nlohmann::json::parse(as_json("\x80\x80\xE2\x82")));
}
