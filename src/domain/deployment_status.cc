// Deployment status names and the transition table.
#include "domain/deployment_status.h"

#include "domain/enum_names.h"

namespace greenlight::domain {

namespace {

constexpr EnumNames<DeploymentStatus, 8> kStatusNames{{{DeploymentStatus::Created, "Created"},
                                                       {DeploymentStatus::Queued, "Queued"},
                                                       {DeploymentStatus::InProgress, "InProgress"},
                                                       {DeploymentStatus::Baking, "Baking"},
                                                       {DeploymentStatus::Ready, "Ready"},
                                                       {DeploymentStatus::Succeeded, "Succeeded"},
                                                       {DeploymentStatus::Failed, "Failed"},
                                                       {DeploymentStatus::Stopped, "Stopped"}}};

constexpr EnumNames<DeploymentCreator, 3> kCreatorNames{
    {{DeploymentCreator::User, "user"},
     {DeploymentCreator::Rollback, "rollback"},
     {DeploymentCreator::Autoscaling, "autoscaling"}}};

}  // namespace

const char* toString(DeploymentStatus status) { return nameOf(kStatusNames, status); }

std::optional<DeploymentStatus> parseDeploymentStatus(std::string_view text) {
  return enumNamed(kStatusNames, text);
}

bool isFinal(DeploymentStatus status) {
  return status == DeploymentStatus::Succeeded || status == DeploymentStatus::Failed ||
         status == DeploymentStatus::Stopped;
}

bool canTransition(DeploymentStatus from, DeploymentStatus to) {
  using S = DeploymentStatus;
  if (from == to || isFinal(from)) return false;
  // Any live deployment can fail or be stopped by an operator.
  if (to == S::Failed || to == S::Stopped) return true;
  switch (from) {
    case S::Created: return to == S::Queued || to == S::InProgress;
    case S::Queued: return to == S::InProgress;
    case S::InProgress: return to == S::Ready || to == S::Baking || to == S::Succeeded;
    // `continue` resumes a waiting blue/green deployment to shift traffic.
    case S::Ready: return to == S::InProgress;
    case S::Baking: return to == S::Succeeded;
    case S::Succeeded:
    case S::Failed:
    case S::Stopped: return false;
  }
  return false;
}

const char* toString(DeploymentCreator creator) { return nameOf(kCreatorNames, creator); }

std::optional<DeploymentCreator> parseDeploymentCreator(std::string_view text) {
  return enumNamed(kCreatorNames, text);
}

void to_json(nlohmann::json& json, DeploymentStatus status) { json = toString(status); }
void from_json(const nlohmann::json& json, DeploymentStatus& status) {
  status = enumFromJson(kStatusNames, json, "deployment status");
}
void to_json(nlohmann::json& json, DeploymentCreator creator) { json = toString(creator); }
void from_json(const nlohmann::json& json, DeploymentCreator& creator) {
  creator = enumFromJson(kCreatorNames, json, "deployment creator");
}

}  // namespace greenlight::domain
