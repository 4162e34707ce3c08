// The network side of notifications: one POST to a webhook, behind an interface so the delivery
// logic is tested with a fake that refuses, hangs or answers what it is told.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace greenlight::notify {

struct WebhookRequest {
  std::string url;
  std::string body;  // sent as is (application/json)
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10000};  // the whole attempt: connect, send, answer
};

struct WebhookAnswer {
  long status = 0;
  std::string body;  // the first KiB of the answer, for the attempt's record
};

// Thread-safe: sends may run on several threads at once.
class WebhookSender {
 public:
  WebhookSender() = default;
  virtual ~WebhookSender() = default;
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // An answer with whatever HTTP status came, or an Error when none did: kUnreachable,
  // kTimedOut, kBroken, kCancelled or "RequestFailed", with a message naming the URL.
  virtual Result<WebhookAnswer> send(const WebhookRequest& request) = 0;
  // Ends the sends under way, and makes later ones fail at once, with kCancelled: the server is
  // stopping and must not wait for a receiver that hangs.
  virtual void cancel() = 0;
};

inline constexpr const char* kUnreachable = "Unreachable";
inline constexpr const char* kTimedOut = "TimedOut";
inline constexpr const char* kBroken = "ConnectionBroken";
inline constexpr const char* kCancelled = "Cancelled";

// libcurl's easy interface, a handle per send.
class CurlWebhookSender final : public WebhookSender {
 public:
  CurlWebhookSender();
  Result<WebhookAnswer> send(const WebhookRequest& request) override;
  void cancel() override { cancelled_.store(true); }

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace greenlight::notify
