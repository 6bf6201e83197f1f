// What the CLI prints on stderr quotes the network: URLs, Location and Retry-After values, server
// messages. Every such line is made inert on the way out (report_text::terminal: controls shown
// as text), so no crawled page can move the cursor, retitle the terminal or ring its bell.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace tw::cli {

// "tagwarden <command>: <message>" and a newline on stderr, the message made inert.
void print_error(std::string_view command, std::string_view message);

// An ostream over `out` that passes each complete line through report_text::terminal(); a last
// line without a newline is written when the stream is destroyed. One writer at a time (the scan
// writes its notes from the driver thread only).
class InertLines final : public std::ostream {
 public:
  explicit InertLines(std::ostream& out);
  ~InertLines() override;
  InertLines(const InertLines&) = delete;
  InertLines& operator=(const InertLines&) = delete;

 private:
  class Buffer final : public std::streambuf {
   public:
    explicit Buffer(std::ostream& out) : out_(out) {}
    void flush_line();

   protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* data, std::streamsize count) override;

   private:
    std::ostream& out_;
    std::string line_;
  };
  Buffer buffer_;
};

}  // namespace tw::cli
