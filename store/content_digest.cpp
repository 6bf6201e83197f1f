// content_digest with OpenSSL's SHA-256, and its SQL twin.
#include "store/content_digest.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace tw {
namespace {

struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// Feeds each part as an 8-byte little-endian length, then its bytes.
template <typename Parts>
std::string digest_of(const Parts& parts) {
  std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    throw std::bad_alloc();
  }
  for (std::string_view part : parts) {
    std::array<unsigned char, 8> length{};
    for (std::size_t i = 0; i < length.size(); ++i) {
      length[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(part.size()) >> (8 * i));
    }
    EVP_DigestUpdate(context.get(), length.data(), length.size());
    EVP_DigestUpdate(context.get(), part.data(), part.size());
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> sum{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(context.get(), sum.data(), &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < 16 && i < size; ++i) {
    hex.push_back(kHex[sum[i] >> 4]);
    hex.push_back(kHex[sum[i] & 15]);
  }
  return hex;
}

void sql_digest(sqlite3_context* context, int count, sqlite3_value** values) {
  std::vector<std::string_view> parts;
  parts.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const unsigned char* text = sqlite3_value_text(values[i]);
    int bytes = sqlite3_value_bytes(values[i]);
    parts.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "",
                       static_cast<std::size_t>(bytes));
  }
  std::string hex = digest_of(parts);
  sqlite3_result_text(context, hex.data(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
}

}  // namespace

std::string content_digest(std::initializer_list<std::string_view> parts) {
  return digest_of(parts);
}

std::string content_digest(const std::vector<std::string_view>& parts) {
  return digest_of(parts);
}

int register_content_digest(sqlite3* db) {
  return sqlite3_create_function(db, "tw_digest", -1,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
                                 sql_digest, nullptr, nullptr);
}

}  // namespace tw
