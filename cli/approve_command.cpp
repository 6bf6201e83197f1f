// `tagwarden approve --scan latest [--pages GLOB] --out FILE`: writes or updates the scripts file
// from a stored scan's payment-page inventory. Existing entries keep every field; each script no
// entry authorizes gets a new entry (URL and SHA-384) with owner, justification and approval left
// empty for a person to fill in. Entries are sorted by URL, then hash, so the change reads as a
// small diff in review.
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/integrity_support.h"
#include "cli/options.h"
#include "cli/stored_scans.h"
#include "model/url.h"
#include "policy/policy_model.h"
#include "reports/report_text.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

// One entry as it will be written.
struct ScriptEntryText {
  std::string url, sha384, owner, justification, approved_by, approved_on;
  bool operator<(const ScriptEntryText& o) const {
    return std::tie(url, sha384) < std::tie(o.url, o.sha384);
  }
};

// A double-quoted YAML scalar: crawled URLs may hold quotes, backslashes, newlines or controls.
std::string yaml_quoted(std::string_view raw) {
  std::string text = report_text::valid_utf8(raw);
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A URL as a glob that matches itself ('[' would open a character class; '?' matches itself).
std::string url_as_glob(std::string url) {
  for (char& c : url) {
    if (c == '[') c = '?';
  }
  return url;
}

std::vector<ScriptEntryText> kept_entries(const PaymentPolicy& existing) {
  std::vector<ScriptEntryText> out;
  for (const AuthorizedScript& s : existing.scripts) {
    out.push_back({s.url ? s.url->text() : "", s.sha384, s.owner, s.justification, s.approved_by,
                   s.approved_on});
  }
  return out;
}

// Scripts of the inventory on the chosen pages that no existing entry authorizes.
std::vector<ScriptEntryText> new_entries(const InventoryReport& inventory,
                                         const PaymentPolicy& existing,
                                         const std::optional<Glob>& pages) {
  std::set<ScriptEntryText> added;
  for (const PaymentPage& page : inventory.pages) {
    if (pages && !pages->matches(url_path_without_query(page.url))) continue;
    for (const PageScript& script : page.scripts) {
      ScriptVerdict verdict = judge_script(existing, script.url, script.is_inline, script.sha384);
      if (verdict.entry != nullptr) continue;
      added.insert({url_as_glob(script.url), script.sha384, "", "", "", ""});
    }
  }
  return {added.begin(), added.end()};
}

void write_entry(std::ostream& out, const ScriptEntryText& e) {
  out << "  - ";
  const char* indent = "";
  if (!e.url.empty()) {
    out << "url: " << yaml_quoted(e.url) << "\n";
    indent = "    ";
  }
  if (!e.sha384.empty()) {
    out << indent << "sha384: " << yaml_quoted(e.sha384) << "\n";
    indent = "    ";
  }
  out << "    owner: " << yaml_quoted(e.owner) << "\n"
      << "    justification: " << yaml_quoted(e.justification) << "\n"
      << "    approved_by: " << yaml_quoted(e.approved_by) << "\n"
      << "    approved_on: " << yaml_quoted(e.approved_on) << "\n";
}

void write_scripts_file(std::ostream& out, const std::vector<ScriptEntryText>& entries) {
  out << "# Scripts authorized on payment pages (PCI DSS 4.0 requirement 6.4.3), written by\n"
         "# 'tagwarden approve'. Fill in owner, justification, approved_by and approved_on for\n"
         "# each new entry and merge the change through review.\n"
         "version: 1\nscripts:\n";
  for (const ScriptEntryText& entry : entries) write_entry(out, entry);
}

Result<PaymentPolicy> existing_scripts(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return PaymentPolicy{};
  return load_scripts_file(path);
}

}  // namespace

int run_approve(const Args& args) {
  std::string db = kDefaultDb, scan = "latest", pages_glob, out_file;
  CommonFlags common;
  po::options_description options(
      "tagwarden approve [--scan ID|latest] [--pages GLOB] --out FILE [--db FILE]");
  options.add_options()("scan", po::value(&scan)->value_name("ID"),
                        "stored scan id or 'latest' (default)")(
      "pages", po::value(&pages_glob)->value_name("GLOB"),
      "only the payment pages whose path matches (e.g. /checkout/**)")(
      "out", po::value(&out_file)->value_name("FILE"),
      "the scripts file to write or update");
  add_db_option(options, db);
  options.add(common_options(common));
  if (std::optional<int> done = parse_command_line("approve", args, options, {})) return *done;
  if (out_file.empty()) {
    std::cerr << "tagwarden approve: --out FILE is required (the scripts file to write)\n";
    return kExitUsage;
  }
  std::optional<Glob> pages;
  if (!pages_glob.empty()) {
    Result<Glob> compiled = Glob::compile(pages_glob, Glob::Kind::path);
    if (!compiled) {
      std::cerr << "tagwarden approve: --pages: " << compiled.error() << "\n";
      return kExitUsage;
    }
    pages = std::move(compiled).value();
  }
  Result<PaymentPolicy> existing = existing_scripts(out_file);
  Result<ScanStore> store = open_existing_store(db);
  Result<InventoryReport> inventory =
      store ? load_inventory(scan, *store) : Result<InventoryReport>(Error{store.error()});
  if (!existing || !inventory) {
    std::cerr << "tagwarden approve: " << (existing ? inventory.error() : existing.error()) << "\n";
    return kExitUsage;
  }
  std::vector<ScriptEntryText> entries = kept_entries(*existing);
  std::vector<ScriptEntryText> added = new_entries(*inventory, *existing, pages);
  entries.insert(entries.end(), added.begin(), added.end());
  std::stable_sort(entries.begin(), entries.end());
  std::filesystem::path target(out_file);
  Result<std::string> written = write_document(
      target.parent_path().empty() ? "." : target.parent_path().string(),
      target.filename().string(), [&](std::ostream& out) { write_scripts_file(out, entries); });
  if (!written) {
    std::cerr << "tagwarden approve: " << written.error() << "\n";
    return kExitScanFailed;
  }
  std::cout << "approve: " << added.size() << " new, " << existing->scripts.size()
            << " kept: " << out_file << "\n";
  return kExitOk;
}

}  // namespace tw::cli
