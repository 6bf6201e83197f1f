// The arena Gumbo parses into: blocks handed out, taken back, capped, and documents that share
// a thread without sharing memory.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "analyzers/html_document.h"
#include "analyzers/parse_arena.h"

namespace {

std::string first_script_src(const tw::HtmlDocument& document) {
  std::vector<const GumboNode*> stack{document.root()};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    if (node->v.element.tag == GUMBO_TAG_SCRIPT) {
      const GumboAttribute* src = gumbo_get_attribute(&node->v.element.attributes, "src");
      if (src != nullptr) return src->value;
    }
    for (unsigned i = 0; i < node->v.element.children.length; ++i) {
      stack.push_back(static_cast<const GumboNode*>(node->v.element.children.data[i]));
    }
  }
  return {};
}

}  // namespace

TEST_CASE("arena blocks are distinct, aligned and writable") {
  tw::ParseArena arena;
  std::vector<char*> blocks;
  for (std::size_t size : {1, 7, 16, 100, 4096}) {
    auto* block = static_cast<char*>(arena.allocate(size));
    REQUIRE(reinterpret_cast<std::uintptr_t>(block) % alignof(std::max_align_t) == 0);
    std::memset(block, 'x', size);
    for (char* other : blocks) REQUIRE(other != block);
    blocks.push_back(block);
  }
  CHECK_FALSE(arena.handed_out_malloc_blocks());
}

TEST_CASE("freeing the latest arena block gives its bytes to the next allocation") {
  tw::ParseArena arena;
  void* scratch = arena.allocate(64);
  arena.deallocate(scratch);
  CHECK(arena.allocate(64) == scratch);
  void* kept = arena.allocate(32);
  void* after = arena.allocate(32);
  arena.deallocate(kept);  // not the latest: its bytes stay used until reset
  CHECK(arena.allocate(32) != kept);
  CHECK(after != kept);
}

TEST_CASE("large blocks and blocks past the cap come from malloc and are freed one by one") {
  tw::ParseArena arena;
  void* large = arena.allocate(tw::ParseArena::kLargeBlockBytes);
  CHECK(arena.handed_out_malloc_blocks());
  arena.deallocate(large);
  CHECK_FALSE(arena.handed_out_malloc_blocks());

  // Fill the arena to its cap with blocks just under the large-block size.
  std::size_t block = tw::ParseArena::kLargeBlockBytes - 64;
  std::size_t filled = 0;
  void* last = nullptr;
  while (!arena.handed_out_malloc_blocks()) {
    last = arena.allocate(block);
    filled += block;
    REQUIRE(filled <= 2 * tw::ParseArena::kCapBytes);
  }
  CHECK(filled >= tw::ParseArena::kCapBytes / 2);
  arena.deallocate(last);  // the first block past the cap: from malloc, so really freed
  CHECK_FALSE(arena.handed_out_malloc_blocks());
  arena.reset();
  CHECK_FALSE(arena.handed_out_malloc_blocks());
  CHECK(arena.allocate(16) != nullptr);
}

TEST_CASE("two documents alive on one thread keep their own trees") {
  std::string first_html = "<script src='https://a.example/one.js'></script>";
  std::string second_html = "<script src='https://b.example/two.js'></script>";
  auto first = tw::HtmlDocument::parse(first_html);
  auto second = tw::HtmlDocument::parse(second_html);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first_script_src(*first) == "https://a.example/one.js");
  CHECK(first_script_src(*second) == "https://b.example/two.js");
}

TEST_CASE("a page whose tree outgrows the arena cap is parsed whole") {
  // ~14 MB of markup: Gumbo's allocations pass the arena's 64 MiB cap and spill to malloc.
  std::string html = "<body>";
  constexpr int kLinks = 600000;
  for (int i = 0; i < kLinks; ++i) html += "<a href='/p" + std::to_string(i) + "'>x</a>";
  html += "<script src='https://late.example/last.js'></script>";
  for (int round = 0; round < 2; ++round) {  // the second parse reuses the pooled arena
    auto document = tw::HtmlDocument::parse(html);
    REQUIRE(document);
    CHECK(first_script_src(*document) == "https://late.example/last.js");
  }
}
