// What a page did when headless Chromium rendered it (--browser), once per consent state: every
// request it made and who made it, the cookies it left, the consent manager found and what was
// done with it. Plain data, filled by the browser pass and kept with the page's analysis.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

// The consent state a page is rendered in (--consent): left alone, or the consent manager told
// to reject or to accept everything through its own JavaScript API.
enum class ConsentState { none, reject, accept };
std::string_view to_string(ConsentState state);
std::optional<ConsentState> parse_consent_state(std::string_view text);

struct BrowserRequest {
  std::string url;
  std::string host;           // lower case
  std::string resource_type;  // DevTools' type: Document, Script, Image, XHR, Fetch, Ping...
  int status = 0;             // 0: no answer (failed or blocked)
  std::uint64_t bytes = 0;    // bytes received, headers included
  // Who started it: "parser" (the document's markup), "script" (code, see initiator_url),
  // "preload", "redirect" or "other".
  std::string initiator;
  std::string initiator_url;   // the script whose code made the request, or the parsing document
  bool after_consent = false;  // started after the consent manager was told reject/accept
  bool blocked = false;        // --offline: attempted, never sent
  bool third_party = false;
  std::string vendor;  // attributed by the browser pass
  std::string category;
};

struct BrowserCookie {
  std::string name;
  std::string domain;
  std::string path;
  double expires = -1;  // seconds since the epoch; -1 for a session cookie
  bool secure = false;
  bool http_only = false;
  std::string same_site;     // "Strict", "Lax", "None" or empty when the browser did not say
  bool third_party = false;  // its domain is not the page's registrable domain (or own domains)
  // Who set it, when known: the URL of the response whose Set-Cookie header named it
  // (set_via "response"), or of the script that wrote it through document.cookie ("script").
  std::string set_by;
  std::string set_via;
  bool after_consent = false;  // first seen after the consent decision
};

struct BrowserVisit {
  ConsentState consent_state = ConsentState::none;
  // "onetrust", "cookiebot", "didomi", "usercentrics", "tcf" (only __tcfapi), "unrecognised" (a
  // consent manager the static pass saw but no API we drive), or "" when the page has none.
  std::string consent_manager;
  // "rejected", "accepted", "not-driven" (none state or unrecognised manager) or "failed: ...".
  std::string consent_action;
  std::string tc_string;  // IAB TCF v2 consent string read from __tcfapi, when there is one
  std::vector<BrowserRequest> requests;
  std::vector<BrowserCookie> cookies;
  std::string note;  // why the visit is incomplete (timeout, crash), empty when it is not
};

}  // namespace tw
