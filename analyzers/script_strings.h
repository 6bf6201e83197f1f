// The strings a script builds at run time, found without running it: one linear pass over the
// script's tokens evaluates string concatenation (literals, '+', parentheses, ternaries of
// literals, variables assigned a string earlier in the script, and the page's
// `location.protocol`, so that `'https:' == document.location.protocol ? A : B` picks A on an
// https page). Parts it cannot know (a function call, an unknown variable) stay unknown, and a URL
// is only reported up to its first unknown part, never with a host that is partly unknown.
// Time and memory are linear in the script's length whatever it holds: tokens are read once,
// nesting, alternatives and string lengths are bounded. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

// How a URL was written in the script.
enum class UrlForm {
  literal,          // one literal with its scheme or "//" (found by inline_scripts.h's scanner)
  built,            // "https://" or "//" after evaluating more than one literal
  host_and_script,  // "host.example/path/x.js" (or a .gif pixel), no scheme written
  host_only,        // "host.example" as a property or variable value, no scheme or path
};

struct BuiltUrl {
  std::string url;         // absolute or protocol-relative; bare hosts get "https://"
  std::size_t offset = 0;  // of the first character inside the first literal of the expression
  UrlForm form = UrlForm::built;
};

// Markup passed to document.write / writeln, with where each part came from in the script.
struct WrittenMarkup {
  struct Source {
    std::size_t markup_offset;  // where this part starts in `markup`
    std::size_t script_offset;  // where it was written in the script
    bool exact;                 // the part is the literal as written (no escapes): offsets map 1:1
  };
  std::string markup;  // unknown parts are kUnknownPart
  std::vector<Source> sources;
  std::size_t script_begin = 0;  // the argument's span in the script
  std::size_t script_end = 0;
};

// Stands for a part of a string the evaluation could not know.
inline constexpr char kUnknownPart = '\x01';

struct ScriptStrings {
  std::vector<BuiltUrl> urls;  // in text order of their first literal
  std::vector<WrittenMarkup> writes;
  // Offsets of the first literals of branches the page's scheme rules out ("http://www" in the
  // location.protocol idiom on an https page): a URL there is never loaded.
  std::vector<std::size_t> ruled_out;
};

struct ScriptStringOptions {
  bool https_page = true;  // what `location.protocol` is
};

ScriptStrings evaluate_script_strings(std::string_view script, ScriptStringOptions options = {});

// "host.example/x.js" without a scheme: the host when the text is a host (labels of letters,
// digits, '-', '_', the last alphabetic) optionally followed by a path; empty otherwise.
std::string_view bare_host(std::string_view text);

// The script offset of a position in written markup.
std::size_t script_offset_of(const WrittenMarkup& write, std::size_t markup_offset);

}  // namespace tw
