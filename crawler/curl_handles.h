// Owning handles for libcurl's easy and multi handles and header lists, freed with the matching
// curl_*_cleanup / curl_slist_free_all.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace tw {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, CurlEasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, CurlMultiDeleter>;
using StringList = std::unique_ptr<curl_slist, CurlListDeleter>;

}  // namespace tw
