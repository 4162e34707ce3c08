// `greenlight import goployer MANIFEST`: writes one deployment-group file per stack and region and
// prints what could not be honoured. Needs no server.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "common/files.h"
#include "importer/goployer_import.h"

namespace greenlight::cli {

namespace fs = std::filesystem;

namespace {

struct ImportOptions {
  std::string manifest;
  std::string stack;
  std::string region;
  std::string out = ".";
  std::string output = "text";
};

std::string place(const std::string& source, const importer::ReportEntry& entry) {
  std::string where = source + ":";
  if (entry.line > 0) where += std::to_string(entry.line) + ":" + std::to_string(entry.column) + ":";
  return where + " " + entry.keyPath + " = " + entry.value;
}

// Goployer reads userdata paths from where it runs; try there, then beside the manifest.
std::optional<std::string> readUserData(const fs::path& manifest, const std::string& path) {
  for (const fs::path& candidate : {fs::path(path), manifest.parent_path() / path}) {
    std::error_code error;
    if (!fs::is_regular_file(candidate, error)) continue;
    Result<std::string> text = readWholeFile(candidate);
    if (text.ok()) return *text;
  }
  return std::nullopt;
}

int runImportGoployer(const ImportOptions& options) {
  Result<std::string> text = readWholeFile(options.manifest);
  if (!text.ok()) {
    std::cerr << "greenlight import goployer: cannot read " << options.manifest << ": "
              << text.error().message << "\n";
    return 1;
  }
  importer::ImportOptions importOptions;
  importOptions.stack = options.stack;
  importOptions.region = options.region;
  importOptions.readFile = [&](const std::string& path) { return readUserData(options.manifest, path); };
  Result<importer::GoployerImport> imported =
      importer::importGoployer(*text, options.manifest, importOptions);
  if (!imported.ok()) {
    std::cerr << "greenlight import goployer: " << imported.error().message << "\n";
    return 1;
  }
  int status = 0;
  std::vector<std::string> written;
  for (const auto& group : imported->groups) {
    if (!group.problems.empty()) {
      std::cerr << "greenlight import goployer: the group " << group.name << " (stack " << group.stack
                << ", region " << group.region << ") does not validate and was not written:\n"
                << group.problems << "\n";
      status = 1;
      continue;
    }
    std::error_code error;
    fs::create_directories(options.out, error);
    fs::path file = fs::path(options.out) / group.fileName;
    std::string header = "Imported from " + fs::path(options.manifest).filename().string() + " (stack " +
                         group.stack + ", region " + group.region + ") by `greenlight import goployer`.\n" +
                         "greenlight group create " + imported->application + " --file " + file.string();
    Status saved = writeFileAtomically(file, importer::toYaml(group.spec, header));
    if (!saved.ok()) {
      std::cerr << "greenlight import goployer: cannot write " << file.string() << ": "
                << saved.error().message << "\n";
      return 1;
    }
    written.push_back(file.string());
  }
  if (options.output == "json") {
    nlohmann::ordered_json out = importer::toJson(*imported);
    for (std::size_t i = 0, w = 0; i < imported->groups.size(); ++i) {
      if (imported->groups[i].problems.empty()) out["groups"][i]["file"] = written[w++];
    }
    std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return status;
  }
  if (imported->kind == "metrics") {
    std::cout << options.manifest << ": Goployer's metrics settings (history storage); no group to make\n";
  } else {
    std::cout << "Application " << imported->application << " (greenlight app create "
              << imported->application << "), " << written.size() << " group file"
              << (written.size() == 1 ? "" : "s") << ":\n";
    std::size_t w = 0;
    for (const auto& group : imported->groups) {
      if (!group.problems.empty()) continue;
      std::cout << "  " << written[w++] << "  (stack " << group.stack << ", region " << group.region
                << "; fleet versions " << imported->application << "-" << group.name << "-vNNN)\n";
    }
  }
  if (!imported->mapped.empty()) {
    std::cout << "\nHonoured in another form (" << imported->mapped.size() << "):\n";
    for (const auto& entry : imported->mapped) {
      std::cout << "  " << place(options.manifest, entry) << "\n      -> " << entry.why << "\n";
    }
  }
  std::cout << "\nNot honoured (" << imported->unhonoured.size() << "):\n";
  for (const auto& entry : imported->unhonoured) {
    std::cout << "  " << place(options.manifest, entry) << "\n      -> " << entry.why << "\n";
  }
  if (imported->unhonoured.empty()) std::cout << "  nothing: every key has its equivalent\n";
  return status;
}

}  // namespace

CommandRunner addImportCommand(CLI::App& app) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* import = app.add_subcommand("import", "Turn another tool's configuration into greenlight files");
  import->require_subcommand(1);
  CLI::App* goployer = import->add_subcommand(
      "goployer",
      "Write a deployment-group file per stack and region of a Goployer manifest, and report every "
      "key that could not be honoured. Needs no server.\n"
      "Example: greenlight import goployer hello.yaml --out groups/ && greenlight app create hello && "
      "greenlight group create hello --file groups/dev_apnortheast2.yaml");
  goployer->add_option("manifest", options->manifest, "The Goployer manifest (or its metrics.yaml)")->required();
  goployer->add_option("--stack", options->stack, "Only this stack");
  goployer->add_option("--region", options->region, "Only this region");
  goployer->add_option("--out", options->out, "Folder for the group files (default: the current folder)");
  goployer->add_option("-o,--output", options->output, "text|json")->check(CLI::IsMember({"text", "json"}));
  return [options] { return runImportGoployer(*options); };
}

}  // namespace greenlight::cli
