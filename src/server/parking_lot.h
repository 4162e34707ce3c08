// Long-poll requests parked under a key (an instance id for agents, a deployment id for
// watchers) until a change to that key answers them or their own timeout does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "http/responder.h"

namespace greenlight::server {

// Thread-safe. To never miss a change, a handler parks first, then reads the store, then answers
// at once or arms its timeout: a change committed after the read finds the request parked.
class ParkingLot {
 public:
  using Ticket = std::uint64_t;
  struct Parked {
    Ticket ticket = 0;
    http::Responder responder;
    std::uint64_t after = 0;  // watchers: the version the client has seen
  };

  // Parks `responder` under `key`; forgets it by itself when the client goes away. Drops entries
  // under the same key that were answered meanwhile (by their timeout), so a key polled for
  // days holds one or two entries, not thousands.
  Ticket park(const std::string& key, const http::Responder& responder, std::uint64_t after = 0);
  void forget(const std::string& key, Ticket ticket);
  // The requests under `key` still waiting for an answer.
  std::vector<Parked> waiting(const std::string& key) const;
  bool has(const std::string& key) const;
  // Drops every entry already answered or abandoned (the server calls it every second).
  void sweep();
  std::size_t size() const;
  // The requests still waiting for an answer, under every key (size() also counts those answered
  // since the last sweep).
  std::size_t waitingCount() const;

 private:
  mutable std::mutex mutex_;
  Ticket nextTicket_ = 1;                                // GUARDED_BY(mutex_)
  std::map<std::string, std::vector<Parked>> parked_;    // GUARDED_BY(mutex_)
};

}  // namespace greenlight::server
