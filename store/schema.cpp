// The store's migrations. Version 1: scans with their targets and settings, pages (with redirect
// chains and notes), tags (with their account ids), findings and the vendor inventory, plus views
// for the queries people type by hand (store/README.md). Version 2 makes storing a page cheaper;
// version 3 stores each distinct analysis and list of findings once (content-addressed history);
// version 4 keeps the script inventory and security headers of payment pages; version 5 the
// browser pass's visits and who saw each tag and vendor; version 6 the first-party files each
// analysis includes and what was read from each distinct file.
#include "store/schema.h"

#include <array>

#include "model/clock.h"
#include "store/postgres.h"
#include "store/scan_store.h"
#include "store/sqlite.h"

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

// Version 3: content-addressed history. Storing every page's tags and findings again for each
// night's scan made an unchanged re-scan cost as much space as the first. A page's analysis
// (title, CSP meta, consent manager, tags, links, notes) is now stored once per distinct value in
// `analyses`, and a page's findings (and a scan's site findings) once per distinct list in
// `finding_sets`; pages and scans refer to them by id. Both are keyed by a SHA-256 digest of
// their content (tw_digest, registered by the store before migrating). `findings`, `page_tags`
// and `notes` become views with their old columns; `v_pages` shows the pages as before.
constexpr std::string_view kVersion3 = R"sql(
DROP VIEW v_scans;
DROP VIEW v_latest_vendors;
DROP VIEW v_latest_scans;
DROP VIEW v_findings;
DROP VIEW v_tags;
DROP VIEW v_tag_ids;
DROP VIEW tags;

CREATE TABLE analyses (
  id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE,          -- tw_digest of every column below
  content_hash TEXT NOT NULL,           -- the body analysed
  analyser_version TEXT NOT NULL,       -- the tool version that analysed it
  title TEXT NOT NULL,
  csp_meta TEXT NOT NULL,
  consent_manager_index INTEGER NOT NULL,
  tags TEXT NOT NULL,                   -- JSON, as page_tags.tags of version 2
  links TEXT NOT NULL,                  -- newline-separated
  notes TEXT NOT NULL                   -- JSON array of strings
);

CREATE TABLE finding_sets (
  id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE,          -- tw_digest(findings)
  findings TEXT NOT NULL,               -- JSON: [[rule, severity, page, vendor, host, tag_url,
                                        --   line, col, message, evidence, fingerprint, suppressed,
                                        --   suppression_reason, baseline_state, issue id],
                                        --   ...] in order (no issue id in sets from version 2)
  critical INTEGER NOT NULL,            -- unsuppressed findings by severity, for counts
  high INTEGER NOT NULL,
  medium INTEGER NOT NULL,
  low INTEGER NOT NULL,
  info INTEGER NOT NULL
);

ALTER TABLE scans ADD COLUMN catalogue_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE scans ADD COLUMN site_finding_set_id INTEGER REFERENCES finding_sets (id);
ALTER TABLE pages ADD COLUMN analysis_id INTEGER REFERENCES analyses (id);
ALTER TABLE pages ADD COLUMN finding_set_id INTEGER REFERENCES finding_sets (id);

CREATE TEMP TABLE migrated_analyses AS
SELECT p.id AS page_id, p.content_hash, s.tool_version AS analyser_version, p.title, p.csp_meta,
       p.consent_manager_index, coalesce(t.tags, '[]') AS tags, p.links,
       coalesce((SELECT json_group_array(note)
                 FROM (SELECT n.note FROM notes n WHERE n.page_id = p.id ORDER BY n.position)),
                '[]') AS notes
FROM pages p JOIN scans s ON s.id = p.scan_id LEFT JOIN page_tags t ON t.page_id = p.id;
ALTER TABLE temp.migrated_analyses ADD COLUMN digest TEXT;
UPDATE temp.migrated_analyses SET digest = tw_digest(content_hash, analyser_version, title,
    csp_meta, consent_manager_index, tags, links, notes);
INSERT OR IGNORE INTO analyses (digest, content_hash, analyser_version, title, csp_meta,
                                consent_manager_index, tags, links, notes)
SELECT digest, content_hash, analyser_version, title, csp_meta, consent_manager_index, tags, links,
       notes
FROM temp.migrated_analyses ORDER BY page_id;
UPDATE pages SET analysis_id = a.id
FROM temp.migrated_analyses m JOIN analyses a ON a.digest = m.digest WHERE m.page_id = pages.id;
DROP TABLE temp.migrated_analyses;

CREATE TEMP TABLE migrated_findings AS
SELECT scan_id, page_id,
       json_group_array(json_array(rule, severity, page, vendor, host, tag_url, line, col, message,
                                   evidence, fingerprint, suppressed, suppression_reason,
                                   baseline_state)) AS findings,
       sum(severity = 'critical' AND NOT suppressed) AS critical,
       sum(severity = 'high' AND NOT suppressed) AS high,
       sum(severity = 'medium' AND NOT suppressed) AS medium,
       sum(severity = 'low' AND NOT suppressed) AS low,
       sum(severity = 'info' AND NOT suppressed) AS info
FROM (SELECT * FROM findings ORDER BY scan_id, page_id, position)
GROUP BY scan_id, page_id;
ALTER TABLE temp.migrated_findings ADD COLUMN digest TEXT;
UPDATE temp.migrated_findings SET digest = tw_digest(findings);
INSERT OR IGNORE INTO finding_sets (digest, findings, critical, high, medium, low, info)
SELECT digest, findings, critical, high, medium, low, info FROM temp.migrated_findings;
UPDATE pages SET finding_set_id = f.id
FROM temp.migrated_findings m JOIN finding_sets f ON f.digest = m.digest
WHERE m.page_id = pages.id;
UPDATE scans SET site_finding_set_id = f.id
FROM temp.migrated_findings m JOIN finding_sets f ON f.digest = m.digest
WHERE m.page_id IS NULL AND m.scan_id = scans.id;
DROP TABLE temp.migrated_findings;

DROP TABLE findings;
DROP TABLE page_tags;
DROP TABLE notes;
ALTER TABLE pages DROP COLUMN title;
ALTER TABLE pages DROP COLUMN csp_meta;
ALTER TABLE pages DROP COLUMN consent_manager_index;
ALTER TABLE pages DROP COLUMN links;
-- Foreign keys from pages: pruning deletes analyses and finding sets nothing refers to.
CREATE INDEX pages_by_analysis ON pages (analysis_id);
CREATE INDEX pages_by_finding_set ON pages (finding_set_id);

-- The pages with their analysis, every column version 2 had.
CREATE VIEW v_pages AS
SELECT p.id, p.scan_id, p.requested_url, p.url, p.status, p.content_type, p.depth, p.fetch_ms,
       p.body_bytes, p.content_hash, p.etag, p.last_modified, p.error, p.error_detail, a.title,
       p.csp_header, a.csp_meta, a.consent_manager_index, p.reused, p.headers, a.links,
       p.analysis_id, p.finding_set_id
FROM pages p LEFT JOIN analyses a ON a.id = p.analysis_id;

CREATE VIEW page_tags AS
SELECT p.id AS page_id, a.tags
FROM pages p JOIN analyses a ON a.id = p.analysis_id WHERE a.tags <> '[]';

CREATE VIEW notes AS
SELECT p.id AS page_id, CAST(j.key AS INTEGER) AS position, j.value AS note
FROM pages p JOIN analyses a ON a.id = p.analysis_id, json_each(a.notes) j;

-- Every finding as version 2 stored it: page findings, then each scan's site findings.
CREATE VIEW findings AS
SELECT p.scan_id, p.id AS page_id, CAST(j.key AS INTEGER) AS position,
       json_extract(j.value, '$[0]') AS rule, json_extract(j.value, '$[1]') AS severity,
       json_extract(j.value, '$[2]') AS page, json_extract(j.value, '$[3]') AS vendor,
       json_extract(j.value, '$[4]') AS host, json_extract(j.value, '$[5]') AS tag_url,
       json_extract(j.value, '$[6]') AS line, json_extract(j.value, '$[7]') AS col,
       json_extract(j.value, '$[8]') AS message, json_extract(j.value, '$[9]') AS evidence,
       json_extract(j.value, '$[10]') AS fingerprint, json_extract(j.value, '$[11]') AS suppressed,
       json_extract(j.value, '$[12]') AS suppression_reason,
       json_extract(j.value, '$[13]') AS baseline_state,
       coalesce(json_extract(j.value, '$[14]'), '') AS issue_key
FROM pages p JOIN finding_sets f ON f.id = p.finding_set_id, json_each(f.findings) j
UNION ALL
SELECT s.id, NULL, CAST(j.key AS INTEGER),
       json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'),
       json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'),
       json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]'),
       json_extract(j.value, '$[6]'), json_extract(j.value, '$[7]'),
       json_extract(j.value, '$[8]'), json_extract(j.value, '$[9]'),
       json_extract(j.value, '$[10]'), json_extract(j.value, '$[11]'),
       json_extract(j.value, '$[12]'), json_extract(j.value, '$[13]'),
       coalesce(json_extract(j.value, '$[14]'), '')
FROM scans s JOIN finding_sets f ON f.id = s.site_finding_set_id, json_each(f.findings) j;

-- Unsuppressed findings of each scan by severity, from the sets' counts (no JSON expanded).
CREATE VIEW v_scan_severities AS
SELECT scan_id, sum(critical) AS critical, sum(high) AS high, sum(medium) AS medium,
       sum(low) AS low, sum(info) AS info
FROM (SELECT p.scan_id, f.critical, f.high, f.medium, f.low, f.info
      FROM pages p JOIN finding_sets f ON f.id = p.finding_set_id
      UNION ALL
      SELECT s.id, f.critical, f.high, f.medium, f.low, f.info
      FROM scans s JOIN finding_sets f ON f.id = s.site_finding_set_id)
GROUP BY scan_id;

CREATE VIEW v_scans AS
SELECT s.id, s.target, s.started, s.finished, s.status,
       (SELECT count(*) FROM pages p WHERE p.scan_id = s.id) AS pages,
       (SELECT count(*) FROM vendors v WHERE v.scan_id = s.id) AS vendors,
       coalesce((SELECT c.critical + c.high + c.medium + c.low + c.info FROM v_scan_severities c
                 WHERE c.scan_id = s.id), 0) AS findings
FROM scans s;

CREATE VIEW v_latest_scans AS
SELECT s.* FROM scans s
WHERE s.status = 'complete'
  AND s.id = (SELECT max(t.id) FROM scans t WHERE t.target = s.target AND t.status = 'complete');

CREATE VIEW v_latest_vendors AS
SELECT s.target, s.id AS scan_id, s.started, v.name AS vendor, v.category, v.status, v.pages,
       v.hosts, v.ids, v.owner
FROM vendors v JOIN v_latest_scans s ON s.id = v.scan_id;

CREATE VIEW v_findings AS
SELECT f.scan_id, s.target, s.started, f.rule, f.severity, f.page, f.vendor, f.host, f.tag_url,
       f.line, f.message, f.evidence, f.fingerprint, f.suppressed, f.baseline_state
FROM findings f JOIN scans s ON s.id = f.scan_id;

CREATE VIEW tags AS
SELECT p.id AS page_id, CAST(j.key AS INTEGER) AS position,
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
FROM pages p JOIN analyses a ON a.id = p.analysis_id, json_each(a.tags) j;

CREATE VIEW v_tags AS
SELECT p.scan_id, p.url AS page, t.kind, t.url, t.host, t.domain, t.vendor, t.category, t.line,
       t.col, t.initiator, (SELECT group_concat(i.value, ' ') FROM json_each(t.ids) i) AS ids
FROM tags t JOIN pages p ON p.id = t.page_id;

CREATE VIEW v_tag_ids AS
SELECT p.scan_id, s.target, i.value AS tag_id, t.vendor, t.host, p.url AS page
FROM tags t JOIN json_each(t.ids) i JOIN pages p ON p.id = t.page_id
JOIN scans s ON s.id = p.scan_id;
)sql";

// Version 4: payment-page integrity (PCI DSS 4.0, 6.4.3 and 11.6.1). Each scan keeps, per payment
// page, every script the page ran with its SHA-384 and authorization, and the page's
// security-relevant response headers, so the next scan can tell what changed. Nothing earlier
// changes; older databases gain an empty table.
constexpr std::string_view kVersion4 = R"sql(
CREATE TABLE payment_pages (
  scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  url TEXT NOT NULL,                    -- final URL of the page
  scripts TEXT NOT NULL,                -- JSON array of objects: url, inline, line, column, party,
                                        --   vendor, sha384, fetch_error, status, approved_hash,
                                        --   owner, approved_by, approved_on; in page order
  headers TEXT NOT NULL,                -- JSON array of [name, value], sorted by name
  PRIMARY KEY (scan_id, url)
) WITHOUT ROWID;

-- Every script of every payment page, one row each.
CREATE VIEW v_payment_scripts AS
SELECT p.scan_id, s.target, s.started, p.url AS page,
       json_extract(j.value, '$.url') AS script, json_extract(j.value, '$.inline') AS inline,
       json_extract(j.value, '$.party') AS party, json_extract(j.value, '$.vendor') AS vendor,
       json_extract(j.value, '$.sha384') AS sha384, json_extract(j.value, '$.status') AS status,
       json_extract(j.value, '$.approved_by') AS approved_by,
       json_extract(j.value, '$.approved_on') AS approved_on
FROM payment_pages p JOIN scans s ON s.id = p.scan_id, json_each(p.scripts) j;
)sql";

// Version 5: the browser pass (--browser). An analysis keeps the page's browser visits (requests,
// cookies, consent per state; empty when the page was not rendered), a vendor who saw it (static,
// browser or both); tag rows seen by the browser carry an 18th element, "browser" or
// "static,browser". Existing rows read as seen statically only.
constexpr std::string_view kVersion5 = R"sql(
ALTER TABLE analyses ADD COLUMN browser TEXT NOT NULL DEFAULT '';
ALTER TABLE vendors ADD COLUMN seen_by TEXT NOT NULL DEFAULT 'static';

-- Every cookie a rendered page left, one row per page, consent state and cookie.
CREATE VIEW v_cookies AS
SELECT p.scan_id, p.url AS page, json_extract(v.value, '$.consent_state') AS consent_state,
       json_extract(c.value, '$.name') AS name, json_extract(c.value, '$.domain') AS domain,
       json_extract(c.value, '$.path') AS path, json_extract(c.value, '$.expires') AS expires,
       json_extract(c.value, '$.secure') AS secure, json_extract(c.value, '$.http_only') AS http_only,
       json_extract(c.value, '$.same_site') AS same_site,
       json_extract(c.value, '$.third_party') AS third_party,
       json_extract(c.value, '$.set_by') AS set_by,
       json_extract(c.value, '$.after_consent') AS after_consent
FROM pages p JOIN analyses a ON a.id = p.analysis_id, json_each(a.browser) v,
     json_each(v.value, '$.cookies') c
WHERE a.browser <> '';
)sql";

// Version 6: first-party code. An analysis keeps the site's own script and stylesheet files the
// page includes (one "script URL" or "stylesheet URL" per line; empty before), and each distinct
// file content read is kept once with the references found in it, so a re-scan reads an
// unchanged file from here instead of analysing it again.
constexpr std::string_view kVersion6 = R"sql(
ALTER TABLE analyses ADD COLUMN first_party_files TEXT NOT NULL DEFAULT '';
-- The page's element skeleton as a digest (pages of one template share it); empty before.
ALTER TABLE analyses ADD COLUMN dom_shape TEXT NOT NULL DEFAULT '';

CREATE TABLE first_party_files (
  digest TEXT PRIMARY KEY,          -- of the file's kind, the analyser version and its bytes
  analyser_version TEXT NOT NULL,
  refs TEXT NOT NULL,               -- JSON: {"references": [{url, line, column, kind, form,
                                    --   snippet?, ids?}], "notes": [text]}
  stored TEXT NOT NULL              -- ISO 8601 UTC, when first read
);
)sql";

// PostgreSQL: the schema of version 5 in one step, the same tables, columns and views as the
// SQLite migrations 1 to 5 leave, in PostgreSQL's dialect: identity columns for row ids, JSON
// columns kept as text (the store writes and reads the same text on both) and expanded with
// jsonb functions in the views. instr() stands in for SQLite's, so queries are written once.
constexpr std::string_view kPostgresVersion5 = R"sql(
CREATE FUNCTION instr(haystack TEXT, needle TEXT) RETURNS INTEGER
  LANGUAGE sql IMMUTABLE AS 'SELECT strpos(haystack, needle)';

CREATE TABLE schema_version (
  version INTEGER PRIMARY KEY,
  applied TEXT NOT NULL
);

CREATE TABLE analyses (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,
  analyser_version TEXT NOT NULL,
  title TEXT NOT NULL,
  csp_meta TEXT NOT NULL,
  consent_manager_index INTEGER NOT NULL,
  tags TEXT NOT NULL,
  links TEXT NOT NULL,
  notes TEXT NOT NULL,
  browser TEXT NOT NULL DEFAULT ''
);

CREATE TABLE finding_sets (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE,
  findings TEXT NOT NULL,
  critical INTEGER NOT NULL,
  high INTEGER NOT NULL,
  medium INTEGER NOT NULL,
  low INTEGER NOT NULL,
  info INTEGER NOT NULL
);

CREATE TABLE scans (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  target TEXT NOT NULL,
  started TEXT NOT NULL,
  finished TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'partial', 'failed')),
  tool_version TEXT NOT NULL DEFAULT '',
  policy_path TEXT NOT NULL DEFAULT '',
  policy_digest TEXT NOT NULL DEFAULT '',
  error_counts TEXT NOT NULL DEFAULT '{}',
  updated TEXT NOT NULL DEFAULT '',
  hostname TEXT NOT NULL DEFAULT '',
  pid BIGINT NOT NULL DEFAULT 0,
  process_start TEXT NOT NULL DEFAULT '',
  catalogue_digest TEXT NOT NULL DEFAULT '',
  site_finding_set_id BIGINT REFERENCES finding_sets (id)
);
CREATE INDEX scans_by_target ON scans (target, status, id);

CREATE TABLE scan_targets (
  scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY (scan_id, position)
);

CREATE TABLE settings (
  scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (scan_id, name)
);

CREATE TABLE pages (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  requested_url TEXT NOT NULL,
  url TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  depth INTEGER NOT NULL,
  fetch_ms DOUBLE PRECISION NOT NULL,
  body_bytes BIGINT NOT NULL,
  content_hash TEXT NOT NULL,
  etag TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  error TEXT NOT NULL,
  error_detail TEXT NOT NULL,
  csp_header TEXT NOT NULL,
  reused INTEGER NOT NULL,
  headers TEXT NOT NULL,
  analysis_id BIGINT REFERENCES analyses (id),
  finding_set_id BIGINT REFERENCES finding_sets (id),
  UNIQUE (scan_id, requested_url)
);
CREATE INDEX pages_by_url ON pages (requested_url, scan_id);
CREATE INDEX pages_by_analysis ON pages (analysis_id);
CREATE INDEX pages_by_finding_set ON pages (finding_set_id);

CREATE TABLE redirects (
  page_id BIGINT NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY (page_id, position)
);

CREATE TABLE vendors (
  scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  hosts TEXT NOT NULL,
  ids TEXT NOT NULL,
  pages INTEGER NOT NULL,
  status TEXT NOT NULL,
  owner TEXT NOT NULL,
  seen_by TEXT NOT NULL DEFAULT 'static',
  PRIMARY KEY (scan_id, position)
);

CREATE TABLE payment_pages (
  scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  scripts TEXT NOT NULL,
  headers TEXT NOT NULL,
  PRIMARY KEY (scan_id, url)
);

CREATE VIEW v_pages AS
SELECT p.id, p.scan_id, p.requested_url, p.url, p.status, p.content_type, p.depth, p.fetch_ms,
       p.body_bytes, p.content_hash, p.etag, p.last_modified, p.error, p.error_detail, a.title,
       p.csp_header, a.csp_meta, a.consent_manager_index, p.reused, p.headers, a.links,
       p.analysis_id, p.finding_set_id
FROM pages p LEFT JOIN analyses a ON a.id = p.analysis_id;

CREATE VIEW page_tags AS
SELECT p.id AS page_id, a.tags
FROM pages p JOIN analyses a ON a.id = p.analysis_id WHERE a.tags <> '[]';

CREATE VIEW notes AS
SELECT p.id AS page_id, (j.n - 1)::INTEGER AS position, j.value AS note
FROM pages p JOIN analyses a ON a.id = p.analysis_id,
     jsonb_array_elements_text(a.notes::jsonb) WITH ORDINALITY j (value, n);

CREATE VIEW findings AS
SELECT p.scan_id, p.id AS page_id, (j.n - 1)::INTEGER AS position,
       j.v->>0 AS rule, j.v->>1 AS severity, j.v->>2 AS page, j.v->>3 AS vendor, j.v->>4 AS host,
       j.v->>5 AS tag_url, (j.v->>6)::INTEGER AS line, (j.v->>7)::INTEGER AS col,
       j.v->>8 AS message, j.v->>9 AS evidence, j.v->>10 AS fingerprint,
       (j.v->>11)::INTEGER AS suppressed, j.v->>12 AS suppression_reason,
       j.v->>13 AS baseline_state, coalesce(j.v->>14, '') AS issue_key
FROM pages p JOIN finding_sets f ON f.id = p.finding_set_id,
     jsonb_array_elements(f.findings::jsonb) WITH ORDINALITY j (v, n)
UNION ALL
SELECT s.id, NULL, (j.n - 1)::INTEGER,
       j.v->>0, j.v->>1, j.v->>2, j.v->>3, j.v->>4, j.v->>5, (j.v->>6)::INTEGER,
       (j.v->>7)::INTEGER, j.v->>8, j.v->>9, j.v->>10, (j.v->>11)::INTEGER, j.v->>12, j.v->>13,
       coalesce(j.v->>14, '')
FROM scans s JOIN finding_sets f ON f.id = s.site_finding_set_id,
     jsonb_array_elements(f.findings::jsonb) WITH ORDINALITY j (v, n);

CREATE VIEW v_scan_severities AS
SELECT scan_id, sum(critical) AS critical, sum(high) AS high, sum(medium) AS medium,
       sum(low) AS low, sum(info) AS info
FROM (SELECT p.scan_id, f.critical, f.high, f.medium, f.low, f.info
      FROM pages p JOIN finding_sets f ON f.id = p.finding_set_id
      UNION ALL
      SELECT s.id, f.critical, f.high, f.medium, f.low, f.info
      FROM scans s JOIN finding_sets f ON f.id = s.site_finding_set_id) counted
GROUP BY scan_id;

CREATE VIEW v_scans AS
SELECT s.id, s.target, s.started, s.finished, s.status,
       (SELECT count(*) FROM pages p WHERE p.scan_id = s.id) AS pages,
       (SELECT count(*) FROM vendors v WHERE v.scan_id = s.id) AS vendors,
       coalesce((SELECT c.critical + c.high + c.medium + c.low + c.info FROM v_scan_severities c
                 WHERE c.scan_id = s.id), 0) AS findings
FROM scans s;

CREATE VIEW v_latest_scans AS
SELECT s.* FROM scans s
WHERE s.status = 'complete'
  AND s.id = (SELECT max(t.id) FROM scans t WHERE t.target = s.target AND t.status = 'complete');

CREATE VIEW v_latest_vendors AS
SELECT s.target, s.id AS scan_id, s.started, v.name AS vendor, v.category, v.status, v.pages,
       v.hosts, v.ids, v.owner
FROM vendors v JOIN v_latest_scans s ON s.id = v.scan_id;

CREATE VIEW v_findings AS
SELECT f.scan_id, s.target, s.started, f.rule, f.severity, f.page, f.vendor, f.host, f.tag_url,
       f.line, f.message, f.evidence, f.fingerprint, f.suppressed, f.baseline_state
FROM findings f JOIN scans s ON s.id = f.scan_id;

CREATE VIEW tags AS
SELECT p.id AS page_id, (j.n - 1)::INTEGER AS position,
       j.v->>0 AS kind, j.v->>1 AS url, j.v->>2 AS host, j.v->>3 AS domain, j.v->>4 AS vendor,
       j.v->>5 AS category, (j.v->>6)::INTEGER AS line, (j.v->>7)::INTEGER AS col,
       j.v->>8 AS initiator, j.v->>9 AS parent, j.v->>10 AS snippet, j.v->11 AS attributes,
       j.v->12 AS ids, (j.v->>13)::INTEGER AS in_head, (j.v->>14)::INTEGER AS in_noscript,
       (j.v->>15)::INTEGER AS consent_gated, (j.v->>16)::INTEGER AS document_write
FROM pages p JOIN analyses a ON a.id = p.analysis_id,
     jsonb_array_elements(a.tags::jsonb) WITH ORDINALITY j (v, n);

CREATE VIEW v_tags AS
SELECT p.scan_id, p.url AS page, t.kind, t.url, t.host, t.domain, t.vendor, t.category, t.line,
       t.col, t.initiator,
       (SELECT string_agg(i.value, ' ') FROM jsonb_array_elements_text(t.ids) i) AS ids
FROM tags t JOIN pages p ON p.id = t.page_id;

CREATE VIEW v_tag_ids AS
SELECT p.scan_id, s.target, i.value AS tag_id, t.vendor, t.host, p.url AS page
FROM tags t CROSS JOIN jsonb_array_elements_text(t.ids) i JOIN pages p ON p.id = t.page_id
JOIN scans s ON s.id = p.scan_id;

CREATE VIEW v_payment_scripts AS
SELECT p.scan_id, s.target, s.started, p.url AS page,
       j.v->>'url' AS script, (j.v->>'inline')::BOOLEAN::INTEGER AS inline, j.v->>'party' AS party,
       j.v->>'vendor' AS vendor, j.v->>'sha384' AS sha384, j.v->>'status' AS status,
       j.v->>'approved_by' AS approved_by, j.v->>'approved_on' AS approved_on
FROM payment_pages p JOIN scans s ON s.id = p.scan_id,
     jsonb_array_elements(p.scripts::jsonb) j (v);

CREATE VIEW v_cookies AS
SELECT p.scan_id, p.url AS page, v.v->>'consent_state' AS consent_state,
       c.c->>'name' AS name, c.c->>'domain' AS domain, c.c->>'path' AS path,
       (c.c->>'expires')::DOUBLE PRECISION AS expires, (c.c->>'secure')::BOOLEAN::INTEGER AS secure,
       (c.c->>'http_only')::BOOLEAN::INTEGER AS http_only,
       c.c->>'same_site' AS same_site, (c.c->>'third_party')::BOOLEAN::INTEGER AS third_party,
       c.c->>'set_by' AS set_by, (c.c->>'after_consent')::BOOLEAN::INTEGER AS after_consent
FROM pages p JOIN analyses a ON a.id = p.analysis_id,
     jsonb_array_elements(CASE WHEN a.browser = '' THEN '[]'::jsonb ELSE a.browser::jsonb END) v (v),
     jsonb_array_elements(coalesce(v.v->'cookies', '[]'::jsonb)) c (c)
WHERE a.browser <> '';
)sql";

constexpr std::array<std::string_view, 6> kMigrations{kVersion1, kVersion2, kVersion3,
                                                      kVersion4, kVersion5, kVersion6};
static_assert(kMigrations.size() == kStoreSchemaVersion, "one migration per schema version");

// Migrations after the base are written in the dialect both share.
constexpr std::array<std::string_view, 2> kPostgresMigrations{kPostgresVersion5, kVersion6};
static_assert(kPostgresBaseVersion + kPostgresMigrations.size() - 1 == kStoreSchemaVersion,
              "one PostgreSQL migration per schema version after the base");

// Where a database stands before migrating.
struct SchemaState {
  int version = 0;
  bool has_tables = false;
};

Result<SchemaState> postgres_schema_state(sql::Connection& db) {
  SchemaState state;
  {
    auto tables = db.prepare(
        "SELECT to_regclass('schema_version') IS NOT NULL, (SELECT count(*) FROM pg_tables "
        "WHERE schemaname = current_schema())");
    if (!tables) return Error{tables.error()};
    int code = tables->step();
    if (code != sql::kRow) return db.error(code, "reading the schema version");
    state.has_tables = tables->integer(1) > 0;
    if (tables->integer(0) == 0) return state;
  }
  auto version = db.prepare("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!version) return Error{version.error()};
  int code = version->step();
  if (code != sql::kRow) return db.error(code, "reading the schema version");
  state.version = static_cast<int>(version->integer(0));
  return state;
}

Result<SchemaState> schema_state(sql::Connection& db) {
  if (db.dialect() == sql::Dialect::postgres) {
    // Held to the end of the migration's transaction.
    if (Status locked = db.exec("SELECT pg_advisory_xact_lock(" +
                                std::to_string(postgres::kMigrationLock) + ")");
        !locked) {
      return Error{locked.error()};
    }
    return postgres_schema_state(db);
  }
  Result<sqlite::SchemaState> state = sqlite::schema_state(db);
  if (!state) return Error{state.error()};
  return SchemaState{state->version, state->has_tables};
}

Status record_version(sql::Connection& db, int version) {
  auto record = db.prepare("INSERT INTO schema_version (version, applied) VALUES (?, ?)");
  if (!record) return Error{record.error()};
  record->bind(1, version).bind(2, utc_now_iso8601());
  return sql::run(db, *record, "recording the schema version");
}

}  // namespace

std::span<const std::string_view> schema_migrations() {
  return kMigrations;
}

std::span<const std::string_view> postgres_migrations() {
  return kPostgresMigrations;
}

Status migrate(sql::Connection& db) {
  const bool postgres = db.dialect() == sql::Dialect::postgres;
  return sql::in_transaction(db, [&]() -> Status {
    // Every statement is reset before the migrations run: DROP TABLE fails while one is active.
    Result<SchemaState> state = schema_state(db);
    if (!state) return Error{state.error()};
    const int version = state->version;
    if (version > kStoreSchemaVersion) {
      return Error{db.path() + ": database schema version " + std::to_string(version) +
                   " is newer than this tagwarden understands (" +
                   std::to_string(kStoreSchemaVersion) + "); use a newer tagwarden or another " +
                   (postgres ? "database" : "--db file")};
    }
    if (version == 0 && state->has_tables) {
      return Error{db.path() + (postgres ? ": a PostgreSQL database with tables but no tagwarden "
                                           "schema; use an empty database"
                                         : ": a SQLite database that tagwarden did not create (it "
                                           "has tables but no tagwarden schema version); use "
                                           "another --db file")};
    }
    if (version == kStoreSchemaVersion) return Ok{};
    if (postgres) {
      // Entry 0 creates the base version; entry i takes the base + i - 1 to base + i.
      std::span<const std::string_view> steps = postgres_migrations();
      const int first = version == 0 ? 0 : version - kPostgresBaseVersion + 1;
      for (int step = first; step < static_cast<int>(steps.size()); ++step) {
        if (Status applied = db.exec(std::string(steps[step])); !applied) return applied;
        const int reached = kPostgresBaseVersion + step;
        for (int recorded = step == 0 ? 1 : reached; recorded <= reached; ++recorded) {
          if (Status done = record_version(db, recorded); !done) return done;
        }
      }
      return Ok{};
    }
    std::span<const std::string_view> steps = schema_migrations();
    for (int step = version; step < static_cast<int>(steps.size()); ++step) {
      if (Status applied = db.exec(std::string(steps[step])); !applied) return applied;
      if (Status done = record_version(db, step + 1); !done) return done;
    }
    return sqlite::set_schema_version(db, kStoreSchemaVersion);
  });
}

}  // namespace tw
