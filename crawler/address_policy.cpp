// Public-address check for third-party connections; see address_policy.h.
#include "crawler/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace tw {
namespace {

bool is_public_ipv4(std::uint32_t a) {  // host byte order
  auto in = [a](std::uint32_t network, int bits) {
    return bits == 0 || (a >> (32 - bits)) == (network >> (32 - bits));
  };
  return !(in(0x00000000, 8) ||   // "this" network
           in(0x0A000000, 8) ||   // private
           in(0x64400000, 10) ||  // carrier-grade NAT
           in(0x7F000000, 8) ||   // loopback
           in(0xA9FE0000, 16) ||  // link-local (cloud metadata lives here)
           in(0xAC100000, 12) ||  // private
           in(0xC0000000, 24) ||  // IETF protocol assignments
           in(0xC0000200, 24) ||  // documentation
           in(0xC0A80000, 16) ||  // private
           in(0xC6120000, 15) ||  // benchmarking
           in(0xC6336400, 24) ||  // documentation
           in(0xCB007100, 24) ||  // documentation
           in(0xE0000000, 4) ||   // multicast
           in(0xF0000000, 4));    // reserved and broadcast
}

bool is_public_ipv6(const std::uint8_t* b) {
  static constexpr std::array<std::uint8_t, 10> kZeros{};
  if (std::memcmp(b, kZeros.data(), 10) == 0 && b[10] == 0xff && b[11] == 0xff) {
    return is_public_ipv4(std::uint32_t{b[12]} << 24 | std::uint32_t{b[13]} << 16 |
                          std::uint32_t{b[14]} << 8 | b[15]);  // IPv4-mapped
  }
  if (std::memcmp(b, kZeros.data(), 10) == 0 && b[10] == 0 && b[11] == 0) {
    return false;  // unspecified, loopback, IPv4-compatible
  }
  if (b[0] == 0xff) return false;                           // multicast
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return false;  // link-local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return false;  // site-local (deprecated)
  if ((b[0] & 0xfe) == 0xfc) return false;                  // unique-local
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;  // docs
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return false;  // NAT64
  if (b[0] == 0x20 && b[1] == 0x02) return false;  // 6to4 may wrap any IPv4 address
  return true;
}

std::string address_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof text);
  }
  return text[0] != '\0' ? text : "an address of an unknown family";
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

curl_socket_t open_public_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* guard = static_cast<ConnectionGuard*>(user);
  if (!is_public_address(&address->addr)) {
    guard->refused_address = address_text(&address->addr);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

bool is_public_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    return is_public_ipv4(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    return is_public_ipv6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr.s6_addr);
  }
  return false;
}

std::set<std::string, std::less<>> hosts_mapped_by(const std::vector<std::string>& resolve) {
  std::set<std::string, std::less<>> hosts;
  for (std::string_view entry : resolve) {
    if (!entry.empty() && (entry[0] == '+' || entry[0] == '-')) entry.remove_prefix(1);
    hosts.insert(lower_ascii(entry.substr(0, entry.find(':'))));
  }
  return hosts;
}

AddressPolicy::AddressPolicy(const std::vector<std::string>& resolve, bool allow_private)
    : mapped_hosts_(hosts_mapped_by(resolve)), allow_private_(allow_private) {}

bool AddressPolicy::checks(std::string_view host) const {
  return !allow_private_ && !mapped_hosts_.contains(lower_ascii(host));
}

void guard_connections(CURL* easy, const AddressPolicy& policy, std::string_view host,
                       ConnectionGuard& guard) {
  guard.active = policy.checks(host);
  guard.refused_address.clear();
  if (!guard.active) return;
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_public_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &guard);
}

std::string refused_connection_message(const ConnectionGuard& guard) {
  return "not fetched: third-party fetches go to public addresses only, and " +
         guard.refused_address +
         " is not one (map the host with --resolve, or pass --allow-private-third-party)";
}

}  // namespace tw
