#include "app/read_queue.h"

#include <algorithm>
#include <utility>

namespace ckptview::app {

int ReadQueue::Post(int document, std::vector<formats::ByteRange> ranges, std::string what) {
  ReadRequest r;
  r.id = next_id_++;
  r.document = document;
  r.ranges = std::move(ranges);
  r.what = std::move(what);
  queued_.push_back(std::move(r));
  return queued_.back().id;
}

std::vector<ReadRequest> ReadQueue::Take() {
  std::vector<ReadRequest> out = std::move(queued_);
  queued_.clear();
  in_flight_.insert(in_flight_.end(), out.begin(), out.end());
  return out;
}

bool ReadQueue::Finish(int id) {
  auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                         [id](const ReadRequest& r) { return r.id == id; });
  if (it == in_flight_.end()) return false;
  in_flight_.erase(it);
  return true;
}

void ReadQueue::Cancel(int id) {
  auto pred = [id](const ReadRequest& r) { return r.id == id; };
  queued_.erase(std::remove_if(queued_.begin(), queued_.end(), pred), queued_.end());
  in_flight_.erase(std::remove_if(in_flight_.begin(), in_flight_.end(), pred), in_flight_.end());
}

bool ReadQueue::Pending(int id) const { return Find(id) != nullptr; }

const ReadRequest* ReadQueue::Find(int id) const {
  for (const auto* list : {&queued_, &in_flight_})
    for (const auto& r : *list)
      if (r.id == id) return &r;
  return nullptr;
}

}  // namespace ckptview::app
