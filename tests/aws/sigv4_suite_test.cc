// The signer against AWS's published SigV4 test suite (../shared/corpus/sigv4): for each case the
// canonical request, string to sign and Authorization header must match byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "aws/sigv4.h"
#include "support/test_support.h"

namespace greenlight::aws {
namespace {

namespace fs = std::filesystem;
using greenlight::testing::readFile;

constexpr size_t kSuiteCases = 26;

fs::path suiteDir() { return greenlight::testing::sharedDir() / "corpus" / "sigv4"; }

std::vector<std::string> caseNames() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(suiteDir(), error))
    if (entry.is_directory() && fs::exists(entry.path() / (entry.path().filename().string() + ".req")))
      names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A .req file: "METHOD PATH[?QUERY] HTTP/1.1", header lines (a line starting with a space
// continues the previous value), an empty line, the body. May begin with a UTF-8 BOM.
struct ParsedRequest {
  SigningRequest request;
  std::string body;
};

ParsedRequest parseRequestFile(std::string text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  ParsedRequest parsed;
  size_t lineEnd = text.find('\n');
  std::string requestLine = text.substr(0, lineEnd);
  size_t firstSpace = requestLine.find(' ');
  size_t lastSpace = requestLine.rfind(' ');
  parsed.request.method = requestLine.substr(0, firstSpace);
  std::string target = requestLine.substr(firstSpace + 1, lastSpace - firstSpace - 1);
  size_t question = target.find('?');
  parsed.request.path = target.substr(0, question);
  if (question != std::string::npos) parsed.request.query = target.substr(question + 1);
  size_t position = lineEnd == std::string::npos ? text.size() : lineEnd + 1;
  while (position < text.size()) {
    size_t end = text.find('\n', position);
    std::string line = text.substr(position, end == std::string::npos ? std::string::npos : end - position);
    position = end == std::string::npos ? text.size() : end + 1;
    if (line.empty()) {
      parsed.body = text.substr(position);
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !parsed.request.headers.empty()) {
      parsed.request.headers.back().second += " " + line;
      continue;
    }
    size_t colon = line.find(':');
    parsed.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return parsed;
}

SigningParams suiteParams() {
  SigningParams params;
  params.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  params.region = "us-east-1";
  params.service = "service";
  params.time = WallTime{};  // every .req carries its X-Amz-Date
  return params;
}

TEST(SigV4Suite, FindsAllTwentySixCases) {
  EXPECT_GE(caseNames().size(), kSuiteCases) << "SigV4 suite cases in " << suiteDir();
}

class SigV4SuiteCase : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4SuiteCase, MatchesCanonicalRequestStringToSignAndAuthorization) {
  fs::path folder = suiteDir() / GetParam();
  ParsedRequest parsed = parseRequestFile(readFile(folder / (GetParam() + ".req")));
  parsed.request.body = parsed.body;
  SignedRequest signed_ = signRequest(parsed.request, suiteParams());
  EXPECT_EQ(signed_.canonicalRequest, readFile(folder / (GetParam() + ".creq")));
  EXPECT_EQ(signed_.stringToSign, readFile(folder / (GetParam() + ".sts")));
  EXPECT_EQ(signed_.authorization, readFile(folder / (GetParam() + ".authz")));
  EXPECT_TRUE(signed_.addedHeaders.empty()) << "the suite's requests already carry X-Amz-Date";
}

INSTANTIATE_TEST_SUITE_P(Aws, SigV4SuiteCase, ::testing::ValuesIn(caseNames()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace greenlight::aws
