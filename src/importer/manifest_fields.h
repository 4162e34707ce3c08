// Internal to the importer: walks one mapping of a Goployer manifest, taking the keys it knows,
// recording what became of each, and reporting at the end every key nobody took.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <set>
#include <string>

#include "importer/goployer_import.h"

namespace greenlight::importer::detail {

std::string shortValue(const YAML::Node& node);
// Go's time.Duration text ("30s", "1m30s", "2h") in whole seconds; none when it is not one.
std::optional<long long> goDurationSeconds(const std::string& text);

class ManifestFields {
 public:
  // `node` may be any node; a non-mapping has no fields (and is reported by the caller).
  ManifestFields(const YAML::Node& node, std::string path, GoployerImport& report);
  ~ManifestFields();  // reports every key not taken as unknown to Goployer
  ManifestFields(const ManifestFields&) = delete;
  ManifestFields& operator=(const ManifestFields&) = delete;

  // The value of `key` (an undefined node when absent), now taken.
  YAML::Node take(const std::string& key);
  std::string pathOf(const std::string& key) const;

  std::optional<std::string> text(const std::string& key);  // a scalar, "" skipped
  std::optional<long long> whole(const std::string& key);   // reported when not a number
  std::optional<double> number(const std::string& key);
  std::optional<bool> flag(const std::string& key);

  // Copies `key`, when given, into out[as]: as text, or as a whole number (reported when not one).
  void copyText(const std::string& key, nlohmann::ordered_json& out, const std::string& as);
  void copyWhole(const std::string& key, nlohmann::ordered_json& out, const std::string& as);

  // Goployer's key `from` copied to `to`, as text or as a whole number.
  struct Renamed {
    const char* from;
    const char* to;
    bool whole = false;
  };
  void copyAll(nlohmann::ordered_json& out, std::initializer_list<Renamed> keys);

  // Takes `key` and reports it as not honoured / honoured in another form.
  void unhonoured(const std::string& key, const std::string& why);
  void mapped(const std::string& key, const std::string& what);
  void unhonouredValue(const std::string& key, const YAML::Node& value, const std::string& why);
  void mappedValue(const std::string& key, const YAML::Node& value, const std::string& what);

 private:
  template <typename Value>
  std::optional<Value> scalar(const std::string& key, const char* what);
  ReportEntry entry(const std::string& key, const YAML::Node& value, const std::string& why) const;

  YAML::Node node_;
  std::string path_;
  GoployerImport& report_;
  std::set<std::string> taken_;
};

}  // namespace greenlight::importer::detail
