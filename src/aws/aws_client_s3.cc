// S3's REST API on AwsClient: buckets and objects, path-style, enough for a revision store.
#include <string>

#include "aws/aws_client.h"
#include "aws/aws_client_call.h"

namespace greenlight::aws {
namespace {

std::string objectPath(std::string_view bucket, std::string_view key) {
  return "/" + std::string(bucket) + "/" + std::string(key);
}

void addQuery(std::string& query, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  query += (query.empty() ? "" : "&") + uriEncode(key) + "=" + uriEncode(value);
}

}  // namespace

Status AwsClient::s3CreateBucket(std::string_view bucket) {
  Call call{"s3", "CreateBucket", Protocol::RestXml, "PUT", "/" + std::string(bucket)};
  if (region() != "us-east-1") {
    call.headers = {{"Content-Type", "application/xml"}};
    call.body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
                region() + "</LocationConstraint></CreateBucketConfiguration>";
  }
  auto response = send(call);
  if (!response.ok()) return response.error();
  return Status::success();
}

Status AwsClient::s3Put(std::string_view bucket, std::string_view key, std::string_view bytes,
                        std::string_view contentType) {
  Call call{"s3", "PutObject", Protocol::RestXml, "PUT", objectPath(bucket, key)};
  call.headers = {{"Content-Type", std::string(contentType)}};
  call.body = std::string(bytes);
  auto response = send(call);
  if (!response.ok()) return response.error();
  return Status::success();
}

Result<S3Object> AwsClient::s3Get(std::string_view bucket, std::string_view key) {
  auto response = send(Call{"s3", "GetObject", Protocol::RestXml, "GET", objectPath(bucket, key)});
  if (!response.ok()) return response.error();
  return S3Object{std::move(response->body), response->header("etag"), response->header("content-type")};
}

Result<std::optional<S3ObjectSummary>> AwsClient::s3Head(std::string_view bucket, std::string_view key) {
  auto response = send(Call{"s3", "HeadObject", Protocol::RestXml, "HEAD", objectPath(bucket, key)});
  if (!response.ok()) {
    if (isAwsError(response.error(), "NotFound") || isAwsError(response.error(), "NoSuchKey"))
      return std::optional<S3ObjectSummary>();
    return response.error();
  }
  std::string length = response->header("content-length");
  return std::optional<S3ObjectSummary>(S3ObjectSummary{std::string(key), length.empty() ? 0 : std::stoll(length),
                                                        response->header("etag"), response->header("last-modified")});
}

Status AwsClient::s3Delete(std::string_view bucket, std::string_view key) {
  auto response = send(Call{"s3", "DeleteObject", Protocol::RestXml, "DELETE", objectPath(bucket, key)});
  if (!response.ok()) return response.error();
  return Status::success();
}

Result<S3Listing> AwsClient::s3List(std::string_view bucket, std::string_view prefix,
                                    std::string_view continuationToken, std::string_view delimiter, int maxKeys) {
  Call call{"s3", "ListObjectsV2", Protocol::RestXml, "GET", "/" + std::string(bucket)};
  addQuery(call.query, "list-type", "2");
  addQuery(call.query, "prefix", prefix);
  addQuery(call.query, "continuation-token", continuationToken);
  addQuery(call.query, "delimiter", delimiter);
  addQuery(call.query, "max-keys", std::to_string(maxKeys));
  auto response = send(call);
  if (!response.ok()) return response.error();
  auto xml = Xml::parse(response->body);
  if (!xml.ok()) return Error{kAwsBadResponse, "s3 ListObjectsV2 of bucket " + std::string(bucket) +
                                                   " answered a body that is not XML: " + xml.error().message};
  S3Listing listing;
  for (const Xml& object : xml->children("Contents")) {
    std::string size = object.text("Size");
    listing.objects.push_back(S3ObjectSummary{object.text("Key"), size.empty() ? 0 : std::stoll(size),
                                              object.text("ETag"), object.text("LastModified")});
  }
  for (const Xml& common : xml->children("CommonPrefixes")) listing.commonPrefixes.push_back(common.text("Prefix"));
  if (xml->text("IsTruncated") == "true") listing.nextContinuationToken = xml->text("NextContinuationToken");
  return listing;
}

}  // namespace greenlight::aws
