// `greenlight revision ...`: push a bundle (an archive, or a folder packed here first), list, show.
#include <CLI/CLI.hpp>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "cli/client_bundle_pack.h"
#include "cli/client_render_catalog.h"
#include "cli/client_session.h"

namespace greenlight::cli {

namespace fs = std::filesystem;

namespace {

struct RevisionArguments {
  std::string application;
  std::string path;
  std::string description;
  std::string ref;
};

// A temporary file removed however the push ends.
class TemporaryArchive {
 public:
  TemporaryArchive() {
    std::string pattern = (fs::temp_directory_path() / "greenlight-push-XXXXXX.tgz").string();
    int fd = ::mkstemps(pattern.data(), 4);
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TemporaryArchive() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove(path_, ignored);
  }
  TemporaryArchive(const TemporaryArchive&) = delete;
  TemporaryArchive& operator=(const TemporaryArchive&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string revisionPushed(const nlohmann::json& revision) {
  return "Revision " + textOf(revision, "sha256") + " (" + textOf(revision, "bundleType") + ", " +
         textOf(revision, "sizeBytes") + " bytes) is in " + textOf(revision, "application") +
         ".\nDeploy it with: greenlight deploy " + textOf(revision, "application") + " GROUP --revision " +
         shortSha(textOf(revision, "sha256")) + "\n";
}

int push(ClientSession& session, const RevisionArguments& arguments) {
  std::error_code error;
  fs::path source = arguments.path;
  if (!fs::exists(source, error)) {
    return session.usage(arguments.path + " does not exist; give a bundle folder or a .tar, .tgz, .tar.gz or .zip file");
  }
  bool folder = fs::is_directory(source, error);
  if (!folder) {
    auto type = bundleTypeOfFileName(source);
    if (!type.ok()) return session.usage(type.error().message);
  }
  ApiClient* client = session.connect();
  if (!client) return 1;
  TemporaryArchive packed;
  fs::path upload = source;
  if (folder) {
    if (packed.path().empty()) {
      return session.fail(Error{"BundlePackFailed", "cannot create a temporary file in " +
                                                        fs::temp_directory_path().string() + " to pack " +
                                                        arguments.path + "; check TMPDIR"});
    }
    Status status = packFolderAsTgz(source, packed.path());
    if (!status.ok()) return session.fail(status.error());
    upload = packed.path();
  }
  std::string path = apiPath({"applications", arguments.application, "revisions"}) +
                     queryString({{"description", arguments.description}});
  auto answer = client->upload("POST", path, upload, "application/octet-stream");
  if (!answer.ok()) return session.fail(answer.error());
  return session.print(*answer, revisionPushed);
}

}  // namespace

void addRevisionVerbs(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<RevisionArguments>();
  CLI::App* group = app.add_subcommand("revision", "Revisions (bundles with an AppSpec): push, list, show");
  group->require_subcommand(1);

  CLI::App* pushCommand = group->add_subcommand(
      "push", "Upload a bundle (deployer): a .tar/.tgz/.tar.gz/.zip file, or a folder packed into a tgz first");
  pushCommand->add_option("application", arguments->application, "Application name")->required();
  pushCommand->add_option("path", arguments->path, "Bundle folder or archive, with appspec.yml at its root")->required();
  pushCommand->add_option("-d,--description", arguments->description, "A note shown in `revision list`");
  pushCommand->footer("Example: greenlight revision push sample ./examples/sample-app --description 'v2: new banner'\n"
                      "The same content gives the same revision (sha256); pushing it again changes nothing.");
  registry.addLeaf(pushCommand, [arguments](ClientSession& session) { return push(session, *arguments); });

  CLI::App* list = group->add_subcommand("list", "List an application's revisions, newest first");
  list->add_option("application", arguments->application, "Application name")->required();
  registry.addLeaf(list, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"applications", arguments->application, "revisions"}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderRevisions);
  });

  CLI::App* show = group->add_subcommand("show", "Show one revision");
  show->add_option("application", arguments->application, "Application name")->required();
  show->add_option("ref", arguments->ref, "A sha256, a unique prefix of 7 or more hex digits, or `latest`")->required();
  registry.addLeaf(show, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"applications", arguments->application, "revisions", arguments->ref}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderRevision);
  });
}

}  // namespace greenlight::cli
