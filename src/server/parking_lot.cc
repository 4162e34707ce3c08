// The registry behind the agents' command poll and the deployment watch.
#include "server/parking_lot.h"

#include <algorithm>

namespace greenlight::server {

namespace {

void dropAnswered(std::vector<ParkingLot::Parked>& entries) {
  std::erase_if(entries, [](const ParkingLot::Parked& entry) { return !entry.responder.isOpen(); });
}

}  // namespace

ParkingLot::Ticket ParkingLot::park(const std::string& key, const http::Responder& responder,
                                    std::uint64_t after) {
  Ticket ticket = 0;
  {
    std::lock_guard lock(mutex_);
    ticket = nextTicket_++;
    std::vector<Parked>& entries = parked_[key];
    dropAnswered(entries);
    entries.push_back(Parked{ticket, responder, after});
  }
  // Registered outside the lock: the callback takes it, and may run at once on another thread.
  if (!responder.onClose([this, key, ticket] { forget(key, ticket); })) forget(key, ticket);
  return ticket;
}

void ParkingLot::forget(const std::string& key, Ticket ticket) {
  std::lock_guard lock(mutex_);
  auto found = parked_.find(key);
  if (found == parked_.end()) return;
  std::erase_if(found->second, [ticket](const Parked& entry) { return entry.ticket == ticket; });
  if (found->second.empty()) parked_.erase(found);
}

std::vector<ParkingLot::Parked> ParkingLot::waiting(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto found = parked_.find(key);
  if (found == parked_.end()) return {};
  std::vector<Parked> result;
  for (const Parked& entry : found->second) {
    if (entry.responder.isOpen()) result.push_back(entry);
  }
  return result;
}

bool ParkingLot::has(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return parked_.contains(key);
}

void ParkingLot::sweep() {
  std::lock_guard lock(mutex_);
  for (auto it = parked_.begin(); it != parked_.end();) {
    dropAnswered(it->second);
    it = it->second.empty() ? parked_.erase(it) : std::next(it);
  }
}

std::size_t ParkingLot::size() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [key, entries] : parked_) count += entries.size();
  return count;
}

std::size_t ParkingLot::waitingCount() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [key, entries] : parked_) {
    count += static_cast<std::size_t>(std::count_if(
        entries.begin(), entries.end(), [](const Parked& entry) { return entry.responder.isOpen(); }));
  }
  return count;
}

}  // namespace greenlight::server
