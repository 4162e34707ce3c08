// The cleanup list on disk: one host path per line, replaced atomically so a crash leaves either
// the old list or the new one, never half of one.
#include <string>
#include <system_error>

#include "agent/file_installer.h"
#include "common/files.h"

namespace greenlight::agent {

Result<InstallRecord> readInstallRecord(const std::filesystem::path& file) {
  InstallRecord record;
  std::error_code error;
  if (!std::filesystem::exists(file, error) && !error) return record;  // nothing installed here yet
  auto content = readWholeFile(file);
  if (!content.ok()) {
    return Error{"InstallFailed", content.error().message +
                                      "; fix its permissions: greenlight needs the cleanup list to remove the previous "
                                      "deployment's files"};
  }
  std::size_t start = 0;
  while (start < content->size()) {
    std::size_t end = content->find('\n', start);
    if (end == std::string::npos) end = content->size();
    if (end > start) record.paths.push_back(content->substr(start, end - start));
    start = end + 1;
  }
  return record;
}

Status writeInstallRecord(const InstallRecord& record, const std::filesystem::path& file) {
  std::string content;
  for (const std::string& path : record.paths) {
    if (path.find('\n') != std::string::npos) {
      return Error{"InstallFailed", "Cannot write the cleanup list " + file.string() +
                                        ": the installed path '" + path +
                                        "' contains a line break. Rename it in the revision."};
    }
    content += path + "\n";
  }
  std::error_code ignored;
  std::filesystem::create_directories(file.parent_path().empty() ? "." : file.parent_path(), ignored);
  if (auto written = writeFileAtomically(file, content); !written.ok()) {
    return Error{"InstallFailed", written.error().message +
                                      "; check free space and permissions there: without the cleanup list the next "
                                      "deployment cannot remove this one's files"};
  }
  return Status::success();
}

}  // namespace greenlight::agent
