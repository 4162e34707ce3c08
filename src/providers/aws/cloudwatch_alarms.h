// CloudWatch alarms as alarm checks (`cloudwatch: {alarmNames: [...], region: ...}`): in alarm
// while any named alarm is in state ALARM. An alarm that does not exist, or an answer that cannot
// be had, is an Error (the group's ignoreReadFailures decides what that does).
#pragma once

#include "engine/analysis.h"
#include "providers/aws/aws_clients.h"

namespace greenlight::providers::aws {

engine::CheckResult readCloudWatchAlarms(AwsClients& clients, const catalog::CheckSpec& check);

}  // namespace greenlight::providers::aws
