// Which providers this server has set up. A group that needs another one is refused when it is
// saved (never stored and then silently not run), with what is missing and what to do.
#pragma once

#include "catalog/group_spec.h"
#include "common/result.h"

namespace greenlight::server {

struct ProviderSupport {
  bool aws = false;         // the aws compute provider (launch templates, Auto Scaling groups)
  bool awsElbv2 = false;    // the aws-elbv2 traffic provider
  bool cloudWatch = false;  // cloudwatch: alarm checks
};

// Error kProviderNotConfigured naming every part of `spec` the server cannot run, or success.
// REQUIRES: `spec` is valid (read through the group parsers).
Status checkRunnable(const catalog::GroupSpec& spec, const ProviderSupport& support);

}  // namespace greenlight::server
