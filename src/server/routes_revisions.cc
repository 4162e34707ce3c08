// Revisions: bundle uploads (hashed, checked and stored once), listings, a revision's AppSpec and
// file list, and the bundle download that agents fetch before running a deployment.
#include <cerrno>
#include <fstream>

#include <nlohmann/json.hpp>

#include "auth/role.h"
#include "common/error_codes.h"
#include "common/files.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/event_log.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

// Uploads may be large; the HTTP core holds the body in memory until the handler runs.
constexpr size_t kBundleUploadLimit = size_t{2} << 30;

Status writeUpload(const std::string& bytes, const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (out) out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (out) out.flush();
  if (!out) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    return errnoError(codes::kInternal,
                      "Cannot write the uploaded bundle to " + file.string() +
                          " (is the revision store's disk full?)",
                      errno);
  }
  return {};
}

http::HttpResponse uploadRevision(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::PushRevision);
  if (!who.ok()) return errorFor(who.error());
  std::string application = request.pathParam("app");
  auto app = context.withStore(
      [&](store::SqliteDatabase&) { return context.catalog.getApplication(application); });
  if (!app.ok()) return errorFor(app.error());
  if (request.body.empty()) {
    return errorFor(Error{codes::kInvalidArgument,
                          "The request body is empty: send the bundle (tar, tgz or zip with an "
                          "appspec.yml at its root) as application/octet-stream."});
  }
  std::filesystem::path upload = context.revisions.temporaryPath();
  if (Status written = writeUpload(request.body, upload); !written.ok()) {
    return errorFor(written.error());
  }
  Result<catalog::StoredBundle> stored = context.revisions.ingest(upload);
  if (!stored.ok()) return errorFor(stored.error());

  catalog::Revision revision;
  revision.application = application;
  revision.sha256 = stored->sha256;
  revision.bundleType = stored->bundleType;
  revision.sizeBytes = stored->sizeBytes;
  revision.description = request.queryParam("description").value_or("");
  revision.appspecFilename = stored->appspecFilename;
  bool existed = false;
  Result<catalog::Revision> added = auditedChange(
      context, *who, [&](store::SqliteDatabase&, AuditNote& note) -> Result<catalog::Revision> {
        Result<catalog::Revision> existing =
            context.catalog.getRevision(application, revision.sha256);
        if (existing.ok()) {
          existed = true;
          return existing;
        }
        note = {"push-revision", "revision:" + application + "/" + revision.sha256,
                {{"sizeBytes", revision.sizeBytes},
                 {"bundleType", revision.bundleType},
                 {"description", revision.description}}};
        return context.catalog.addRevision(revision);
      });
  if (!added.ok()) return errorFor(added.error());
  if (!existed) {
    logEvent("revision " + application + "/" + revision.sha256.substr(0, 12) + " pushed by " +
             who->name + " (" + std::to_string(revision.sizeBytes) + " bytes)");
  }
  return http::jsonResponse(catalog::toJson(*added), existed ? 200 : 201);
}

http::HttpResponse listRevisions(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  std::string application = request.pathParam("app");
  auto listed =
      context.withStore([&](store::SqliteDatabase&) -> Result<std::vector<catalog::Revision>> {
        if (auto app = context.catalog.getApplication(application); !app.ok()) return app.error();
        return context.catalog.listRevisions(application);
      });
  return answer(listed, [](const std::vector<catalog::Revision>& revisions) {
    json items = json::array();
    for (const auto& revision : revisions) items.push_back(catalog::toJson(revision));
    return json{{"revisions", items}};
  });
}

http::HttpResponse getRevision(ApiContext& context, const http::HttpRequest& request) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto found = context.withStore([&](store::SqliteDatabase&) {
    return context.catalog.getRevision(request.pathParam("app"), request.pathParam("ref"));
  });
  return answer(found, [](const catalog::Revision& revision) { return catalog::toJson(revision); });
}

// The revision's bundle, opened (its AppSpec text and its files, for the dashboard's diff), and
// answered as `toJson(revision, contents)` to a reader.
template <typename ToJson>
http::HttpResponse answerContents(ApiContext& context, const http::HttpRequest& request,
                                  ToJson&& toJson) {
  Result<auth::Principal> who = authorised(context, request, auth::Action::Read);
  if (!who.ok()) return errorFor(who.error());
  auto found = context.withStore([&](store::SqliteDatabase&) {
    return context.catalog.getRevision(request.pathParam("app"), request.pathParam("ref"));
  });
  if (!found.ok()) return errorFor(found.error());
  Result<catalog::BundleContents> contents =
      context.revisions.contents(found->sha256, found->appspecFilename);
  if (!contents.ok()) return errorFor(contents.error());
  return http::jsonResponse(toJson(*found, *contents));
}

json appspecJson(const catalog::Revision& revision, const catalog::BundleContents& contents) {
  return {{"sha256", revision.sha256},
          {"appspecFilename", contents.appspecFilename},
          {"appspec", contents.appspec}};
}

json filesJson(const catalog::Revision& revision, const catalog::BundleContents& contents) {
  json files = json::array();
  for (const catalog::BundleFile& file : contents.files) {
    json entry = {{"path", file.path}, {"kind", file.kind}};
    if (file.kind == "file") {
      entry["sizeBytes"] = file.sizeBytes;
      entry["sha256"] = file.sha256;
    }
    if (file.kind == "symlink") entry["linkTarget"] = file.linkTarget;
    files.push_back(std::move(entry));
  }
  return {{"sha256", revision.sha256}, {"files", files}};
}

// People who may read may download; an agent only the revisions of its own group's application.
Status mayDownload(ApiContext& context, const http::HttpRequest& request,
                   const std::string& sha256) {
  std::optional<auth::Principal> who = principalOf(request, context.principals);
  if (!who) return Error{"Unauthenticated", "This call needs an API token."};
  if (who->role != auth::Role::Agent) return auth::authorise(*who, auth::Action::Read);
  const std::string group = who->scope.value_or("");
  if (Status allowed = auth::authorise(*who, auth::Action::AgentPoll, group); !allowed.ok()) {
    return allowed;
  }
  return context.withStore([&](store::SqliteDatabase&) -> Status {
    Result<catalog::DeploymentGroup> found = context.catalog.getGroupById(group);
    if (!found.ok()) return found.error();
    Result<catalog::Revision> revision =
        context.catalog.getRevision(found->spec.application, sha256);
    if (!revision.ok() || revision->sha256 != sha256) {
      return Error{codes::kForbidden, "Agent " + who->name + " may not download bundle " +
                                          sha256 + ": it is not a revision of application " +
                                          found->spec.application + ", which its group deploys."};
    }
    return {};
  });
}

http::HttpResponse downloadBundle(ApiContext& context, const http::HttpRequest& request) {
  std::string sha256 = request.pathParam("sha256");
  if (Status allowed = mayDownload(context, request, sha256); !allowed.ok()) {
    return errorFor(allowed.error());
  }
  Result<std::filesystem::path> path = context.revisions.pathFor(sha256);
  if (!path.ok()) return errorFor(path.error());
  Result<std::string> bytes = readWholeFile(*path);
  if (!bytes.ok()) return errorFor(Error{codes::kInternal, bytes.error().message});
  http::HttpResponse response;
  response.contentType = "application/octet-stream";
  response.body = std::move(*bytes);
  return response;
}

}  // namespace

void addRevisionRoutes(RouteTable& routes, ApiContext& context) {
  ApiContext* c = &context;
  routes.add(
      "POST", "/v1/applications/{app}/revisions",
      [c](const http::HttpRequest& r) { return uploadRevision(*c, r); },
      http::RouteOptions::withBodyLimit(kBundleUploadLimit));
  routes.add("GET", "/v1/applications/{app}/revisions",
             [c](const http::HttpRequest& r) { return listRevisions(*c, r); });
  routes.add("GET", "/v1/applications/{app}/revisions/{ref}",
             [c](const http::HttpRequest& r) { return getRevision(*c, r); });
  routes.add("GET", "/v1/applications/{app}/revisions/{ref}/appspec",
             [c](const http::HttpRequest& r) { return answerContents(*c, r, appspecJson); });
  routes.add("GET", "/v1/applications/{app}/revisions/{ref}/files",
             [c](const http::HttpRequest& r) { return answerContents(*c, r, filesJson); });
  routes.add("GET", "/v1/revisions/{sha256}/bundle",
             [c](const http::HttpRequest& r) { return downloadBundle(*c, r); });
}

}  // namespace greenlight::server
