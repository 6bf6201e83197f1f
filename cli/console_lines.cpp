#include "cli/console_lines.h"

#include <iostream>

#include "reports/report_text.h"

namespace tw::cli {

void print_error(std::string_view command, std::string_view message) {
  std::cerr << "tagwarden " << command << ": " << report_text::terminal(message) << "\n";
}

InertLines::InertLines(std::ostream& out) : std::ostream(nullptr), buffer_(out) {
  rdbuf(&buffer_);
}

InertLines::~InertLines() {
  buffer_.flush_line();
}

void InertLines::Buffer::flush_line() {
  if (line_.empty()) return;
  out_ << report_text::terminal(line_);
  line_.clear();
}

InertLines::Buffer::int_type InertLines::Buffer::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  if (traits_type::to_char_type(c) == '\n') {
    flush_line();
    out_ << '\n' << std::flush;
  } else {
    line_.push_back(traits_type::to_char_type(c));
  }
  return c;
}

std::streamsize InertLines::Buffer::xsputn(const char* data, std::streamsize count) {
  for (std::streamsize i = 0; i < count; ++i) overflow(traits_type::to_int_type(data[i]));
  return count;
}

}  // namespace tw::cli
