// ByteView: a non-owning view of bytes, consumed from the front by decoders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ckptview {

class ByteView {
 public:
  ByteView() = default;
  ByteView(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  ByteView(const char* data, size_t size)
      : data_(reinterpret_cast<const uint8_t*>(data)), size_(size) {}
  ByteView(std::string_view s) : ByteView(s.data(), s.size()) {}  // NOLINT
  ByteView(const std::string& s) : ByteView(s.data(), s.size()) {}  // NOLINT

  const uint8_t* data() const { return data_; }
  const char* chars() const { return reinterpret_cast<const char*>(data_); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint8_t operator[](size_t i) const { return data_[i]; }

  std::string_view str() const { return {chars(), size_}; }
  ByteView substr(size_t pos, size_t n) const {
    if (pos > size_) pos = size_;
    if (n > size_ - pos) n = size_ - pos;
    return {data_ + pos, n};
  }
  void remove_prefix(size_t n) { data_ += n; size_ -= n; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ckptview
