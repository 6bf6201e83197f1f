// Scan history in SQLite (a file, the default) or PostgreSQL (a postgresql:// URL, one store
// shared by many runners): every scan, its pages, tags, vendors and findings. Versioned schema
// with forward migrations applied on open (in one transaction, so a database is never left
// half-migrated). One ScanStore per thread; SQLite's locking (WAL, a busy timeout) or PostgreSQL's
// transactions let several processes write to one store at once. Both backends sit behind one
// SQL connection interface (store/sql.h). The schema and example queries are in store/README.md.
//
// History is content-addressed (schema version 3): a page's analysis and its list of findings are
// stored once per distinct content and each scan's pages refer to them, so an unchanged nightly
// re-scan adds little more than one row per page.
//
// Crash safety: every write is one transaction, so a process killed at any moment leaves the file
// consistent with the pages stored so far. A scan still marked running whose process is gone
// (same host, pid no longer alive or reused) is marked partial when the database is next opened.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/first_party_code.h"
#include "model/analysis.h"
#include "model/result.h"

namespace tw {

inline constexpr int kStoreSchemaVersion = 6;

struct StoreOptions {
  int busy_timeout_ms = 30000;  // how long a writer waits for another process's transaction
  // Caps the database size in pages (0: no cap); tests use it to stand for a full disk.
  std::int64_t max_page_count = 0;
};

struct ScanListEntry {
  ScanInfo info;
  int pages = 0;
  int vendors = 0;
  std::map<std::string, int> findings_by_severity;  // unsuppressed
  // Against the newest older complete scan with the same targets (0: none): unsuppressed findings
  // whose fingerprint is new in this scan, and those of that scan this one no longer has.
  std::int64_t compared_with = 0;
  int new_findings = 0;
  int fixed_findings = 0;
};

// Retention: a finished scan is removed when every limit given says so (the limits keep the union
// of what each keeps). A running scan is never removed.
struct PruneOptions {
  std::optional<int> keep_days;   // keep scans started within the last N days
  std::optional<int> keep_scans;  // keep the newest N finished scans of each target
  bool vacuum = false;  // SQLite: rewrite the whole file (VACUUM); PostgreSQL: a plain VACUUM
};

struct PruneOutcome {
  int scans_removed = 0;
  int analyses_removed = 0;  // analyses and finding lists no scan refers to any more
  int finding_sets_removed = 0;
  std::int64_t bytes_before = 0;  // database file size (WAL checkpointed), or pg_database_size
  std::int64_t bytes_after = 0;
  // False when the file predates incremental vacuum and --vacuum was not asked: freed pages are
  // reused by later scans but the file does not shrink.
  bool space_returned = true;
};

// The key a page is stored under within a scan: its requested URL, else its final URL. Storing a
// page again with the same key replaces it.
const std::string& stored_page_key(const Page& page);

class ScanStore {
 public:
  ~ScanStore();
  ScanStore(ScanStore&&) noexcept;
  ScanStore& operator=(ScanStore&&) noexcept;

  // Opens or creates the database (`path`: a file, or a postgresql:// or postgres:// URL) and
  // migrates it. Errors say what is wrong with it (not SQLite, newer schema, read-only, disk full,
  // server unreachable, authentication failed), naming a URL without its password.
  static Result<ScanStore> open(const std::string& path, const StoreOptions& options = {});

  // Records a new scan as running; returns its id. `catalogue_digest` identifies the vendor
  // catalogue the scan attributes tags with (stored findings are reused only under the same one).
  Result<std::int64_t> begin_scan(const ScanInfo& info, std::string_view catalogue_digest = {});
  // Stores a batch of analysed pages (with their tags and findings) in one transaction. Idempotent
  // per (scan, requested URL): storing a page again replaces it, its tags and its findings. A page
  // with `stored_rows` refers to those rows instead of storing its analysis (and its findings, when
  // a finding list is named) again, as long as they still exist.
  Status add_pages(std::int64_t scan_id, std::span<const PageAnalysis> pages);
  // Marks the scan finished with its status (and finish time, settings, error counts from
  // `info`), replacing its site-level findings and vendor inventory.
  // After a failed write (a full disk): marks a running scan partial with what it stored, a
  // change small enough to succeed where a batch of pages did not. Best effort: if it fails too,
  // the next open marks the scan partial once its process is gone.
  Status mark_partial(std::int64_t scan_id);
  Status finish_scan(std::int64_t scan_id, const ScanInfo& info,
                     const std::vector<Finding>& site_findings,
                     const std::vector<VendorSummary>& vendors);
  // Stores the payment pages of the scan (schema version 4), replacing any stored before.
  Status add_payment_pages(std::int64_t scan_id, const std::vector<PaymentPage>& pages);
  // The payment pages stored with the scan, sorted by URL; empty when it had none.
  Result<std::vector<PaymentPage>> payment_pages(std::int64_t scan_id);
  // The scan's site-level findings (the integrity findings among them), without its pages.
  Result<std::vector<Finding>> site_findings(std::int64_t scan_id);

  // Records each finding's baseline_state ("new"/"existing"), matched by fingerprint within the
  // scan; for page findings already stored before the baseline was applied.
  Status record_baseline_states(std::int64_t scan_id, const std::vector<const Finding*>& findings);

  // The whole stored scan, ready for any report (page bodies are not stored). Pages come in the
  // order reports list them: by depth, then final URL.
  Result<ScanReport> load_scan(std::int64_t scan_id);
  // The stored scan for writing reports without holding its pages: scan row, site findings,
  // vendor inventory and `streamed` totals (counted in one pass over the pages) in memory, and a
  // page_stream that reads the pages again, one at a time in the order of load_scan and without
  // their links (no report lists them), each time a report walks them. The stream reads through
  // this store, which must outlive it.
  // `known`: the scan's totals as the scan counted them while storing its pages (the same
  // figures, and the same issue examples: the tally keeps them in report order), taken instead of
  // counting the stored pages again.
  Result<ScanReport> stream_scan(std::int64_t scan_id,
                                 std::optional<StreamedTotals> known = std::nullopt);
  // The scan's pages with their tags, notes, redirects and findings, `batch_size` at a time in the
  // order they were first stored, so a large scan is never held whole. `visit` may store pages
  // again (add_pages); an error from it stops the walk and is returned.
  Status for_each_page_batch(std::int64_t scan_id, std::size_t batch_size,
                             const std::function<Status(std::vector<PageAnalysis>&)>& visit);
  // The newest scan whose targets contain `target` (any scan when empty); with `complete_only`,
  // the newest complete one. An error when there is none.
  Result<std::int64_t> latest_scan_id(const std::string& target = {}, bool complete_only = false);
  // The newest complete scan older than `scan_id` with exactly the same targets.
  Result<std::int64_t> previous_complete_scan_id(std::int64_t scan_id);
  // Newest first; `target_filter` keeps scans with a target containing it.
  Result<std::vector<ScanListEntry>> list_scans(const std::string& target_filter = {});

  // For incremental re-scans: the last successful fetch of `url` (requested URL) in a complete or
  // partial scan, if any, with its validators and content hash, and what its stored findings were
  // computed under: an unchanged page's findings can be reused as they are when the analyser
  // version, the policy digest and the catalogue digest all equal the current scan's
  // (store/README.md). One query by the URL's index.
  struct PreviousPage {
    std::int64_t page_id = 0;
    std::string etag;
    std::string last_modified;
    std::string content_hash;
    std::string analyser_version;  // tool version that analysed the content
    std::string policy_digest;     // of the scan that stored the page
    std::string catalogue_digest;
  };
  std::optional<PreviousPage> previous_page(const std::string& url);
  // The page row `previous` names with its analysis (page metadata, title, tags, links, CSP,
  // notes; not its redirects) and, with `with_findings`, its stored findings (suppression and
  // baseline states as stored). `stored_rows` names the analysis and finding list it was read
  // from. nullopt when the row is gone (pruned since). One query by primary key.
  std::optional<PageAnalysis> stored_analysis(const PreviousPage& previous, bool with_findings);
  // First-party files (schema version 6): what was read from one script or stylesheet file, by
  // the digest of its kind, the analyser version and its bytes. nullopt when none is stored.
  std::optional<AssetScan> first_party_file(const std::string& digest);
  // Stores (digest, what was read) pairs; a digest already stored keeps its row.
  Status add_first_party_files(const std::vector<std::pair<std::string, AssetScan>>& files,
                               const std::string& analyser_version);
  // Whether any complete or partial scan exists, i.e. whether previous_page can find anything.
  bool has_reusable_pages();

  // Removes old scans (PruneOptions), then the analyses and finding lists nothing refers to, and
  // gives the space back. One transaction per scan: interrupted at any point, the file stays
  // consistent and what is left over goes with the next prune.
  Result<PruneOutcome> prune(const PruneOptions& options);

 private:
  struct Impl;
  explicit ScanStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw
