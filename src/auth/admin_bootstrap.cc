// Creating the first admin token and its file, once.
#include "auth/admin_bootstrap.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "store/sqlite_transaction.h"

namespace greenlight::auth {
namespace {

// Writes `content` to a file that must not exist yet, owner-only, and makes it durable; returns
// `whenExists` if the file is there already.
Status writeNewSecretFile(const std::filesystem::path& file, const std::string& content,
                          const Error& whenExists) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int saved = errno;
    if (saved == EEXIST) return whenExists;
    return errnoError("IoError", "cannot create the admin token file " + file.string(), saved);
  }
  // The mode given to open() is narrowed by the umask; set it exactly.
  bool written = ::fchmod(fd, 0600) == 0;
  const char* data = content.data();
  size_t left = content.size();
  while (written && left > 0) {
    ssize_t count = ::write(fd, data, left);
    if (count < 0 && errno == EINTR) continue;
    written = count > 0;
    if (written) {
      data += count;
      left -= static_cast<size_t>(count);
    }
  }
  written = written && ::fsync(fd) == 0;
  int saved = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    saved = errno;
  }
  if (written) {
    int folder = ::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    written = folder >= 0 && ::fsync(folder) == 0;
    saved = errno;
    if (folder >= 0) ::close(folder);
  }
  if (written) return Status::success();
  ::unlink(file.c_str());
  return errnoError("IoError", "cannot write the admin token file " + file.string() +
                                   " (it was removed again; no admin token was created)",
                    saved);
}

Result<bool> fileExists(const std::filesystem::path& file, mode_t* mode) {
  struct stat status {};
  if (::lstat(file.c_str(), &status) == 0) {
    *mode = status.st_mode;
    return true;
  }
  if (errno == ENOENT) return false;
  return errnoError("IoError", "cannot check the admin token file " + file.string(), errno);
}

// Creates an admin token in a transaction, writes its file, then commits; the file is removed
// again if the commit fails. `firstStart` re-checks under the write lock that no admin exists
// (another process may have won the race) and returns nothing if one does.
Result<std::optional<AdminBootstrapOutcome>> createAdmin(const std::filesystem::path& file,
                                                         TokenStore& tokens, AuditLog& audit,
                                                         bool firstStart) {
  Result<store::Transaction> transaction = store::Transaction::begin(tokens.database());
  if (!transaction.ok()) return transaction.error();
  if (firstStart) {
    Result<bool> exists = tokens.anyWithRole(Role::Admin);
    if (!exists.ok()) return exists.error();
    if (*exists) return std::optional<AdminBootstrapOutcome>();
  }
  std::string name = firstStart ? "admin (first start)" : "admin (recovery)";
  Result<CreatedToken> created = tokens.create({name, Role::Admin, std::nullopt, std::nullopt});
  if (!created.ok()) return created.error();
  Result<std::int64_t> audited =
      audit.record(tokens.database(), systemPrincipal(), "create-token",
                   "token:" + std::to_string(created->token.id),
                   {{"name", name}, {"role", "admin"}, {"file", file.string()}});
  if (!audited.ok()) return audited.error();
  Error whenExists =
      firstStart
          ? Error{"AdminTokenFileStale",
                  file.string() + " exists but the store holds no admin token it could be; it is "
                  "left over from a replaced store or an interrupted first start. Move it away "
                  "and start greenlight again to create a new admin token"}
          : Error{"AdminTokenFileExists",
                  file.string() + " exists; a recovery admin token is only written where that "
                  "file is missing. Use the token in it, or move it away and try again"};
  if (Status written = writeNewSecretFile(file, created->secret + "\n", whenExists);
      !written.ok()) {
    return written.error();
  }
  if (Status committed = transaction->commit(); !committed.ok()) {
    ::unlink(file.c_str());
    return committed.error();
  }
  return std::optional<AdminBootstrapOutcome>(AdminBootstrapOutcome{
      AdminTokenState::Created, file, created->token.id,
      "created admin token " + std::to_string(created->token.id) + "; its secret is in " +
          file.string() + " (readable by this user only): keep it safe"});
}

}  // namespace

Result<AdminBootstrapOutcome> ensureAdminToken(const std::filesystem::path& dataDir,
                                               TokenStore& tokens, AuditLog& audit) {
  std::filesystem::path file = dataDir / kAdminTokenFileName;
  Result<bool> adminExists = tokens.anyWithRole(Role::Admin);
  if (!adminExists.ok()) return adminExists.error();
  if (!*adminExists) {
    auto created = createAdmin(file, tokens, audit, /*firstStart=*/true);
    if (!created.ok()) return created.error();
    if (*created) return std::move(**created);
  }
  mode_t mode = 0;
  Result<bool> present = fileExists(file, &mode);
  if (!present.ok()) return present.error();
  if (!*present) {
    return AdminBootstrapOutcome{
        AdminTokenState::FileMissing, file, std::nullopt,
        file.string() + " is missing, and greenlight does not create a second admin token by "
                        "itself. To get a new one, create a token with role admin using an "
                        "admin token you hold; if none is held any more, mint a recovery admin "
                        "token locally (it is written to " + file.string() + ")"};
  }
  std::string notice;
  if ((mode & 077) != 0) {
    notice = file.string() + " can be read by users other than its owner; run chmod 600 on it, "
             "or revoke that admin token if others may have read it";
  }
  return AdminBootstrapOutcome{AdminTokenState::AlreadyPresent, file, std::nullopt, notice};
}

Result<AdminBootstrapOutcome> mintAdminToken(const std::filesystem::path& dataDir,
                                             TokenStore& tokens, AuditLog& audit) {
  std::filesystem::path file = dataDir / kAdminTokenFileName;
  auto created = createAdmin(file, tokens, audit, /*firstStart=*/false);
  if (!created.ok()) return created.error();
  return std::move(**created);
}

}  // namespace greenlight::auth
