// A greenlight HTTP server with only a long-poll endpoint, run as its own process so that
// long_poll_capacity can read its memory and CPU time from /proc.
// Usage: bench_http_server [threads]. Prints "port=<n>" once listening; stops when stdin closes.
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "http/http_server.h"

namespace http = greenlight::http;

int main(int argc, char** argv) {
  // Every parked agent holds a file descriptor.
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  auto parked = std::make_shared<std::atomic<long>>(0);

  http::Router router;
  // The agent's "give me work": parked until work exists (never, here) or 10 minutes pass.
  router.addAsync("GET", "/v1/agents/{id}/commands", [parked](http::HttpRequest&,
                                                              http::Responder responder) {
    ++*parked;
    if (!responder.onClose([parked] { --*parked; })) --*parked;  // already gone
    responder.sendAfter(std::chrono::minutes(10), http::HttpResponse{204, "", {}, ""});
  });
  http::HttpServer* serverForStats = nullptr;
  router.add("GET", "/stats", [parked, &serverForStats](const http::HttpRequest&) {
    return http::jsonResponse({{"parked", parked->load()},
                               {"connections", serverForStats->connectionCount()}});
  }, http::RouteOptions::publicRoute());

  http::HttpServerOptions options;
  options.threads = argc > 1 ? std::atoi(argv[1]) : 2;
  options.idleTimeout = std::chrono::minutes(10);
  http::HttpServer server(options, std::move(router), [](const http::HttpRequest& request) {
    if (http::bearerToken(request) != "bench-token") {
      return http::AuthDecision::unauthenticated("unknown token");
    }
    return http::AuthDecision::allow({"agent", {"agent"}});
  });
  serverForStats = &server;
  auto started = server.start();
  if (!started) {
    std::fprintf(stderr, "bench_http_server: %s\n", started.error().message.c_str());
    return 1;
  }
  std::printf("port=%u\n", server.port());
  std::fflush(stdout);
  std::string ignored;
  while (std::getline(std::cin, ignored)) {
  }
  server.stop();
  return 0;
}
