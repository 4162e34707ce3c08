// Builds the located tree of a group spec from YAML or JSON (see group_spec_document.h).
#include "catalog/group_spec_document.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

namespace greenlight::catalog::detail {
namespace {

constexpr std::size_t kMaxDocumentBytes = 1 << 20;
constexpr int kMaxDepth = 64;

struct TooDeep : std::runtime_error {
  using std::runtime_error::runtime_error;
};

SpecNode fromYaml(const YAML::Node& node, int depth) {
  if (depth > kMaxDepth) throw TooDeep("the document is nested more than 64 levels deep");
  SpecNode result;
  result.line = node.Mark().line + 1;
  result.column = node.Mark().column + 1;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      result.kind = SpecNode::Kind::Scalar;
      result.text = node.Scalar();
      // yaml-cpp tags a quoted scalar "!" and a plain one "?".
      result.type = node.Tag() == "!" ? SpecNode::ScalarType::String : SpecNode::ScalarType::Untyped;
      break;
    case YAML::NodeType::Sequence:
      result.kind = SpecNode::Kind::Sequence;
      for (const YAML::Node& item : node) result.items.push_back(fromYaml(item, depth + 1));
      break;
    case YAML::NodeType::Map:
      result.kind = SpecNode::Kind::Mapping;
      for (const auto& entry : node) {
        result.entries.emplace_back(fromYaml(entry.first, depth + 1),
                                    fromYaml(entry.second, depth + 1));
      }
      break;
    default:
      result.kind = SpecNode::Kind::Null;
      break;
  }
  return result;
}

std::optional<std::int64_t> plainInteger(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::size_t start = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  if (start == text.size()) return std::nullopt;
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  return std::stoll(text);
}

// A plain YAML decimal ("1.5", "-0.25", ".5", "2e-3"): digits with a point or an exponent.
std::optional<double> plainDecimal(const std::string& text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  std::size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  std::size_t digits = 0;
  bool point = false;
  bool exponent = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !point && !exponent) {
      point = true;
    } else if ((c == 'e' || c == 'E') && digits > 0 && !exponent) {
      exponent = true;
      if (i + 1 < text.size() && (text[i + 1] == '-' || text[i + 1] == '+')) ++i;
      if (i + 1 == text.size()) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || (!point && !exponent)) return std::nullopt;
  double value = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

nlohmann::json SpecNode::toJson() const {
  switch (kind) {
    case Kind::Null:
      return nullptr;
    case Kind::Scalar:
      if (type == ScalarType::String) return text;
      if (text == "true") return true;
      if (text == "false") return false;
      if (std::optional<std::int64_t> number = plainInteger(text)) return *number;
      if (std::optional<double> decimal = plainDecimal(text)) return *decimal;
      if (type == ScalarType::Number) return nlohmann::json::parse(text, nullptr, false);
      return text;
    case Kind::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const SpecNode& item : items) array.push_back(item.toJson());
      return array;
    }
    case Kind::Mapping: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& [key, value] : entries) object[key.text] = value.toJson();
      return object;
    }
  }
  return nullptr;
}

std::string SpecNode::describe() const {
  switch (kind) {
    case Kind::Null:
      return "nothing";
    case Kind::Scalar:
      return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    case Kind::Sequence:
      return "a list";
    case Kind::Mapping:
      return "a mapping";
  }
  return "nothing";
}

SpecDocument specFromYaml(std::string_view text) {
  SpecDocument document;
  if (text.size() > kMaxDocumentBytes) {
    document.syntaxError = "the file is " + std::to_string(text.size()) +
                           " bytes long; a group spec is at most 1 MiB";
    return document;
  }
  try {
    YAML::Node root = YAML::Load(std::string(text));
    document.root = fromYaml(root, 0);
  } catch (const YAML::Exception& error) {
    std::string where = error.mark.is_null() ? "" : std::to_string(error.mark.line + 1) + ":" +
                                                        std::to_string(error.mark.column + 1) +
                                                        ": ";
    document.syntaxError = where + "not valid YAML: " + error.msg;
  } catch (const std::exception& error) {
    document.syntaxError = std::string("cannot be read: ") + error.what();
  }
  return document;
}

namespace {

// Deeper than any group spec: what lies beyond is dropped (read as null) rather than recursed into.
SpecNode fromJson(const nlohmann::json& json, int depth) {
  SpecNode node;
  if (depth > kMaxDepth) return node;
  switch (json.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      node.kind = SpecNode::Kind::Null;
      break;
    case nlohmann::json::value_t::object:
      node.kind = SpecNode::Kind::Mapping;
      for (const auto& [key, value] : json.items()) {
        SpecNode keyNode;
        keyNode.kind = SpecNode::Kind::Scalar;
        keyNode.type = SpecNode::ScalarType::String;
        keyNode.text = key;
        node.entries.emplace_back(std::move(keyNode), fromJson(value, depth + 1));
      }
      break;
    case nlohmann::json::value_t::array:
      node.kind = SpecNode::Kind::Sequence;
      for (const nlohmann::json& item : json) node.items.push_back(fromJson(item, depth + 1));
      break;
    case nlohmann::json::value_t::string:
      node.kind = SpecNode::Kind::Scalar;
      node.type = SpecNode::ScalarType::String;
      node.text = json.get<std::string>();
      break;
    case nlohmann::json::value_t::boolean:
      node.kind = SpecNode::Kind::Scalar;
      node.type = SpecNode::ScalarType::Bool;
      node.text = json.get<bool>() ? "true" : "false";
      break;
    default:  // numbers
      node.kind = SpecNode::Kind::Scalar;
      node.type = SpecNode::ScalarType::Number;
      node.text = json.dump();
      break;
  }
  return node;
}

}  // namespace

SpecNode specFromJson(const nlohmann::json& json) { return fromJson(json, 0); }

}  // namespace greenlight::catalog::detail
