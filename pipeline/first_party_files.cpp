// First-party code; see first_party_files.h.
#include "pipeline/first_party_files.h"

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include "model/text.h"
#include "model/url.h"
#include "store/content_digest.h"

namespace tw {
namespace {

// A file's bytes as read, or why none are usable.
struct FileBody {
  static FileBody failed(std::string why) {
    FileBody body;
    body.error = std::move(why);
    return body;
  }

  std::string bytes;
  bool cut = false;   // longer than the cap: `bytes` holds its start
  std::string error;  // non-empty: not usable
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "%20" -> ' '; nullopt for an escape that is not one, or for a NUL byte.
std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
      return std::nullopt;
    }
    char c = static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
    if (c == '\0') return std::nullopt;
    out.push_back(c);
    i += 2;
  }
  return out;
}

// The file under `root` that `relative` (a decoded URL path without its leading '/') names: a
// regular file reached without symbolic links and without leaving the root; nullopt otherwise.
std::optional<std::filesystem::path> file_under(const std::string& root,
                                                const std::string& relative) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path base = fs::canonical(root, error);
  if (error) return std::nullopt;
  fs::path path = base;
  for (const fs::path& part : fs::path(relative)) {
    if (part == ".." || part == "." || part.empty() || part == "/") return std::nullopt;
    path /= part;
    if (fs::is_symlink(fs::symlink_status(path, error))) return std::nullopt;
  }
  if (!fs::is_regular_file(fs::symlink_status(path, error))) return std::nullopt;
  return path;
}

FileBody read_capped(const std::filesystem::path& path, std::uint64_t cap) {
  FileBody body;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    body.error = "could not be opened";
    return body;
  }
  body.bytes.resize(static_cast<std::size_t>(cap) + 1);
  in.read(body.bytes.data(), static_cast<std::streamsize>(body.bytes.size()));
  body.bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) body.error = "could not be read";
  if (body.bytes.size() > cap) {
    body.bytes.resize(static_cast<std::size_t>(cap));
    body.cut = true;
  }
  return body;
}

std::string fetch_error(const FetchedResource& fetched) {
  const Page& response = fetched.response;
  if (response.error == PageError::redirect || (response.status >= 300 && response.status < 400)) {
    return "redirects elsewhere; redirects of first-party files are not followed";
  }
  if (response.status >= 400) return "answered HTTP " + std::to_string(response.status);
  if (response.error != PageError::none) {
    std::string detail = response.error_detail.substr(0, 200);
    return "could not be fetched (" + std::string(to_string(response.error)) +
           (detail.empty() ? "" : ": " + detail) + ")";
  }
  if (response.status != 200) return "answered HTTP " + std::to_string(response.status);
  if (lower_ascii(response.content_type).find("html") != std::string::npos) {
    return "served as HTML, not as code; not read";
  }
  return {};
}

std::shared_ptr<const AssetScan> note_only(std::string note) {
  auto scan = std::make_shared<AssetScan>();
  scan->notes.push_back(std::move(note));
  return scan;
}

}  // namespace

class FirstPartyFiles::Impl {
 public:
  Impl(FirstPartySettings settings, std::optional<ScanStore> store)
      : settings_(std::move(settings)), store_(std::move(store)) {
    settings_.fetch.max_resources = std::max(settings_.max_files, 1);
    settings_.fetch.max_resource_bytes = settings_.max_bytes;
    settings_.fetch.limits.max_redirects = 0;
    settings_.fetch.allow_private_addresses = true;
    settings_.fetch.keep_body_start = true;
    if (settings_.network) fetcher_.emplace(settings_.fetch);
  }

  bool apply(PageAnalysis& page, const AnalysisContext& context) {
    return add_first_party_tags(page, context,
                                [this](const FirstPartyAsset& asset) { return scan_of(asset); });
  }

  FirstPartySummary summary() const {
    std::lock_guard lock(mutex_);
    return summary_;
  }

  std::vector<std::pair<std::string, AssetScan>> take_new_contents() {
    std::lock_guard lock(mutex_);
    return std::move(new_contents_);
  }

 private:
  // One file of the scan: null while the worker that reads it is at work.
  struct Entry {
    std::shared_ptr<const AssetScan> scan;
  };

  std::shared_ptr<const AssetScan> scan_of(const FirstPartyAsset& asset) {
    std::string key = (asset.stylesheet ? "stylesheet " : "script ") + asset.url;
    std::unique_lock lock(mutex_);
    auto [found, inserted] = files_.try_emplace(key);
    Entry& entry = found->second;  // unordered_map nodes stay where they are
    if (!inserted) {
      ready_.wait(lock, [&entry] { return entry.scan != nullptr; });
      return entry.scan;
    }
    if (reads_ >= settings_.max_files) {
      ++summary_.files_not_read;
      entry.scan =
          note_only("not read: the scan reads at most " + std::to_string(settings_.max_files) +
                    " first-party files (--max-first-party-assets)");
      return entry.scan;
    }
    ++reads_;
    lock.unlock();
    std::shared_ptr<const AssetScan> scan = read_and_scan(asset);
    lock.lock();
    entry.scan = scan;
    ready_.notify_all();
    return scan;
  }

  std::shared_ptr<const AssetScan> read_and_scan(const FirstPartyAsset& asset) {
    FileBody body = read(asset);
    if (!body.error.empty()) {
      count([](FirstPartySummary& summary) { ++summary.files_failed; });
      return note_only(body.error);
    }
    count([&](FirstPartySummary& summary) {
      ++summary.files_read;
      if (body.cut) ++summary.files_cut;
    });
    std::shared_ptr<const AssetScan> scan = scan_content(asset, body.bytes);
    if (!body.cut) return scan;
    auto with_note = std::make_shared<AssetScan>(*scan);
    with_note->notes.push_back("larger than " + std::to_string(settings_.max_bytes) +
                               " bytes; only the start was read (--max-first-party-bytes)");
    return with_note;
  }

  // The references in one content: from this scan's cache, the store's, or read now.
  std::shared_ptr<const AssetScan> scan_content(const FirstPartyAsset& asset,
                                                const std::string& bytes) {
    std::string digest = content_digest(
        {asset.stylesheet ? "stylesheet" : "script", settings_.analyser_version, bytes});
    {
      std::lock_guard lock(mutex_);
      if (auto found = contents_.find(digest); found != contents_.end()) return found->second;
    }
    std::optional<AssetScan> stored;
    if (store_) {
      std::lock_guard lock(store_mutex_);
      stored = store_->first_party_file(digest);
    }
    bool from_store = stored.has_value();
    auto scan = std::make_shared<const AssetScan>(from_store ? std::move(*stored)
                                                             : asset_references(bytes, asset));
    std::lock_guard lock(mutex_);
    auto [found, inserted] = contents_.emplace(digest, scan);
    if (!inserted) return found->second;  // another worker read the same content meanwhile
    if (from_store) {
      ++summary_.contents_from_store;
    } else {
      ++summary_.contents_analysed;
      new_contents_.emplace_back(digest, *scan);
    }
    return scan;
  }

  FileBody read(const FirstPartyAsset& asset) {
    std::string_view base = settings_.base_url;
    if (!settings_.directories.empty() && asset.url.starts_with(base) && base.ends_with('/')) {
      return read_from_disk(url_path_without_query(asset.url).substr(url_path(base).size()));
    }
    if (!fetcher_) {
      return FileBody::failed("not under --base-url " + settings_.base_url + "; not read");
    }
    return fetch(asset.url);
  }

  FileBody read_from_disk(const std::string& encoded) {
    std::optional<std::string> relative = percent_decoded(encoded);
    for (const std::string& root : settings_.directories) {
      if (!relative) break;
      if (std::optional<std::filesystem::path> path = file_under(root, *relative)) {
        return read_capped(*path, settings_.max_bytes);
      }
    }
    return FileBody::failed("no such file in the directory (symbolic links are not followed)");
  }

  FileBody fetch(const std::string& url) {
    std::lock_guard lock(fetch_mutex_);
    FileBody body = FileBody::failed("not fetched (the scan was stopped)");
    fetcher_->fetch({{url}}, [&body](const std::string&, FetchedResource& fetched) {
      body.error = fetch_error(fetched);
      body.cut = fetched.truncated;
      if (body.error.empty()) body.bytes = std::move(fetched.response.body);
    });
    return body;
  }

  template <typename Change>
  void count(Change change) {
    std::lock_guard lock(mutex_);
    change(summary_);
  }

  FirstPartySettings settings_;
  std::optional<ScanStore> store_;
  std::mutex store_mutex_;
  std::optional<ResourceFetcher> fetcher_;
  std::mutex fetch_mutex_;  // a ResourceFetcher is used from one thread at a time

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable ready_;
  std::unordered_map<std::string, Entry> files_;  // by kind and URL
  int reads_ = 0;
  std::unordered_map<std::string, std::shared_ptr<const AssetScan>> contents_;  // by digest
  std::vector<std::pair<std::string, AssetScan>> new_contents_;
  FirstPartySummary summary_;
};

FirstPartyFiles::FirstPartyFiles(FirstPartySettings settings, std::optional<ScanStore> store)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(store))) {}

FirstPartyFiles::~FirstPartyFiles() = default;

bool FirstPartyFiles::apply(PageAnalysis& page, const AnalysisContext& context) {
  return impl_->apply(page, context);
}

FirstPartySummary FirstPartyFiles::summary() const {
  return impl_->summary();
}

std::vector<std::pair<std::string, AssetScan>> FirstPartyFiles::take_new_contents() {
  return impl_->take_new_contents();
}

}  // namespace tw
