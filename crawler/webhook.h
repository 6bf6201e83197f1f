// Posting a JSON document to a webhook (Slack, Microsoft Teams, any receiver of JSON), with
// retries. A webhook URL is a secret (the path is the credential, and it may carry a user and
// password): nothing here ever puts the URL, its host or curl's detailed error text (which names
// the host) into an error; callers name a webhook by its position.
//
// Threads: post_json blocks the calling thread; calls on different threads are independent.
#pragma once

#include <string>
#include <vector>

#include "model/result.h"

namespace tw {

struct WebhookOptions {
  int timeout_ms = 10000;  // per attempt, connection included
  // Waits before the second, third... attempt; the number of attempts is one more than its size.
  std::vector<int> backoff_ms = {500, 1000, 2000};
};

// POSTs `body` as application/json to `url` (http or https only; redirects are not followed).
// Retries a failed connection, a timeout, 429 and 5xx answers after each backoff; any other
// answer outside 2xx is final. The error says how the last attempt failed, without the URL.
Status post_json(const std::string& url, const std::string& body, const WebhookOptions& options);

}  // namespace tw
