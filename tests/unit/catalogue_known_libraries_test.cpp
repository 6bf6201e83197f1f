// Vulnerable-library detection and matching against the shipped retire.js data (TW304's facts).
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "catalogue/known_libraries.h"

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(TW_FIXTURES) + "/third-party/" + name, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

bool has_id(const std::vector<const tw::LibraryAdvisory*>& advisories, const std::string& id) {
  for (const auto* advisory : advisories) {
    for (const auto& each : advisory->ids) {
      if (each == id) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("the shipped retire.js repository loads with every pattern compiled") {
  const auto& repository = tw::LibraryRepository::builtin();
  CHECK(repository.size() > 50);
  CHECK(repository.warnings().empty());
  CHECK(repository.source().find("retire.js") != std::string::npos);
}

TEST_CASE("versions compare like retire.js: numbers numerically, pre-releases before releases") {
  using tw::compare_library_versions;
  CHECK(compare_library_versions("1.10.0", "1.9.1") > 0);
  CHECK(compare_library_versions("1.8.1", "1.9.0b1") < 0);
  CHECK(compare_library_versions("1.9.0b1", "1.9.0") < 0);
  CHECK(compare_library_versions("3.0.0-beta", "3.0.0") < 0);
  CHECK(compare_library_versions("3.0.0-rc1", "3.0.0-beta") > 0);
  CHECK(compare_library_versions("1.2", "1.2.0") == 0);
  CHECK(compare_library_versions("2.0.10", "2.0.9") > 0);
}

TEST_CASE("jQuery 1.8.1 is found from its content and carries its CVE and GHSA ids") {
  const auto& repository = tw::LibraryRepository::builtin();
  auto found =
      repository.detect("https://code.example.net/lib/app.js", fixture("jquery-1.8.1.min.js"), "");
  REQUIRE(found.size() == 1);
  CHECK(found[0].name == "jquery");
  CHECK(found[0].version == "1.8.1");
  CHECK(found[0].detection == "filecontent");
  auto advisories = repository.advisories("jquery", "1.8.1");
  CHECK(has_id(advisories, "CVE-2012-6708"));
  CHECK(has_id(advisories, "GHSA-2pqj-h3vj-pqgw"));
  CHECK(has_id(advisories, "CVE-2020-11023"));
  CHECK_FALSE(has_id(advisories, "CVE-2020-11022"));  // from 1.12.0 on
  CHECK_FALSE(has_id(advisories, "CVE-2011-4969"));   // fixed in 1.6.3
}

TEST_CASE("library versions are read from the URL and the file name") {
  const auto& repository = tw::LibraryRepository::builtin();
  auto by_name = repository.detect("https://code.jquery.com/jquery-3.4.1.min.js", "", "");
  REQUIRE_FALSE(by_name.empty());
  CHECK(by_name[0].name == "jquery");
  CHECK(by_name[0].version == "3.4.1");
  CHECK(by_name[0].detection == "filename");
  auto by_path = repository.detect(
      "https://ajax.googleapis.com/ajax/libs/jquery/1.12.4/jquery.min.js", "", "");
  REQUIRE_FALSE(by_path.empty());
  CHECK(by_path[0].version == "1.12.4");
}

TEST_CASE("a current library version has no advisories") {
  const auto& repository = tw::LibraryRepository::builtin();
  CHECK(repository.advisories("jquery", "3.7.1").empty());
  CHECK(repository.advisories("no-such-library", "1.0.0").empty());
}

TEST_CASE("hostile content is matched within bounds and finds nothing") {
  const auto& repository = tw::LibraryRepository::builtin();
  std::string hostile(2u << 20, 'a');
  for (std::size_t i = 0; i < hostile.size(); i += 97) hostile[i] = '"';
  CHECK(repository.detect("https://cdn.example.net/x.js", hostile, "").empty());
  CHECK(
      repository.detect("https://cdn.example.net/x.js", std::string("\0\xff\xfe", 3), "").empty());
}

TEST_CASE("a repository that is not the converted shape is an error naming the file") {
  auto bad = tw::LibraryRepository::from_json("{\"jquery\": {}}", "custom.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("custom.json") != std::string::npos);
}
