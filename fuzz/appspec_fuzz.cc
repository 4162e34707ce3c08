// libFuzzer target: appspec::parse must never crash, hang or throw on any bytes, read as YAML
// (appspec.yml) and as JSON (appspec.json).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "appspec/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"appspec.yml", "appspec.json"}) {
    greenlight::appspec::ParseResult result = greenlight::appspec::parse(text, name);
    // A result is either a spec or at least one error, never both nor neither.
    if (result.ok() == greenlight::appspec::hasErrors(result.diagnostics)) __builtin_trap();
  }
  greenlight::appspec::ParseOptions server;
  server.expectedPlatform = greenlight::appspec::Platform::Server;
  (void)greenlight::appspec::parse(text, "appspec.yml", server);
  return 0;
}
