// The PostgreSQL backend: placeholders translated once per query, statements prepared once per
// connection, results read as text, and libpq's errors folded into one line.
#include "store/postgres.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

namespace tw::postgres {
namespace {

constexpr int kFailed = 1;  // what step() returns when the statement failed

struct ConnectionCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using ConnectionPtr = std::unique_ptr<PGconn, ConnectionCloser>;
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

// The first line of a libpq message, without "ERROR:  " and trailing blanks.
std::string first_line(const char* message) {
  std::string text = message != nullptr ? message : "";
  text = text.substr(0, text.find('\n'));
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (text.starts_with(prefix)) text.erase(0, std::char_traits<char>::length(prefix));
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text;
}

// SQLite's `?N` and `?` placeholders as PostgreSQL's `$N`; quoted text is left alone. Sets
// `count` to the highest parameter number.
std::string translate_placeholders(const std::string& sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 8);
  int next = 0;
  count = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      out.push_back(c);
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
      continue;
    }
    if (c != '?') {
      out.push_back(c);
      continue;
    }
    std::size_t end = i + 1;
    while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
    int number = end > i + 1 ? std::atoi(sql.substr(i + 1, end - i - 1).c_str()) : ++next;
    count = std::max(count, number);
    out += "$" + std::to_string(number);
    i = end - 1;
  }
  return out;
}

class PgConnection;

class PgStatement final : public sql::PreparedStatement {
 public:
  PgStatement(PgConnection& owner, std::string name, int parameters)
      : owner_(owner),
        name_(std::move(name)),
        values_(static_cast<std::size_t>(parameters)),
        null_(static_cast<std::size_t>(parameters), true) {}

  void bind_text(int index, std::string_view text, bool /*borrowed*/) override {
    if (!in_range(index)) return;
    values_[index - 1].assign(text.data() != nullptr ? text.data() : "", text.size());
    null_[index - 1] = false;
  }
  void bind_integer(int index, std::int64_t value) override {
    bind_text(index, std::to_string(value), false);
  }
  void bind_real(int index, double value) override {
    char digits[32];
    auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    bind_text(index, std::string_view(digits, static_cast<std::size_t>(end - digits)), false);
  }
  void bind_null(int index) override {
    if (in_range(index)) null_[index - 1] = true;
  }
  void reset() override {
    result_.reset();
    row_ = -1;
    null_.assign(null_.size(), true);
  }
  int step() override;
  std::string text(int column) const override {
    return std::string(PQgetvalue(result_.get(), row_, column),
                       static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
  }
  std::int64_t integer(int column) const override {
    const char* value = PQgetvalue(result_.get(), row_, column);
    if (value[0] == 't') return 1;  // a boolean
    if (value[0] == 'f') return 0;
    return std::strtoll(value, nullptr, 10);
  }
  double real(int column) const override {
    return std::strtod(PQgetvalue(result_.get(), row_, column), nullptr);
  }
  bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }

 private:
  bool in_range(int index) const {
    return index >= 1 && static_cast<std::size_t>(index) <= values_.size();
  }

  PgConnection& owner_;
  std::string name_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  ResultPtr result_;
  int row_ = -1;
};

class PgConnection final : public sql::Connection {
 public:
  PgConnection(ConnectionPtr conn, std::string name)
      : conn_(std::move(conn)), name_(std::move(name)) {}

  PGconn* handle() const { return conn_.get(); }
  sql::Dialect dialect() const override { return sql::Dialect::postgres; }
  const std::string& path() const override { return name_; }

  Status exec(const std::string& sql) override {
    ResultPtr result(PQexec(conn_.get(), sql.c_str()));
    if (!succeeded(result.get())) {
      return error(kFailed, "running " + sql.substr(0, sql.find_first_of("(\n")));
    }
    // COMMIT of a transaction in which a statement failed rolls it back and still "succeeds".
    if (sql == "COMMIT" && std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
      message_ = "a statement of the transaction failed; nothing of it was stored";
      return error(kFailed, "committing");
    }
    return Ok{};
  }

  Result<sql::Statement> prepare(const std::string& sql) override {
    auto found = cache_.find(sql);
    if (found == cache_.end()) {
      int parameters = 0;
      std::string translated = translate_placeholders(sql, parameters);
      std::string name = "tw" + std::to_string(cache_.size() + 1);
      ResultPtr result(PQprepare(conn_.get(), name.c_str(), translated.c_str(), 0, nullptr));
      if (!succeeded(result.get())) return error(kFailed, "preparing a query");
      found = cache_.emplace(sql, std::make_unique<PgStatement>(*this, name, parameters)).first;
    }
    return sql::Statement(found->second.get());
  }

  std::int64_t changes() const override { return changes_; }
  const char* returning_id() const override { return " RETURNING id"; }
  // Never needed: every INSERT that makes an id returns it (returning_id).
  std::int64_t last_inserted_id() const override { return 0; }
  Status begin(bool write) override {
    // Writers run at READ COMMITTED: ids come from identity columns, shared rows are inserted
    // with ON CONFLICT DO NOTHING, and a deadlock between two runners is retried (conflicted).
    return exec(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  }
  bool conflicted() const override {
    // Deadlock, serialization failure, and a row referred to that a concurrent prune removed.
    return sqlstate_ == "40P01" || sqlstate_ == "40001" || sqlstate_ == "23503";
  }
  Error error(int code, std::string_view doing) const override {
    (void)code;
    return Error{name_ + ": " + std::string(doing) + ": " + message_};
  }

  // Records the outcome of a statement: its row count, or its error for error().
  bool succeeded(const PGresult* result) {
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const char* tuples = PQcmdTuples(const_cast<PGresult*>(result));
      changes_ = tuples[0] != '\0' ? std::strtoll(tuples, nullptr, 10) : 0;
      return true;
    }
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    sqlstate_ = state != nullptr ? state : "";
    message_ =
        first_line(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_.get()));
    if (message_.empty()) message_ = first_line(PQerrorMessage(conn_.get()));
    return false;
  }

 private:
  ConnectionPtr conn_;
  std::string name_;
  std::unordered_map<std::string, std::unique_ptr<PgStatement>> cache_;
  std::int64_t changes_ = 0;
  std::string sqlstate_;
  std::string message_;
};

int PgStatement::step() {
  if (!result_) {
    std::vector<const char*> values(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) {
      values[i] = null_[i] ? nullptr : values_[i].c_str();
    }
    result_.reset(PQexecPrepared(owner_.handle(), name_.c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0));
    if (!owner_.succeeded(result_.get())) {
      result_.reset();
      return kFailed;
    }
  }
  ++row_;
  return row_ < PQntuples(result_.get()) ? sql::kRow : sql::kDone;
}

void ignore_notice(void* /*arg*/, const char* /*message*/) {}

}  // namespace

Result<std::unique_ptr<sql::Connection>> open(const std::string& url) {
  const std::string name = sql::display_name(url);
  // Later keywords win: the URL's own connect_timeout overrides the default before it.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "tagwarden", url.c_str(), nullptr};
  ConnectionPtr conn(PQconnectdbParams(keywords, values, 1));
  if (!conn) return Error{name + ": cannot connect to PostgreSQL (out of memory)"};
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string reason = first_line(PQerrorMessage(conn.get()));
    return Error{name + ": cannot connect to PostgreSQL (" + reason + ")"};
  }
  PQsetNoticeProcessor(conn.get(), ignore_notice, nullptr);
  auto db = std::make_unique<PgConnection>(std::move(conn), name);
  if (Status set = db->exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'"); !set) {
    return Error{set.error()};
  }
  return std::unique_ptr<sql::Connection>(std::move(db));
}

}  // namespace tw::postgres

namespace tw::sql {

std::string display_name(std::string_view path) {
  std::string out(path);
  if (!is_postgres_url(path)) return out;
  // postgresql://user:password@host...: the password is between the first ':' after the
  // scheme and the last '@' before the path.
  std::size_t start = out.find("://") + 3;
  std::size_t slash = out.find('/', start);
  std::size_t at = out.rfind('@', slash == std::string::npos ? std::string::npos : slash);
  if (at != std::string::npos && at > start) {
    std::size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // ...?password=secret&...
  for (std::size_t key = out.find("password=", start); key != std::string::npos;
       key = out.find("password=", key + 1)) {
    if (key > 0 && out[key - 1] != '?' && out[key - 1] != '&') continue;
    std::size_t value = key + 9;
    std::size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

}  // namespace tw::sql
