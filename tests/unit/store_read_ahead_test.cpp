// ReadAhead: items reach the visitor in the reader's order, a visitor that stops stops the
// reader, the reader's error comes back, and a visitor's exception leaves no thread behind.
#include "store/read_ahead.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace tw {
namespace {

using Ahead = ReadAhead<std::string>;

// A reader of `count` items "0", "1", ...; `emitted` counts what it handed over.
std::function<Status(const Ahead::Emit&)> numbers(int count, int& emitted,
                                                  Status end = Ok{}) {
  return [count, &emitted, end](const Ahead::Emit& emit) -> Status {
    for (int i = 0; i < count; ++i) {
      ++emitted;
      if (!emit(std::to_string(i))) return Ok{};
    }
    return end;
  };
}

TEST_CASE("read-ahead hands every item over in order, across batch boundaries") {
  for (int count : {0, 1, 15, 16, 17, 200}) {
    int emitted = 0;
    std::vector<std::string> seen;
    Status walked = Ahead::walk(numbers(count, emitted), [&](const std::string& item) {
      seen.push_back(item);
      return true;
    });
    REQUIRE(walked);
    REQUIRE(static_cast<int>(seen.size()) == count);
    for (int i = 0; i < count; ++i) CHECK(seen[static_cast<std::size_t>(i)] == std::to_string(i));
  }
}

TEST_CASE("a visitor that stops stops the reader within the bounded read-ahead") {
  int emitted = 0;
  int visited = 0;
  Status walked = Ahead::walk(numbers(100000, emitted), [&](const std::string&) {
    return ++visited < 5;
  });
  REQUIRE(walked);
  CHECK(visited == 5);
  // At most the batches queued, the one being filled and the one being visited were read.
  CHECK(emitted <= static_cast<int>((Ahead::kBatches + 2) * Ahead::kBatch) + 1);
}

TEST_CASE("the reader's error is returned after the items it read") {
  int emitted = 0;
  int visited = 0;
  Status walked = Ahead::walk(numbers(40, emitted, Error{"disk I/O error"}),
                              [&](const std::string&) {
                                ++visited;
                                return true;
                              });
  REQUIRE_FALSE(walked);
  CHECK(walked.error() == "disk I/O error");
  CHECK(visited == 40);
}

TEST_CASE("an exception in the visitor stops and joins the reader before it propagates") {
  int emitted = 0;
  CHECK_THROWS_AS(Ahead::walk(numbers(100000, emitted),
                              [](const std::string& item) -> bool {
                                if (item == "20") throw std::runtime_error("visitor failed");
                                return true;
                              }),
                  std::runtime_error);
  CHECK(emitted < 1000);
}

}  // namespace
}  // namespace tw
