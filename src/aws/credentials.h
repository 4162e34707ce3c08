// AWS credentials and the standard chain that finds them: explicit values, the environment, then
// the shared credentials and config files (profiles), with the region and endpoint beside them.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace greenlight::aws {

struct Credentials {
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string sessionToken;  // empty unless temporary credentials
  bool empty() const { return accessKeyId.empty() && secretAccessKey.empty(); }
};

// What a caller asks for; empty fields are found through the chain (resolveAwsConfig).
struct ClientConfig {
  std::string region;       // empty: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region
  std::string endpointUrl;  // empty: AWS_ENDPOINT_URL, the profile's endpoint_url, then real AWS
  std::string profile;      // empty: AWS_PROFILE, then "default"
  Credentials credentials;  // empty: the environment, then the shared files
  int maxAttempts = 5;      // per call, counting the first; throttling, 5xx and network failures retry
  std::chrono::milliseconds retryBaseDelay{100};  // backoff cap doubles from here...
  std::chrono::milliseconds retryMaxDelay{20000};  // ...up to this; the delay is uniform below it
  std::chrono::milliseconds connectTimeout{10000};
  std::chrono::milliseconds requestTimeout{60000};  // a whole attempt
};

// The chain's answer: every field filled, and where each came from (for messages and logs).
struct ResolvedConfig {
  ClientConfig config;       // region and endpointUrl filled (endpointUrl may stay empty: real AWS)
  Credentials credentials;
  std::string credentialsSource;  // e.g. "the environment (AWS_ACCESS_KEY_ID)"
  std::string regionSource;
};

// Reads one environment variable; nullopt when unset. Injected so tests never read the real one.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvironmentLookup processEnvironment();

// The chain. Credentials: explicit config.credentials > an explicit config.profile (as the CLI's
// --profile, it beats the environment) > AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN >
// the profile (AWS_PROFILE or "default") in AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials),
// then in AWS_CONFIG_FILE (~/.aws/config, sections "[profile x]" or "[default]").
// An error (code "AwsConfig") names every place looked when credentials or the region are missing,
// when a named profile exists nowhere, or when a file cannot be read.
Result<ResolvedConfig> resolveAwsConfig(const ClientConfig& requested, const EnvironmentLookup& environment);

// The keys of one section of an INI-style AWS file ("[name]" headers, "key = value" lines,
// '#'/';' comments, indented sub-keys ignored); nullopt when the section is absent.
using IniSection = std::vector<std::pair<std::string, std::string>>;
std::optional<IniSection> iniSection(std::string_view text, std::string_view section);

}  // namespace greenlight::aws
