// libFuzzer target: importGoployer must never crash, hang or throw on any bytes, must report a value
// of an unexpected shape rather than fail on it, and every group it says is valid must read back
// through the group-file parser from the YAML it writes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/group_spec.h"
#include "importer/goployer_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto imported = greenlight::importer::importGoployer(text, "manifest.yaml");
  if (!imported.ok()) {
    // Only YAML that does not parse, or a file that is no manifest, is refused: a manifest whose
    // values have unexpected shapes is reported key by key, never a yaml-cpp exception.
    if (imported.error().message.find("could not be imported") != std::string::npos) __builtin_trap();
    return 0;
  }
  for (const auto& group : imported->groups) {
    if (!group.problems.empty()) continue;
    auto spec = greenlight::catalog::parseGroupYaml(greenlight::importer::toYaml(group.spec), group.fileName);
    if (!spec.ok()) __builtin_trap();
  }
  (void)greenlight::importer::toJson(*imported);
  return 0;
}
