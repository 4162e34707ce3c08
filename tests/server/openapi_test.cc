// docs/openapi.yaml and the router cannot drift apart: every route served is documented, and
// every documented operation is served.
#include <algorithm>
#include <cctype>
#include <set>

#include <yaml-cpp/yaml.h>

#include "server_fixture.h"

namespace greenlight::server {
namespace {

class OpenApiTest : public ServerFixture {};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

TEST_F(OpenApiTest, EveryRouteIsDocumentedAndEveryDocumentedRouteIsServed) {
  YAML::Node document = YAML::LoadFile((testing::sourceDir() / "docs/openapi.yaml").string());
  ASSERT_TRUE(document["openapi"]);
  YAML::Node paths = document["paths"];
  ASSERT_TRUE(paths.IsMap());

  std::set<std::pair<std::string, std::string>> served;
  for (const RouteInfo& route : server_->routes()) {
    served.emplace(lower(route.method), route.pattern);
    YAML::Node path = paths[route.pattern];
    EXPECT_TRUE(path.IsMap()) << route.pattern << " is not in docs/openapi.yaml";
    if (!path.IsMap()) continue;
    YAML::Node operation = path[lower(route.method)];
    EXPECT_TRUE(operation.IsMap()) << route.method << " " << route.pattern << " is not documented";
    if (!operation.IsMap()) continue;
    EXPECT_TRUE(operation["responses"].IsMap()) << route.method << " " << route.pattern;
    if (route.isPublic) {
      EXPECT_TRUE(operation["security"].IsSequence() && operation["security"].size() == 0)
          << route.pattern << " is public but documented as needing a token";
    }
  }
  EXPECT_GE(served.size(), 30u);
  static const std::set<std::string> kMethods = {"get", "post", "put", "delete", "patch"};
  for (const auto& path : paths) {
    std::string pattern = path.first.as<std::string>();
    for (const auto& operation : path.second) {
      std::string method = operation.first.as<std::string>();
      if (!kMethods.contains(method)) continue;
      EXPECT_TRUE(served.contains({method, pattern}))
          << "docs/openapi.yaml documents " << method << " " << pattern
          << " but the server does not serve it";
    }
  }
  EXPECT_TRUE(document["components"]["schemas"]["Error"].IsMap());
}

}  // namespace
}  // namespace greenlight::server
