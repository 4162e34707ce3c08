// Xml over pugixml; names are matched on their local part so "ns:Code" and "Code" both match.
#include "aws/xml.h"

#include <pugixml.hpp>

namespace greenlight::aws {
namespace {

std::string_view localName(const char* name) {
  std::string_view text(name);
  size_t colon = text.find(':');
  return colon == std::string_view::npos ? text : text.substr(colon + 1);
}

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

Result<Xml> Xml::parse(std::string_view text) {
  auto document = std::make_shared<pugi::xml_document>();
  pugi::xml_parse_result parsed = document->load_buffer(text.data(), text.size());
  if (!parsed)
    return Error{"AwsBadResponse", std::string("the answer is not valid XML (") + parsed.description() +
                                       " at byte " + std::to_string(parsed.offset) + ")"};
  pugi::xml_node root = document->document_element();
  if (!root) return Error{"AwsBadResponse", "the answer is an XML document without an element"};
  return Xml(document, root.internal_object());
}

std::string Xml::name() const { return node_ ? std::string(localName(pugi::xml_node(node_).name())) : ""; }

Xml Xml::child(std::string_view name) const {
  if (!node_) return {};
  for (pugi::xml_node child : pugi::xml_node(node_).children())
    if (child.type() == pugi::node_element && localName(child.name()) == name)
      return Xml(document_, child.internal_object());
  return {};
}

std::vector<Xml> Xml::children(std::string_view name) const {
  std::vector<Xml> out;
  if (!node_) return out;
  for (pugi::xml_node child : pugi::xml_node(node_).children())
    if (child.type() == pugi::node_element && (name.empty() || localName(child.name()) == name))
      out.push_back(Xml(document_, child.internal_object()));
  return out;
}

std::vector<Xml> Xml::list(std::string_view name) const {
  std::vector<Xml> out;
  for (Xml item : child(name).children())
    if (item.name() == "member" || item.name() == "item") out.push_back(item);
  return out;
}

Xml Xml::at(std::string_view path) const {
  Xml current = *this;
  while (!path.empty() && current) {
    size_t slash = path.find('/');
    current = current.child(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  return current;
}

std::string Xml::text(std::string_view path) const {
  Xml element = at(path);
  return element ? trim(pugi::xml_node(element.node_).child_value()) : "";
}

}  // namespace greenlight::aws
