// A read-only view of an XML answer (pugixml underneath): walk by element name, read text by
// path, and take Query (<member>) or EC2 (<item>) lists alike. Absent elements are empty views,
// so chains like xml.child("A").child("B").text() never fail.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pugi {
class xml_document;
struct xml_node_struct;
}  // namespace pugi

namespace greenlight::aws {

// Copies share the parsed document (cheap; immutable, so safe to read from several threads).
class Xml {
 public:
  Xml() = default;  // the empty view
  // Parses a whole document; the view is its root element. Code "AwsBadResponse" when malformed.
  static Result<Xml> parse(std::string_view text);

  bool exists() const { return node_ != nullptr; }
  explicit operator bool() const { return exists(); }
  std::string name() const;
  // The first child element so named (names are compared without any namespace prefix).
  Xml child(std::string_view name) const;
  // Every child element so named, in order; an empty name gives every child element.
  std::vector<Xml> children(std::string_view name = {}) const;
  // The items of the list element `name`: its <member> (Query) or <item> (EC2) children.
  std::vector<Xml> list(std::string_view name) const;
  // The element at a '/'-separated path of child names ("" is this element).
  Xml at(std::string_view path) const;
  // The text of the element at `path` (trimmed); "" when absent.
  std::string text(std::string_view path = {}) const;

 private:
  Xml(std::shared_ptr<pugi::xml_document> document, pugi::xml_node_struct* node)
      : document_(std::move(document)), node_(node) {}
  std::shared_ptr<pugi::xml_document> document_;
  pugi::xml_node_struct* node_ = nullptr;
};

}  // namespace greenlight::aws
