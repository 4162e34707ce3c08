// The last N bytes of a hook's output, in memory bounded by a small multiple of N (below 3·N)
// whatever the hook prints.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace greenlight::os {

class OutputTail {
 public:
  explicit OutputTail(size_t capacity) : capacity_(capacity) {}

  void append(std::string_view chunk);
  // The last `capacity` bytes appended, oldest first.
  std::string take();
  // True once anything was dropped.
  bool truncated() const { return truncated_; }

 private:
  size_t capacity_;
  std::string
      buffer_;  // holds up to 2·capacity_ (plus one chunk) between trims, so trimming is amortised
  bool truncated_ = false;
};

}  // namespace greenlight::os
