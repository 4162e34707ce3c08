// Packs a bundle folder into a reproducible tgz with libarchive's writer.
#include "cli/client_bundle_pack.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <memory>
#include <vector>

namespace greenlight::cli {

namespace fs = std::filesystem;

namespace {

struct ArchiveWriterDeleter {
  void operator()(archive* writer) const { archive_write_free(writer); }
};
struct EntryDeleter {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

Error archiveError(archive* writer, const fs::path& archivePath, const std::string& what) {
  const char* detail = archive_error_string(writer);
  return Error{"BundlePackFailed", "cannot pack the bundle into " + archivePath.string() + ": " + what +
                                       (detail ? std::string(": ") + detail : std::string())};
}

Status writeEntry(archive* writer, const fs::path& folder, const std::string& relative,
                  const fs::path& archivePath) {
  fs::path full = folder / relative;
  struct stat info {};
  if (::lstat(full.c_str(), &info) != 0) {
    return errnoError("BundlePackFailed", "cannot read " + full.string() + " to pack it", errno);
  }
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry_copy_stat(entry.get(), &info);
  // Owners are the packer's, not the bundle's; AppSpec `permissions` say who owns what.
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_set_uname(entry.get(), "");
  archive_entry_set_gname(entry.get(), "");
  archive_entry_set_pathname(entry.get(), relative.c_str());
  if (S_ISLNK(info.st_mode)) {
    std::error_code error;
    fs::path target = fs::read_symlink(full, error);
    if (error) return Error{"BundlePackFailed", "cannot read the link " + full.string() + ": " + error.message()};
    archive_entry_set_symlink(entry.get(), target.c_str());
    archive_entry_set_size(entry.get(), 0);
  } else if (S_ISDIR(info.st_mode)) {
    archive_entry_set_size(entry.get(), 0);
  } else if (!S_ISREG(info.st_mode)) {
    return Error{"BundlePackFailed", full.string() + " is neither a file, a folder nor a link (a socket, fifo or "
                                                     "device?); a bundle cannot hold it, remove it from the folder"};
  }
  if (archive_write_header(writer, entry.get()) != ARCHIVE_OK) {
    return archiveError(writer, archivePath, "writing the entry " + relative);
  }
  if (!S_ISREG(info.st_mode)) return Status::success();
  std::ifstream input(full, std::ios::binary);
  if (!input) return errnoError("BundlePackFailed", "cannot open " + full.string() + " to pack it", errno);
  std::vector<char> buffer(64 * 1024);
  while (input) {
    input.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize count = input.gcount();
    if (count <= 0) break;
    if (archive_write_data(writer, buffer.data(), static_cast<size_t>(count)) < 0) {
      return archiveError(writer, archivePath, "writing " + relative);
    }
  }
  if (input.bad()) return errnoError("BundlePackFailed", "cannot read " + full.string() + " to pack it", errno);
  return Status::success();
}

}  // namespace

Status packFolderAsTgz(const fs::path& folder, const fs::path& archivePath) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    return Error{"NotFound", folder.string() + " is not a folder"};
  }
  std::vector<std::string> paths;
  fs::recursive_directory_iterator walker(folder, fs::directory_options::none, error);
  if (error) return Error{"BundlePackFailed", "cannot list " + folder.string() + ": " + error.message()};
  for (auto it = walker; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) return Error{"BundlePackFailed", "cannot list " + folder.string() + ": " + error.message()};
    // Relative to the folder, so the archive never holds absolute paths nor "..".
    paths.push_back(it->path().lexically_relative(folder).generic_string());
  }
  if (error) return Error{"BundlePackFailed", "cannot list " + folder.string() + ": " + error.message()};
  std::sort(paths.begin(), paths.end());

  std::unique_ptr<archive, ArchiveWriterDeleter> writer(archive_write_new());
  if (archive_write_add_filter_gzip(writer.get()) != ARCHIVE_OK ||
      archive_write_set_format_pax_restricted(writer.get()) != ARCHIVE_OK) {
    return archiveError(writer.get(), archivePath, "setting up gzip and tar");
  }
  // Without the timestamp, packing the same folder twice gives the same bytes.
  archive_write_set_filter_option(writer.get(), "gzip", "timestamp", nullptr);
  if (archive_write_open_filename(writer.get(), archivePath.c_str()) != ARCHIVE_OK) {
    return archiveError(writer.get(), archivePath, "opening it");
  }
  for (const auto& relative : paths) {
    if (relative.empty() || relative.front() == '/' || relative == ".." || relative.rfind("../", 0) == 0) {
      return Error{"BundlePackFailed", "refusing to pack " + relative + ": it is outside " + folder.string()};
    }
    Status written = writeEntry(writer.get(), folder, relative, archivePath);
    if (!written.ok()) return written;
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK) {
    return archiveError(writer.get(), archivePath, "finishing it (is the disk full?)");
  }
  return Status::success();
}

Result<std::string> bundleTypeOfFileName(const fs::path& file) {
  std::string name = file.filename().string();
  auto endsWith = [&name](const std::string& suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (endsWith(".tar.gz") || endsWith(".tgz")) return std::string("tgz");
  if (endsWith(".tar")) return std::string("tar");
  if (endsWith(".zip")) return std::string("zip");
  return Error{"InvalidArgument", file.string() + " is not a bundle: give a folder, or a .tar, .tgz, .tar.gz or "
                                                  ".zip file"};
}

}  // namespace greenlight::cli
