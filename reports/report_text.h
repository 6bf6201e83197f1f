// Escaping for every report format, in one place, so each writer handles crawled strings the same
// way. Internal to reports/. Every function takes arbitrary bytes (crawled text may be invalid
// UTF-8) and returns valid UTF-8 safe for its destination.
#pragma once

#include <string>
#include <string_view>

namespace tw::report_text {

// Invalid UTF-8 sequences replaced by U+FFFD; everything else unchanged.
std::string valid_utf8(std::string_view text);

// Controls made visible as text: C0 (except those `keep` lists), DEL, C1 and the bidi overrides
// become "\x1b", "\u009b", "\u202e"... so nothing crawled can steer a terminal or reorder text.
std::string visible_controls(std::string_view text, std::string_view keep = {});

// & < > " ' as entities, after visible_controls (tab and newline kept).
std::string html(std::string_view text);

// XML 1.0 text and attribute content: entities, and characters XML forbids made visible.
std::string xml(std::string_view text);

// One RFC 4180 field: quoted when needed, and neutralised for spreadsheets (a cell that starts
// with = + - @ tab CR LF, also after leading spaces, gets a leading apostrophe); controls other
// than tab, CR and LF are made visible.
std::string csv_cell(std::string_view text);
// A number cell (never neutralised, never quoted).
std::string csv_number(long long value);

// Markdown (GitHub-flavoured) inline text that renders as exactly these characters: no links,
// images, autolinks, HTML or emphasis. Text holding '@' goes into a code span, because cmark-gfm's
// e-mail autolinks survive backslash escapes. `in_table` also escapes '|'.
std::string markdown_text(std::string_view text, bool in_table);
// Always a code span (URLs, hosts, evidence).
std::string markdown_code(std::string_view text, bool in_table);

// For the terminal: controls made visible, newlines and tabs as spaces.
std::string terminal(std::string_view text);

// Display width in terminal columns (East Asian wide and emoji count 2, combining marks 0).
int display_width(std::string_view utf8);
// Cut to at most `columns` display columns, ending in "…" when cut.
std::string truncate_to_width(std::string_view utf8, int columns);

// Percent-encodes what may not appear in a URI (spaces, controls, quotes, <>, non-ASCII...),
// so a crawled URL can go into a SARIF artifact location.
std::string uri(std::string_view text);

}  // namespace tw::report_text
