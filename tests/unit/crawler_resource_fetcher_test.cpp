// The third-party fetcher against a loopback server that answers with canned raw responses:
// caching, redirects, cookies across hops, the decoded-body cap (gzip bomb), DNS failures.

#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "crawler/address_policy.h"
#include "crawler/resource_fetcher.h"
#include "crawler_test_server.h"

using tw::test::gzip;

namespace {

// Canned answers by path over the crawler tests' loopback server; a delay plays a slow vendor.
class CannedServer {
 public:
  CannedServer()
      : server_([this](const tw::test::Request& request) {
          std::pair<std::string, int> route{"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
                                            0};
          {
            std::lock_guard lock(mutex_);
            if (auto it = routes_.find(request.path); it != routes_.end()) route = it->second;
          }
          if (route.second) std::this_thread::sleep_for(std::chrono::milliseconds(route.second));
          return route.first;
        }) {}

  void add(const std::string& path, std::string response, int delay_ms = 0) {
    std::lock_guard lock(mutex_);
    routes_[path] = {std::move(response), delay_ms};
  }
  int hits(const std::string& path) const { return server_.count(path); }
  tw::test::Request last_request(const std::string& path) const {
    tw::test::Request last;
    for (const auto& request : server_.requests()) {
      if (request.path == path) last = request;
    }
    return last;
  }
  std::string url(const std::string& host, const std::string& path) const {
    return "http://" + host + ":" + std::to_string(server_.port()) + path;
  }
  std::string resolve(const std::string& host) const {
    return host + ":" + std::to_string(server_.port()) + ":127.0.0.1";
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, int>> routes_;
  tw::test::TestServer server_;  // last: stops before the routes it reads go away
};

std::string response(const std::string& head, const std::string& body) {
  return "HTTP/1.1 " + head + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

tw::ResourceFetchOptions options_for(const CannedServer& server,
                                     std::initializer_list<std::string> hosts) {
  tw::ResourceFetchOptions options;
  for (const auto& host : hosts) options.request.resolve.push_back(server.resolve(host));
  options.limits.timeout_s = 5;
  options.limits.connect_timeout_s = 2;
  return options;
}

}  // namespace

TEST_CASE("each distinct resource is fetched once and answered from the cache afterwards") {
  CannedServer server;
  server.add("/lib.js", response("200 OK\r\nContent-Type: application/javascript\r\n"
                                 "Cache-Control: max-age=600",
                                 "var a = 1;"));
  tw::ResourceFetcher fetcher(options_for(server, {"cdn.example.net"}));
  std::string url = server.url("cdn.example.net", "/lib.js");
  fetcher.fetch({{url}, {url}});
  fetcher.fetch({{url}});
  CHECK(server.hits("/lib.js") == 1);
  const auto* resource = fetcher.find(url);
  REQUIRE(resource != nullptr);
  CHECK(resource->response.status == 200);
  CHECK(resource->response.error == tw::PageError::none);
  CHECK(resource->response.body == "var a = 1;");
  CHECK(resource->response.header("cache-control") == "max-age=600");
  CHECK(resource->response.content_type == "application/javascript");
  CHECK(resource->transfer_bytes == 10);
}

TEST_CASE("redirects are followed by hand, with the chain and every hop's cookies kept") {
  CannedServer server;
  server.add("/pixel",
             response("302 Found\r\nLocation: /final.js\r\nSet-Cookie: uid=1; SameSite=None", ""));
  server.add("/final.js", response("200 OK\r\nSet-Cookie: sid=2", "ok"));
  tw::ResourceFetcher fetcher(options_for(server, {"ads.example.org"}));
  std::string url = server.url("ads.example.org", "/pixel");
  fetcher.fetch({{url}});
  const auto* resource = fetcher.find(url);
  REQUIRE(resource != nullptr);
  CHECK(resource->response.final_url == server.url("ads.example.org", "/final.js"));
  REQUIRE(resource->response.redirect_chain.size() == 1);
  CHECK(resource->response.redirect_chain[0] == url);
  int cookies = 0;
  for (const auto& header : resource->response.headers) cookies += header.name == "set-cookie";
  CHECK(cookies == 2);
}

TEST_CASE("a redirect to a non-http scheme is refused and recorded") {
  CannedServer server;
  server.add("/x.js", response("302 Found\r\nLocation: file:///etc/passwd", ""));
  tw::ResourceFetcher fetcher(options_for(server, {"cdn.example.net"}));
  std::string url = server.url("cdn.example.net", "/x.js");
  fetcher.fetch({{url}});
  CHECK(fetcher.find(url)->response.error == tw::PageError::scheme);
  CHECK(fetcher.find(url)->response.body.empty());
}

TEST_CASE("a gzip bomb stops at the decoded-body cap and is recorded as too large") {
  CannedServer server;
  std::string bomb = gzip(std::string(50u << 20, 'a'));
  server.add("/bomb.js", response("200 OK\r\nContent-Encoding: gzip", bomb));
  auto options = options_for(server, {"cdn.example.net"});
  options.max_resource_bytes = 1u << 20;
  tw::ResourceFetcher fetcher(options);
  std::string url = server.url("cdn.example.net", "/bomb.js");
  fetcher.fetch({{url}});
  const auto* resource = fetcher.find(url);
  CHECK(resource->response.error == tw::PageError::too_large);
  CHECK(resource->truncated);
  CHECK(resource->response.body.empty());
}

TEST_CASE("compressed answers report wire bytes and decoded bytes apart") {
  CannedServer server;
  std::string script(100000, ';');
  server.add("/big.js", response("200 OK\r\nContent-Encoding: gzip", gzip(script)));
  tw::ResourceFetcher fetcher(options_for(server, {"cdn.example.net"}));
  std::string url = server.url("cdn.example.net", "/big.js");
  fetcher.fetch({{url}});
  const auto* resource = fetcher.find(url);
  CHECK(resource->response.body_bytes == script.size());
  CHECK(resource->transfer_bytes < 2000);
  CHECK(resource->response.header("content-encoding") == "gzip");
}

TEST_CASE("a host that does not resolve is a dns error, distinct from a refused connection") {
  CannedServer server;
  auto options = options_for(server, {});
  options.allow_private_addresses = true;  // 127.0.0.1:1 is the refusing host
  tw::ResourceFetcher fetcher(options);
  std::string dangling = "http://tagwarden-dangling.invalid/x.js";
  std::string refused = "http://127.0.0.1:1/x.js";
  fetcher.fetch({{dangling}, {refused, true}});
  CHECK(fetcher.find(dangling)->response.error == tw::PageError::dns);
  CHECK(fetcher.find(refused)->response.error == tw::PageError::connect);
}

TEST_CASE("a host that refuses a connection is tried once; its other URLs are not attempted") {
  CannedServer server;
  tw::ResourceFetchOptions options = options_for(server, {});
  options.allow_private_addresses = true;  // 127.0.0.1:1 is the refusing host
  options.limits.per_host = 1;
  tw::ResourceFetcher fetcher(options);
  fetcher.fetch({{"http://127.0.0.1:1/a.js"}, {"http://127.0.0.1:1/b.js"}});
  fetcher.fetch({{"http://127.0.0.1:1/c.js"}});
  CHECK(fetcher.fetched_count() == 1);
  for (const char* path : {"/a.js", "/b.js", "/c.js"}) {
    CHECK(fetcher.find(std::string("http://127.0.0.1:1") + path)->response.error ==
          tw::PageError::connect);
  }
  CHECK(fetcher.find("http://127.0.0.1:1/c.js")->response.error_detail.find("failed earlier") !=
        std::string::npos);
}

TEST_CASE("a host marked unreachable is answered without a transfer; a pinned one is fetched") {
  CannedServer server;
  server.add("/t.js", response("200 OK", "var t;"));
  auto options = options_for(server, {});
  options.allow_private_addresses = true;  // the pinned address is 127.0.0.1
  tw::ResourceFetcher fetcher(options);
  fetcher.mark_unreachable("gone.vendor.test", tw::PageError::dns, "NXDOMAIN from 127.0.0.1:53");
  fetcher.pin_host("tags.vendor.test", {"127.0.0.1"});
  std::string gone = server.url("gone.vendor.test", "/t.js");
  std::string pinned = server.url("tags.vendor.test", "/t.js");
  fetcher.fetch({{gone}, {pinned}});
  CHECK(fetcher.find(gone)->response.error == tw::PageError::dns);
  CHECK(fetcher.find(gone)->response.error_detail == "NXDOMAIN from 127.0.0.1:53");
  CHECK(fetcher.find(pinned)->response.error == tw::PageError::none);
  CHECK(server.hits("/t.js") == 1);
  CHECK(fetcher.fetched_count() == 1);
}

TEST_CASE("a pinned address is held to the public-address check like any other") {
  CannedServer server;
  server.add("/t.js", response("200 OK", "var t;"));
  tw::ResourceFetcher fetcher(options_for(server, {}));
  fetcher.pin_host("tags.vendor.test", {"127.0.0.1"});  // what a hostile DNS answer could say
  std::string pinned = server.url("tags.vendor.test", "/t.js");
  fetcher.fetch({{pinned}});
  CHECK(fetcher.find(pinned)->response.error == tw::PageError::off_scope);
  CHECK(server.hits("/t.js") == 0);
}

TEST_CASE("a resolve-only check requests nothing") {
  CannedServer server;
  tw::ResourceFetcher fetcher(options_for(server, {"pixel.example.com"}));
  std::string url = server.url("pixel.example.com", "/p.gif");
  fetcher.fetch({{url, true}});
  CHECK(fetcher.find(url)->response.error == tw::PageError::none);
  CHECK(fetcher.find(url)->resolve_only);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(server.hits("/p.gif") == 0);
}

TEST_CASE("a slow answer times out and non-http URLs are never fetched") {
  CannedServer server;
  server.add("/slow.js", response("200 OK", "late"), 2500);
  auto options = options_for(server, {"slow.example.com"});
  options.limits.timeout_s = 1;
  tw::ResourceFetcher fetcher(options);
  std::string slow = server.url("slow.example.com", "/slow.js");
  fetcher.fetch({{slow}, {"ftp://example.com/x.js"}, {"javascript:alert(1)"}});
  CHECK(fetcher.find(slow)->response.error == tw::PageError::timeout);
  CHECK(fetcher.find("ftp://example.com/x.js")->response.error == tw::PageError::scheme);
  CHECK(fetcher.find("javascript:alert(1)")->response.error == tw::PageError::scheme);
}

TEST_CASE("credential headers meant for the site are not sent to third parties") {
  CannedServer server;
  server.add("/h.js", response("200 OK", "x"));
  auto options = options_for(server, {"cdn.example.net"});
  options.request.headers = {"Authorization: Bearer secret", "X-Trace: 1"};
  tw::ResourceFetcher fetcher(options);
  std::string url = server.url("cdn.example.net", "/h.js");
  fetcher.fetch({{url}});
  CHECK(fetcher.find(url)->response.status == 200);
  auto request = server.last_request("/h.js");
  CHECK(request.headers["x-trace"] == "1");
  CHECK_FALSE(request.headers.contains("authorization"));
  CHECK(request.headers["host"].starts_with("cdn.example.net:"));
}

TEST_CASE("the resource limit bounds how many distinct URLs one scan fetches") {
  CannedServer server;
  server.add("/a.js", response("200 OK", "a"));
  server.add("/b.js", response("200 OK", "b"));
  auto options = options_for(server, {"cdn.example.net"});
  options.max_resources = 1;
  tw::ResourceFetcher fetcher(options);
  std::string a = server.url("cdn.example.net", "/a.js");
  std::string b = server.url("cdn.example.net", "/b.js");
  fetcher.fetch({{a}, {b}});
  CHECK(fetcher.find(a)->response.status == 200);
  CHECK(fetcher.find(b)->response.error == tw::PageError::other);
  CHECK(server.hits("/b.js") == 0);
}

TEST_CASE("each completed resource is handed over once and may give up its body") {
  CannedServer server;
  server.add("/a.js", response("200 OK", "aaaa"));
  tw::ResourceFetcher fetcher(options_for(server, {"cdn.example.net"}));
  std::string a = server.url("cdn.example.net", "/a.js");
  std::map<std::string, std::string> seen;
  auto take = [&](const std::string& url, tw::FetchedResource& resource) {
    seen[url] = std::exchange(resource.response.body, std::string());
  };
  fetcher.fetch({{a}, {"mailto:x@example.com"}}, take);
  fetcher.fetch({{a}}, take);
  CHECK(seen.size() == 2);
  CHECK(seen[a] == "aaaa");
  CHECK(fetcher.find(a)->response.body.empty());
  CHECK(fetcher.find(a)->response.body_bytes == 4);
}

TEST_CASE("third-party fetches never reach loopback, link-local or private addresses by default") {
  CannedServer server;
  server.add("/x.js", response("200 OK", "secret"));
  // A redirect from a mapped (allowed) host to an unmapped name that resolves to loopback, and to
  // the cloud metadata address.
  server.add("/to-localhost",
             response("302 Found\r\nLocation: " + server.url("localhost", "/x.js"), ""));
  server.add("/to-metadata",
             response("302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/", ""));
  tw::ResourceFetcher fetcher(options_for(server, {"cdn.example.net"}));
  std::string direct = server.url("localhost", "/x.js");
  std::string numeric = server.url("127.0.0.1", "/x.js");
  std::string via_localhost = server.url("cdn.example.net", "/to-localhost");
  std::string via_metadata = server.url("cdn.example.net", "/to-metadata");
  fetcher.fetch({{direct}, {numeric}, {via_localhost}, {via_metadata}, {numeric + "?pixel", true}});
  CHECK(server.hits("/x.js") == 0);
  for (const std::string& url : {direct, numeric, via_localhost, via_metadata}) {
    INFO(url);
    const auto* resource = fetcher.find(url);
    REQUIRE(resource != nullptr);
    CHECK(resource->response.error == tw::PageError::off_scope);
    CHECK(resource->response.error_detail.find("public addresses only") != std::string::npos);
    CHECK(resource->response.body.empty());
  }
  CHECK(fetcher.find(numeric + "?pixel")->response.error == tw::PageError::off_scope);
}

TEST_CASE("a host mapped with --resolve, or the explicit flag, may use a private address") {
  CannedServer server;
  server.add("/x.js", response("200 OK", "local"));
  auto options = options_for(server, {});
  options.allow_private_addresses = true;
  tw::ResourceFetcher fetcher(options);
  std::string url = server.url("localhost", "/x.js");
  fetcher.fetch({{url}});
  CHECK(fetcher.find(url)->response.error == tw::PageError::none);
  CHECK(fetcher.find(url)->response.body == "local");
}

TEST_CASE("public and special-purpose addresses are told apart, IPv4 and IPv6") {
  auto v4 = [](const char* text) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    inet_pton(AF_INET, text, &address.sin_addr);
    return tw::is_public_address(reinterpret_cast<const sockaddr*>(&address));
  };
  auto v6 = [](const char* text) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    inet_pton(AF_INET6, text, &address.sin6_addr);
    return tw::is_public_address(reinterpret_cast<const sockaddr*>(&address));
  };
  CHECK(v4("93.184.216.34"));
  CHECK(v4("8.8.8.8"));
  for (const char* blocked :
       {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "255.255.255.255"}) {
    INFO(blocked);
    CHECK_FALSE(v4(blocked));
  }
  CHECK(v6("2606:2800:220:1:248:1893:25c8:1946"));
  for (const char* blocked : {"::1", "::", "fe80::1", "fc00::1", "fd00::1", "ff02::1",
                              "::ffff:127.0.0.1", "::ffff:169.254.169.254"}) {
    INFO(blocked);
    CHECK_FALSE(v6(blocked));
  }
  CHECK(v6("::ffff:8.8.8.8"));
}
