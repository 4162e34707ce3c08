// Parsing AWS error answers of every protocol into AwsError, and AwsError into a greenlight Error.
#include "aws/aws_error.h"

#include <array>

#include <nlohmann/json.hpp>

#include "aws/xml.h"

namespace greenlight::aws {
namespace {

std::string codeFromStatus(long status) {
  switch (status) {
    case 400: return "BadRequest";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 409: return "Conflict";
    default: return "HTTP" + std::to_string(status);
  }
}

std::string requestIdHeader(const HttpResponse& response) {
  for (const char* name : {"x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"})
    if (std::string id = response.header(name); !id.empty()) return id;
  return {};
}

// "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" or "Code:http://..." → the code.
std::string jsonType(std::string type) {
  if (size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (size_t colon = type.find(':'); colon != std::string::npos) type = type.substr(0, colon);
  return type;
}

std::optional<AwsError> fromXml(const HttpResponse& response) {
  auto xml = Xml::parse(response.body);
  if (!xml.ok()) return std::nullopt;
  Xml error;
  if (xml->name() == "Error") error = *xml;                                  // S3
  if (!error) error = xml->child("Error");                                   // Query
  if (!error) error = xml->at("Errors/Error");                               // EC2
  if (!error || error.text("Code").empty()) return std::nullopt;
  std::string requestId = xml->text("RequestId");
  if (requestId.empty()) requestId = xml->text("RequestID");
  if (requestId.empty()) requestId = error.text("RequestId");
  return AwsError{error.text("Code"), error.text("Message"), response.status, requestId};
}

std::optional<AwsError> fromJson(const HttpResponse& response) {
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) return std::nullopt;
  std::string type = body.value("__type", std::string());
  if (type.empty()) type = body.value("code", std::string());
  if (type.empty()) type = jsonType(response.header("x-amzn-errortype"));
  if (type.empty()) return std::nullopt;
  std::string message = body.value("message", std::string());
  if (message.empty()) message = body.value("Message", std::string());
  return AwsError{jsonType(type), message, response.status, ""};
}

}  // namespace

// By the body only: moto labels its XML authentication errors text/html.
bool isHtmlAnswer(const HttpResponse& response) {
  size_t start = response.body.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return false;
  std::string head = response.body.substr(start, 15);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return head.rfind("<!doctype html", 0) == 0 || head.rfind("<html", 0) == 0;
}

std::optional<AwsError> parseAwsError(Protocol protocol, const HttpResponse& response) {
  if (isHtmlAnswer(response)) return std::nullopt;
  // A JSON service can still answer XML (moto's authentication errors do).
  std::optional<AwsError> error = protocol == Protocol::Json ? fromJson(response) : fromXml(response);
  if (!error && protocol == Protocol::Json) error = fromXml(response);
  if (!error) {
    // No structured body: the status is all there is. Keep a short piece of the body for the operator.
    std::string excerpt = response.body.substr(0, 200);
    error = AwsError{codeFromStatus(response.status), excerpt, response.status, ""};
  }
  if (error->requestId.empty()) error->requestId = requestIdHeader(response);
  return error;
}

Error toError(const AwsError& error, std::string_view service, std::string_view action) {
  std::string message = std::string(service) + " " + std::string(action) + " failed: " + error.code;
  if (!error.message.empty()) message += ": " + error.message;
  message += " (HTTP " + std::to_string(error.httpStatus);
  if (!error.requestId.empty()) message += ", request id " + error.requestId;
  message += ")";
  return Error{std::string(kAwsCodePrefix) + error.code, message};
}

bool isAwsError(const Error& error, std::string_view awsCode) { return awsErrorCode(error) == awsCode; }

std::string awsErrorCode(const Error& error) {
  if (error.code.rfind(kAwsCodePrefix, 0) != 0) return {};
  return error.code.substr(kAwsCodePrefix.size());
}

bool isThrottlingCode(std::string_view awsCode) {
  static constexpr std::array<std::string_view, 12> kThrottling = {
      "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
      "RequestLimitExceeded", "TooManyRequestsException", "ProvisionedThroughputExceededException",
      "RequestThrottled", "SlowDown", "EC2ThrottledException", "BandwidthLimitExceeded",
      "PriorRequestNotComplete"};
  for (std::string_view code : kThrottling)
    if (code == awsCode) return true;
  return false;
}

}  // namespace greenlight::aws
