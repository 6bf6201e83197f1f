// The string evaluator of script_strings.h: a forward-only lexer (strings, templates, names,
// comments, regular expressions told from division by the token before them) feeding a small
// recursive-descent evaluator whose depth is capped, so every token is read once and the stack
// stays shallow. Values are lazy: a lone literal or name is only copied when an operator uses it,
// which keeps large application scripts cheap.
#include "analyzers/script_strings.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "model/text.h"

namespace tw {
namespace {

constexpr int kMaxDepth = 16;
constexpr std::size_t kMaxAlternatives = 4;
// Alternatives multiply under '+'; the product is only built while it stays this small.
constexpr std::size_t kMaxProductBytes = 512;
constexpr std::size_t kMaxValueBytes = 65536;
constexpr std::size_t kMaxVariableBytes = 512;
constexpr std::size_t kMaxVariables = 256;
constexpr std::size_t kMaxWrites = 32;
constexpr std::size_t kMaxUrlBytes = 2048;

enum class TokenType {
  end,
  string,
  template_string,
  name,
  number,
  plus,
  question,
  colon,
  open,
  close,
  assign,
  equal,
  not_equal,
  other,
};

struct Token {
  TokenType type = TokenType::end;
  std::size_t begin = 0;  // a string's content, without its quotes; a name's text
  std::size_t end = 0;
  bool escaped = false;       // the string holds a backslash
  bool substitution = false;  // the template holds ${...} after its content
};

bool is_name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}

bool is_name_char(unsigned char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Names after which an expression (and so a regular expression literal) may start.
bool is_expression_keyword(std::string_view name) {
  for (std::string_view keyword : {"return", "typeof", "case", "do", "else", "in", "of", "new",
                                   "delete", "void", "throw", "instanceof", "yield", "await"}) {
    if (name == keyword) return true;
  }
  return false;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next() {
    skip_space_and_comments();
    Token token;
    token.begin = at_;
    if (at_ >= text_.size()) return token;
    char c = text_[at_];
    bool was_value = last_is_value_;
    last_is_value_ = false;
    if (c == '\'' || c == '"') return value(read_string(c));
    if (c == '`') return value(read_template());
    if (is_name_start(static_cast<unsigned char>(c))) return read_name();
    if (is_digit(c) || (c == '.' && at_ + 1 < text_.size() && is_digit(text_[at_ + 1]))) {
      while (at_ < text_.size() && (is_name_char(static_cast<unsigned char>(text_[at_])) ||
                                    text_[at_] == '.')) {
        ++at_;
      }
      return value(finish(token, TokenType::number));
    }
    ++at_;
    auto next_is = [&](char expected) {
      if (at_ < text_.size() && text_[at_] == expected) {
        ++at_;
        return true;
      }
      return false;
    };
    switch (c) {
      case '+':
        if (next_is('+') || next_is('=')) return finish(token, TokenType::other);
        return finish(token, TokenType::plus);
      case '?':
        if (next_is('?') || next_is('.')) return finish(token, TokenType::other);
        return finish(token, TokenType::question);
      case ':':
        return finish(token, TokenType::colon);
      case '(':
        return finish(token, TokenType::open);
      case ')':
        return value(finish(token, TokenType::close));
      case ']':
        return value(finish(token, TokenType::other));
      case '=':
        if (next_is('>')) return finish(token, TokenType::other);
        if (next_is('=')) {
          next_is('=');
          return finish(token, TokenType::equal);
        }
        return finish(token, TokenType::assign);
      case '!':
        if (next_is('=')) {
          next_is('=');
          return finish(token, TokenType::not_equal);
        }
        return finish(token, TokenType::other);
      case '/':
        if (!was_value && token.begin >= no_regex_before_) {
          if (skip_regex()) return value(finish(token, TokenType::other));
        }
        return finish(token, TokenType::other);
      default:
        return finish(token, TokenType::other);
    }
  }

  std::string_view text() const { return text_; }

 private:
  Token finish(Token token, TokenType type) {
    token.type = type;
    token.end = at_;
    return token;
  }

  Token value(Token token) {
    last_is_value_ = true;
    return token;
  }

  void skip_space_and_comments() {
    while (at_ < text_.size()) {
      char c = text_[at_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++at_;
      } else if (c == '/' && at_ + 1 < text_.size() && text_[at_ + 1] == '/') {
        std::size_t end = text_.find('\n', at_ + 2);
        at_ = end == std::string_view::npos ? text_.size() : end;
      } else if (c == '/' && at_ + 1 < text_.size() && text_[at_ + 1] == '*') {
        std::size_t end = text_.find("*/", at_ + 2);
        at_ = end == std::string_view::npos ? text_.size() : end + 2;
      } else if (c == '<' && text_.substr(at_, 4) == "<!--") {
        at_ += 4;  // an HTML comment opener hiding a script from old browsers
      } else {
        return;
      }
    }
  }

  // Content up to the closing quote; a line end closes an unterminated string.
  Token read_string(char quote) {
    Token token;
    token.type = TokenType::string;
    token.begin = ++at_;
    while (at_ < text_.size()) {
      char c = text_[at_];
      if (c == quote || c == '\n') break;
      if (c == '\\') {
        token.escaped = true;
        at_ += 2;
        continue;
      }
      ++at_;
    }
    at_ = std::min(at_, text_.size());
    token.end = at_;
    if (at_ < text_.size() && text_[at_] == quote) ++at_;
    return token;
  }

  // The content before the first ${ is known; the rest of the template is skipped.
  Token read_template() {
    Token token;
    token.type = TokenType::template_string;
    token.begin = ++at_;
    token.end = std::string_view::npos;
    while (at_ < text_.size()) {
      char c = text_[at_];
      if (c == '\\') {
        token.escaped = true;
        at_ += 2;
        continue;
      }
      if (c == '`') break;
      if (c == '$' && at_ + 1 < text_.size() && text_[at_ + 1] == '{') {
        if (token.end == std::string_view::npos) {
          token.end = at_;
          token.substitution = true;
        }
        skip_substitution();
        continue;
      }
      ++at_;
    }
    at_ = std::min(at_, text_.size());
    if (token.end == std::string_view::npos) token.end = at_;
    if (at_ < text_.size()) ++at_;
    return token;
  }

  // From "${" to its closing brace, passing over strings (and templates, without their own
  // substitutions) inside it.
  void skip_substitution() {
    at_ += 2;
    int depth = 1;
    while (at_ < text_.size() && depth > 0) {
      char c = text_[at_];
      if (c == '\'' || c == '"' || c == '`') {
        char quote = c;
        ++at_;
        while (at_ < text_.size() && text_[at_] != quote && (quote == '`' || text_[at_] != '\n')) {
          at_ += text_[at_] == '\\' ? 2 : 1;
        }
      } else if (c == '{') {
        ++depth;
      } else if (c == '}') {
        --depth;
      }
      ++at_;
    }
  }

  Token read_name() {
    Token token;
    token.type = TokenType::name;
    token.begin = at_;
    for (;;) {
      while (at_ < text_.size() && is_name_char(static_cast<unsigned char>(text_[at_]))) ++at_;
      // Member chains ("document.location.protocol") are one name.
      if (at_ + 1 < text_.size() && text_[at_] == '.' &&
          is_name_start(static_cast<unsigned char>(text_[at_ + 1]))) {
        ++at_;
        continue;
      }
      break;
    }
    token.end = at_;
    last_is_value_ = !is_expression_keyword(text_.substr(token.begin, token.end - token.begin));
    return token;
  }

  // A regular expression literal from the '/' just read; false (a division) when the line ends
  // first, and then no '/' before that line end starts one, which keeps the scan linear.
  bool skip_regex() {
    std::size_t at = at_;
    bool in_class = false;
    while (at < text_.size()) {
      char c = text_[at];
      if (c == '\n' || c == '\r') break;
      if (c == '\\') {
        at += 2;
        continue;
      }
      if (c == '[') in_class = true;
      if (c == ']') in_class = false;
      if (c == '/' && !in_class) {
        at_ = at + 1;
        while (at_ < text_.size() && is_name_char(static_cast<unsigned char>(text_[at_]))) ++at_;
        return true;
      }
      ++at;
    }
    no_regex_before_ = at;
    return false;
  }

  std::string_view text_;
  std::size_t at_ = 0;
  bool last_is_value_ = false;  // a '/' after a value divides; elsewhere it opens a regex
  std::size_t no_regex_before_ = 0;
};

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `count` hex digits at `at` (or up to '}' for \u{...}), or -1.
long hex_run(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return -1;
  long value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    int digit = hex_value(text[at + i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// A JavaScript string literal's content with its escapes decoded.
void append_decoded(std::string& out, std::string_view raw) {
  for (std::size_t at = 0; at < raw.size(); ++at) {
    char c = raw[at];
    if (c != '\\' || at + 1 >= raw.size()) {
      out.push_back(c);
      continue;
    }
    char e = raw[++at];
    switch (e) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case '\n': break;  // a line continuation
      case 'x':
        if (long code = hex_run(raw, at + 1, 2); code >= 0) {
          append_utf8(out, static_cast<std::uint32_t>(code));
          at += 2;
        } else {
          out.push_back(e);
        }
        break;
      case 'u':
        if (long code = hex_run(raw, at + 1, 4); code >= 0) {
          append_utf8(out, static_cast<std::uint32_t>(code));
          at += 4;
        } else if (at + 1 < raw.size() && raw[at + 1] == '{') {
          std::size_t close = raw.find('}', at + 2);
          long braced = close != std::string_view::npos && close - at - 2 <= 6
                            ? hex_run(raw, at + 2, close - at - 2)
                            : -1;
          if (braced >= 0 && braced <= 0x10FFFF) {
            append_utf8(out, static_cast<std::uint32_t>(braced));
            at = close;
          } else {
            out.push_back(e);
          }
        } else {
          out.push_back(e);
        }
        break;
      default:
        out.push_back(e);
    }
  }
}

struct Alternative {
  std::string text;
  std::vector<WrittenMarkup::Source> sources;
  bool full = false;  // reached kMaxValueBytes; nothing more is appended

  std::size_t offset() const {
    return sources.empty() ? std::string_view::npos : sources.front().script_offset;
  }
  void append_unknown() {
    if (text.empty() || text.back() != kUnknownPart) text.push_back(kUnknownPart);
  }
  void append(const Alternative& other) {
    if (full) return;
    if (text.size() + other.text.size() > kMaxValueBytes) {
      append_unknown();
      full = true;
      return;
    }
    std::size_t shift = text.size();
    bool joins_unknown = !text.empty() && text.back() == kUnknownPart && !other.text.empty() &&
                         other.text.front() == kUnknownPart;
    if (joins_unknown) {
      text.pop_back();
      --shift;
    }
    text += other.text;
    for (WrittenMarkup::Source source : other.sources) {
      source.markup_offset += shift;
      sources.push_back(source);
    }
    full = other.full;
  }
};

// What an expression evaluates to. Lone literals and names stay pending until an operator needs
// their text.
struct Value {
  enum class State { unknown, literal, name, known };
  State state = State::unknown;
  Token token;                            // literal or name
  std::vector<Alternative> alternatives;  // known: at least one
  bool built = false;                     // came from an operator or a variable
  int condition = -1;  // a comparison's known outcome (1 true, 0 false), -1 when not known

  static Value unknown() { return {}; }
};

struct Context {
  std::string_view target;  // the variable assigned the expression, if any
  bool property_value = false;
};

bool ends_with_protocol(std::string_view name) {
  return name == "location.protocol" || name.ends_with(".location.protocol");
}

class Evaluator {
 public:
  Evaluator(std::string_view text, ScriptStringOptions options) : lexer_(text), options_(options) {
    advance();
  }

  ScriptStrings run() {
    while (current_.type != TokenType::end) {
      if (starts_term(current_.type)) {
        expression(0);
      } else {
        advance();
      }
    }
    std::stable_sort(out_.urls.begin(), out_.urls.end(),
                     [](const BuiltUrl& a, const BuiltUrl& b) { return a.offset < b.offset; });
    // The outermost expression at an offset was emitted last: it is the whole URL.
    std::vector<BuiltUrl> kept;
    for (BuiltUrl& url : out_.urls) {
      if (!kept.empty() && kept.back().offset == url.offset) {
        kept.back() = std::move(url);
      } else {
        kept.push_back(std::move(url));
      }
    }
    out_.urls = std::move(kept);
    return std::move(out_);
  }

 private:
  static bool starts_term(TokenType type) {
    return type == TokenType::string || type == TokenType::template_string ||
           type == TokenType::name || type == TokenType::number || type == TokenType::open;
  }

  void advance() {
    before_previous_ = previous_;
    previous_ = current_;
    current_ = lexer_.next();
  }

  std::string_view text_of(const Token& token) const {
    return lexer_.text().substr(token.begin, token.end - token.begin);
  }

  // expression := sum [(==|!=) sum] [? expression : expression]
  Value expression(int depth) {
    if (depth > kMaxDepth) return Value::unknown();  // not consumed: the caller moves on
    Context context;
    if (previous_.type == TokenType::assign && before_previous_.type == TokenType::name) {
      context.target = text_of(before_previous_);
    }
    context.property_value =
        previous_.type == TokenType::colon || previous_.type == TokenType::assign;
    Value value = sum(depth);
    int condition = -1;  // -1 unknown, 0 false, 1 true
    bool compared = false;
    if (current_.type == TokenType::equal || current_.type == TokenType::not_equal) {
      bool negate = current_.type == TokenType::not_equal;
      advance();
      Value right = sum(depth);
      condition = protocol_test(value, right);
      if (condition >= 0 && negate) condition = 1 - condition;
      compared = true;
      value = Value::unknown();
    } else {
      condition = value.condition;  // "(protocol test) ? a : b"
    }
    if (current_.type == TokenType::question) {
      advance();
      Value yes = expression(depth + 1);
      if (current_.type != TokenType::colon) return Value::unknown();
      advance();
      Value no = expression(depth + 1);
      if (condition >= 0) rule_out(condition == 1 ? no : yes);
      value = condition == 1 ? std::move(yes)
              : condition == 0 ? std::move(no)
                               : either(std::move(yes), std::move(no));
      if (value.state != Value::State::unknown) {
        materialize(value);
        value.built = true;
      }
    } else if (compared) {
      value = Value::unknown();
      value.condition = condition;
    }
    emit(value, context);
    if (!context.target.empty()) remember(context.target, value);
    return value;
  }

  // sum := term (+ term)*
  Value sum(int depth) {
    Value value = term(depth);
    while (current_.type == TokenType::plus) {
      advance();
      Value right = term(depth);
      concatenate(value, std::move(right));
    }
    return value;
  }

  Value term(int depth) {
    Value value;
    switch (current_.type) {
      case TokenType::string:
      case TokenType::template_string:
        value.state = Value::State::literal;
        value.token = current_;
        advance();
        return value;
      case TokenType::name: {
        Token name = current_;
        advance();
        if (current_.type == TokenType::open) {
          std::string_view called = text_of(name);
          call(depth, called == "document.write" || called == "document.writeln");
          return Value::unknown();
        }
        value.state = Value::State::name;
        value.token = name;
        return value;
      }
      case TokenType::number:
        advance();
        return Value::unknown();
      case TokenType::open: {
        advance();
        if (depth >= kMaxDepth) return Value::unknown();
        Value inner = expression(depth + 1);
        if (current_.type != TokenType::close) return Value::unknown();
        advance();
        return inner;
      }
      default:
        return Value::unknown();  // not consumed: the caller's loop moves past it
    }
  }

  // A call's arguments, each evaluated on its own, up to its ')' (left unconsumed at anything
  // else, such as a function body). For document.write( markup ), the first argument's text is
  // kept with where each part came from.
  void call(int depth, bool writes) {
    advance();  // '('
    if (depth >= kMaxDepth) return;
    bool first = true;
    while (starts_term(current_.type)) {
      std::size_t begin = current_.begin;
      Value argument = expression(depth + 1);
      if (first && writes) add_write(argument, begin, previous_.end);
      first = false;
      if (!skip_rest_of_argument()) return;
      if (current_.type == TokenType::close) break;
      advance();  // ','
    }
    if (current_.type == TokenType::close) advance();
  }

  // Past what the evaluator does not read in an argument (arithmetic: "Math.random() * 1e8") to
  // its ',' or ')'; false at a statement or block boundary, which a function argument's body
  // holds, and which is then left to the caller.
  bool skip_rest_of_argument() {
    int depth = 0;
    while (current_.type != TokenType::end) {
      if (current_.type == TokenType::open) {
        ++depth;
      } else if (current_.type == TokenType::close) {
        if (depth == 0) return true;
        --depth;
      } else if (current_.type == TokenType::other) {
        std::string_view text = text_of(current_);
        if (text == "," && depth == 0) return true;
        if (text == "{" || text == "}" || text == ";") return false;
      }
      advance();
    }
    return false;
  }

  void add_write(Value& argument, std::size_t begin, std::size_t end) {
    materialize(argument);
    if (argument.state != Value::State::known || out_.writes.size() >= kMaxWrites) return;
    const Alternative& first = argument.alternatives.front();
    if (first.text.find('<') == std::string::npos) return;
    WrittenMarkup write;
    write.markup = first.text;
    write.sources = first.sources;
    write.script_begin = begin;
    write.script_end = end;
    out_.writes.push_back(std::move(write));
  }

  // 1 or 0 when one side is `location.protocol` and the other a literal; else -1.
  int protocol_test(Value& left, Value& right) {
    Value* name = left.state == Value::State::name ? &left : &right;
    Value* literal = left.state == Value::State::name ? &right : &left;
    if (name->state != Value::State::name || literal->state != Value::State::literal) return -1;
    if (!ends_with_protocol(text_of(name->token))) return -1;
    std::string_view scheme = text_of(literal->token);
    if (scheme != "https:" && scheme != "http:") return -1;
    return (scheme == "https:") == options_.https_page ? 1 : 0;
  }

  // Turns a pending literal or name into known alternatives (or unknown).
  void materialize(Value& value) {
    if (value.state == Value::State::literal) {
      Alternative alternative;
      std::string_view raw = text_of(value.token);
      alternative.sources.push_back({0, value.token.begin, !value.token.escaped});
      if (value.token.escaped) {
        append_decoded(alternative.text, raw);
      } else {
        alternative.text.assign(raw);
      }
      if (alternative.text.size() > kMaxValueBytes) {
        alternative.text.resize(kMaxValueBytes);
        alternative.full = true;
      }
      if (value.token.substitution) alternative.append_unknown();
      value.alternatives.push_back(std::move(alternative));
      value.state = Value::State::known;
    } else if (value.state == Value::State::name) {
      std::string_view name = text_of(value.token);
      if (ends_with_protocol(name)) {
        Alternative alternative;
        alternative.text = options_.https_page ? "https:" : "http:";
        alternative.sources.push_back({0, value.token.begin, false});
        value.alternatives.push_back(std::move(alternative));
        value.state = Value::State::known;
      } else if (auto found = variables_.find(name); found != variables_.end()) {
        value.alternatives.push_back(found->second);
        value.state = Value::State::known;
        value.built = true;
      } else {
        value.state = Value::State::unknown;
      }
    }
  }

  void concatenate(Value& left, Value right) {
    materialize(left);
    materialize(right);
    bool left_known = left.state == Value::State::known;
    bool right_known = right.state == Value::State::known;
    if (left_known || right_known) left.built = true;
    if (!right_known) {
      for (Alternative& alternative : left.alternatives) alternative.append_unknown();
      return;
    }
    if (!left_known) {
      Alternative unknown_start;
      unknown_start.append_unknown();
      left.alternatives.assign(1, std::move(unknown_start));
      left.state = Value::State::known;
    }
    if (right.alternatives.size() == 1) {
      for (Alternative& alternative : left.alternatives)
        alternative.append(right.alternatives.front());
      return;
    }
    std::size_t bytes = 0, count = left.alternatives.size() * right.alternatives.size();
    for (const Alternative& a : left.alternatives) bytes += a.text.size() * right.alternatives.size();
    for (const Alternative& b : right.alternatives) bytes += b.text.size() * left.alternatives.size();
    if (count > kMaxAlternatives || bytes > kMaxProductBytes) {
      left.alternatives.resize(1);
      left.alternatives.front().append_unknown();
      return;
    }
    std::vector<Alternative> product;
    for (const Alternative& a : left.alternatives) {
      for (const Alternative& b : right.alternatives) {
        Alternative joined = a;
        joined.append(b);
        product.push_back(std::move(joined));
      }
    }
    left.alternatives = std::move(product);
  }

  void rule_out(const Value& branch) {
    if (branch.state == Value::State::literal) out_.ruled_out.push_back(branch.token.begin);
    if (branch.state != Value::State::known) return;
    for (const Alternative& alternative : branch.alternatives) {
      if (alternative.offset() != std::string_view::npos)
        out_.ruled_out.push_back(alternative.offset());
    }
  }

  // The branches of a ternary whose condition is not known: both.
  Value either(Value yes, Value no) {
    materialize(yes);
    materialize(no);
    if (yes.state != Value::State::known) return no;
    if (no.state != Value::State::known) return yes;
    for (Alternative& alternative : no.alternatives) {
      if (yes.alternatives.size() >= kMaxAlternatives) break;
      yes.alternatives.push_back(std::move(alternative));
    }
    return yes;
  }

  void remember(std::string_view name, Value& value) {
    if (value.state == Value::State::name && text_of(value.token) == name) return;
    materialize(value);
    bool usable = value.state == Value::State::known && value.alternatives.size() == 1 &&
                  value.alternatives.front().text.size() <= kMaxVariableBytes;
    if (!usable) {
      variables_.erase(name);
      return;
    }
    if (variables_.size() >= kMaxVariables && !variables_.contains(name)) return;
    variables_[name] = value.alternatives.front();
  }

  void emit(Value& value, const Context& context) {
    if (value.state == Value::State::literal && !value.built) {
      emit_lone_literal(value.token, context);
      return;
    }
    if (value.state != Value::State::known || !value.built) return;
    for (const Alternative& alternative : value.alternatives) {
      emit_text(alternative.text, alternative.offset(), context, UrlForm::built);
    }
  }

  // A single literal: only the forms without "//" are this evaluator's to report (the caller
  // finds "https://" and "//" literals itself).
  void emit_lone_literal(const Token& token, const Context& context) {
    std::string_view raw = text_of(token);
    if (raw.empty() || raw.size() > kMaxUrlBytes || token.substitution) return;
    unsigned char first = static_cast<unsigned char>(raw.front());
    if (!is_name_char(first) || first == '$' || raw.find('.') == std::string_view::npos) return;
    if (!token.escaped) {
      emit_bare(raw, token.begin, context);
      return;
    }
    std::string decoded;
    append_decoded(decoded, raw);
    emit_bare(decoded, token.begin, context);
  }

  void emit_text(std::string_view text, std::size_t offset, const Context& context,
                 UrlForm form) {
    if (offset == std::string_view::npos) return;
    std::size_t host_start = 0;
    std::string prefix;
    if (starts_with_ignoring_case(text, "https://")) {
      host_start = 8;
    } else if (starts_with_ignoring_case(text, "http://")) {
      host_start = 7;
    } else if (text.starts_with("//")) {
      host_start = 2;
    } else if (text.size() > 1 && text.front() == kUnknownPart &&
               text.substr(1).starts_with("://")) {
      prefix = "https";  // a scheme chosen at run time
      text.remove_prefix(1);
      host_start = 3;
    } else if (text.size() > 1 && text.front() == kUnknownPart &&
               text.substr(1).starts_with("//")) {
      text.remove_prefix(1);
      host_start = 2;
    } else {
      emit_bare(text.substr(0, text.find(kUnknownPart)), offset, context);
      return;
    }
    std::size_t host_end = text.find_first_of(std::string_view("/?#:\\\x01", 6), host_start);
    if (host_end == std::string_view::npos) host_end = text.size();
    if (host_end < text.size() && text[host_end] == kUnknownPart) return;  // host not known
    if (!is_url_host(text.substr(host_start, host_end - host_start))) return;
    std::size_t end = host_end;
    while (end < text.size() && end < kMaxUrlBytes && is_url_char(text[end])) ++end;
    out_.urls.push_back({prefix + std::string(text.substr(0, end)), offset, form});
  }

  void emit_bare(std::string_view text, std::size_t offset, const Context& context) {
    std::string_view host = bare_host(text);
    if (host.empty()) return;
    std::string_view path = text.substr(host.size());
    std::string_view file = path.substr(0, path.find_first_of("?#"));
    UrlForm form;
    if (file.ends_with(".js") || file.ends_with(".mjs") || file.ends_with(".gif")) {
      form = UrlForm::host_and_script;
    } else if ((path.empty() || path == "/") && context.property_value) {
      form = UrlForm::host_only;
    } else {
      return;
    }
    out_.urls.push_back({"https://" + std::string(text), offset, form});
  }

  static bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           equals_ignoring_ascii_case(text.substr(0, prefix.size()), prefix);
  }

  static bool is_url_char(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7F && c != '"' && c != '\'' && c != '`' && c != '<' && c != '>' &&
           c != '\\' && c != kUnknownPart;
  }

  static bool is_url_host(std::string_view host) {
    return !host.empty() && bare_host(host).size() == host.size();
  }

  Lexer lexer_;
  ScriptStringOptions options_;
  Token current_, previous_, before_previous_;
  std::unordered_map<std::string_view, Alternative> variables_;
  ScriptStrings out_;
};

}  // namespace

std::string_view bare_host(std::string_view text) {
  std::size_t end = 0, label_start = 0, dots = 0;
  bool last_label_alphabetic = true;
  while (end < text.size()) {
    char c = text[end];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c == '.') {
      if (end == label_start) return {};  // an empty label
      ++dots;
      label_start = end + 1;
      last_label_alphabetic = true;
    } else if (letter || c == '-') {
    } else if (is_digit(c) || c == '_') {
      last_label_alphabetic = false;
    } else {
      break;
    }
    ++end;
  }
  bool ends_host = end == text.size() || text[end] == '/' || text[end] == ':' || text[end] == '?' ||
                   text[end] == '#';
  std::size_t last_label = end - label_start;
  if (!ends_host || dots == 0 || last_label < 2 || !last_label_alphabetic) return {};
  if (text.front() == '-' || text[end - 1] == '-') return {};
  return text.substr(0, end);
}

std::size_t script_offset_of(const WrittenMarkup& write, std::size_t markup_offset) {
  auto after = std::upper_bound(write.sources.begin(), write.sources.end(), markup_offset,
                                [](std::size_t offset, const WrittenMarkup::Source& source) {
                                  return offset < source.markup_offset;
                                });
  if (after == write.sources.begin()) return write.script_begin;
  const WrittenMarkup::Source& source = *std::prev(after);
  return source.exact ? source.script_offset + (markup_offset - source.markup_offset)
                      : source.script_offset;
}

ScriptStrings evaluate_script_strings(std::string_view script, ScriptStringOptions options) {
  return Evaluator(script, options).run();
}

}  // namespace tw
