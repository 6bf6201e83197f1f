// Directory mode: reads a built site from disk in path order, so CI can audit a release build
// without a server. Files are pages; links between them need not be followed.
#include "crawler/directory_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "crawler/http_outcome.h"
#include "model/text.h"

namespace tw {
namespace {

namespace fs = std::filesystem;

bool is_html_file(const fs::path& path) {
  std::string ext = lower_ascii(path.extension().string());
  return ext == ".html" || ext == ".htm";
}

// Percent-encodes what may not stand in a URL path; '/' separates segments.
std::string encode_path(const std::string& relative) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : relative) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string join_url(std::string base, const std::string& relative_path) {
  if (base.empty() || base.back() != '/') base += '/';
  return base + encode_path(relative_path);
}

// A file named .html that is really an image, archive or executable: NUL bytes or mostly
// control characters in its first kilobyte. (Text in any ASCII-compatible encoding passes.)
bool looks_binary(std::string_view body) {
  std::string_view head = body.substr(0, 1024);
  std::size_t control = 0;
  for (unsigned char c : head) {
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++control;
  }
  return !head.empty() && control * 10 > head.size();
}

}  // namespace

Result<int> read_directory_site(const DirectoryOptions& options,
                                const std::function<void(Page&&)>& deliver) {
  std::error_code ec;
  fs::path root(options.root);
  if (!fs::exists(root, ec)) return Error{"directory '" + options.root + "' does not exist"};
  if (!fs::is_directory(root, ec)) return Error{"'" + options.root + "' is not a directory"};

  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Error{"cannot read directory '" + options.root + "': " + ec.message()};
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec) && is_html_file(it->path())) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());

  int delivered = 0;
  for (const fs::path& file : files) {
    if (options.max_pages > 0 && delivered >= options.max_pages) break;
    std::string relative = fs::relative(file, root, ec).generic_string();
    Page page;
    page.requested_url = join_url(options.base_url, relative);
    page.final_url = page.requested_url;
    page.content_type = "text/html";
    std::uintmax_t size = fs::file_size(file, ec);
    if (ec) {
      page.error = PageError::read;
      page.error_detail = "cannot read " + file.string() + ": " + ec.message();
    } else if (size > options.max_page_bytes) {
      page.error = PageError::too_large;
      page.error_detail = "file is " + std::to_string(size) + " bytes, over the " +
                          std::to_string(options.max_page_bytes) + "-byte page limit";
      page.body_bytes = size;
    } else {
      // One read of the size stat gave (a file that shrank since reads short and hits EOF).
      std::ifstream in(file, std::ios::binary);
      page.body.resize(static_cast<std::size_t>(size));
      in.read(page.body.data(), static_cast<std::streamsize>(size));
      page.body.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
      if (!in.good() && !in.eof()) {
        page.error = PageError::read;
        page.error_detail = "cannot read " + file.string();
        page.body = std::string();  // frees the buffer; clear() would keep its capacity
      } else if (page.body.empty()) {
        page.error = PageError::unparseable;
        page.error_detail = "empty file, nothing to analyse";
      } else if (looks_binary(page.body)) {
        page.error = PageError::not_html;
        page.error_detail = "binary content in a file named " + file.filename().string();
        page.body_bytes = page.body.size();
        page.body = std::string();  // frees the buffer; clear() would keep its capacity
      } else {
        page.status = 200;
        page.body_bytes = page.body.size();
        page.content_hash = body_digest(page.body);
      }
    }
    deliver(std::move(page));
    ++delivered;
  }
  return delivered;
}

}  // namespace tw
