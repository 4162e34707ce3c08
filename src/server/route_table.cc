// Forwards to http::Router, keeping the list.
#include "server/route_table.h"

#include <exception>
#include <string>

#include <nlohmann/json.hpp>

namespace greenlight::server {

namespace {

// A JSON member of the wrong type throws inside nlohmann; the client sent it, so it is a 400. Any
// other exception is a bug of ours: a 500 that says so, never a dropped connection.
http::HttpResponse responseForException() {
  try {
    throw;
  } catch (const nlohmann::json::exception& error) {
    return http::errorResponse(400, "InvalidArgument",
                               std::string("A field of the request has the wrong type or value: ") +
                                   error.what() + ". Fix the request and send it again.");
  } catch (const std::exception& error) {
    return http::errorResponse(500, "Internal",
                               std::string("The server failed unexpectedly: ") + error.what() +
                                   ". Check the server's log.");
  }
}

}  // namespace

void RouteTable::add(std::string method, std::string pattern, http::SyncHandler handler,
                     http::RouteOptions options) {
  routes_.push_back(RouteInfo{method, pattern, options.isPublic});
  router_.add(
      std::move(method), std::move(pattern),
      [handler = std::move(handler)](const http::HttpRequest& request) {
        try {
          return handler(request);
        } catch (...) {
          return responseForException();
        }
      },
      options);
}

void RouteTable::addAsync(std::string method, std::string pattern, http::AsyncHandler handler,
                          http::RouteOptions options) {
  routes_.push_back(RouteInfo{method, pattern, options.isPublic});
  router_.addAsync(
      std::move(method), std::move(pattern),
      [handler = std::move(handler)](http::HttpRequest& request, http::Responder responder) {
        try {
          handler(request, responder);
        } catch (...) {
          responder.send(responseForException());
        }
      },
      options);
}

}  // namespace greenlight::server
