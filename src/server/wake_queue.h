// One thread that answers parked long-polls after the engine reports a change. The engine's hooks
// must not block nor call back into it, so they only post here; this thread reads the store.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace greenlight::server {

// Thread-safe. Work posted before stop() runs; work posted after is dropped.
class WakeQueue {
 public:
  WakeQueue();
  ~WakeQueue();  // stop()s
  WakeQueue(const WakeQueue&) = delete;
  WakeQueue& operator=(const WakeQueue&) = delete;

  void post(std::function<void()> work);
  void stop();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> work_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;                   // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace greenlight::server
