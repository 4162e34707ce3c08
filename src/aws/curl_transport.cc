// Transport over libcurl's easy interface; handles are pooled under a mutex, one per call at a time.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

#include "aws/transport.h"

namespace greenlight::aws {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                               std::tolower(static_cast<unsigned char>(b)); }))
      return value;
  return {};
}

namespace {

size_t onBody(char* data, size_t size, size_t count, void* userData) {
  static_cast<HttpResponse*>(userData)->body.append(data, size * count);
  return size * count;
}

size_t onHeader(char* data, size_t size, size_t count, void* userData) {
  std::string_view line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    size_t begin = value.find_first_not_of(" \t");
    size_t end = value.find_last_not_of(" \t\r\n");
    std::string trimmed = begin == std::string_view::npos ? "" : std::string(value.substr(begin, end - begin + 1));
    static_cast<HttpResponse*>(userData)->headers.emplace_back(std::move(name), std::move(trimmed));
  } else if (line.rfind("HTTP/", 0) == 0) {
    static_cast<HttpResponse*>(userData)->headers.clear();  // a new response (after 100 Continue)
  }
  return size * count;
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(std::chrono::milliseconds connectTimeout, std::chrono::milliseconds requestTimeout)
      : connectTimeout_(connectTimeout), requestTimeout_(requestTimeout) {
    static std::once_flag globalInit;
    std::call_once(globalInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }
  ~CurlTransport() override {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }

  Result<HttpResponse> send(const HttpRequest& request) override {
    CURL* curl = take();
    if (curl == nullptr) return Error{"AwsUnreachable", "libcurl could not start a request to " + request.url};
    HttpResponse response;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connectTimeout_.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(requestTimeout_.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
    if (request.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      if (request.method != "GET" && request.method != "DELETE") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      }
    }
    CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    curl_slist_free_all(headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    give(curl);
    if (code != CURLE_OK) {
      std::string detail = errorBuffer[0] != '\0' ? errorBuffer : curl_easy_strerror(code);
      return Error{"AwsUnreachable", "no answer from " + request.url + ": " + detail};
    }
    return response;
  }

 private:
  CURL* take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        curl_easy_reset(handle);  // keeps its connections, forgets the last call's options
        return handle;
      }
    }
    return curl_easy_init();
  }
  void give(CURL* handle) {
    std::lock_guard lock(mutex_);
    idle_.push_back(handle);
  }

  std::chrono::milliseconds connectTimeout_;
  std::chrono::milliseconds requestTimeout_;
  std::mutex mutex_;
  std::vector<CURL*> idle_;  // GUARDED_BY(mutex_)
};

}  // namespace

std::unique_ptr<Transport> makeCurlTransport(std::chrono::milliseconds connectTimeout,
                                             std::chrono::milliseconds requestTimeout) {
  return std::make_unique<CurlTransport>(connectTimeout, requestTimeout);
}

}  // namespace greenlight::aws
