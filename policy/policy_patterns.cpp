// Glob matching is a set-of-positions simulation (no backtracking), so a hostile pattern or a long
// URL path costs at most patterns x path length.
#include "policy/policy_patterns.h"

#include <algorithm>

namespace tw {

struct Glob::Token {
  enum Type {
    literal,        // one exact character
    any,            // '?': one character except '/'
    char_class,     // '[...]': one character (never '/') in or (negated) out of the set
    star,           // '*': any run without '/'
    globstar,       // a lone '**': anything
    optional_dirs,  // '**/' at the start or '/**/' inside: "" or a run ending in '/'
    tail,           // '/**' at the end: "" or '/' followed by anything
  };
  Type type = literal;
  char ch = 0;
  bool negated = false;
  std::vector<std::pair<char, char>> ranges;
};

namespace {

using Token = Glob::Token;

Status parse_class(std::string_view pattern, std::size_t& i, Token& token) {
  // pattern[i] == '['
  std::size_t j = i + 1;
  token.type = Token::char_class;
  if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) {
    token.negated = true;
    ++j;
  }
  bool first = true;
  while (j < pattern.size() && (pattern[j] != ']' || first)) {
    char low = pattern[j];
    char high = low;
    if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
      high = pattern[j + 2];
      if (high < low)
        return Error{"character range '" + std::string(1, low) + "-" + std::string(1, high) +
                     "' is reversed"};
      j += 2;
    }
    token.ranges.emplace_back(low, high);
    first = false;
    ++j;
  }
  if (j >= pattern.size()) return Error{"'[' at offset " + std::to_string(i) + " is never closed"};
  i = j;  // at ']'
  return Ok{};
}

Token token_of(Token::Type type) {
  Token token;
  token.type = type;
  return token;
}

bool class_matches(const Token& token, char c) {
  if (c == '/') return false;
  bool in = std::any_of(token.ranges.begin(), token.ranges.end(),
                        [c](const auto& r) { return c >= r.first && c <= r.second; });
  return in != token.negated;
}

}  // namespace

Result<Glob> Glob::compile(std::string_view pattern, Kind kind) {
  auto fail = [&](const std::string& why) {
    std::string_view what = kind == Kind::path ? "path" : kind == Kind::host ? "host" : "URL";
    return Error{"bad " + std::string(what) + " pattern '" +
                 std::string(pattern) + "': " + why};
  };
  if (pattern.empty()) return fail("it is empty");
  if (pattern.size() > 1024) return fail("it is longer than 1024 characters");
  if (kind == Kind::path && pattern.front() != '/' && !pattern.starts_with("**")) {
    return fail("a path pattern starts with '/' (e.g. /checkout/**)");
  }
  if (kind == Kind::url && !pattern.starts_with("http://") && !pattern.starts_with("https://")) {
    return fail("a URL pattern starts with https:// or http:// (e.g. https://cdn.example.com/**)");
  }
  if (kind == Kind::host && pattern.find('/') != std::string_view::npos) {
    return fail("a host pattern has no '/' (e.g. *.example.com)");
  }
  auto tokens = std::make_shared<std::vector<Token>>();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*') {
      std::size_t run = 1;
      while (i + run < pattern.size() && pattern[i + run] == '*') ++run;
      if (run > 2) return fail("'" + std::string(run, '*') + "' is not a wildcard (use * or **)");
      if (run == 1) {
        tokens->push_back(token_of(Token::star));
        continue;
      }
      bool starts_segment = i == 0 || pattern[i - 1] == '/';
      bool ends_segment = i + 2 == pattern.size() || pattern[i + 2] == '/';
      if (kind == Kind::host || !starts_segment || !ends_segment) {
        return fail("'**' must be a whole path segment (like /blog/** or /**/print)");
      }
      bool at_end = i + 2 == pattern.size();
      if (i == 0 && at_end) {
        tokens->push_back(token_of(Token::globstar));
      } else if (at_end) {
        tokens->pop_back();  // the '/' before it belongs to the tail
        tokens->push_back(token_of(Token::tail));
      } else {
        tokens->push_back(token_of(Token::optional_dirs));
        ++i;  // the '/' after '**' is part of optional_dirs
      }
      ++i;
      continue;
    }
    if (c == '?') {
      tokens->push_back(token_of(Token::any));
      continue;
    }
    if (c == '[') {
      Token token;
      if (Status s = parse_class(pattern, i, token); !s) return fail(s.error());
      tokens->push_back(std::move(token));
      continue;
    }
    if (c == ']') return fail("']' at offset " + std::to_string(i) + " has no matching '['");
    if (static_cast<unsigned char>(c) < 0x20) return fail("it contains a control character");
    Token token;
    token.ch = kind == Kind::host && c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    tokens->push_back(std::move(token));
  }
  Glob glob;
  glob.text_ = std::string(pattern);
  glob.tokens_ = std::move(tokens);
  return glob;
}

bool Glob::matches(std::string_view text) const {
  if (!tokens_) return false;
  const std::size_t n = text.size();
  std::vector<char> reach(n + 1, 0), next(n + 1, 0);
  reach[0] = 1;
  for (const Token& token : *tokens_) {
    std::fill(next.begin(), next.end(), 0);
    switch (token.type) {
      case Token::literal:
      case Token::any:
      case Token::char_class:
        for (std::size_t j = 0; j < n; ++j) {
          if (!reach[j]) continue;
          char c = text[j];
          bool ok = token.type == Token::literal ? c == token.ch
                    : token.type == Token::any   ? c != '/'
                                                 : class_matches(token, c);
          if (ok) next[j + 1] = 1;
        }
        break;
      case Token::star:
        for (std::size_t j = 0; j <= n; ++j) {
          next[j] = reach[j] || (j > 0 && next[j - 1] && text[j - 1] != '/');
        }
        break;
      case Token::globstar: {
        bool seen = false;
        for (std::size_t j = 0; j <= n; ++j) next[j] = seen = seen || reach[j];
        break;
      }
      case Token::optional_dirs: {
        bool seen = false;  // some earlier position was reachable
        for (std::size_t j = 0; j <= n; ++j) {
          next[j] = reach[j] || (seen && text[j - 1] == '/');
          seen = seen || reach[j];
        }
        break;
      }
      case Token::tail:
        next[n] = reach[n];
        for (std::size_t j = 0; j < n && !next[n]; ++j) next[n] = reach[j] && text[j] == '/';
        break;
    }
    reach.swap(next);
  }
  return reach[n] != 0;
}

std::string Glob::example() const {
  std::string out;
  if (!tokens_) return out;
  for (const Token& token : *tokens_) {
    switch (token.type) {
      case Token::literal:
        out.push_back(token.ch);
        break;
      case Token::any:
      case Token::star:
      case Token::globstar:
        out.push_back('x');
        break;
      case Token::char_class: {
        char c = token.negated ? '~' : token.ranges.front().first;
        out.push_back(c);
        break;
      }
      case Token::optional_dirs:
        out += "x/";
        break;
      case Token::tail:
        out += "/x";
        break;
    }
  }
  return out;
}

bool globs_overlap(const Glob& a, const Glob& b) {
  return a.text() == b.text() || a.matches(b.example()) || b.matches(a.example());
}

Result<Regex> Regex::compile(std::string_view pattern) {
  auto compiled = BoundedRegex::compile(pattern);
  if (!compiled) return Error{compiled.error()};
  Regex regex;
  regex.regex_ = std::move(*compiled);
  return regex;
}

}  // namespace tw
