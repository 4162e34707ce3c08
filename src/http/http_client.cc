// libcurl underneath HttpClient; every curl failure becomes an Error an operator can act on.
#include "http/http_client.h"

#include <curl/curl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace greenlight::http {
namespace {

CURL* handle(void* curl) { return static_cast<CURL*>(curl); }

std::string lowerFirst(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] + 32);
  return text;
}

std::string seconds(std::chrono::milliseconds duration) {
  auto count = duration.count();
  return count % 1000 == 0 ? std::to_string(count / 1000) + " s" : std::to_string(count) + " ms";
}

struct FileCloser {
  void operator()(FILE* file) const {
    if (file) std::fclose(file);
  }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

}  // namespace

struct HttpClient::Transfer {
  std::string method;
  std::string path;
  std::optional<std::string> body;  // in memory
  std::string contentType;
  FILE* uploadFrom = nullptr;
  curl_off_t uploadSize = 0;
  std::filesystem::path uploadPath;
  FILE* downloadTo = nullptr;
  std::filesystem::path downloadPath;
  std::function<bool(std::string_view)> onData;  // streaming 2xx bodies (event streams)
  std::chrono::milliseconds timeout{0};

  ClientResponse response;
  CURL* curl = nullptr;
  bool stoppedByCaller = false;
  bool fileWriteFailed = false;
};

size_t HttpClient::onBodyBytes(char* data, size_t size, size_t count, void* userData) {
  auto& transfer = *static_cast<Transfer*>(userData);
  size_t bytes = size * count;
  long status = 0;
  curl_easy_getinfo(transfer.curl, CURLINFO_RESPONSE_CODE, &status);
  bool success = status >= 200 && status < 300;
  if (success && transfer.onData) {
    if (!transfer.onData(std::string_view(data, bytes))) {
      transfer.stoppedByCaller = true;
      return 0;  // makes curl abort the transfer
    }
    return bytes;
  }
  if (transfer.downloadTo) {
    if (std::fwrite(data, 1, bytes, transfer.downloadTo) != bytes) {
      transfer.fileWriteFailed = true;
      return 0;
    }
    return bytes;
  }
  transfer.response.body.append(data, bytes);
  return bytes;
}

size_t HttpClient::onUploadBytes(char* buffer, size_t size, size_t count, void* userData) {
  auto& transfer = *static_cast<Transfer*>(userData);
  size_t read = std::fread(buffer, 1, size * count, transfer.uploadFrom);
  if (read == 0 && std::ferror(transfer.uploadFrom)) return CURL_READFUNC_ABORT;
  return read;
}

Result<nlohmann::json> ClientResponse::json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& error) {
    return Error{"MalformedResponse", "the greenlight server answered " + std::to_string(status) +
                                          " with a body that is not JSON: " + error.what()};
  }
}

Error ClientResponse::toError() const {
  try {
    auto document = nlohmann::json::parse(body);
    const auto& error = document.at("error");
    return Error{error.at("code").get<std::string>(), error.at("message").get<std::string>()};
  } catch (const nlohmann::json::exception&) {
    std::string excerpt = body.substr(0, 200);
    return Error{"HttpStatus" + std::to_string(status),
                 "the greenlight server answered HTTP " + std::to_string(status) +
                     (excerpt.empty() ? "" : ": " + excerpt)};
  }
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  static std::once_flag globalInit;
  std::call_once(globalInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string address = options_.address;
  while (!address.empty() && address.back() == '/') address.pop_back();
  auto scheme = address.find("://");
  if (scheme == std::string::npos) {
    baseUrl_ = "http://" + address;
    hostPort_ = address;
  } else {
    baseUrl_ = address;
    hostPort_ = address.substr(scheme + 3);
  }
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() { curl_easy_cleanup(handle(curl_)); }

Result<ClientResponse> HttpClient::perform(Transfer& transfer) {
  CURL* curl = handle(curl_);
  if (!curl) return Error{"ClientFailed", "cannot initialise libcurl (out of memory?)"};
  transfer.curl = curl;
  curl_easy_reset(curl);  // keeps the connection cache, so keep-alive works across calls
  errorBuffer_[0] = '\0';
  std::string url = baseUrl_ + transfer.path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer_);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connectTimeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(transfer.timeout.count()));
  if (transfer.timeout.count() == 0 && !transfer.onData) {
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stallTimeout.count()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBodyBytes);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);

  curl_slist* headers = nullptr;
  std::string authorization = "Authorization: Bearer " + options_.bearerToken;
  if (!options_.bearerToken.empty()) headers = curl_slist_append(headers, authorization.c_str());
  std::string contentType = "Content-Type: " + transfer.contentType;
  if (!transfer.contentType.empty()) headers = curl_slist_append(headers, contentType.c_str());
  if (transfer.onData) headers = curl_slist_append(headers, "Accept: text/event-stream");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  if (transfer.uploadFrom) {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, onUploadBytes);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, transfer.uploadSize);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, transfer.method.c_str());
  } else if (transfer.body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(transfer.body->size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, transfer.body->data());
    if (transfer.method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, transfer.method.c_str());
  } else if (transfer.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, transfer.method.c_str());
  }

  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  const char* type = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) {
    transfer.response.contentType = type;
  }
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && transfer.stoppedByCaller)) {
    return transportError(code, transfer);
  }
  return std::move(transfer.response);
}

Error HttpClient::transportError(int curlCode, const Transfer& transfer) const {
  auto code = static_cast<CURLcode>(curlCode);
  CURL* curl = handle(curl_);
  std::string detail = errorBuffer_[0] ? errorBuffer_ : curl_easy_strerror(code);
  std::string call = transfer.method + " " + transfer.path;
  std::string unreachable = "cannot reach " + options_.peerName + " at " + hostPort_ + ": ";
  std::string hint = options_.peerName == kGreenlightServer
                         ? "; is `greenlight server` running? (" + options_.addressSetting + ")"
                         : " (" + options_.addressSetting + ")";
  curl_off_t connectedAfter = 0;
  curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connectedAfter);
  switch (code) {
    case CURLE_COULDNT_CONNECT: {
      long osErrno = 0;
      curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &osErrno);
      std::string reason = osErrno ? lowerFirst(std::strerror(static_cast<int>(osErrno))) : detail;
      return Error{"ServerUnreachable", unreachable + reason + hint};
    }
    case CURLE_COULDNT_RESOLVE_HOST:
      return Error{"ServerUnreachable",
                   unreachable + "the host name does not resolve; check " + options_.addressSetting};
    case CURLE_OPERATION_TIMEDOUT:
      if (connectedAfter == 0 && transfer.response.status == 0) {
        return Error{"ServerUnreachable", unreachable + "no answer within " +
                                              seconds(options_.connectTimeout) + hint};
      }
      if (transfer.timeout.count() == 0) {
        return Error{"ServerTimeout", call + " with " + options_.peerName + " at " + hostPort_ +
                                          " stalled: nothing moved for " +
                                          std::to_string(options_.stallTimeout.count()) +
                                          " s; check the network and the server's log"};
      }
      return Error{"ServerTimeout", options_.peerName + " at " + hostPort_ +
                                        " did not finish answering " + call + " within " +
                                        seconds(transfer.timeout) +
                                        "; it may be overloaded, check its log"};
    case CURLE_READ_ERROR:
      return Error{"FileError", "cannot read " + transfer.uploadPath.string() +
                                    " while uploading it to " + call + ": " + std::strerror(errno)};
    case CURLE_WRITE_ERROR:
      if (transfer.fileWriteFailed) {
        return Error{"FileError", "cannot write " + transfer.downloadPath.string() +
                                      " while downloading " + call + "; is the disk full?"};
      }
      break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return Error{"ConnectionBroken", "the connection to " + options_.peerName + " at " + hostPort_ +
                                           " broke during " + call + ": " + detail +
                                           "; retry, and check the server's log if it persists"};
    default:
      break;
  }
  return Error{"RequestFailed", call + " to " + options_.peerName + " at " + hostPort_ +
                                    " failed: " + detail};
}

Result<ClientResponse> HttpClient::request(const std::string& method, const std::string& path,
                                           const std::optional<nlohmann::json>& body,
                                           std::optional<std::chrono::milliseconds> timeout) {
  Transfer transfer;
  transfer.method = method;
  transfer.path = path;
  transfer.timeout = timeout.value_or(options_.totalTimeout);
  if (body) {
    transfer.body = body->dump();
    transfer.contentType = "application/json";
  }
  return perform(transfer);
}

Result<ClientResponse> HttpClient::uploadFile(const std::string& method, const std::string& path,
                                              const std::filesystem::path& file,
                                              const std::string& contentType) {
  std::error_code sizeError;
  auto size = std::filesystem::file_size(file, sizeError);
  FilePtr input(std::fopen(file.c_str(), "rb"));
  if (sizeError || !input) {
    return errnoError("FileError", "cannot open " + file.string() + " to upload it", errno);
  }
  Transfer transfer;
  transfer.method = method;
  transfer.path = path;
  transfer.contentType = contentType;
  transfer.uploadFrom = input.get();
  transfer.uploadSize = static_cast<curl_off_t>(size);
  transfer.uploadPath = file;
  transfer.timeout = std::chrono::milliseconds(0);  // large bundles: bounded by the server instead
  return perform(transfer);
}

Result<ClientResponse> HttpClient::downloadToFile(const std::string& path,
                                                  const std::filesystem::path& file) {
  auto partial = file;
  partial += ".partial";
  FilePtr output(std::fopen(partial.c_str(), "wb"));
  if (!output) {
    return errnoError("FileError", "cannot create " + partial.string() + " to download into", errno);
  }
  Transfer transfer;
  transfer.method = "GET";
  transfer.path = path;
  transfer.downloadTo = output.get();
  transfer.downloadPath = partial;
  transfer.timeout = std::chrono::milliseconds(0);
  auto result = perform(transfer);
  bool flushed = std::fflush(output.get()) == 0;
  output.reset();
  std::error_code ignored;
  if (!result.ok() || !result->ok()) {
    if (result.ok()) {
      // The error body went to the file; bring it back for the caller's message.
      FilePtr errorBody(std::fopen(partial.c_str(), "rb"));
      char buffer[4096];
      size_t read = errorBody ? std::fread(buffer, 1, sizeof buffer, errorBody.get()) : 0;
      result->body.assign(buffer, read);
    }
    std::filesystem::remove(partial, ignored);
    return result;
  }
  std::error_code renameError;
  if (flushed) std::filesystem::rename(partial, file, renameError);
  if (!flushed || renameError) {
    std::filesystem::remove(partial, ignored);
    return Error{"FileError", "cannot finish writing " + file.string() + "; is the disk full?"};
  }
  return result;
}

Status HttpClient::readEvents(const std::string& path,
                              const std::function<bool(const ServerSentEvent&)>& onEvent) {
  ServerSentEventParser parser(onEvent);
  Transfer transfer;
  transfer.method = "GET";
  transfer.path = path;
  transfer.timeout = std::chrono::milliseconds(0);
  transfer.onData = [&parser](std::string_view bytes) { return parser.feed(bytes); };
  auto result = perform(transfer);
  if (!result.ok()) return result.error();
  if (!result->ok()) return result->toError();
  return Status::success();
}

}  // namespace greenlight::http
