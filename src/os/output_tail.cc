// Keeps the end of the output; trims lazily so a hook writing in small chunks costs O(1) per byte.
#include "os/output_tail.h"

#include <utility>

namespace greenlight::os {

void OutputTail::append(std::string_view chunk) {
  if (chunk.size() >= capacity_) {
    if (chunk.size() > capacity_ || !buffer_.empty()) truncated_ = true;
    buffer_.assign(chunk.substr(chunk.size() - capacity_));
    return;
  }
  buffer_.append(chunk);
  if (buffer_.size() > 2 * capacity_) {
    buffer_.erase(0, buffer_.size() - capacity_);
    truncated_ = true;
  }
}

std::string OutputTail::take() {
  if (buffer_.size() > capacity_) {
    buffer_.erase(0, buffer_.size() - capacity_);
    truncated_ = true;
  }
  std::string tail = std::move(buffer_);
  buffer_.clear();
  return tail;
}

}  // namespace greenlight::os
