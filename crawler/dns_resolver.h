// Asks DNS about the hosts a scan references, all at once, before anything is fetched from them:
// whether each name exists (and its IPv4 addresses), and for a name DNS says does not exist,
// whether its registrable domain is registered at all; and for the site's own hosts, the CNAME
// chain each is an alias through (cloaking checks). A c-ares channel keeps every query in
// flight together, so a scan whose resolver is dead pays one short deadline, not one per host.
//
// Threads: a DnsResolver is used from one thread at a time; lookup() runs on the calling thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/result.h"

namespace tw {

// A resolver given as "ADDR[:PORT]": "192.0.2.1", "127.0.0.1:5353", "::1", "[::1]:5353".
struct DnsServer {
  std::string address;  // numeric IPv4 or IPv6, without brackets
  int port = 53;
  std::string text() const;  // "127.0.0.1:5353", "[::1]:53"
};

// The server, or a one-line error naming what is wrong with `text`.
Result<DnsServer> parse_dns_server(std::string_view text);

// What one query's answer says about a name.
enum class DnsAnswer {
  records,     // NOERROR with records of the asked type
  no_records,  // NOERROR without them: the name exists
  nxdomain,    // the name does not exist: DNS proved it
  failed,      // no proof either way: SERVFAIL, REFUSED, timeout, no resolver reachable...
};

// How a c-ares query status (ARES_SUCCESS, ARES_ENOTFOUND...) reads.
DnsAnswer classify_dns_status(int ares_status);

enum class DomainRegistration { unknown, registered, unregistered };

// A registrable domain is registered when it has an SOA or NS record, unregistered when DNS
// answered both questions without one, unknown when either question went unanswered.
DomainRegistration classify_registration(DnsAnswer soa, DnsAnswer ns);

struct HostLookup {
  DnsAnswer answer = DnsAnswer::failed;  // of the A query
  std::vector<std::string> addresses;    // IPv4, when answer is records
  std::string detail;                    // why not records: "NXDOMAIN", "SERVFAIL", "timeout"...
  // Asked only for a host DNS proved missing: its registrable domain.
  DomainRegistration domain = DomainRegistration::unknown;
};

// A CNAME record from an answer: `alias` is another name for `target`.
struct CnameRecord {
  std::string alias;
  std::string target;
};

// The CNAME records of a DNS message's answer section (`length` bytes); none when it is
// malformed or holds none. Names as DNS spells them, lower-cased.
std::vector<CnameRecord> cname_records(const unsigned char* message, int length);

// The names `host` leads to through `records` (in any order): host -> a -> b gives {a, b}. Stops
// at `max_names`, and at a name seen before (a loop). Names compare without case or trailing dot.
std::vector<std::string> follow_cname_chain(std::string_view host,
                                            const std::vector<CnameRecord>& records,
                                            std::size_t max_names);

struct DnsResolverOptions {
  std::string server;            // "ADDR[:PORT]"; empty: the system's resolvers (/etc/resolv.conf)
  int attempt_timeout_ms = 500;  // first try; c-ares doubles it for the retry
  int deadline_ms = 1500;        // for each round of lookup(), whatever the resolver does
};

class DnsResolver {
 public:
  // Fails on a malformed server or when c-ares cannot start (no memory, unreadable config).
  static Result<DnsResolver> open(const DnsResolverOptions& options);
  ~DnsResolver();
  DnsResolver(DnsResolver&&) noexcept;
  DnsResolver& operator=(DnsResolver&&) noexcept;

  // Looks up every host (distinct, lower-case names, no IP literals) concurrently, then the
  // registrable domains of those that came back nxdomain. A resolver that says "com" does not
  // exist is cut off (it denies every name): its NXDOMAIN answers become failed. Returns within
  // about two deadlines; what did not answer by then is failed ("timeout"). A raised `stop` cancels
  // what is in flight.
  std::unordered_map<std::string, HostLookup> lookup(const std::vector<std::string>& hosts,
                                                     const std::atomic<bool>* stop = nullptr);

  // The CNAME chain of every host (distinct, lower-case names), from one A query each, asked all
  // at once: the names the answer leads through (follow_cname_chain, at most kMaxCnameNames). A
  // host without a CNAME, or whose query failed or timed out, gets an empty chain. Returns within
  // about a deadline; a raised `stop` cancels what is in flight.
  static constexpr std::size_t kMaxCnameNames = 16;
  std::unordered_map<std::string, std::vector<std::string>> cname_chains(
      const std::vector<std::string>& hosts, const std::atomic<bool>* stop = nullptr);

  // Who is asked, for notes: "127.0.0.1:5353" or "the system resolver (10.0.0.53:53)".
  std::string describe() const;

 private:
  struct Impl;
  explicit DnsResolver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw
