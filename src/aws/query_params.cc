// Query parameter shapes and their form encoding.
#include "aws/query_params.h"

#include "aws/sigv4.h"

namespace greenlight::aws {
namespace {

std::string numbered(std::string_view prefix, size_t index) {
  return std::string(prefix) + "." + std::to_string(index + 1);
}

}  // namespace

QueryParams& QueryParams::add(std::string key, std::string value) {
  fields_.emplace_back(std::move(key), std::move(value));
  return *this;
}

QueryParams& QueryParams::addMembers(std::string_view prefix, const std::vector<std::string>& values) {
  return addIndexed(std::string(prefix) + ".member", values);
}

QueryParams& QueryParams::addMemberStructs(std::string_view prefix, const std::vector<QueryFields>& items) {
  return addIndexedStructs(std::string(prefix) + ".member", items);
}

QueryParams& QueryParams::addIndexed(std::string_view prefix, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) add(numbered(prefix, i), values[i]);
  return *this;
}

QueryParams& QueryParams::addIndexedStructs(std::string_view prefix, const std::vector<QueryFields>& items) {
  for (size_t i = 0; i < items.size(); ++i)
    for (const auto& [field, value] : items[i]) add(numbered(prefix, i) + "." + field, value);
  return *this;
}

QueryParams& QueryParams::addFilter(std::string_view name, const std::vector<std::string>& values) {
  std::string filter = "Filter." + std::to_string(++filters_);
  add(filter + ".Name", std::string(name));
  return addIndexed(filter + ".Value", values);
}

std::string QueryParams::encode() const {
  std::string body;
  for (const auto& [key, value] : fields_) {
    if (!body.empty()) body += '&';
    body += uriEncode(key) + "=" + uriEncode(value);
  }
  return body;
}

}  // namespace greenlight::aws
