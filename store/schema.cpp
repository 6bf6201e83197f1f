// The store's migrations. Version 1: scans with their targets and settings, pages (with redirect
// chains and notes), tags (with their account ids), findings and the vendor inventory, plus views
// for the queries people type by hand (store/README.md). Version 2 makes storing a page cheaper.
// Version 3 keeps each finding's issue key, so reports from the store group issues as the scan did.
#include "store/schema.h"

#include <array>

#include "store/scan_store.h"

namespace tw {
namespace {

constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE schema_version (
  version INTEGER PRIMARY KEY,
  applied TEXT NOT NULL
);

CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL,                 -- the targets joined by spaces: "same target" means equal
  started TEXT NOT NULL,
  finished TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'failed')),
  tool_version TEXT NOT NULL DEFAULT '',
  policy_path TEXT NOT NULL DEFAULT '',
  policy_digest TEXT NOT NULL DEFAULT '',
  error_counts TEXT NOT NULL DEFAULT '{}',  -- JSON object: page error name -> pages
  updated TEXT NOT NULL DEFAULT '',     -- last batch stored, the finish time of a crashed scan
  hostname TEXT NOT NULL DEFAULT '',    -- the writer process, to tell a crashed scan from a live one
  pid INTEGER NOT NULL DEFAULT 0,
  process_start TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scans_by_target ON scans (target, status, id);

CREATE TABLE scan_targets (
  scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY (scan_id, position)
) WITHOUT ROWID;

CREATE TABLE settings (
  scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (scan_id, name)
) WITHOUT ROWID;

CREATE TABLE pages (
  id INTEGER PRIMARY KEY,               -- storage order; reports list pages by depth, then URL
  scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  requested_url TEXT NOT NULL,
  url TEXT NOT NULL,                    -- final URL after redirects
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  depth INTEGER NOT NULL,
  fetch_ms REAL NOT NULL,
  body_bytes INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  etag TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  error TEXT NOT NULL,                  -- PageError name, 'none' when analysed
  error_detail TEXT NOT NULL,
  title TEXT NOT NULL,
  csp_header TEXT NOT NULL,
  csp_meta TEXT NOT NULL,
  consent_manager_index INTEGER NOT NULL,
  reused INTEGER NOT NULL,
  headers TEXT NOT NULL,                -- JSON array of [name, value]
  links TEXT NOT NULL,                  -- newline-separated, to continue a crawl from a reused page
  UNIQUE (scan_id, requested_url)
);
CREATE INDEX pages_by_url ON pages (requested_url, scan_id);

CREATE TABLE redirects (
  page_id INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY (page_id, position)
) WITHOUT ROWID;

CREATE TABLE notes (
  page_id INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (page_id, position)
) WITHOUT ROWID;

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  page_id INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  url TEXT NOT NULL,
  host TEXT NOT NULL,
  domain TEXT NOT NULL,
  vendor TEXT NOT NULL,
  category TEXT NOT NULL,
  line INTEGER NOT NULL,
  col INTEGER NOT NULL,
  initiator TEXT NOT NULL,
  parent TEXT NOT NULL,
  snippet TEXT NOT NULL,
  attributes TEXT NOT NULL,             -- JSON object
  in_head INTEGER NOT NULL,
  in_noscript INTEGER NOT NULL,
  consent_gated INTEGER NOT NULL,
  document_write INTEGER NOT NULL
);
CREATE INDEX tags_by_page ON tags (page_id, position);

CREATE TABLE tag_ids (
  tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  value TEXT NOT NULL,                  -- GTM-XXXX, G-XXXX, a pixel id...
  PRIMARY KEY (tag_id, position)
) WITHOUT ROWID;
CREATE INDEX tag_ids_by_value ON tag_ids (value);

CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  page_id INTEGER REFERENCES pages (id) ON DELETE CASCADE,  -- NULL for site-level findings
  position INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
  page TEXT NOT NULL,
  vendor TEXT NOT NULL,
  host TEXT NOT NULL,
  tag_url TEXT NOT NULL,
  line INTEGER NOT NULL,
  col INTEGER NOT NULL,
  message TEXT NOT NULL,
  evidence TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  suppressed INTEGER NOT NULL,
  suppression_reason TEXT NOT NULL,
  baseline_state TEXT NOT NULL
);
CREATE INDEX findings_by_scan ON findings (scan_id, page_id, position);
CREATE INDEX findings_by_fingerprint ON findings (fingerprint);

CREATE TABLE vendors (
  scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  hosts TEXT NOT NULL,                  -- JSON array
  ids TEXT NOT NULL,                    -- JSON array
  pages INTEGER NOT NULL,
  status TEXT NOT NULL,
  owner TEXT NOT NULL,
  PRIMARY KEY (scan_id, position)
) WITHOUT ROWID;

-- One row per scan with its counts (what `tagwarden history` prints).
CREATE VIEW v_scans AS
SELECT s.id, s.target, s.started, s.finished, s.status,
       (SELECT count(*) FROM pages p WHERE p.scan_id = s.id) AS pages,
       (SELECT count(*) FROM vendors v WHERE v.scan_id = s.id) AS vendors,
       (SELECT count(*) FROM findings f WHERE f.scan_id = s.id AND NOT f.suppressed) AS findings
FROM scans s;

-- The newest complete scan of each target.
CREATE VIEW v_latest_scans AS
SELECT s.* FROM scans s
WHERE s.status = 'complete'
  AND s.id = (SELECT max(t.id) FROM scans t WHERE t.target = s.target AND t.status = 'complete');

-- The vendor inventory of each target's newest complete scan.
CREATE VIEW v_latest_vendors AS
SELECT s.target, s.id AS scan_id, s.started, v.name AS vendor, v.category, v.status, v.pages,
       v.hosts, v.ids, v.owner
FROM vendors v JOIN v_latest_scans s ON s.id = v.scan_id;

-- Every finding with its scan's target and time.
CREATE VIEW v_findings AS
SELECT f.scan_id, s.target, s.started, f.rule, f.severity, f.page, f.vendor, f.host, f.tag_url,
       f.line, f.message, f.evidence, f.fingerprint, f.suppressed, f.baseline_state
FROM findings f JOIN scans s ON s.id = f.scan_id;

-- Every tag with its page, and the account ids it carries (space-separated).
CREATE VIEW v_tags AS
SELECT p.scan_id, p.url AS page, t.kind, t.url, t.host, t.domain, t.vendor, t.category, t.line,
       t.col, t.initiator,
       (SELECT group_concat(i.value, ' ') FROM tag_ids i WHERE i.tag_id = t.id) AS ids
FROM tags t JOIN pages p ON p.id = t.page_id;

-- Where each account id (GTM container, GA property, pixel id...) was seen.
CREATE VIEW v_tag_ids AS
SELECT p.scan_id, s.target, i.value AS tag_id, t.vendor, t.host, p.url AS page
FROM tag_ids i JOIN tags t ON t.id = i.tag_id JOIN pages p ON p.id = t.page_id
JOIN scans s ON s.id = p.scan_id;
)sql";

// Version 2: storing a page cost 8% of a scan, mostly SQLite's per-row work for ~50 tag rows a
// page. A page's tags now go into one row (a JSON array, one array per tag, in the column order
// of the `tags` view below), and `tags` becomes a view with the old columns, so queries keep
// working; `tag_ids` goes (the ids are in each tag), and so does the findings' fingerprint index
// (baseline states are written in one pass instead).
constexpr std::string_view kVersion2 = R"sql(
DROP VIEW v_tags;
DROP VIEW v_tag_ids;

CREATE TABLE page_tags (
  page_id INTEGER PRIMARY KEY REFERENCES pages (id) ON DELETE CASCADE,
  tags TEXT NOT NULL   -- JSON: [[kind, url, host, domain, vendor, category, line, col, initiator,
                       --   parent, snippet, {attributes}, [ids], in_head, in_noscript,
                       --   consent_gated, document_write], ...] in page order
);

INSERT INTO page_tags (page_id, tags)
SELECT page_id, json_group_array(json(tag))
FROM (SELECT t.page_id,
             json_array(t.kind, t.url, t.host, t.domain, t.vendor, t.category, t.line, t.col,
                        t.initiator, t.parent, t.snippet, json(t.attributes),
                        (SELECT json_group_array(value)
                         FROM (SELECT i.value FROM tag_ids i WHERE i.tag_id = t.id
                               ORDER BY i.position)),
                        t.in_head, t.in_noscript, t.consent_gated, t.document_write) AS tag
      FROM tags t ORDER BY t.page_id, t.position)
GROUP BY page_id;

DROP TABLE tag_ids;
DROP TABLE tags;
DROP INDEX findings_by_fingerprint;

-- One row per tag, as version 1 stored them (ids: a JSON array).
CREATE VIEW tags AS
SELECT t.page_id, CAST(j.key AS INTEGER) AS position,
       json_extract(j.value, '$[0]') AS kind, json_extract(j.value, '$[1]') AS url,
       json_extract(j.value, '$[2]') AS host, json_extract(j.value, '$[3]') AS domain,
       json_extract(j.value, '$[4]') AS vendor, json_extract(j.value, '$[5]') AS category,
       json_extract(j.value, '$[6]') AS line, json_extract(j.value, '$[7]') AS col,
       json_extract(j.value, '$[8]') AS initiator, json_extract(j.value, '$[9]') AS parent,
       json_extract(j.value, '$[10]') AS snippet, json_extract(j.value, '$[11]') AS attributes,
       json_extract(j.value, '$[12]') AS ids, json_extract(j.value, '$[13]') AS in_head,
       json_extract(j.value, '$[14]') AS in_noscript,
       json_extract(j.value, '$[15]') AS consent_gated,
       json_extract(j.value, '$[16]') AS document_write
FROM page_tags t, json_each(t.tags) j;

-- Every tag with its page, and the account ids it carries (space-separated).
CREATE VIEW v_tags AS
SELECT p.scan_id, p.url AS page, t.kind, t.url, t.host, t.domain, t.vendor, t.category, t.line,
       t.col, t.initiator, (SELECT group_concat(i.value, ' ') FROM json_each(t.ids) i) AS ids
FROM tags t JOIN pages p ON p.id = t.page_id;

-- Where each account id (GTM container, GA property, pixel id...) was seen.
CREATE VIEW v_tag_ids AS
SELECT p.scan_id, s.target, i.value AS tag_id, t.vendor, t.host, p.url AS page
FROM tags t JOIN json_each(t.ids) i JOIN pages p ON p.id = t.page_id
JOIN scans s ON s.id = p.scan_id;
)sql";

// Version 3: the issue key (Finding::issue_key) a report groups findings by; rows of older scans
// get '' and are grouped by their message.
constexpr std::string_view kVersion3 = R"sql(
ALTER TABLE findings ADD COLUMN issue_key TEXT NOT NULL DEFAULT '';
)sql";

constexpr std::array<std::string_view, 3> kMigrations{kVersion1, kVersion2, kVersion3};
static_assert(kMigrations.size() == kStoreSchemaVersion, "one migration per schema version");

}  // namespace

std::span<const std::string_view> schema_migrations() {
  return kMigrations;
}

}  // namespace tw
