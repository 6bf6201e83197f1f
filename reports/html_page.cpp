// The shell of tagwarden's HTML reports (see html_page.h).
#include "reports/html_page.h"

#include <fmt/format.h>

#include "reports/report_text.h"
#include "reports/sha256.h"

namespace tw {

const std::string_view kHtmlStyle = R"css(
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dde5;--bg:#f6f7f9;--card:#fff}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg);margin:0;padding:0 24px 48px}
header{padding:20px 0 8px}h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 12px}
h3{font-size:15px;margin:20px 0 8px}.muted{color:var(--muted)}
nav a{margin-right:14px;color:#2457c5;text-decoration:none}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;
min-width:150px}.card .n{font-size:24px;font-weight:600}.card .l{color:var(--muted);font-size:12px}
table{border-collapse:collapse;background:var(--card);width:100%;margin:4px 0 12px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4}th.sortable{cursor:pointer;user-select:none}
th.sorted-asc::after{content:" \25B2"}th.sorted-desc::after{content:" \25BC"}
td.num,th.num{text-align:right}code{font:12px ui-monospace,monospace;word-break:break-all}
.url{word-break:break-all;min-width:160px;max-width:420px}
.sev{font-weight:600;border-radius:4px;padding:1px 6px;color:#fff;white-space:nowrap}
.sev-critical{background:#7b1fa2}.sev-high{background:#c62828}.sev-medium{background:#ef6c00}
.sev-low{background:#0277bd}.sev-info{background:#607d8b}
.status-sanctioned{color:#2e7d32}.status-unsanctioned,.status-forbidden{color:#c62828}
.status-unreviewed{color:var(--muted)}
.overlap{background:#fff3e0;border:1px solid #ef6c00;border-radius:4px;padding:1px 6px;
font-size:12px;margin-left:8px}
.matrix td.hit{background:#e3f2fd;text-align:center}.matrix td.miss{text-align:center;color:#ccc}
.matrix th.v{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:500}
.controls{margin:8px 0;display:flex;gap:8px;flex-wrap:wrap}
.controls input{min-width:280px;padding:4px 6px}.controls select{padding:4px}
details summary{cursor:pointer;color:#2457c5}.charts{display:flex;flex-wrap:wrap;gap:24px}
.charts figure{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:0;
padding:12px}figcaption{font-weight:600;margin-bottom:6px}
tr.suppressed{opacity:.55}
.state-overdue,.state-never{color:#c62828;font-weight:600}.state-current{color:#2e7d32}
)css";

// Sorting for every table with class "sortable" (cells may carry data-sort), filtering for the
// findings and pages tables. Reads only the DOM this file wrote; holds no crawled data.
const std::string_view kHtmlScript = R"js(
(function () {
  'use strict';
  function key(cell) {
    var v = cell.getAttribute('data-sort');
    if (v === null) v = cell.textContent.trim();
    return /^-?\d+(\.\d+)?$/.test(v) ? parseFloat(v) : v.toLowerCase();
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.querySelectorAll('thead th');
    heads.forEach(function (th, index) {
      th.classList.add('sortable');
      th.addEventListener('click', function () {
        var asc = !th.classList.contains('sorted-asc');
        heads.forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
        th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[index]), y = key(b.cells[index]);
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  document.querySelectorAll('[data-filter-table]').forEach(function (box) {
    var table = document.getElementById(box.getAttribute('data-filter-table'));
    var text = box.querySelector('input');
    var severity = box.querySelector('select');
    var count = box.querySelector('.count');
    function apply() {
      var needle = text.value.toLowerCase();
      var minimum = severity ? parseInt(severity.value, 10) : 0;
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var level = parseInt(row.getAttribute('data-severity') || '0', 10);
        var hit = row.textContent.toLowerCase().indexOf(needle) !== -1 && level >= minimum;
        row.hidden = !hit;
        if (hit) shown++;
      });
      if (count) count.textContent = shown + ' shown';
    }
    text.addEventListener('input', apply);
    if (severity) severity.addEventListener('change', apply);
    apply();
  });
})();
)js";

void write_html_head(std::ostream& out, std::string_view title) {
  // Only the file's own style and script may apply; nothing may be fetched or submitted.
  std::string csp = fmt::format(
      "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; "
      "base-uri 'none'; form-action 'none'",
      sha256_base64(kHtmlStyle), sha256_base64(kHtmlScript));
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"" << csp << "\">\n"
      << "<meta name=\"referrer\" content=\"no-referrer\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << report_text::html(title) << "</title>\n<style>" << kHtmlStyle
      << "</style>\n</head>\n<body>\n";
}

void write_html_end(std::ostream& out) {
  out << "<script>" << kHtmlScript << "</script>\n</body>\n</html>\n";
}

}  // namespace tw
