// gumbo_ceiling: the parse ceiling a Gumbo-based crawler is judged against. Reads every page
// named in URLS_FILE from DOCROOT into memory (disk is not timed), then parses each with Gumbo's
// defaults and walks the tree once, counting elements, on THREADS threads sharing a page counter.
// Prints one line: "pages N wall_s W pages_per_s R elements E".
//
// usage: gumbo_ceiling [--threads T] DOCROOT URLS_FILE     (T defaults to 2)
#include <gumbo.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<std::string> read_pages(const std::string& root, const std::string& urls_file) {
  std::vector<std::string> pages;
  std::ifstream urls(urls_file);
  for (std::string path; std::getline(urls, path);) {
    if (path.empty()) continue;
    std::ifstream in(root + path, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    pages.push_back(body.str());
  }
  return pages;
}

// Iterative, like tagwarden's own walks: deep pages must not overflow the stack.
std::size_t count_elements(const GumboNode* root) {
  std::size_t elements = 0;
  std::vector<const GumboNode*> pending{root};
  while (!pending.empty()) {
    const GumboNode* node = pending.back();
    pending.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    ++elements;
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      pending.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return elements;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = 2;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) {
    std::cerr << "usage: gumbo_ceiling [--threads T] DOCROOT URLS_FILE\n";
    return 2;
  }
  const std::vector<std::string> pages = read_pages(positional[0], positional[1]);
  if (pages.empty()) {
    std::cerr << "gumbo_ceiling: no pages read from " << positional[1] << "\n";
    return 1;
  }

  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> elements{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < pages.size(); i = next++) {
        GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, pages[i].data(),
                                                       pages[i].size());
        elements += count_elements(output->root);
        gumbo_destroy_output(&kGumboDefaultOptions, output);
      }
    });
  }
  for (std::thread& worker : pool) worker.join();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("pages %zu wall_s %.3f pages_per_s %.1f elements %zu\n", pages.size(), wall,
              static_cast<double>(pages.size()) / wall, elements.load());
  return 0;
}
