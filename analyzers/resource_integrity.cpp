// SRI digests with OpenSSL's EVP interface (one RAII context per digest).
#include "analyzers/resource_integrity.h"

#include <openssl/evp.h>

#include <cctype>
#include <memory>
#include <vector>

namespace tw {
namespace {

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string digest(const EVP_MD* algorithm, std::string_view bytes) {
  std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!context || EVP_DigestInit_ex(context.get(), algorithm, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), out, &length) != 1) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string base64(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()),
                                static_cast<int>(raw.size()));
  out.resize(written > 0 ? static_cast<std::size_t>(written) : 0);
  return out;
}

const EVP_MD* algorithm_named(std::string_view name) {
  if (name == "sha256") return EVP_sha256();
  if (name == "sha384") return EVP_sha384();
  if (name == "sha512") return EVP_sha512();
  return nullptr;
}

int strength(std::string_view name) {
  return name == "sha512" ? 3 : name == "sha384" ? 2 : name == "sha256" ? 1 : 0;
}

// base64url is accepted by browsers too; compare in the standard alphabet.
std::string normalize_base64(std::string_view value) {
  std::string out(value);
  for (auto& c : out) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

}  // namespace

std::string sri_digest(std::string_view algorithm, std::string_view bytes) {
  const EVP_MD* md = algorithm_named(algorithm);
  if (md == nullptr) return {};
  return std::string(algorithm) + "-" + base64(digest(md, bytes));
}

SriDigests SriDigests::of(std::string_view bytes) {
  return {sri_digest("sha256", bytes), sri_digest("sha384", bytes), sri_digest("sha512", bytes)};
}

const std::string& SriDigests::named(std::string_view algorithm) const {
  static const std::string kNone;
  if (algorithm == "sha256") return sha256;
  if (algorithm == "sha384") return sha384;
  if (algorithm == "sha512") return sha512;
  return kNone;
}

std::string sha1_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string raw = digest(EVP_sha1(), bytes);
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string_view to_string(IntegrityCheck::Outcome outcome) {
  switch (outcome) {
    case IntegrityCheck::Outcome::absent:
      return "";
    case IntegrityCheck::Outcome::match:
      return "match";
    case IntegrityCheck::Outcome::mismatch:
      return "mismatch";
    case IntegrityCheck::Outcome::unsupported:
      return "unsupported";
  }
  return "";
}

IntegrityCheck check_integrity(std::string_view integrity, const SriDigests& digests) {
  IntegrityCheck check;
  struct Token {
    std::string algorithm;
    std::string value;
  };
  std::vector<Token> tokens;
  std::size_t position = 0;
  bool any_text = false;
  while (position < integrity.size()) {
    auto start = integrity.find_first_not_of(" \t\r\n\f", position);
    if (start == std::string_view::npos) break;
    auto end = integrity.find_first_of(" \t\r\n\f", start);
    std::string_view token = integrity.substr(start, end - start);
    position = end == std::string_view::npos ? integrity.size() : end;
    any_text = true;
    auto dash = token.find('-');
    if (dash == std::string_view::npos) continue;
    std::string algorithm(token.substr(0, dash));
    for (auto& c : algorithm) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (strength(algorithm) == 0) continue;  // unknown algorithms are ignored, as browsers do
    std::string_view value = token.substr(dash + 1);
    value = value.substr(0, value.find('?'));  // options are reserved and ignored
    tokens.push_back({algorithm, normalize_base64(value)});
  }
  if (!any_text) return check;
  if (tokens.empty()) {
    check.outcome = IntegrityCheck::Outcome::unsupported;
    return check;
  }
  for (const auto& token : tokens) {
    if (strength(token.algorithm) > strength(check.algorithm)) check.algorithm = token.algorithm;
  }
  check.actual = digests.named(check.algorithm);
  std::string actual_value = normalize_base64(check.actual.substr(check.algorithm.size() + 1));
  check.outcome = IntegrityCheck::Outcome::mismatch;
  for (const auto& token : tokens) {
    if (token.algorithm != check.algorithm) continue;
    if (check.expected.empty()) check.expected = token.algorithm + "-" + token.value;
    if (token.value == actual_value) {
      check.outcome = IntegrityCheck::Outcome::match;
      check.expected = token.algorithm + "-" + token.value;
    }
  }
  return check;
}

}  // namespace tw
