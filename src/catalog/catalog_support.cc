// Shared helpers of the catalog module (see catalog_support.h).
#include "catalog/catalog_support.h"

#include <openssl/rand.h>

#include <algorithm>

#include "appspec/suggestion.h"

namespace greenlight::catalog::detail {

Result<std::string> randomId(std::string_view prefix, std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return Error{codes::kInternal, "cannot draw random bytes for a new id from OpenSSL; check "
                                   "that the system's random source (/dev/urandom) is readable"};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(prefix);
  for (unsigned char byte : random) {
    id += kHex[byte >> 4];
    id += kHex[byte & 0x0f];
  }
  return id;
}

std::optional<std::string> nameProblem(std::string_view name) {
  if (name.empty()) return std::string("must not be empty");
  if (name.size() > 100) {
    return "must be at most 100 characters long, not " + std::to_string(name.size());
  }
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-';
    if (!allowed) {
      return "may hold only letters, digits, '.', '_' and '-', but '" + std::string(name) +
             "' does not";
    }
  }
  return std::nullopt;
}

Status checkName(std::string_view what, std::string_view name) {
  if (std::optional<std::string> problem = nameProblem(name)) {
    return invalidArgument("the " + std::string(what) + " " + *problem);
  }
  return Status::success();
}

bool isLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string quotedList(const std::vector<std::string>& items, std::size_t limit) {
  if (items.empty()) return "none";
  std::string text;
  std::size_t shown = std::min(items.size(), limit);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) text += (i + 1 == shown && shown == items.size()) ? " or " : ", ";
    text += "'" + items[i] + "'";
  }
  if (shown < items.size()) text += " and " + std::to_string(items.size() - shown) + " more";
  return text;
}

std::vector<std::string> closeNames(std::string_view word, const std::vector<std::string>& candidates) {
  std::vector<std::string_view> views(candidates.begin(), candidates.end());
  std::vector<std::string> close;
  if (std::optional<std::string> best = appspec::detail::closestMatch(word, views)) {
    close.push_back(*best);
  }
  // Also names that contain what was typed ("HalfAtATime" for "CodeDeployDefault.HalfAtATime").
  for (const std::string& candidate : candidates) {
    bool contains = !word.empty() && candidate.find(word) != std::string::npos;
    if (contains && std::find(close.begin(), close.end(), candidate) == close.end()) {
      close.push_back(candidate);
    }
  }
  return close;
}

Result<WriteScope> WriteScope::begin(store::SqliteDatabase& database) {
  if (database.inTransaction()) return WriteScope(std::nullopt);
  Result<store::Transaction> transaction = store::Transaction::begin(database);
  if (!transaction.ok()) return transaction.error();
  return WriteScope(std::move(transaction).value());
}

Status WriteScope::commit() {
  if (!own_) return Status::success();
  return own_->commit();
}

}  // namespace greenlight::catalog::detail
