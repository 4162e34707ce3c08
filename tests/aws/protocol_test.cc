// Query parameter encoding, the Xml view, error parsing of every protocol, and endpoints.
#include <gtest/gtest.h>

#include "aws/aws_error.h"
#include "aws/endpoints.h"
#include "aws/query_params.h"
#include "aws/xml.h"

namespace greenlight::aws {
namespace {

TEST(QueryParams, EncodesInOrderWithMemberAndIndexedLists) {
  QueryParams params;
  params.add("AutoScalingGroupName", "hello v001/x")
      .addMembers("TargetGroupARNs", {"arn:a", "arn:b"})
      .addMemberStructs("Tags", {{{"Key", "app"}, {"Value", "hello"}}, {{"Key", "env"}, {"Value", "prod"}}});
  EXPECT_EQ(params.encode(),
            "AutoScalingGroupName=hello%20v001%2Fx&TargetGroupARNs.member.1=arn%3Aa&TargetGroupARNs.member.2=arn%3Ab"
            "&Tags.member.1.Key=app&Tags.member.1.Value=hello&Tags.member.2.Key=env&Tags.member.2.Value=prod");
}

TEST(QueryParams, Ec2ListsAndFiltersAreNumbered) {
  QueryParams params;
  params.addIndexed("InstanceId", {"i-1", "i-2"})
      .addFilter("tag:greenlight", {"hello"})
      .addFilter("instance-state-name", {"running", "pending"})
      .addIndexedStructs("TagSpecification", {{{"ResourceType", "instance"}}});
  QueryFields expected = {{"InstanceId.1", "i-1"},
                          {"InstanceId.2", "i-2"},
                          {"Filter.1.Name", "tag:greenlight"},
                          {"Filter.1.Value.1", "hello"},
                          {"Filter.2.Name", "instance-state-name"},
                          {"Filter.2.Value.1", "running"},
                          {"Filter.2.Value.2", "pending"},
                          {"TagSpecification.1.ResourceType", "instance"}};
  EXPECT_EQ(params.fields(), expected);
  EXPECT_NE(params.encode().find("Filter.1.Name=tag%3Agreenlight"), std::string::npos);
}

TEST(Xml, WalksMemberAndItemListsAndPaths) {
  auto xml = Xml::parse(R"(<?xml version="1.0"?>
    <DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
      <DescribeAutoScalingGroupsResult><AutoScalingGroups>
        <member><AutoScalingGroupName> hello-v001 </AutoScalingGroupName><Instances>
          <member><InstanceId>i-1</InstanceId></member><member><InstanceId>i-2</InstanceId></member>
        </Instances></member>
      </AutoScalingGroups></DescribeAutoScalingGroupsResult>
      <vpcSet><item><vpcId>vpc-1</vpcId></item><item><vpcId>vpc-2</vpcId></item></vpcSet>
    </DescribeAutoScalingGroupsResponse>)");
  ASSERT_TRUE(xml.ok()) << xml.error().message;
  Xml result = xml->child("DescribeAutoScalingGroupsResult");
  auto groups = result.list("AutoScalingGroups");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].text("AutoScalingGroupName"), "hello-v001");
  EXPECT_EQ(groups[0].list("Instances").size(), 2u);
  EXPECT_EQ(groups[0].list("Instances")[1].text("InstanceId"), "i-2");
  EXPECT_EQ(xml->list("vpcSet")[1].text("vpcId"), "vpc-2");
  EXPECT_EQ(xml->text("DescribeAutoScalingGroupsResult/AutoScalingGroups/member/AutoScalingGroupName"), "hello-v001");
  EXPECT_FALSE(xml->child("Missing").child("Deeper"));
  EXPECT_EQ(xml->text("Missing/Deeper"), "");
}

TEST(Xml, MalformedIsAnError) {
  auto xml = Xml::parse("<a><b></a>");
  ASSERT_FALSE(xml.ok());
  EXPECT_EQ(xml.error().code, kAwsBadResponse);
}

HttpResponse answer(long status, std::string body, Headers headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

TEST(AwsErrorParsing, QueryErrorResponse) {
  auto error = parseAwsError(Protocol::Query, answer(400, R"(<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
    <Error><Type>Sender</Type><Code>ValidationError</Code><Message>AutoScalingGroup name not found</Message></Error>
    <RequestId>req-1</RequestId></ErrorResponse>)"));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "ValidationError");
  EXPECT_EQ(error->message, "AutoScalingGroup name not found");
  EXPECT_EQ(error->requestId, "req-1");
  Error converted = toError(*error, "autoscaling", "DeleteAutoScalingGroup");
  EXPECT_TRUE(isAwsError(converted, "ValidationError"));
  EXPECT_FALSE(isAwsError(converted, "Throttling"));
  EXPECT_EQ(awsErrorCode(converted), "ValidationError");
  EXPECT_EQ(converted.message,
            "autoscaling DeleteAutoScalingGroup failed: ValidationError: AutoScalingGroup name not found "
            "(HTTP 400, request id req-1)");
}

TEST(AwsErrorParsing, Ec2ErrorsWrapperAndAuthErrorsOfJsonServices) {
  auto ec2 = parseAwsError(Protocol::Query, answer(400, "<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>"
                                                        "<Message>no vpc</Message></Error></Errors>"
                                                        "<RequestID>r-2</RequestID></Response>"));
  ASSERT_TRUE(ec2.has_value());
  EXPECT_EQ(ec2->code, "InvalidVpcID.NotFound");
  EXPECT_EQ(ec2->requestId, "r-2");
  // moto refuses a bad signature to DynamoDB in XML, labelled text/html.
  auto auth = parseAwsError(Protocol::Json, answer(403, "<?xml version=\"1.0\"?><ErrorResponse><Errors><Error>"
                                                        "<Code>SignatureDoesNotMatch</Code><Message>m</Message>"
                                                        "</Error></Errors></ErrorResponse>",
                                                   {{"content-type", "text/html; charset=utf-8"}}));
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->code, "SignatureDoesNotMatch");
}

TEST(AwsErrorParsing, JsonTypeAndMessageInEitherCase) {
  auto error = parseAwsError(
      Protocol::Json, answer(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"})",
                             {{"x-amzn-requestid", "jr-1"}}));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "ResourceNotFoundException");
  EXPECT_EQ(error->message, "Requested resource not found");
  EXPECT_EQ(error->requestId, "jr-1");
  auto upper = parseAwsError(Protocol::Json, answer(400, R"({"__type":"ConditionalCheckFailedException","Message":"The conditional request failed"})"));
  EXPECT_EQ(upper->code, "ConditionalCheckFailedException");
  EXPECT_EQ(upper->message, "The conditional request failed");
}

TEST(AwsErrorParsing, S3ErrorAndBodylessAnswers) {
  auto s3 = parseAwsError(Protocol::RestXml, answer(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does "
                                                         "not exist.</Message><RequestId>s3r</RequestId></Error>"));
  ASSERT_TRUE(s3.has_value());
  EXPECT_EQ(s3->code, "NoSuchKey");
  EXPECT_EQ(s3->requestId, "s3r");
  auto head = parseAwsError(Protocol::RestXml, answer(404, "", {{"x-amz-request-id", "h1"}}));
  EXPECT_EQ(head->code, "NotFound");
  EXPECT_EQ(head->requestId, "h1");
  EXPECT_EQ(parseAwsError(Protocol::Json, answer(503, ""))->code, "HTTP503");
}

TEST(AwsErrorParsing, AnHtmlPageIsNoAwsError) {
  HttpResponse page = answer(500, "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>");
  EXPECT_TRUE(isHtmlAnswer(page));
  EXPECT_FALSE(parseAwsError(Protocol::Query, page).has_value());
  EXPECT_FALSE(isHtmlAnswer(answer(403, "<ErrorResponse/>", {{"content-type", "text/html"}})));
}

TEST(Endpoints, RealHostNamesAndTheOverride) {
  EXPECT_EQ(defaultEndpointUrl("autoscaling", "eu-west-1"), "https://autoscaling.eu-west-1.amazonaws.com");
  EXPECT_EQ(defaultEndpointUrl("elasticloadbalancing", "us-east-2"),
            "https://elasticloadbalancing.us-east-2.amazonaws.com");
  EXPECT_EQ(defaultEndpointUrl("monitoring", "ap-northeast-1"), "https://monitoring.ap-northeast-1.amazonaws.com");
  EXPECT_EQ(defaultEndpointUrl("s3", "eu-west-1"), "https://s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(defaultEndpointUrl("dynamodb", "cn-north-1"), "https://dynamodb.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(defaultEndpointUrl("iam", "eu-west-1"), "https://iam.amazonaws.com");
  EXPECT_EQ(signingRegion("iam", "eu-west-1"), "us-east-1");
  EXPECT_EQ(signingRegion("ec2", "eu-west-1"), "eu-west-1");

  auto real = endpointFor("ec2", "eu-west-1", "");
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real->host, "ec2.eu-west-1.amazonaws.com");
  auto moto = endpointFor("ec2", "eu-west-1", "http://127.0.0.1:5000/");
  ASSERT_TRUE(moto.ok());
  EXPECT_EQ(moto->url(), "http://127.0.0.1:5000");
  EXPECT_EQ(moto->host, "127.0.0.1:5000");
  auto bad = endpointFor("ec2", "eu-west-1", "127.0.0.1:5000");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, kAwsConfig);
}

}  // namespace
}  // namespace greenlight::aws
