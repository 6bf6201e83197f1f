// The DNS resolver wrapper: how answers are read (what proves a host missing, what proves nothing),
// the --dns-server syntax, and a resolver nobody listens on.

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "crawler/dns_resolver.h"

using tw::DnsAnswer;
using tw::DomainRegistration;

namespace {

// A UDP port on 127.0.0.1 where nothing listens: queries sent there are refused.
int closed_udp_port() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("only an NXDOMAIN answer proves a host missing") {
  CHECK(tw::classify_dns_status(ARES_ENOTFOUND) == DnsAnswer::nxdomain);
  CHECK(tw::classify_dns_status(ARES_SUCCESS) == DnsAnswer::records);
  CHECK(tw::classify_dns_status(ARES_ENODATA) == DnsAnswer::no_records);
  for (int unproven : {ARES_ESERVFAIL, ARES_EREFUSED, ARES_ETIMEOUT, ARES_ECONNREFUSED,
                       ARES_ECANCELLED, ARES_EFORMERR, ARES_EBADRESP}) {
    CHECK(tw::classify_dns_status(unproven) == DnsAnswer::failed);
  }
}

TEST_CASE("a domain is unregistered only when DNS answered both SOA and NS without a record") {
  CHECK(tw::classify_registration(DnsAnswer::nxdomain, DnsAnswer::nxdomain) ==
        DomainRegistration::unregistered);
  CHECK(tw::classify_registration(DnsAnswer::no_records, DnsAnswer::nxdomain) ==
        DomainRegistration::unregistered);
  CHECK(tw::classify_registration(DnsAnswer::records, DnsAnswer::failed) ==
        DomainRegistration::registered);
  CHECK(tw::classify_registration(DnsAnswer::nxdomain, DnsAnswer::records) ==
        DomainRegistration::registered);
  CHECK(tw::classify_registration(DnsAnswer::nxdomain, DnsAnswer::failed) ==
        DomainRegistration::unknown);
  CHECK(tw::classify_registration(DnsAnswer::failed, DnsAnswer::failed) ==
        DomainRegistration::unknown);
}

TEST_CASE("--dns-server takes a numeric address with an optional port") {
  auto v4 = tw::parse_dns_server("192.0.2.1");
  REQUIRE(v4);
  CHECK(v4->text() == "192.0.2.1:53");
  auto with_port = tw::parse_dns_server("127.0.0.1:5353");
  REQUIRE(with_port);
  CHECK(with_port->port == 5353);
  auto v6 = tw::parse_dns_server("[::1]:5353");
  REQUIRE(v6);
  CHECK(v6->address == "::1");
  CHECK(v6->text() == "[::1]:5353");
  CHECK(tw::parse_dns_server("2001:db8::53")->port == 53);
  for (const char* bad : {"resolver.lan", "resolver.lan:53", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:", "127.0.0.1:5x", "[::1", "[::1]5353", "", "[nope]:53"}) {
    auto parsed = tw::parse_dns_server(bad);
    CHECK_FALSE(parsed);
    if (!parsed) CHECK(parsed.error().starts_with("--dns-server"));
  }
}

TEST_CASE("a resolver nobody listens on proves nothing about any host") {
  std::string server = "127.0.0.1:" + std::to_string(closed_udp_port());
  auto resolver = tw::DnsResolver::open({server, 100, 1000});
  REQUIRE(resolver);
  CHECK(resolver->describe() == server);
  auto found = resolver->lookup({"cdn.vendor.test", "gone.vendor.test"});
  REQUIRE(found.size() == 2);
  for (const auto& [host, lookup] : found) {
    CHECK(lookup.answer == DnsAnswer::failed);
    CHECK(lookup.domain == DomainRegistration::unknown);
    CHECK_FALSE(lookup.detail.empty());
  }
}

namespace {

// A DNS reply to an A question for `name` whose answer section holds `cnames` (compressed names
// are not needed: every name is written out).
std::vector<unsigned char> reply_with_cnames(
    const std::string& name, const std::vector<std::pair<std::string, std::string>>& cnames) {
  auto encode = [](const std::string& text) {
    std::vector<unsigned char> out;
    for (std::size_t start = 0; start < text.size();) {
      std::size_t dot = std::min(text.find('.', start), text.size());
      out.push_back(static_cast<unsigned char>(dot - start));
      out.insert(out.end(), text.begin() + start, text.begin() + dot);
      start = dot + 1;
    }
    out.push_back(0);
    return out;
  };
  std::vector<unsigned char> message = {
      0x12, 0x34, 0x81, 0x80, 0, 1, 0, static_cast<unsigned char>(cnames.size()), 0, 0, 0, 0};
  auto question = encode(name);
  message.insert(message.end(), question.begin(), question.end());
  message.insert(message.end(), {0, 1, 0, 1});
  for (const auto& [alias, target] : cnames) {
    auto owner = encode(alias);
    auto data = encode(target);
    message.insert(message.end(), owner.begin(), owner.end());
    message.insert(message.end(),
                   {0, 5, 0, 1, 0, 0, 0, 60, 0, static_cast<unsigned char>(data.size())});
    message.insert(message.end(), data.begin(), data.end());
  }
  return message;
}

}  // namespace

TEST_CASE(
    "CNAME records are read from an answer, lower-cased, and a cut message gives none past it") {
  auto message = reply_with_cnames(
      "metrics.shop.example",
      {{"Metrics.Shop.Example", "shop.Tracker.NET"}, {"shop.tracker.net", "edge.tracker.net"}});
  auto records = tw::cname_records(message.data(), static_cast<int>(message.size()));
  REQUIRE(records.size() == 2);
  CHECK(records[0].alias == "metrics.shop.example");
  CHECK(records[0].target == "shop.tracker.net");
  CHECK(records[1].target == "edge.tracker.net");
  auto cut = tw::cname_records(message.data(), static_cast<int>(message.size()) - 3);
  CHECK(cut.size() == 1);
  CHECK(tw::cname_records(message.data(), 5).empty());
  CHECK(tw::cname_records(nullptr, 0).empty());
}

TEST_CASE("a CNAME chain is followed in order, whatever the records' order, and stops at loops") {
  std::vector<tw::CnameRecord> records = {{"b.example", "c.tracker.net."},
                                          {"metrics.shop.example", "B.example"}};
  CHECK(tw::follow_cname_chain("metrics.shop.example.", records, 16) ==
        std::vector<std::string>{"b.example", "c.tracker.net"});
  std::vector<tw::CnameRecord> loop = {{"a.example", "b.example"}, {"b.example", "a.example"}};
  CHECK(tw::follow_cname_chain("a.example", loop, 16) == std::vector<std::string>{"b.example"});
  std::vector<tw::CnameRecord> long_chain;
  for (int i = 0; i < 40; ++i) {
    long_chain.push_back(
        {"n" + std::to_string(i) + ".example", "n" + std::to_string(i + 1) + ".example"});
  }
  CHECK(tw::follow_cname_chain("n0.example", long_chain, 16).size() == 16);
  CHECK(tw::follow_cname_chain("other.example", records, 16).empty());
}
