// Backoff with jitter, interruptible sleeps and reachability logging.
#include "agentd/retry.h"

#include <algorithm>
#include <thread>

namespace greenlight::agentd {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum)
    : initial_(std::max(initial, std::chrono::milliseconds(1))),
      maximum_(std::max(maximum, initial_)),
      current_(initial_),
      random_(static_cast<unsigned>(std::random_device{}())) {}

std::chrono::milliseconds Backoff::next() {
  auto ceiling = current_.count();
  std::uniform_int_distribution<long long> pick(std::max<long long>(1, ceiling / 2), ceiling);
  std::chrono::milliseconds delay(pick(random_));
  current_ = std::min(current_ * 2, maximum_);
  return delay;
}

bool sleepUnlessStopped(std::chrono::milliseconds duration, const std::atomic<bool>& stop) {
  auto deadline = std::chrono::steady_clock::now() + duration;
  while (!stop.load()) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
  return false;
}

void ServerHealth::markReachable() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == State::Reachable) return;
  if (state_ == State::Unreachable) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - downSince_);
    log_.line("server " + address_ + " answers again after " + std::to_string(seconds.count()) + " s away");
  } else {
    log_.line("connected to server " + address_);
  }
  state_ = State::Reachable;
}

void ServerHealth::markUnreachable(const std::string& why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == State::Unreachable) return;
  state_ = State::Unreachable;
  downSince_ = std::chrono::steady_clock::now();
  log_.line(why + "; retrying with backoff until it answers");
}

bool ServerHealth::reachable() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_ == State::Reachable;
}

}  // namespace greenlight::agentd
