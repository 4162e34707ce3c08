// POSTing a notification with libcurl: no redirects followed, no `Expect: 100-continue` wait, a
// progress callback that lets the server's stop end a send to a receiver that never answers.
#include "notify/webhook_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace greenlight::notify {
namespace {

constexpr std::size_t kKeptAnswerBytes = 1024;

struct Transfer {
  std::string answer;
  const std::atomic<bool>* cancelled = nullptr;
};

size_t onAnswerBytes(char* data, size_t size, size_t count, void* userData) {
  auto* transfer = static_cast<Transfer*>(userData);
  size_t bytes = size * count;
  size_t room = kKeptAnswerBytes - std::min(kKeptAnswerBytes, transfer->answer.size());
  transfer->answer.append(data, std::min(bytes, room));
  return bytes;
}

int onProgress(void* userData, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(userData);
  return transfer->cancelled->load() ? 1 : 0;  // non-zero aborts the transfer
}

std::string seconds(std::chrono::milliseconds duration) {
  auto whole = duration.count() / 1000, tenths = (duration.count() % 1000) / 100;
  return std::to_string(whole) + (tenths != 0 ? "." + std::to_string(tenths) : "") + " s";
}

Error transportError(CURLcode code, const char* detail, const WebhookRequest& request) {
  std::string why = detail[0] != '\0' ? detail : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      return Error{kUnreachable, "could not connect to " + request.url + ": " + why};
    case CURLE_OPERATION_TIMEDOUT:
      return Error{kTimedOut, "no answer from " + request.url + " within " +
                                  seconds(request.timeout) + " (timeoutSeconds): " + why};
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      return Error{kBroken, "the connection to " + request.url + " closed before an answer: " + why};
    case CURLE_ABORTED_BY_CALLBACK:
      return Error{kCancelled, "the server is stopping; the notification to " + request.url +
                                   " is sent again at its next start"};
    default:
      return Error{"RequestFailed", "POST " + request.url + " failed: " + why};
  }
}

}  // namespace

CurlWebhookSender::CurlWebhookSender() {
  static std::once_flag globalInit;
  std::call_once(globalInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<WebhookAnswer> CurlWebhookSender::send(const WebhookRequest& request) {
  if (cancelled_.load()) {
    return Error{kCancelled, "the server is stopping; the notification to " + request.url +
                                 " is sent again at its next start"};
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Error{"RequestFailed", "libcurl could not make a handle"};
  curl_slist* headers = nullptr;
  auto freeHeaders = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>(nullptr, &curl_slist_free_all);
  for (const std::string& line :
       {std::string("Content-Type: application/json"), std::string("Expect:")}) {
    headers = curl_slist_append(headers, line.c_str());
  }
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  freeHeaders.reset(headers);
  Transfer transfer;
  transfer.cancelled = &cancelled_;
  char errorBuffer[CURL_ERROR_SIZE] = {};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_POST, 1L);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "greenlight-notifications/1");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<std::int64_t>(request.timeout.count(), 10000)));
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &onAnswerBytes);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, &onProgress);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errorBuffer);
  CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) return transportError(code, errorBuffer, request);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  return WebhookAnswer{status, std::move(transfer.answer)};
}

}  // namespace greenlight::notify
