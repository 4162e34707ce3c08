// The lambda and ecs platforms' `Resources` section: one function or service with its properties.
#include <algorithm>

#include "appspec/sections.h"
#include "appspec/suggestion.h"

namespace greenlight::appspec::detail {
namespace {

const char* kLambdaType = "AWS::Lambda::Function";
const char* kEcsType = "AWS::ECS::Service";

const std::vector<std::string_view> kLambdaProperties = {"Name", "Alias", "CurrentVersion", "TargetVersion"};
const std::vector<std::string_view> kEcsProperties = {"TaskDefinition", "LoadBalancerInfo", "PlatformVersion",
                                                      "NetworkConfiguration", "CapacityProviderStrategy"};

// Properties as written: unquoted numbers and booleans become JSON numbers and booleans.
nlohmann::json toJson(const Value& value) {
  switch (value.kind) {
    case Value::Kind::Null: return nullptr;
    case Value::Kind::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const Value& item : value.items) array.push_back(toJson(item));
      return array;
    }
    case Value::Kind::Mapping: {
      nlohmann::json object = nlohmann::json::object();
      for (const Entry& entry : value.entries) {
        if (entry.first.isScalar()) object[entry.first.text] = toJson(entry.second);
      }
      return object;
    }
    case Value::Kind::Scalar: break;
  }
  if (value.quoted) return value.text;
  if (auto integer = parseInteger(value.text)) return *integer;
  if (value.text == "true" || value.text == "True" || value.text == "TRUE") return true;
  if (value.text == "false" || value.text == "False" || value.text == "FALSE") return false;
  return value.text;
}

// Known properties under their reference spelling (taskDefinition -> TaskDefinition), the rest as written.
nlohmann::json canonicalJson(const Value& mapping, const std::vector<std::string_view>& known) {
  nlohmann::json object = nlohmann::json::object();
  for (const Entry& entry : mapping.entries) {
    if (!entry.first.isScalar()) continue;
    std::string name = entry.first.text;
    auto match = std::find_if(known.begin(), known.end(),
                              [&](std::string_view key) { return equalsIgnoringCase(key, name); });
    if (match != known.end()) name = std::string(*match);
    if (!object.contains(name)) object[name] = toJson(entry.second);
  }
  return object;
}

bool requireNonEmpty(const Value* value, const std::string& path, Reporter& reporter, const Value& parent) {
  std::optional<std::string> text = readText(value, path, reporter, true, parent);
  if (text && text->empty()) {
    reporter.error(value->where, path, "is empty; a value is required", "fill in the value");
    return false;
  }
  return text.has_value();
}

bool readLambdaProperties(const Value& properties, const std::string& path, Reporter& reporter) {
  MappingReader reader(properties, path, kLambdaProperties, reporter);
  reader.warnUnknown("Lambda resource Properties");
  bool ok = true;
  for (std::string_view key : kLambdaProperties) {
    ok = requireNonEmpty(reader.get(key), reader.path(key), reporter, properties) && ok;
  }
  return ok;
}

bool readContainerPort(const Value* port, const std::string& path, Reporter& reporter, const Value& parent) {
  if (!requireNonEmpty(port, path, reporter, parent)) return false;
  std::optional<std::int64_t> number = parseInteger(port->text);
  if (!number || *number < 1 || *number > 65535) {
    reporter.error(port->where, path, "ContainerPort must be a port number (1-65535), found " + describe(*port),
                   "write the container port from the task definition, e.g. ContainerPort: 80");
    return false;
  }
  if (port->quoted) {
    reporter.warning(port->where, path, "ContainerPort is written as text '" + port->text + "'",
                     "write the number without quotes: ContainerPort: " + port->text);
  }
  return true;
}

bool readNetworkConfiguration(const Value& value, const std::string& path, Reporter& reporter) {
  if (!value.isMapping()) {
    reporter.error(value.where, path, "expected a mapping with AwsvpcConfiguration, found " + describe(value),
                   "see the ECS AppSpec reference for NetworkConfiguration");
    return false;
  }
  MappingReader network(value, path, {"AwsvpcConfiguration"}, reporter);
  network.warnUnknown("NetworkConfiguration");
  const Value* awsvpc = network.get("AwsvpcConfiguration");
  if (awsvpc == nullptr || awsvpc->isNull()) return true;
  if (!awsvpc->isMapping()) {
    reporter.error(awsvpc->where, network.path("AwsvpcConfiguration"),
                   "expected a mapping with Subnets, SecurityGroups and AssignPublicIp, found " + describe(*awsvpc),
                   "see the ECS AppSpec reference for AwsvpcConfiguration");
    return false;
  }
  MappingReader vpc(*awsvpc, network.path("AwsvpcConfiguration"), {"Subnets", "SecurityGroups", "AssignPublicIp"},
                    reporter);
  vpc.warnUnknown("AwsvpcConfiguration");
  bool ok = readTextList(vpc.get("Subnets"), vpc.path("Subnets"), reporter).has_value();
  ok = readTextList(vpc.get("SecurityGroups"), vpc.path("SecurityGroups"), reporter).has_value() && ok;
  if (const Value* assign = vpc.get("AssignPublicIp"); assign && !assign->isNull()) {
    std::optional<std::string> text = readText(assign, vpc.path("AssignPublicIp"), reporter, false, *awsvpc);
    if (text && *text != "ENABLED" && *text != "DISABLED") {
      reporter.error(assign->where, vpc.path("AssignPublicIp"),
                     "AssignPublicIp must be ENABLED or DISABLED, found '" + *text + "'", "");
      ok = false;
    }
    ok = ok && text.has_value();
  }
  return ok;
}

bool readEcsProperties(const Value& properties, const std::string& path, Reporter& reporter) {
  MappingReader reader(properties, path, kEcsProperties, reporter);
  reader.warnUnknown("ECS resource Properties");
  bool ok = requireNonEmpty(reader.get("TaskDefinition"), reader.path("TaskDefinition"), reporter, properties);
  const Value* balancer = reader.get("LoadBalancerInfo");
  std::string balancerPath = reader.path("LoadBalancerInfo");
  if (balancer == nullptr || !balancer->isMapping()) {
    reporter.error(balancer ? balancer->where : properties.where, balancerPath,
                   balancer ? "expected a mapping with ContainerName and ContainerPort, found " + describe(*balancer)
                            : "LoadBalancerInfo is missing; it is required",
                   "add LoadBalancerInfo with ContainerName and ContainerPort of the container that takes traffic");
    ok = false;
  } else {
    MappingReader info(*balancer, balancerPath, {"ContainerName", "ContainerPort"}, reporter);
    info.warnUnknown("LoadBalancerInfo");
    ok = requireNonEmpty(info.get("ContainerName"), info.path("ContainerName"), reporter, *balancer) && ok;
    ok = readContainerPort(info.get("ContainerPort"), info.path("ContainerPort"), reporter, *balancer) && ok;
  }
  if (const Value* platformVersion = reader.get("PlatformVersion")) {
    if (platformVersion->isNull() || (platformVersion->isScalar() && platformVersion->text.empty())) {
      reporter.warning(platformVersion->where, reader.path("PlatformVersion"),
                       "PlatformVersion is empty; the service's default platform version is used",
                       "write a version such as LATEST or 1.4.0, or remove the key");
    } else {
      ok = readText(platformVersion, reader.path("PlatformVersion"), reporter, false, properties).has_value() && ok;
    }
  }
  if (const Value* network = reader.get("NetworkConfiguration"); network && !network->isNull()) {
    ok = readNetworkConfiguration(*network, reader.path("NetworkConfiguration"), reporter) && ok;
  }
  if (const Value* strategy = reader.get("CapacityProviderStrategy"); strategy && !strategy->isNull()) {
    if (!strategy->isSequence()) {
      reporter.error(strategy->where, reader.path("CapacityProviderStrategy"),
                     "expected a list of {CapacityProvider, Base, Weight}, found " + describe(*strategy), "");
      ok = false;
    }
  }
  return ok;
}

void readResource(const Value& item, const std::string& path, AppSpec& spec, Reporter& reporter) {
  bool lambda = spec.platform == Platform::Lambda;
  if (!item.isMapping() || item.entries.size() != 1 || !item.entries.front().first.isScalar()) {
    reporter.error(item.where, path,
                   "expected one resource as '- LogicalName:' with Type and Properties below it, found " + describe(item),
                   lambda ? "write '- MyFunction:' then 'Type: AWS::Lambda::Function' and 'Properties:' indented below"
                          : "write '- TargetService:' then 'Type: AWS::ECS::Service' and 'Properties:' indented below");
    return;
  }
  const Entry& named = item.entries.front();
  std::string resourcePath = childPath(path, named.first.text);
  const Value& body = named.second;
  if (!body.isMapping()) {
    reporter.error(body.where, resourcePath, "expected Type and Properties, found " + describe(body),
                   "indent 'Type:' and 'Properties:' under the logical name");
    return;
  }
  MappingReader reader(body, resourcePath, {"Type", "Properties"}, reporter);
  reader.warnUnknown("a resource");
  const char* expectedType = lambda ? kLambdaType : kEcsType;
  std::optional<std::string> type = readText(reader.get("Type"), reader.path("Type"), reporter, true, body);
  bool ok = type.has_value();
  if (type && *type != expectedType) {
    bool otherPlatform = *type == kLambdaType || *type == kEcsType;
    reporter.error(reader.get("Type")->where, reader.path("Type"),
                   otherPlatform ? "Type '" + *type + "' does not match this " + platformName(spec.platform) +
                                       " AppSpec, which needs " + expectedType
                                 : "Type must be AWS::Lambda::Function (lambda) or AWS::ECS::Service (ecs), found '" +
                                       *type + "'",
                   otherPlatform ? "a deployment targets one platform; use the AppSpec of that platform"
                                 : "write Type: " + std::string(expectedType));
    ok = false;
  }
  const Value* properties = reader.get("Properties");
  if (properties == nullptr || !properties->isMapping()) {
    reporter.error(properties ? properties->where : body.where, reader.path("Properties"),
                   properties ? "expected a mapping of properties, found " + describe(*properties)
                              : "Properties is missing; it is required",
                   lambda ? "add Properties with Name, Alias, CurrentVersion and TargetVersion"
                          : "add Properties with TaskDefinition and LoadBalancerInfo");
    return;
  }
  ok = (lambda ? readLambdaProperties(*properties, reader.path("Properties"), reporter)
               : readEcsProperties(*properties, reader.path("Properties"), reporter)) &&
       ok;
  if (!ok) return;
  Resource resource;
  resource.logicalName = named.first.text;
  resource.type = *type;
  resource.properties = canonicalJson(*properties, lambda ? kLambdaProperties : kEcsProperties);
  if (!lambda) {
    for (const Entry& entry : properties->entries) {
      if (entry.first.isScalar() && equalsIgnoringCase(entry.first.text, "LoadBalancerInfo")) {
        resource.properties["LoadBalancerInfo"] = canonicalJson(entry.second, {"ContainerName", "ContainerPort"});
        break;
      }
    }
  }
  resource.where = named.first.where;
  spec.resources.push_back(std::move(resource));
}

}  // namespace

void readResources(MappingReader& top, AppSpec& spec, Reporter& reporter) {
  const Value* section = top.get("Resources");
  const char* what = spec.platform == Platform::Lambda ? "the Lambda function to shift traffic for"
                                                       : "the ECS service to update";
  if (section == nullptr || section->isNull()) {
    reporter.error(section ? section->where : top.mapping().where, "Resources",
                   section ? "Resources is empty" : "Resources is missing",
                   std::string("add a Resources list naming ") + what);
    return;
  }
  if (!section->isSequence()) {
    reporter.error(section->where, "Resources", "expected a list of resources, found " + describe(*section),
                   "start the resource with '- ', e.g. '- MyFunction:' on the line after Resources:");
    return;
  }
  if (section->items.empty()) {
    reporter.error(section->where, "Resources", "Resources is an empty list", std::string("name ") + what);
    return;
  }
  if (section->items.size() > 1) {
    reporter.error(section->items[1].where, indexPath("Resources", 1),
                   withArticle(spec.platform) + " AppSpec names exactly one resource, found " +
                       std::to_string(section->items.size()),
                   "deploy each function or service with its own AppSpec");
  }
  for (std::size_t index = 0; index < section->items.size(); ++index) {
    readResource(section->items[index], indexPath("Resources", index), spec, reporter);
  }
}


}  // namespace greenlight::appspec::detail
