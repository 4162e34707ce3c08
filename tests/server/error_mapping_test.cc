// Every shared error code answers with the status the API promises.
#include "server/error_mapping.h"

#include <gtest/gtest.h>

#include "common/error_codes.h"

namespace greenlight::server {
namespace {

TEST(ErrorMappingTest, SharedCodesHaveTheirStatuses) {
  EXPECT_EQ(httpStatusFor(codes::kNotFound), 404);
  EXPECT_EQ(httpStatusFor(codes::kAlreadyExists), 409);
  EXPECT_EQ(httpStatusFor(codes::kConflict), 409);
  EXPECT_EQ(httpStatusFor(codes::kInvalidArgument), 400);
  EXPECT_EQ(httpStatusFor(codes::kInvalidGroupSpec), 400);
  EXPECT_EQ(httpStatusFor("MalformedJson"), 400);
  EXPECT_EQ(httpStatusFor(codes::kInvalidRevision), 422);
  EXPECT_EQ(httpStatusFor(codes::kForbidden), 403);
  EXPECT_EQ(httpStatusFor("TokenExpired"), 401);
  EXPECT_EQ(httpStatusFor(codes::kUnavailable), 503);
  EXPECT_EQ(httpStatusFor(codes::kInternal), 500);
  EXPECT_EQ(httpStatusFor("SomethingUnheardOf"), 500);
}

TEST(ErrorMappingTest, FamiliesOfCodesFollowTheirPrefix) {
  EXPECT_EQ(httpStatusFor("InvalidDeploymentConfig"), 400);
  EXPECT_EQ(httpStatusFor("BundleUnsafe"), 422);
}

TEST(ErrorMappingTest, TheBodyHasTheUniformShape) {
  http::HttpResponse response = errorFor(Error{codes::kNotFound, "No application 'web'."});
  EXPECT_EQ(response.status, 404);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "NotFound");
  EXPECT_EQ(body["error"]["message"], "No application 'web'.");
}

}  // namespace
}  // namespace greenlight::server
