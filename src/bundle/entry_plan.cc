// Checks a bundle's entries as a whole before extraction: nothing here touches the disk.
#include "bundle/entry_plan.h"

#include <array>
#include <deque>

namespace greenlight::bundle {
namespace {

constexpr std::array<std::string_view, 3> kDefaultAppSpecNames = {"appspec.yml", "appspec.yaml",
                                                                   "appspec.json"};
constexpr int kMaxSymlinkHops = 40;  // as the kernel's ELOOP limit

// Names come from hostile input: keep control bytes and very long names out of log lines.
std::string printable(std::string_view name) {
  constexpr std::size_t kShown = 200;
  std::string out;
  for (std::size_t i = 0; i < name.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (name.size() > kShown) out += "...";
  return out;
}

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string joinPath(const std::vector<std::string>& parts) {
  std::string joined;
  for (const auto& part : parts) {
    if (!joined.empty()) joined += '/';
    joined += part;
  }
  return joined;
}

// Some tools on Windows write "..\..\x"; a later copy to a Windows share would honour it.
bool hasBackslashDotDot(std::string_view component) {
  if (component.find('\\') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= component.size()) {
    const std::size_t sep = component.find('\\', start);
    const std::size_t end = sep == std::string_view::npos ? component.size() : sep;
    if (component.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

Error tooLarge(std::string message) { return Error{"BundleTooLarge", std::move(message)}; }

}  // namespace

Error unsafeEntry(std::string_view name, std::string_view problem, std::string_view remedy) {
  return Error{"BundleUnsafe", "bundle entry \"" + printable(name) + "\" " + std::string(problem) +
                                   "; " + std::string(remedy)};
}

Error forbiddenEntryType(std::string_view name, std::string_view typeDescription) {
  return unsafeEntry(name, "is a " + std::string(typeDescription),
                     "greenlight only extracts files, folders and links — remove it from the bundle "
                     "and create it in a hook script if the application needs it");
}

Result<std::string> normaliseEntryName(std::string_view raw, std::uint64_t maxPathLength) {
  if (raw.size() > maxPathLength) {
    return tooLarge("bundle entry \"" + printable(raw) + "\" has a path of " +
                    std::to_string(raw.size()) + " characters, over the limit of " +
                    std::to_string(maxPathLength) + " — shorten the paths inside the bundle");
  }
  if (raw.empty()) {
    return unsafeEntry(raw, "has an empty name", "rebuild the bundle with a standard tool (tar, zip)");
  }
  if (raw.front() == '/') {
    return unsafeEntry(raw, "has an absolute path and would be written outside the deployment folder",
                       "greenlight refuses absolute paths — rebuild the bundle from inside its folder "
                       "(e.g. tar -C <folder> -czf bundle.tgz .)");
  }
  std::vector<std::string> kept;
  for (auto& component : splitPath(raw)) {
    if (component == ".") continue;
    if (component == ".." || hasBackslashDotDot(component)) {
      return unsafeEntry(raw, "escapes the deployment folder",
                         "greenlight refuses bundles with \"..\" paths — rebuild the bundle from "
                         "inside its folder");
    }
    kept.push_back(std::move(component));
  }
  return joinPath(kept);
}

Status EntryPlan::add(std::string_view rawName, EntryKind kind, std::string_view linkTarget,
                      std::uint64_t size, unsigned mode, std::int64_t mtime) {
  if (entries_.size() + 1 > limits_.maxEntries) {
    return tooLarge("bundle holds more than " + std::to_string(limits_.maxEntries) +
                    " entries (files, folders and links), the limit for one bundle — split the "
                    "application into smaller bundles or raise the agent's entry limit");
  }
  auto name = normaliseEntryName(rawName, limits_.maxPathLength);
  if (!name) return name.error();

  PlannedEntry entry;
  entry.sourceName = *name;
  entry.path = *name;
  entry.kind = kind;
  entry.mode = mode & 0777;  // setuid/setgid from a bundle would be a gift to an attacker
  entry.mtime = mtime;
  if (entry.path.empty()) {
    if (kind != EntryKind::Directory) {
      return unsafeEntry(rawName, "names the deployment folder itself but is not a folder",
                         "rebuild the bundle with a standard tool (tar, zip)");
    }
    entry.skipped = true;
  }

  switch (kind) {
    case EntryKind::File:
      entry.size = size;
      if (size > limits_.maxFileBytes) {
        return tooLarge("bundle entry \"" + printable(rawName) + "\" is " + std::to_string(size) +
                        " bytes, over the limit of " + std::to_string(limits_.maxFileBytes) +
                        " bytes for one file — keep large artifacts out of the bundle or raise "
                        "the agent's per-file limit");
      }
      declaredBytes_ += size;
      if (declaredBytes_ > limits_.maxTotalBytes) {
        return tooLarge("bundle holds more than " + std::to_string(limits_.maxTotalBytes) +
                        " bytes of files (passed at entry \"" + printable(rawName) +
                        "\") — make the bundle smaller or raise the agent's bundle size limit");
      }
      break;
    case EntryKind::Symlink:
      if (linkTarget.empty()) {
        return unsafeEntry(rawName, "is a symlink with an empty target",
                           "remove the link or point it at a file inside the bundle");
      }
      if (linkTarget.size() > limits_.maxPathLength) {
        return tooLarge("bundle entry \"" + printable(rawName) + "\" is a symlink whose target is " +
                        std::to_string(linkTarget.size()) + " characters long, over the limit of " +
                        std::to_string(limits_.maxPathLength));
      }
      entry.linkTarget = std::string(linkTarget);
      break;
    case EntryKind::Hardlink: {
      auto target = normaliseEntryName(linkTarget, limits_.maxPathLength);
      if (!target || target->empty()) {
        return unsafeEntry(rawName,
                           "is a hard link to \"" + printable(linkTarget) +
                               "\", which lies outside the deployment folder",
                           "greenlight only accepts hard links between files of the same bundle — "
                           "rebuild the bundle without it");
      }
      entry.linkTarget = std::move(*target);
      break;
    }
    case EntryKind::Directory:
      break;
  }
  entries_.push_back(std::move(entry));
  return Status::success();
}

void EntryPlan::decideStrip(std::string_view appspecFilename) {
  std::vector<std::string> candidates;
  if (appspecFilename.empty()) {
    candidates.assign(kDefaultAppSpecNames.begin(), kDefaultAppSpecNames.end());
  } else {
    auto normalised = normaliseEntryName(appspecFilename, limits_.maxPathLength);
    if (!normalised || normalised->empty()) return;  // a bad name is the AppSpec check's to report
    candidates.push_back(*normalised);
  }

  // CodeDeploy strips only when the root holds exactly one thing, a folder holding the AppSpec.
  std::string top;
  bool topIsFolder = false;
  for (const auto& entry : entries_) {
    if (entry.skipped) continue;
    const std::size_t slash = entry.path.find('/');
    const std::string first = entry.path.substr(0, slash);
    if (top.empty()) top = first;
    if (first != top) return;
    if (slash != std::string::npos || entry.kind == EntryKind::Directory) {
      topIsFolder = true;
    } else {
      return;  // the top-level name is also a file or a link
    }
  }
  if (top.empty() || !topIsFolder) return;

  bool holdsAppSpec = false;
  for (const auto& entry : entries_) {
    if (entry.kind == EntryKind::Directory || entry.skipped) continue;
    for (const auto& candidate : candidates) {
      if (entry.path == top + "/" + candidate) holdsAppSpec = true;
    }
  }
  if (!holdsAppSpec) return;

  strippedPrefix_ = top;
  const std::string prefix = top + "/";
  for (auto& entry : entries_) {
    if (entry.skipped) continue;
    if (entry.path == top) {
      entry.skipped = true;
      entry.path.clear();
      continue;
    }
    entry.path.erase(0, prefix.size());
    if (entry.kind == EntryKind::Hardlink && entry.linkTarget.starts_with(prefix)) {
      entry.linkTarget.erase(0, prefix.size());
    }
  }
}

Status EntryPlan::checkConflicts() {
  byPath_.clear();
  byPath_.reserve(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& entry = entries_[i];
    if (entry.skipped) continue;
    auto [it, inserted] = byPath_.emplace(entry.path, i);
    if (!inserted) {
      const bool bothFolders = entry.kind == EntryKind::Directory &&
                               entries_[it->second].kind == EntryKind::Directory;
      if (!bothFolders) {
        return unsafeEntry(entry.sourceName, "appears twice in the bundle",
                           "a later copy would silently replace the earlier one — rebuild the "
                           "bundle without duplicate entries");
      }
    }
  }
  for (const auto& entry : entries_) {
    if (entry.skipped) continue;
    for (std::size_t slash = entry.path.find('/'); slash != std::string::npos;
         slash = entry.path.find('/', slash + 1)) {
      const auto ancestor = byPath_.find(entry.path.substr(0, slash));
      if (ancestor == byPath_.end()) continue;
      const auto& holder = entries_[ancestor->second];
      if (holder.kind == EntryKind::Symlink) {
        return unsafeEntry(entry.sourceName,
                           "would be written through the symlink \"" + holder.sourceName + "\"",
                           "greenlight refuses bundles that write through links — replace the "
                           "link with a real folder");
      }
      if (holder.kind != EntryKind::Directory) {
        return unsafeEntry(entry.sourceName,
                           "sits below \"" + holder.sourceName + "\", which is not a folder",
                           "rebuild the bundle with a standard tool (tar, zip)");
      }
    }
  }
  return Status::success();
}

Status EntryPlan::checkSymlink(const PlannedEntry& link) const {
  const auto outside = [&link] {
    return unsafeEntry(link.sourceName,
                       "is a symlink to \"" + link.linkTarget +
                           "\", which points outside the deployment folder",
                       "greenlight refuses links that leave the bundle — use a relative link to a "
                       "file inside the bundle, or create the link in a hook script");
  };
  if (link.linkTarget.front() == '/') return outside();

  // Resolve as the kernel will once everything is written: through the bundle's own symlinks.
  std::vector<std::string> current = splitPath(link.path);
  current.pop_back();  // a link's target is relative to the folder holding it
  const auto targetParts = splitPath(link.linkTarget);
  std::deque<std::string> pending(targetParts.begin(), targetParts.end());
  int hops = 0;
  while (!pending.empty()) {
    std::string component = std::move(pending.front());
    pending.pop_front();
    if (component == ".") continue;
    if (component == "..") {
      if (current.empty()) return outside();
      current.pop_back();
      continue;
    }
    current.push_back(std::move(component));
    const auto found = byPath_.find(joinPath(current));
    if (found == byPath_.end() || entries_[found->second].kind != EntryKind::Symlink) continue;
    if (++hops > kMaxSymlinkHops) {
      return unsafeEntry(link.sourceName, "is part of a symlink loop",
                         "remove the loop from the bundle");
    }
    const auto& next = entries_[found->second].linkTarget;
    if (next.front() == '/') return outside();
    current.pop_back();
    const auto nextParts = splitPath(next);
    pending.insert(pending.begin(), nextParts.begin(), nextParts.end());
  }
  return Status::success();
}

Status EntryPlan::checkHardlink(std::size_t index) const {
  const auto& link = entries_[index];
  const auto found = byPath_.find(link.linkTarget);
  const bool fileBefore = found != byPath_.end() && found->second < index &&
                          (entries_[found->second].kind == EntryKind::File ||
                           entries_[found->second].kind == EntryKind::Hardlink);
  if (fileBefore) return Status::success();
  return unsafeEntry(link.sourceName,
                     "is a hard link to \"" + link.linkTarget +
                         "\", which is not a file earlier in the bundle",
                     "greenlight only accepts hard links between files of the same bundle — "
                     "rebuild the bundle without it");
}

Status EntryPlan::finish(std::string_view appspecFilename) {
  decideStrip(appspecFilename);
  if (auto status = checkConflicts(); !status) return status;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& entry = entries_[i];
    if (entry.skipped) continue;
    Status status;
    if (entry.kind == EntryKind::Symlink) status = checkSymlink(entry);
    if (entry.kind == EntryKind::Hardlink) status = checkHardlink(i);
    if (!status) return status;
  }
  return Status::success();
}

}  // namespace greenlight::bundle
