// ReadQueue: the byte ranges the app is waiting for. The app never reads files
// itself: it posts a request (ranges of one document's files) and a platform
// driver satisfies it — natively at once from the FileSource, on the web
// asynchronously from File.slice() — by calling App::Deliver.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/checkpoint.h"

namespace ckptview::app {

struct ReadRequest {
  int id = 0;
  int document = 0;                         // Document::id whose FileSource holds the files
  std::vector<formats::ByteRange> ranges;   // chunks are delivered in this order
  std::string what;                         // for progress and logs, e.g. "dense/kernel"
  uint64_t total_bytes() const {
    uint64_t n = 0;
    for (const auto& r : ranges) n += r.size;
    return n;
  }
};

class ReadQueue {
 public:
  // Queues a request and returns its id (ids start at 1 and are never reused).
  int Post(int document, std::vector<formats::ByteRange> ranges, std::string what);
  // Hands every not yet taken request to the driver; they stay in flight
  // until Finish(id).
  std::vector<ReadRequest> Take();
  // Marks a request done; false if `id` is not in flight (unknown or cancelled).
  bool Finish(int id);
  // Forgets a request: a later delivery for it is ignored.
  void Cancel(int id);
  bool Pending(int id) const;  // queued or in flight
  const ReadRequest* Find(int id) const;
  bool empty() const { return queued_.empty() && in_flight_.empty(); }
  size_t queued() const { return queued_.size(); }

 private:
  int next_id_ = 1;
  std::vector<ReadRequest> queued_;     // posted, not yet taken
  std::vector<ReadRequest> in_flight_;  // taken, not yet delivered
};

}  // namespace ckptview::app
