#include "crawler/sitemap.h"

#include <zlib.h>

#include <string>

#include "model/text.h"

namespace tw {
namespace {

std::string decode_entities(std::string_view text) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '&') {
      for (auto [entity, c] : kEntities) {
        if (text.substr(i, entity.size()) == entity) {
          out.push_back(c);
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(text[i++]);
  }
  return out;
}

// Finds the next element whose local name is `name` (any namespace prefix), returning the offset
// just after its start tag, or npos. Linear: a '<' before the next '>' starts the next candidate,
// so "<<<<...>" is read once, not once per '<'.
std::size_t find_start_tag(std::string_view xml, std::string_view name, std::size_t from) {
  while (true) {
    std::size_t lt = xml.find('<', from);
    if (lt == std::string_view::npos) return lt;
    std::size_t gt = xml.find_first_of("<>", lt + 1);
    if (gt == std::string_view::npos) return gt;
    if (xml[gt] == '<') {
      from = gt;
      continue;
    }
    std::string_view tag = xml.substr(lt + 1, gt - lt - 1);
    if (std::size_t colon = tag.find(':'); colon != std::string_view::npos && colon < tag.find(' '))
      tag.remove_prefix(colon + 1);
    if (tag.substr(0, name.size()) == name &&
        (tag.size() == name.size() || tag[name.size()] == ' ' || tag[name.size()] == '\t' ||
         tag[name.size()] == '\n' || tag[name.size()] == '\r' || tag[name.size()] == '/')) {
      return gt + 1;
    }
    from = gt + 1;
  }
}

}  // namespace

SitemapContents parse_sitemap(std::string_view xml, std::size_t max_locations) {
  SitemapContents contents;
  contents.is_index = find_start_tag(xml, "sitemapindex", 0) != std::string_view::npos;
  std::size_t pos = 0;
  while (contents.locations.size() < max_locations) {
    std::size_t start = find_start_tag(xml, "loc", pos);
    if (start == std::string_view::npos) break;
    std::size_t end = xml.find('<', start);
    if (end == std::string_view::npos) break;
    std::string_view value = xml.substr(start, end - start);
    // <loc><![CDATA[...]]></loc>
    if (xml.substr(end, 9) == "<![CDATA[") {
      std::size_t close = xml.find("]]>", end + 9);
      if (close == std::string_view::npos) break;
      value = xml.substr(end + 9, close - end - 9);
      end = close + 3;
      std::string text(trim(value, kXmlSpace));
      if (!text.empty()) contents.locations.push_back(std::move(text));
    } else {
      std::string text = decode_entities(trim(value, kXmlSpace));
      if (!text.empty()) contents.locations.push_back(std::move(text));
    }
    pos = end;
  }
  return contents;
}

bool is_gzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

Result<std::string> gunzip_capped(std::string_view data, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return Error{"zlib: cannot initialise"};
  std::string out;
  char buffer[64 * 1024];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  int code = Z_OK;
  while (code != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    code = inflate(&stream, Z_NO_FLUSH);
    if (code != Z_OK && code != Z_STREAM_END) {
      inflateEnd(&stream);
      return Error{code == Z_BUF_ERROR ? "gzip data is truncated" : "gzip data is corrupt"};
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return Error{"gzip data inflates beyond " + std::to_string(max_bytes) + " bytes"};
    }
  }
  inflateEnd(&stream);
  return out;
}

}  // namespace tw
