// A strict little reader of the Prometheus text format for the metrics tests: every sample by its
// series ("name{label=\"value\",...}" exactly as written), every family's type, and what breaks
// the format's rules (a sample outside its family, a family declared twice, a bad value).
#pragma once

#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace greenlight::server::metricstest {

struct Exposition {
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;  // family -> "gauge", "histogram", ...
  std::vector<std::string> problems;

  // 0 when the series is absent: a histogram series appears with its first observation.
  double value(const std::string& series) const {
    auto found = samples.find(series);
    return found == samples.end() ? 0 : found->second;
  }
  bool has(const std::string& series) const { return samples.contains(series); }
};

inline bool belongsTo(const std::string& sampleName, const std::string& family,
                      const std::string& type) {
  if (sampleName == family) return type == "gauge" || type == "counter" || type == "untyped";
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    if (sampleName == family + suffix) {
      return type == "histogram" || (type == "summary" && std::string(suffix) != "_bucket");
    }
  }
  return false;
}

inline double parseValue(const std::string& text, bool* ok) {
  *ok = true;
  if (text == "+Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  *ok = !text.empty() && end == text.c_str() + text.size();
  return value;
}

inline Exposition parseExposition(const std::string& text) {
  Exposition exposition;
  std::set<std::string> seenFamilies;
  std::string family;
  std::string helpFor;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) {
      helpFor = line.substr(7, line.find(' ', 7) - 7);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream fields(line.substr(7));
      std::string name, type;
      fields >> name >> type;
      if (name != helpFor) exposition.problems.push_back("no HELP right before TYPE of " + name);
      if (!seenFamilies.insert(name).second) {
        exposition.problems.push_back("family declared twice: " + name);
      }
      exposition.types[name] = type;
      family = name;
      continue;
    }
    if (line[0] == '#') continue;
    // The value follows the last space; label values may hold spaces, never an unescaped '"'.
    std::size_t space = line.rfind(' ');
    if (space == std::string::npos) {
      exposition.problems.push_back("no value: " + line);
      continue;
    }
    std::string series = line.substr(0, space);
    bool ok = false;
    double value = parseValue(line.substr(space + 1), &ok);
    if (!ok) exposition.problems.push_back("bad value: " + line);
    std::string name = series.substr(0, series.find('{'));
    if (family.empty() || !belongsTo(name, family, exposition.types[family])) {
      exposition.problems.push_back("sample outside its family: " + line);
    }
    if (!exposition.samples.emplace(series, value).second) {
      exposition.problems.push_back("series written twice: " + series);
    }
  }
  if (!text.empty() && text.back() != '\n') exposition.problems.push_back("no final line feed");
  return exposition;
}

}  // namespace greenlight::server::metricstest
