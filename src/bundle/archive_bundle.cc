// libarchive readers for tar, tgz and zip bundles; see archive_bundle.h.
#include "bundle/archive_bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <string>

namespace greenlight::bundle {
namespace {

constexpr std::size_t kReadBlockBytes = 64 * 1024;

struct ArchiveFree {
  void operator()(archive* reader) const { archive_read_free(reader); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveFree>;

// What one header says, in greenlight's terms.
struct HeaderFacts {
  std::string rawName;
  EntryKind kind = EntryKind::File;
  std::string linkTarget;
  const char* forbiddenType = nullptr;  // set for devices, FIFOs, sockets and unknown types
};

Result<HeaderFacts> readFacts(archive_entry* entry) {
  HeaderFacts facts;
  const char* name = archive_entry_pathname(entry);
  if (name == nullptr) name = archive_entry_pathname_utf8(entry);
  if (name == nullptr) {
    return unsafeEntry("?", "has a name greenlight cannot read",
                       "rebuild the bundle with UTF-8 file names");
  }
  facts.rawName = name;
  if (const char* hardlink = archive_entry_hardlink(entry); hardlink != nullptr) {
    facts.kind = EntryKind::Hardlink;
    facts.linkTarget = hardlink;
    return facts;
  }
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      facts.kind = EntryKind::File;
      break;
    case AE_IFDIR:
      facts.kind = EntryKind::Directory;
      break;
    case AE_IFLNK: {
      facts.kind = EntryKind::Symlink;
      const char* target = archive_entry_symlink(entry);
      facts.linkTarget = target == nullptr ? "" : target;
      break;
    }
    case AE_IFCHR:
      facts.forbiddenType = "character device";
      break;
    case AE_IFBLK:
      facts.forbiddenType = "block device";
      break;
    case AE_IFIFO:
      facts.forbiddenType = "named pipe (FIFO)";
      break;
    case AE_IFSOCK:
      facts.forbiddenType = "socket";
      break;
    default:
      facts.forbiddenType = "file of unknown type";
      break;
  }
  return facts;
}

const char* formatName(BundleType type) {
  switch (type) {
    case BundleType::Tar: return "tar";
    case BundleType::Tgz: return "tgz";
    case BundleType::Zip: return "zip";
    case BundleType::Directory: break;
  }
  return "directory";
}

}  // namespace

Result<std::unique_ptr<ArchiveBundle>> ArchiveBundle::open(const std::filesystem::path& path,
                                                           BundleType type) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errnoError("IoError", "cannot open bundle " + path.string(), errno);
  return std::unique_ptr<ArchiveBundle>(new ArchiveBundle(fd, path, type));
}

ArchiveBundle::~ArchiveBundle() { ::close(fd_); }

namespace {

Error corrupt(const std::filesystem::path& path, BundleType type, archive* reader) {
  const char* text = reader == nullptr ? nullptr : archive_error_string(reader);
  std::string detail = text != nullptr ? text : "unknown error";
  while (!detail.empty() && std::isspace(static_cast<unsigned char>(detail.back()))) detail.pop_back();
  return Error{"BundleCorrupt", "bundle " + path.string() + " cannot be read as a " +
                                    formatName(type) + " archive (" +
                                    detail +
                                    ") — check that the upload is complete and the bundle type "
                                    "is right"};
}

Result<ArchiveReader> openReader(int fd, const std::filesystem::path& path, BundleType type) {
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    return errnoError("IoError", "cannot rewind bundle " + path.string(), errno);
  }
  ArchiveReader reader(archive_read_new());
  if (!reader) return Error{"IoError", "out of memory opening bundle " + path.string()};
  if (type == BundleType::Zip) {
    // The seekable reader trusts the central directory, as unzip does, not local headers.
    archive_read_support_format_zip_seekable(reader.get());
  } else {
    archive_read_support_format_tar(reader.get());
    archive_read_support_format_gnutar(reader.get());
    archive_read_support_filter_gzip(reader.get());
  }
  if (archive_read_open_fd(reader.get(), fd, kReadBlockBytes) != ARCHIVE_OK) {
    return corrupt(path, type, reader.get());
  }
  return reader;
}

// ARCHIVE_OK, or ARCHIVE_EOF, or an error.
Result<int> nextHeader(archive* reader, archive_entry** entry, const std::filesystem::path& path,
                       BundleType type) {
  const int result = archive_read_next_header(reader, entry);
  if (result == ARCHIVE_OK || result == ARCHIVE_WARN) return ARCHIVE_OK;
  if (result == ARCHIVE_EOF) return ARCHIVE_EOF;
  return corrupt(path, type, reader);
}

// A zip of nothing is only its end record ("PK\5\6"); libarchive does not recognise it.
Result<bool> isEmptyZip(int fd, const std::filesystem::path& path) {
  char head[4] = {};
  const ssize_t got = ::pread(fd, head, sizeof head, 0);
  if (got < 0) return errnoError("IoError", "cannot read bundle " + path.string(), errno);
  return got == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 5 && head[3] == 6;
}

}  // namespace

Status ArchiveBundle::plan(EntryPlan& plan) {
  if (type_ == BundleType::Zip) {
    auto empty = isEmptyZip(fd_, path_);
    if (!empty) return empty.error();
    if (*empty) return Status::success();
  }
  auto reader = openReader(fd_, path_, type_);
  if (!reader) return reader.error();
  for (;;) {
    archive_entry* entry = nullptr;
    auto next = nextHeader(reader->get(), &entry, path_, type_);
    if (!next) return next.error();
    if (*next == ARCHIVE_EOF) break;
    auto facts = readFacts(entry);
    if (!facts) return facts.error();
    if (facts->forbiddenType != nullptr) return forbiddenEntryType(facts->rawName, facts->forbiddenType);
    const std::int64_t size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
    const std::int64_t mtime = archive_entry_mtime_is_set(entry) ? archive_entry_mtime(entry) : -1;
    auto added = plan.add(facts->rawName, facts->kind, facts->linkTarget,
                          static_cast<std::uint64_t>(size < 0 ? 0 : size),
                          archive_entry_perm(entry), mtime);
    if (!added) return added;
  }
  return Status::success();
}

Status ArchiveBundle::write(const EntryPlan& plan, TargetWriter& writer) {
  if (plan.entries().empty() && type_ == BundleType::Zip) {
    auto empty = isEmptyZip(fd_, path_);
    if (!empty) return empty.error();
    if (*empty) return Status::success();
  }
  auto reader = openReader(fd_, path_, type_);
  if (!reader) return reader.error();
  archive* raw = reader->get();
  const auto& entries = plan.entries();
  const Error changed{"BundleCorrupt", "bundle " + path_.string() +
                                           " changed while it was being extracted — do not "
                                           "modify a bundle during a deployment"};
  std::size_t index = 0;
  for (;; ++index) {
    archive_entry* header = nullptr;
    auto next = nextHeader(raw, &header, path_, type_);
    if (!next) return next.error();
    if (*next == ARCHIVE_EOF) break;
    if (index >= entries.size()) return changed;
    const PlannedEntry& entry = entries[index];
    auto facts = readFacts(header);
    if (!facts) return facts.error();
    auto name = normaliseEntryName(facts->rawName, plan.limits().maxPathLength);
    if (!name || *name != entry.sourceName || facts->kind != entry.kind) return changed;
    if (entry.skipped) continue;

    Status status;
    switch (entry.kind) {
      case EntryKind::Directory:
        status = writer.makeDirectory(entry.path, entry.mode);
        break;
      case EntryKind::File:
        status = writer.writeFile(entry.path, entry.mode, entry.mtime,
                                  [&](char* buffer, std::size_t capacity) -> Result<std::size_t> {
                                    const la_ssize_t got = archive_read_data(raw, buffer, capacity);
                                    if (got < 0) return corrupt(path_, type_, raw);
                                    return static_cast<std::size_t>(got);
                                  });
        break;
      case EntryKind::Symlink:
        if (facts->linkTarget != entry.linkTarget) return changed;
        status = writer.makeSymlink(entry.path, entry.linkTarget);
        break;
      case EntryKind::Hardlink:
        status = writer.makeHardlink(entry.path, entry.linkTarget);
        break;
    }
    if (!status) return status;
  }
  if (index != entries.size()) return changed;
  return Status::success();
}

}  // namespace greenlight::bundle
