// AWS failures as greenlight Errors that keep the AWS code: Error.code is "Aws.<AwsCode>" for an
// answer from AWS (e.g. "Aws.ValidationError"), and the message names the code, AWS's message,
// the HTTP status, the service and action, and the request id.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/transport.h"
#include "common/result.h"

namespace greenlight::aws {

inline constexpr std::string_view kAwsCodePrefix = "Aws.";
// Error.code values that are not AWS codes:
inline constexpr const char* kAwsUnreachable = "AwsUnreachable";  // no complete answer (network)
inline constexpr const char* kAwsUnsupported = "AwsUnsupported";  // the endpoint does not implement it
inline constexpr const char* kAwsBadResponse = "AwsBadResponse";  // an answer we cannot read
inline constexpr const char* kAwsConfig = "AwsConfig";            // credentials, region, endpoint

// An error answer from AWS, as parsed.
struct AwsError {
  std::string code;     // "ValidationError", "ResourceNotFoundException", "NoSuchKey"...
  std::string message;
  long httpStatus = 0;
  std::string requestId;
};

enum class Protocol { Query, Json, RestXml };

// Reads the error out of a non-2xx answer: Query <ErrorResponse><Error>, EC2 <Response><Errors>,
// JSON {"__type", "message"|"Message"}, S3 <Error>. A body without one (HEAD, an empty 404)
// gives a code from the status ("NotFound", "Forbidden", "HTTP503"...). nullopt for an HTML page.
std::optional<AwsError> parseAwsError(Protocol protocol, const HttpResponse& response);

// True when the answer is an HTML page (moto's answer to an action it does not implement).
bool isHtmlAnswer(const HttpResponse& response);

// The greenlight Error for an AWS error answer of `service` `action` (e.g. "autoscaling",
// "DeleteAutoScalingGroup").
Error toError(const AwsError& error, std::string_view service, std::string_view action);

// True when `error` came from AWS with this code: isAwsError(status.error(), "ValidationError").
bool isAwsError(const Error& error, std::string_view awsCode);
// The AWS code of an error from AWS ("ValidationError"); "" for any other error.
std::string awsErrorCode(const Error& error);

// Throttling codes, retried with backoff whatever their status.
bool isThrottlingCode(std::string_view awsCode);

}  // namespace greenlight::aws
