// Route matching, query strings, percent-decoding and the JSON helpers, without sockets.
#include "http/router.h"

#include <gtest/gtest.h>

#include "http/url_codec.h"

namespace greenlight::http {
namespace {

Router sampleRouter() {
  Router router;
  auto ok = [](const HttpRequest&) { return jsonResponse({}); };
  router.add("GET", "/v1/deployments", ok);
  router.add("GET", "/v1/deployments/{id}", ok);
  router.add("DELETE", "/v1/deployments/{id}", ok);
  router.add("GET", "/v1/deployments/{id}/events/{eventId}", ok);
  router.add("POST", "/v1/deployments/{id}/stop", ok);
  return router;
}

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router = sampleRouter();
  auto list = router.match("GET", "/v1/deployments");
  ASSERT_NE(list.route, nullptr);
  EXPECT_EQ(list.route->pattern, "/v1/deployments");

  auto one = router.match("GET", "/v1/deployments/d-42/events/7");
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(one.route->pattern, "/v1/deployments/{id}/events/{eventId}");
  EXPECT_EQ(findValue(one.pathParams, "id"), "d-42");
  EXPECT_EQ(findValue(one.pathParams, "eventId"), "7");
}

TEST(RouterTest, DecodesParametersAfterSplittingSoEscapedSlashesStayInOneSegment) {
  auto match = sampleRouter().match("GET", "/v1/deployments/a%2Fb%20c");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(findValue(match.pathParams, "id"), "a/b c");
}

TEST(RouterTest, ReportsAllowedMethodsWhenOnlyTheMethodIsWrong) {
  auto match = sampleRouter().match("PUT", "/v1/deployments/d-1");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowedMethods, (std::vector<std::string>{"GET", "DELETE"}));
}

TEST(RouterTest, UnknownPathsEmptySegmentsAndBadEscapesDoNotMatch) {
  Router router = sampleRouter();
  auto unknown = router.match("GET", "/v1/nothing");
  EXPECT_EQ(unknown.route, nullptr);
  EXPECT_TRUE(unknown.allowedMethods.empty());
  EXPECT_EQ(router.match("GET", "/v1/deployments/").route, nullptr);  // empty {id}
  EXPECT_EQ(router.match("GET", "/v1/deployments/d-1/extra/x/y").route, nullptr);
  EXPECT_TRUE(router.match("GET", "/v1/deployments/%zz").malformedPath);
}

TEST(UrlCodecTest, ParsesQueryStrings) {
  auto query = parseQueryString("wait=25&group=web%20servers&tag=a+b&flag&&x=");
  ASSERT_TRUE(query.has_value());
  EXPECT_EQ(findValue(*query, "wait"), "25");
  EXPECT_EQ(findValue(*query, "group"), "web servers");
  EXPECT_EQ(findValue(*query, "tag"), "a b");
  EXPECT_EQ(findValue(*query, "flag"), "");
  EXPECT_EQ(findValue(*query, "x"), "");
  EXPECT_EQ(query->size(), 5u);
  EXPECT_FALSE(parseQueryString("a=%4").has_value());
}

TEST(UrlCodecTest, EncodesWhatItDecodes) {
  std::string original = "deploy group/ü?&=%";
  EXPECT_EQ(percentDecode(percentEncode(original)), original);
  EXPECT_EQ(percentEncode("a-b_c.d~e"), "a-b_c.d~e");
}

TEST(JsonHelpersTest, MalformedBodySaysWhereTheParserStopped) {
  HttpRequest request;
  request.body = R"({"revision": })";
  auto parsed = parseJsonBody(request);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, "MalformedJson");
  EXPECT_NE(parsed.error().message.find("at byte 14"), std::string::npos) << parsed.error().message;

  request.body = R"({"revision": "r1"})";
  auto good = parseJsonBody(request);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ((*good)["revision"], "r1");
}

TEST(JsonHelpersTest, ErrorResponsesHaveTheUniformShape) {
  auto response = errorResponse(409, "DeploymentLimitExceeded", "group web already deploying");
  EXPECT_EQ(response.status, 409);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "DeploymentLimitExceeded");
  EXPECT_EQ(body["error"]["message"], "group web already deploying");
}

TEST(JsonHelpersTest, ReadsBearerTokens) {
  HttpRequest request;
  request.headers = {{"authorization", "Bearer  abc.def"}};
  EXPECT_EQ(bearerToken(request), "abc.def");
  request.headers = {{"Authorization", "Basic dXNlcg=="}};
  EXPECT_EQ(bearerToken(request), std::nullopt);
  request.headers = {};
  EXPECT_EQ(bearerToken(request), std::nullopt);
}

}  // namespace
}  // namespace greenlight::http
