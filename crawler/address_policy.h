// Which addresses third-party fetches may connect to. A page names any URL it likes, and a
// third-party server may redirect anywhere: without a check, a scan run inside a network would
// fetch http://169.254.169.254/ or http://localhost/ for the page's author (SSRF). The check is
// made on the address libcurl is about to connect to (after DNS, so a public name that resolves
// to a private address is caught too), in libcurl's open-socket callback.
//
// Thread-safety: AddressPolicy is immutable after construction; a ConnectionGuard belongs to one
// transfer and is written only from the thread that drives it.
#pragma once

#include <curl/curl.h>
#include <sys/socket.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

// Loopback, link-local, private (RFC 1918, unique-local), carrier-grade NAT, multicast,
// unspecified, broadcast and the other special-purpose blocks, for IPv4, IPv6 and IPv4-mapped IPv6.
bool is_public_address(const sockaddr* address);

// The hosts --resolve entries (HOST:PORT:ADDRESS, optionally with a leading '+' or '-') map, lower
// case: libcurl asks no resolver about them.
std::set<std::string, std::less<>> hosts_mapped_by(const std::vector<std::string>& resolve);

class AddressPolicy {
 public:
  // `resolve` are the user's --resolve entries (HOST:PORT:ADDRESS): hosts the user mapped may go
  // to any address. `allow_private` lifts the check (--allow-private-third-party).
  AddressPolicy(const std::vector<std::string>& resolve, bool allow_private);

  // False when connections to `host` need no check.
  bool checks(std::string_view host) const;

 private:
  std::set<std::string, std::less<>> mapped_hosts_;
  bool allow_private_ = false;
};

// Per transfer: installed on an easy handle, it refuses connections to non-public addresses and
// remembers the address it refused, for the error message.
struct ConnectionGuard {
  bool active = false;
  std::string refused_address;  // empty unless a connection was refused
};

// Sets the guard's open-socket callback on `easy` when `policy` checks `host`. The guard must
// outlive the transfer.
void guard_connections(CURL* easy, const AddressPolicy& policy, std::string_view host,
                       ConnectionGuard& guard);

// "third-party fetches go to public addresses only: ADDRESS is not one (...)".
std::string refused_connection_message(const ConnectionGuard& guard);

}  // namespace tw
