// store_bench: the store's own cost, away from crawl noise. Loads a stored scan (a real one, e.g.
// from bench/store-bench.sh), writes it again into a fresh database the way the scan pipeline does
// (batches of 64 pages, one transaction each), then reads it back; prints time per page.
//
// usage: store_bench SOURCE.db [SCAN_ID] [OUT.db]
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "store/scan_store.h"

namespace {

double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_bench SOURCE.db [SCAN_ID] [OUT.db]\n");
    return 2;
  }
  std::string out_path = argc > 3 ? argv[3] : "/tmp/store_bench_out.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(out_path + suffix);

  auto source = tw::ScanStore::open(argv[1]);
  if (!source) {
    std::fprintf(stderr, "%s\n", source.error().c_str());
    return 2;
  }
  auto id = argc > 2 ? tw::Result<std::int64_t>(std::stoll(argv[2])) : source->latest_scan_id();
  if (!id) {
    std::fprintf(stderr, "%s\n", id.error().c_str());
    return 2;
  }
  auto report = source->load_scan(*id);
  if (!report) {
    std::fprintf(stderr, "%s\n", report.error().c_str());
    return 2;
  }
  std::size_t tags = 0;
  std::size_t findings = 0;
  for (const tw::PageAnalysis& page : report->pages) {
    tags += page.tags.size();
    findings += page.findings.size();
  }

  auto target = tw::ScanStore::open(out_path);
  if (!target) {
    std::fprintf(stderr, "%s\n", target.error().c_str());
    return 2;
  }
  double wall = wall_seconds();
  double cpu = cpu_seconds();
  auto scan = target->begin_scan(report->scan);
  constexpr std::size_t kBatch = 64;  // as cli/scan_pipeline.cpp
  std::span<const tw::PageAnalysis> pages(report->pages);
  for (std::size_t first = 0; first < pages.size(); first += kBatch) {
    auto stored =
        target->add_pages(*scan, pages.subspan(first, std::min(kBatch, pages.size() - first)));
    if (!stored) {
      std::fprintf(stderr, "%s\n", stored.error().c_str());
      return 1;
    }
  }
  auto finished = target->finish_scan(*scan, report->scan, report->site_findings, report->vendors);
  if (!finished) {
    std::fprintf(stderr, "%s\n", finished.error().c_str());
    return 1;
  }
  double write_wall = wall_seconds() - wall;
  double write_cpu = cpu_seconds() - cpu;

  wall = wall_seconds();
  cpu = cpu_seconds();
  auto loaded = target->load_scan(*scan);
  double read_wall = wall_seconds() - wall;
  double read_cpu = cpu_seconds() - cpu;
  if (!loaded || loaded->pages.size() != report->pages.size()) {
    std::fprintf(stderr, "read back %zu pages, expected %zu\n", loaded ? loaded->pages.size() : 0,
                 report->pages.size());
    return 1;
  }
  double pages_count = static_cast<double>(report->pages.size());
  std::printf("scan %lld: %zu pages, %zu tags, %zu findings\n", static_cast<long long>(*id),
              report->pages.size(), tags, findings);
  std::printf("write: %.3f s wall, %.3f s cpu (%.3f ms cpu per page)\n", write_wall, write_cpu,
              write_cpu * 1000 / pages_count);
  std::printf("read:  %.3f s wall, %.3f s cpu\n", read_wall, read_cpu);
  std::printf("database: %.1f MB\n",
              static_cast<double>(std::filesystem::file_size(out_path)) / 1e6);
  return 0;
}
