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
