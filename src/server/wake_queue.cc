// A single worker draining a queue of wake-ups in order.
#include "server/wake_queue.h"

namespace greenlight::server {

WakeQueue::WakeQueue() : thread_([this] { run(); }) {}

WakeQueue::~WakeQueue() { stop(); }

void WakeQueue::post(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    work_.push_back(std::move(work));
  }
  changed_.notify_one();
}

void WakeQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WakeQueue::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stopping_ || !work_.empty(); });
    if (work_.empty()) return;  // stopping, and everything posted before has run
    std::function<void()> work = std::move(work_.front());
    work_.pop_front();
    lock.unlock();
    work();
    lock.lock();
  }
}

}  // namespace greenlight::server
