// c-ares in its own small event loop: every query is sent at once, poll() waits on the channel's
// sockets, and a deadline cancels whatever is still unanswered. SERVFAIL is taken as the answer
// (ARES_FLAG_NOCHECKRESP) rather than retried, since a failing zone fails again.
#include "crawler/dns_resolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <poll.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>

#include "model/domain.h"

namespace tw {
namespace {

struct ChannelDeleter {
  void operator()(ares_channel channel) const { ares_destroy(channel); }
};
using Channel = std::unique_ptr<std::remove_pointer_t<ares_channel>, ChannelDeleter>;

using Clock = std::chrono::steady_clock;

constexpr std::string_view kCanary = "com";  // exists for any resolver that reaches the root

bool is_ipv4(const std::string& text) {
  in_addr out{};
  return inet_pton(AF_INET, text.c_str(), &out) == 1;
}

bool is_ipv6(const std::string& text) {
  in6_addr out{};
  return inet_pton(AF_INET6, text.c_str(), &out) == 1;
}

// One question in flight; the callback fills it in.
struct Query {
  std::string name;
  int type = 0;
  int status = ARES_ETIMEOUT;
  std::vector<std::string> addresses;
  bool want_cnames = false;
  std::vector<CnameRecord> cnames;
  int* outstanding = nullptr;
};

Query question(const std::string& name, int type) {
  Query query;
  query.name = name;
  query.type = type;
  return query;
}

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* answer, int length) {
  auto* query = static_cast<Query*>(arg);
  query->status = status;
  --*query->outstanding;
  // A chain whose last name has no address still answers with its CNAMEs (NOERROR without an
  // A record, or NXDOMAIN), so they are read whatever the status.
  if (query->want_cnames && answer != nullptr) query->cnames = cname_records(answer, length);
  if (status != ARES_SUCCESS || query->type != ns_t_a) return;
  ares_addrttl addresses[16];
  int count = 16;
  if (ares_parse_a_reply(answer, length, nullptr, addresses, &count) != ARES_SUCCESS) return;
  for (int i = 0; i < count; ++i) {
    char text[INET_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET, &addresses[i].ipaddr, text, sizeof text)) {
      query->addresses.emplace_back(text);
    }
  }
}

std::string status_text(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
      return "NXDOMAIN";
    case ARES_ESERVFAIL:
      return "SERVFAIL";
    case ARES_EREFUSED:
      return "REFUSED";
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
      return "timeout";
    case ARES_ECONNREFUSED:
      return "connection refused";
    default:
      return ares_strerror(status);
  }
}

// The name at `*at` in `message`, moving `*at` past it; nullopt when malformed.
std::optional<std::string> read_name(const unsigned char* message, int length, int* at) {
  char* name = nullptr;
  long encoded = 0;
  if (*at >= length ||
      ares_expand_name(message + *at, message, length, &name, &encoded) != ARES_SUCCESS) {
    return std::nullopt;
  }
  std::string text = normalize_dns_name(name);
  ares_free_string(name);
  *at += static_cast<int>(encoded);
  return text;
}

int read_u16(const unsigned char* at) {
  return (at[0] << 8) | at[1];
}

}  // namespace

std::vector<CnameRecord> cname_records(const unsigned char* message, int length) {
  constexpr int kHeader = 12;
  constexpr int kRecordFields = 10;  // type, class, TTL, data length
  std::vector<CnameRecord> records;
  if (message == nullptr || length < kHeader) return records;
  const int questions = read_u16(message + 4);
  const int answers = read_u16(message + 6);
  int at = kHeader;
  for (int i = 0; i < questions; ++i) {
    if (!read_name(message, length, &at) || at + 4 > length) return {};
    at += 4;
  }
  for (int i = 0; i < answers; ++i) {
    std::optional<std::string> owner = read_name(message, length, &at);
    if (!owner || at + kRecordFields > length) return records;
    const int type = read_u16(message + at);
    const int data_length = read_u16(message + at + 8);
    at += kRecordFields;
    if (at + data_length > length) return records;
    int data_at = at;
    if (type == ns_t_cname) {
      std::optional<std::string> target = read_name(message, length, &data_at);
      if (!target) return records;
      records.push_back({std::move(*owner), std::move(*target)});
    }
    at += data_length;
  }
  return records;
}

std::vector<std::string> follow_cname_chain(std::string_view host,
                                            const std::vector<CnameRecord>& records,
                                            std::size_t max_names) {
  std::vector<std::string> chain;
  std::set<std::string> seen{normalize_dns_name(host)};
  std::string current = normalize_dns_name(host);
  while (chain.size() < max_names) {
    auto next = std::find_if(records.begin(), records.end(), [&](const CnameRecord& record) {
      return normalize_dns_name(record.alias) == current;
    });
    if (next == records.end()) break;
    current = normalize_dns_name(next->target);
    if (!seen.insert(current).second) break;
    chain.push_back(current);
  }
  return chain;
}

std::string DnsServer::text() const {
  bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

Result<DnsServer> parse_dns_server(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error{"--dns-server '" + std::string(text.substr(0, 100)) + "': " + std::string(why)};
  };
  DnsServer server;
  std::string_view port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    server.address = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return bad("expected ':PORT' after ']'");
    if (!rest.empty()) port = rest.substr(1);
    if (!is_ipv6(server.address)) return bad("not an IPv6 address");
  } else if (std::count(text.begin(), text.end(), ':') > 1) {
    server.address = text;  // a bare IPv6 address
    if (!is_ipv6(server.address)) return bad("not an IP address");
  } else {
    auto colon = text.find(':');
    server.address = text.substr(0, colon);
    if (colon != std::string_view::npos) port = text.substr(colon + 1);
    if (!is_ipv4(server.address)) return bad("not a numeric IP address");
  }
  if (!port.empty() || text.ends_with(':')) {
    int value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return bad("the port must be 1-65535");
    }
    server.port = value;
  }
  return server;
}

DnsAnswer classify_dns_status(int ares_status) {
  switch (ares_status) {
    case ARES_SUCCESS:
      return DnsAnswer::records;
    case ARES_ENODATA:
      return DnsAnswer::no_records;
    case ARES_ENOTFOUND:
      return DnsAnswer::nxdomain;
    default:
      return DnsAnswer::failed;
  }
}

DomainRegistration classify_registration(DnsAnswer soa, DnsAnswer ns) {
  if (soa == DnsAnswer::records || ns == DnsAnswer::records) {
    return DomainRegistration::registered;
  }
  auto empty = [](DnsAnswer answer) {
    return answer == DnsAnswer::nxdomain || answer == DnsAnswer::no_records;
  };
  return empty(soa) && empty(ns) ? DomainRegistration::unregistered : DomainRegistration::unknown;
}

struct DnsResolver::Impl {
  Channel channel;
  std::string described;
  int deadline_ms = 1500;
  int outstanding = 0;

  // Sends every query, then runs the channel until all are answered, the deadline passes or
  // `stop` is raised; the unanswered are cancelled (their callbacks run before this returns).
  void ask(std::vector<Query>& queries, const std::atomic<bool>* stop) {
    for (Query& query : queries) {
      query.outstanding = &outstanding;
      ++outstanding;
      ares_query(channel.get(), query.name.c_str(), ns_c_in, query.type, on_answer, &query);
    }
    const auto deadline = Clock::now() + std::chrono::milliseconds(deadline_ms);
    while (outstanding > 0) {
      auto now = Clock::now();
      if (now >= deadline || (stop != nullptr && stop->load())) break;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
      wait_and_process(static_cast<int>(left));
    }
    if (outstanding > 0) ares_cancel(channel.get());
  }

  // The channel's sockets, as poll() wants them.
  std::vector<pollfd> channel_sockets() const {
    ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(channel.get(), sockets, ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events != 0) fds.push_back({sockets[i], events, 0});
    }
    return fds;
  }

  // One wait of at most `left_ms` (and at most 100 ms, so the stop flag is seen), then whatever
  // the channel has to do: read answers, or retry and time out queries.
  void wait_and_process(int left_ms) {
    std::vector<pollfd> fds = channel_sockets();
    timeval longest{0, 100'000};
    timeval wait{};
    ares_timeout(channel.get(), &longest, &wait);
    long long wait_ms = static_cast<long long>(wait.tv_sec) * 1000 + wait.tv_usec / 1000;
    int ready = poll(fds.data(), fds.size(),
                     std::max(static_cast<int>(std::min<long long>(left_ms, wait_ms)), 1));
    if (ready <= 0) {
      ares_process_fd(channel.get(), ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      return;
    }
    for (const pollfd& fd : fds) {
      bool readable = (fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
      bool writable = (fd.revents & POLLOUT) != 0;
      if (!readable && !writable) continue;
      ares_process_fd(channel.get(), readable ? fd.fd : ARES_SOCKET_BAD,
                      writable ? fd.fd : ARES_SOCKET_BAD);
    }
  }

  // Round one: the A record of every host. A resolver cut off from the internet often answers
  // NXDOMAIN for every name; one that denies "com" proves nothing about any host.
  std::unordered_map<std::string, HostLookup> ask_hosts(const std::vector<std::string>& hosts,
                                                        const std::atomic<bool>* stop) {
    std::vector<Query> queries;
    queries.reserve(hosts.size() + 1);
    for (const std::string& host : hosts) queries.push_back(question(host, ns_t_a));
    queries.push_back(question(std::string(kCanary), ns_t_soa));
    ask(queries, stop);
    const bool isolated = classify_dns_status(queries.back().status) == DnsAnswer::nxdomain;
    queries.pop_back();
    std::unordered_map<std::string, HostLookup> found;
    for (Query& query : queries) {
      HostLookup& lookup = found[query.name];
      lookup.answer = classify_dns_status(query.status);
      lookup.addresses = std::move(query.addresses);
      if (lookup.answer != DnsAnswer::records) lookup.detail = status_text(query.status);
      if (isolated && lookup.answer == DnsAnswer::nxdomain) {
        lookup.answer = DnsAnswer::failed;
        lookup.detail = "NXDOMAIN even for " + std::string(kCanary);
      }
    }
    return found;
  }

  // Round two: is each registrable domain registered at all (an SOA or NS record)?
  std::unordered_map<std::string, DomainRegistration> ask_domains(
      const std::set<std::string>& domains, const std::atomic<bool>* stop) {
    std::vector<Query> queries;
    for (const std::string& domain : domains) {
      queries.push_back(question(domain, ns_t_soa));
      queries.push_back(question(domain, ns_t_ns));
    }
    ask(queries, stop);
    std::unordered_map<std::string, DomainRegistration> registration;
    for (std::size_t i = 0; i + 1 < queries.size(); i += 2) {
      registration[queries[i].name] = classify_registration(
          classify_dns_status(queries[i].status), classify_dns_status(queries[i + 1].status));
    }
    return registration;
  }
};

namespace {

Status start_library() {
  static std::once_flag library;
  static int library_status = ARES_SUCCESS;
  std::call_once(library, [] { library_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (library_status == ARES_SUCCESS) return Ok{};
  return Error{std::string("DNS resolver: ") + ares_strerror(library_status)};
}

// "the system resolver (10.0.0.53:53)": the servers c-ares read from /etc/resolv.conf.
std::string describe_system_servers(ares_channel channel) {
  ares_addr_port_node* servers = nullptr;
  std::string list;
  if (ares_get_servers_ports(channel, &servers) == ARES_SUCCESS) {
    for (auto* node = servers; node != nullptr; node = node->next) {
      char text[INET6_ADDRSTRLEN] = {};
      if (!inet_ntop(node->family, &node->addr, text, sizeof text)) continue;
      DnsServer one{text, node->udp_port != 0 ? node->udp_port : 53};
      list += (list.empty() ? "" : ", ") + one.text();
    }
    ares_free_data(servers);
  }
  return "the system resolver (" + (list.empty() ? "none configured" : list) + ")";
}

}  // namespace

Result<DnsResolver> DnsResolver::open(const DnsResolverOptions& options) {
  if (Status started = start_library(); !started) return Error{started.error()};
  std::optional<DnsServer> server;
  if (!options.server.empty()) {
    Result<DnsServer> parsed = parse_dns_server(options.server);
    if (!parsed) return Error{parsed.error()};
    server = *parsed;
  }
  ares_options settings{};
  settings.flags = ARES_FLAG_NOCHECKRESP;
  settings.timeout = options.attempt_timeout_ms;
  settings.tries = 2;
  ares_channel raw = nullptr;
  int status =
      ares_init_options(&raw, &settings, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  if (status != ARES_SUCCESS) return Error{std::string("DNS resolver: ") + ares_strerror(status)};
  auto impl = std::make_unique<Impl>();
  impl->channel.reset(raw);
  impl->deadline_ms = options.deadline_ms;
  if (!server) {
    impl->described = describe_system_servers(raw);
    return DnsResolver(std::move(impl));
  }
  status = ares_set_servers_ports_csv(raw, server->text().c_str());
  if (status != ARES_SUCCESS) {
    return Error{"--dns-server " + server->text() + ": " + ares_strerror(status)};
  }
  impl->described = server->text();
  return DnsResolver(std::move(impl));
}

DnsResolver::DnsResolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DnsResolver::~DnsResolver() = default;
DnsResolver::DnsResolver(DnsResolver&&) noexcept = default;
DnsResolver& DnsResolver::operator=(DnsResolver&&) noexcept = default;

std::unordered_map<std::string, std::vector<std::string>> DnsResolver::cname_chains(
    const std::vector<std::string>& hosts, const std::atomic<bool>* stop) {
  std::vector<Query> queries;
  queries.reserve(hosts.size());
  for (const std::string& host : hosts) {
    queries.push_back(question(host, ns_t_a));
    queries.back().want_cnames = true;
  }
  impl_->ask(queries, stop);
  std::unordered_map<std::string, std::vector<std::string>> chains;
  for (const Query& query : queries) {
    chains[query.name] = follow_cname_chain(query.name, query.cnames, kMaxCnameNames);
  }
  return chains;
}

std::string DnsResolver::describe() const {
  return impl_->described;
}

std::unordered_map<std::string, HostLookup> DnsResolver::lookup(
    const std::vector<std::string>& hosts, const std::atomic<bool>* stop) {
  std::unordered_map<std::string, HostLookup> found = impl_->ask_hosts(hosts, stop);
  std::set<std::string> missing_domains;
  for (const auto& [host, lookup] : found) {
    if (lookup.answer == DnsAnswer::nxdomain) missing_domains.insert(registrable_domain(host));
  }
  if (missing_domains.empty() || (stop != nullptr && stop->load())) return found;
  std::unordered_map<std::string, DomainRegistration> registration =
      impl_->ask_domains(missing_domains, stop);
  for (auto& [host, lookup] : found) {
    if (lookup.answer == DnsAnswer::nxdomain) {
      lookup.domain = registration[registrable_domain(host)];
    }
  }
  return found;
}

}  // namespace tw
