// The S3 revision store: every bundle the server keeps is also put in an S3 bucket, at
// <prefix><sha256>, and a server missing a bundle locally (a new machine, a lost disk) fetches it
// from there. The bucket is made when missing.
#pragma once

#include <string>

#include "catalog/revision_store.h"
#include "providers/aws/aws_clients.h"

namespace greenlight::providers::aws {

class S3RevisionMirror final : public catalog::RevisionMirror {
 public:
  // `prefix`: "revisions/" by default. Does not touch S3 until used.
  S3RevisionMirror(AwsClients& clients, std::string bucket, std::string prefix = "revisions/");

  Status put(const std::string& sha256, const std::filesystem::path& path) override;
  Status fetch(const std::string& sha256, const std::filesystem::path& destination) override;
  std::string describe(const std::string& sha256) const override;

  std::string keyFor(const std::string& sha256) const { return prefix_ + sha256; }

 private:
  AwsClients& clients_;
  std::string bucket_;
  std::string prefix_;
  std::mutex mutex_;
  bool bucketReady_ = false;  // GUARDED_BY(mutex_)
};

}  // namespace greenlight::providers::aws
