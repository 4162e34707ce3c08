#include "providers/aws/s3_revisions.h"

#include <fstream>
#include <sstream>

#include "aws/aws_error.h"
#include "common/error_codes.h"
#include "common/files.h"

namespace greenlight::providers::aws {

S3RevisionMirror::S3RevisionMirror(AwsClients& clients, std::string bucket, std::string prefix)
    : clients_(clients), bucket_(std::move(bucket)), prefix_(std::move(prefix)) {}

std::string S3RevisionMirror::describe(const std::string& sha256) const {
  return "s3://" + bucket_ + "/" + keyFor(sha256);
}

Status S3RevisionMirror::put(const std::string& sha256, const std::filesystem::path& path) {
  auto client = clients_.forRegion("");
  if (!client.ok()) return client.error();
  {
    std::lock_guard lock(mutex_);
    if (!bucketReady_) {
      auto head = (*client)->s3List(bucket_, prefix_, {}, {}, 1);
      if (!head.ok() && greenlight::aws::isAwsError(head.error(), "NoSuchBucket")) {
        if (Status made = (*client)->s3CreateBucket(bucket_); !made.ok()) return made;
      } else if (!head.ok()) {
        return head.error();
      }
      bucketReady_ = true;
    }
  }
  auto existing = (*client)->s3Head(bucket_, keyFor(sha256));
  if (!existing.ok()) return existing.error();
  if (existing->has_value()) return Status::success();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{codes::kNotFound, "cannot read " + path.string()};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return (*client)->s3Put(bucket_, keyFor(sha256), bytes.str());
}

Status S3RevisionMirror::fetch(const std::string& sha256, const std::filesystem::path& destination) {
  auto client = clients_.forRegion("");
  if (!client.ok()) return client.error();
  auto object = (*client)->s3Get(bucket_, keyFor(sha256));
  if (!object.ok()) {
    if (greenlight::aws::isAwsError(object.error(), "NoSuchKey") ||
        greenlight::aws::isAwsError(object.error(), "NoSuchBucket")) {
      return Error{codes::kNotFound, describe(sha256) + " does not exist"};
    }
    return object.error();
  }
  return writeFileAtomically(destination, object->body);
}

}  // namespace greenlight::providers::aws
