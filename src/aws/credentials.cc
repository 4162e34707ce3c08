// The credential chain: explicit > explicit profile > environment > shared files; region and
// endpoint resolved alongside. Every miss names the places looked.
#include "aws/credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace greenlight::aws {
namespace {

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string get(const IniSection& section, std::string_view key) {
  for (const auto& [name, value] : section)
    if (name == key) return value;
  return {};
}

std::string env(const EnvironmentLookup& environment, std::string_view name) {
  auto value = environment(name);
  return value ? *value : std::string();
}

// One shared file: where it is, whether it was read, and the profile's section in it.
struct SharedFile {
  std::string path;
  bool exists = false;
  std::optional<IniSection> section;
};

Result<SharedFile> readSharedFile(const std::string& path, std::string_view sectionName) {
  SharedFile file{path, false, std::nullopt};
  if (path.empty()) return file;
  std::ifstream in(path, std::ios::binary);
  if (!in) return file;  // an absent file is one more place looked, not an error
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Error{"AwsConfig", "cannot read the AWS shared file " + path + ": check its permissions"};
  file.exists = true;
  file.section = iniSection(buffer.str(), sectionName);
  return file;
}

Error configError(const std::string& what, const std::vector<std::string>& looked, const std::string& todo) {
  std::string message = what + "; looked in:";
  for (const auto& place : looked) message += "\n  - " + place;
  message += "\n" + todo;
  return Error{"AwsConfig", message};
}

std::string describe(const SharedFile& file, const std::string& section) {
  return file.path + (file.exists ? " (section [" + section + "])" : " (no such file)");
}

}  // namespace

EnvironmentLookup processEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::optional<IniSection> iniSection(std::string_view text, std::string_view section) {
  std::optional<IniSection> found;
  bool inSection = false;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::string content = trim(line);
    if (content.empty() || content[0] == '#' || content[0] == ';') continue;
    if (content.front() == '[' && content.back() == ']') {
      inSection = trim(content.substr(1, content.size() - 2)) == section;
      if (inSection && !found) found = IniSection{};
      continue;
    }
    if (!inSection || line[0] == ' ' || line[0] == '\t') continue;  // indented: a sub-key
    size_t equals = content.find('=');
    if (equals == std::string::npos) continue;
    found->emplace_back(trim(content.substr(0, equals)), trim(content.substr(equals + 1)));
  }
  return found;
}

Result<ResolvedConfig> resolveAwsConfig(const ClientConfig& requested, const EnvironmentLookup& environment) {
  ResolvedConfig resolved{requested, requested.credentials, "", ""};
  std::string home = env(environment, "HOME");
  bool profileExplicit = !requested.profile.empty();
  std::string profile = profileExplicit ? requested.profile : env(environment, "AWS_PROFILE");
  bool profileNamed = !profile.empty();
  if (profile.empty()) profile = "default";
  std::string credentialsPath = env(environment, "AWS_SHARED_CREDENTIALS_FILE");
  if (credentialsPath.empty() && !home.empty()) credentialsPath = home + "/.aws/credentials";
  std::string configPath = env(environment, "AWS_CONFIG_FILE");
  if (configPath.empty() && !home.empty()) configPath = home + "/.aws/config";
  std::string configSection = profile == "default" ? "default" : "profile " + profile;

  auto credentialsFile = readSharedFile(credentialsPath, profile);
  if (!credentialsFile.ok()) return credentialsFile.error();
  auto configFile = readSharedFile(configPath, configSection);
  if (!configFile.ok()) return configFile.error();
  std::string profileWhere = "profile '" + profile + "'";
  if (profileNamed && !credentialsFile->section && !configFile->section)
    return configError("the AWS " + profileWhere + " (from " +
                           (profileExplicit ? std::string("the configuration") : "AWS_PROFILE") +
                           ") does not exist",
                       {describe(*credentialsFile, profile), describe(*configFile, configSection)},
                       "add the profile, or name one that exists");
  IniSection profileKeys = credentialsFile->section.value_or(IniSection{});
  if (configFile->section)
    profileKeys.insert(profileKeys.end(), configFile->section->begin(), configFile->section->end());
  Credentials fromProfile{get(profileKeys, "aws_access_key_id"), get(profileKeys, "aws_secret_access_key"),
                          get(profileKeys, "aws_session_token")};
  Credentials fromEnvironment{env(environment, "AWS_ACCESS_KEY_ID"), env(environment, "AWS_SECRET_ACCESS_KEY"),
                              env(environment, "AWS_SESSION_TOKEN")};
  std::string profileSource = "the " + profileWhere + " in " +
                              (credentialsFile->section && !get(*credentialsFile->section, "aws_access_key_id").empty()
                                   ? credentialsFile->path
                                   : configFile->path);

  if (!resolved.credentials.empty()) {
    resolved.credentialsSource = "the configuration";
  } else if (profileExplicit && !fromProfile.empty()) {
    resolved.credentials = fromProfile;
    resolved.credentialsSource = profileSource;
  } else if (!fromEnvironment.empty()) {
    resolved.credentials = fromEnvironment;
    resolved.credentialsSource = "the environment (AWS_ACCESS_KEY_ID)";
  } else if (!fromProfile.empty()) {
    resolved.credentials = fromProfile;
    resolved.credentialsSource = profileSource;
  }
  std::vector<std::string> credentialPlaces = {
      "the configuration (explicit credentials)", "the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)",
      "the shared credentials file " + describe(*credentialsFile, profile) + " (AWS_SHARED_CREDENTIALS_FILE)",
      "the shared config file " + describe(*configFile, configSection) + " (AWS_CONFIG_FILE)"};
  if (resolved.credentials.accessKeyId.empty() || resolved.credentials.secretAccessKey.empty())
    return configError("no complete AWS credentials (an access key id and a secret access key) for the " +
                           profileWhere,
                       credentialPlaces,
                       "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add aws_access_key_id and "
                       "aws_secret_access_key to the profile");

  if (!resolved.config.region.empty()) {
    resolved.regionSource = "the configuration";
  } else if (std::string region = env(environment, "AWS_REGION"); !region.empty()) {
    resolved.config.region = region;
    resolved.regionSource = "AWS_REGION";
  } else if (std::string fallback = env(environment, "AWS_DEFAULT_REGION"); !fallback.empty()) {
    resolved.config.region = fallback;
    resolved.regionSource = "AWS_DEFAULT_REGION";
  } else if (std::string fromFile = get(profileKeys, "region"); !fromFile.empty()) {
    resolved.config.region = fromFile;
    resolved.regionSource = "the " + profileWhere + " in " + configFile->path;
  } else {
    return configError("no AWS region for the " + profileWhere,
                       {"the configuration (region)", "the environment (AWS_REGION, AWS_DEFAULT_REGION)",
                        "the shared config file " + describe(*configFile, configSection) + " (region)"},
                       "set AWS_REGION, or add region to the profile");
  }
  if (resolved.config.endpointUrl.empty()) resolved.config.endpointUrl = env(environment, "AWS_ENDPOINT_URL");
  if (resolved.config.endpointUrl.empty()) resolved.config.endpointUrl = get(profileKeys, "endpoint_url");
  return resolved;
}

}  // namespace greenlight::aws
