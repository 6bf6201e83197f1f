// Directory mode: reads a built site from disk in path order, so CI can audit a release build
// without a server. Files are pages; links between them need not be followed.
#include "crawler/directory_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "crawler/http_outcome.h"
#include "model/body_text.h"
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

struct SiteFile {
  fs::path path;
  std::string relative;  // '/'-separated, built while walking: never re-derived from the path
};

constexpr std::size_t kMaxNotes = 20;

class SkipNotes {
 public:
  explicit SkipNotes(std::vector<std::string>& notes) : notes_(notes) {}
  ~SkipNotes() {
    if (unnoted_ > 0) notes_.push_back(std::to_string(unnoted_) + " more entries were skipped");
  }
  SkipNotes(const SkipNotes&) = delete;
  SkipNotes& operator=(const SkipNotes&) = delete;
  void add(std::string note) {
    if (notes_.size() < kMaxNotes) {
      notes_.push_back(std::move(note));
    } else {
      ++unnoted_;
    }
  }

 private:
  std::vector<std::string>& notes_;
  std::size_t unnoted_ = 0;
};

// Why a symbolic link is not followed: its target, resolved, is outside the tree (it would leak
// another file) or inside it (the target is read under its own path, so a page is read once).
std::string link_note(const fs::path& link, const fs::path& real_root, const std::string& shown) {
  std::error_code ec;
  fs::path target = fs::weakly_canonical(link, ec);
  auto [root_end, target_at] =
      std::mismatch(real_root.begin(), real_root.end(), target.begin(), target.end());
  bool inside = !ec && !real_root.empty() && root_end == real_root.end();
  return shown + ": a symbolic link, not followed (" +
         (inside ? "its target is read under its own path)" : "it leads out of the tree)");
}

// Every .html/.htm file under `root`, each under its own path, without following symbolic links;
// links to pages or directories, unlistable directories and unreadable entries (a path past
// PATH_MAX) are noted, never skipped silently.
std::vector<SiteFile> list_site_files(const fs::path& root, std::vector<std::string>& out) {
  std::vector<SiteFile> files;
  SkipNotes notes(out);
  std::error_code ec;
  fs::path real_root = fs::canonical(root, ec);
  std::vector<std::pair<fs::path, std::string>> pending{{root, ""}};
  while (!pending.empty()) {
    auto [directory, relative] = std::move(pending.back());
    pending.pop_back();
    fs::directory_iterator it(directory, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::string name = it->path().filename().string();
      std::string child = relative.empty() ? name : relative + "/" + name;
      std::error_code status_error;
      fs::file_status status = it->symlink_status(status_error);
      if (status_error) {
        notes.add(child + ": not read (" + status_error.message() + ")");
      } else if (fs::is_symlink(status)) {
        if (is_html_file(it->path()) || fs::is_directory(it->path(), status_error)) {
          notes.add(link_note(it->path(), real_root, child));
        }
      } else if (fs::is_directory(status)) {
        pending.emplace_back(it->path(), std::move(child));
      } else if (fs::is_regular_file(status) && is_html_file(it->path())) {
        files.push_back({it->path(), std::move(child)});
      }
    }
    if (ec) {
      notes.add((relative.empty() ? "." : relative) + ": directory not read (" + ec.message() +
                ")");
      ec.clear();
    }
  }
  std::sort(files.begin(), files.end(),
            [](const SiteFile& a, const SiteFile& b) { return a.relative < b.relative; });
  return files;
}

}  // namespace

Result<DirectoryRead> read_directory_site(const DirectoryOptions& options,
                                          const std::function<void(Page&&)>& deliver) {
  std::error_code ec;
  fs::path root(options.root);
  if (!fs::exists(root, ec)) return Error{"directory '" + options.root + "' does not exist"};
  if (!fs::is_directory(root, ec)) return Error{"'" + options.root + "' is not a directory"};

  DirectoryRead read;
  std::vector<SiteFile> files = list_site_files(root, read.notes);
  int delivered = 0;
  for (const SiteFile& found : files) {
    if (options.max_pages > 0 && delivered >= options.max_pages) break;
    const fs::path& file = found.path;
    Page page;
    page.requested_url = join_url(options.base_url, found.relative);
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
      } else if (!has_utf16_bom(page.body) && looks_binary(page.body)) {
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
  read.pages = delivered;
  return read;
}

}  // namespace tw
