#include "formats/tensor_slice.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "tensor_slice.pb.h"

namespace ckptview::formats {
namespace {

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out += ' ';
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

std::string Signed(int64_t v) {
  std::string s;
  WriteSignedNumIncreasing(&s, v);
  return Hex(s);
}

TEST(OrderedCodeTest, SignedNumIncreasingVectors) {
  // FORMATS.md 3.5.
  EXPECT_EQ(Signed(0), "80");
  EXPECT_EQ(Signed(5), "85");
  EXPECT_EQ(Signed(20), "94");
  EXPECT_EQ(Signed(63), "bf");
  EXPECT_EQ(Signed(-1), "7f");
  EXPECT_EQ(Signed(-64), "40");
  EXPECT_EQ(Signed(64), "c0 40");
  EXPECT_EQ(Signed(100), "c0 64");
  EXPECT_EQ(Signed(1024), "c4 00");
  EXPECT_EQ(Signed(8192), "e0 20 00");
  EXPECT_EQ(Signed(-65), "3f bf");
  EXPECT_EQ(Signed(int64_t{1} << 31), "f8 80 00 00 00");
}

TEST(OrderedCodeTest, SignedRoundTripAndOrder) {
  std::vector<int64_t> values = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 0, -1, 1};
  for (int bits = 1; bits < 63; ++bits) {
    const int64_t p = int64_t{1} << bits;
    for (int64_t v : {p - 1, p, p + 1, -p - 1, -p, -p + 1}) values.push_back(v);
  }
  for (int64_t v : values) {
    std::string s;
    WriteSignedNumIncreasing(&s, v);
    EXPECT_LE(s.size(), 10u);
    ByteView in(s);
    int64_t got = 0;
    ASSERT_TRUE(ReadSignedNumIncreasing(&in, &got)) << v;
    EXPECT_EQ(got, v);
    EXPECT_TRUE(in.empty());
  }
  // Encodings sort like the numbers (that is what the keys rely on).
  std::sort(values.begin(), values.end());
  for (size_t i = 1; i < values.size(); ++i) {
    std::string a, b;
    WriteSignedNumIncreasing(&a, values[i - 1]);
    WriteSignedNumIncreasing(&b, values[i]);
    if (values[i - 1] != values[i]) {
      EXPECT_LT(a, b) << values[i - 1] << " vs " << values[i];
    }
  }
}

TEST(OrderedCodeTest, SignedRejectsTruncated) {
  for (int64_t v : {int64_t{64}, int64_t{1} << 40, std::numeric_limits<int64_t>::min()}) {
    std::string s;
    WriteSignedNumIncreasing(&s, v);
    for (size_t n = 0; n < s.size(); ++n) {
      ByteView in(s.data(), n);
      int64_t got;
      EXPECT_FALSE(ReadSignedNumIncreasing(&in, &got)) << v << " cut at " << n;
    }
  }
  std::string too_long = "\xff\xff\xff";  // length header beyond 10 bytes
  too_long += std::string(10, '\0');
  ByteView in(too_long);
  int64_t got;
  EXPECT_FALSE(ReadSignedNumIncreasing(&in, &got));
}

TEST(OrderedCodeTest, NumIncreasingAndString) {
  std::string s;
  WriteNumIncreasing(&s, 0);
  WriteNumIncreasing(&s, 2);
  WriteNumIncreasing(&s, 300);
  EXPECT_EQ(Hex(s), "00 01 02 02 01 2c");
  ByteView in(s);
  uint64_t v;
  ASSERT_TRUE(ReadNumIncreasing(&in, &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(ReadNumIncreasing(&in, &v));
  EXPECT_EQ(v, 2u);
  ASSERT_TRUE(ReadNumIncreasing(&in, &v));
  EXPECT_EQ(v, 300u);
  std::string bad = "\x09" + std::string(9, '\x01');  // 9-byte number
  ByteView b(bad);
  EXPECT_FALSE(ReadNumIncreasing(&b, &v));

  std::string str;
  WriteString(&str, std::string("a\0b\xff", 4));
  EXPECT_EQ(Hex(str), "61 00 ff 62 ff 00 00 01");
  ByteView si(str);
  std::string out;
  ASSERT_TRUE(ReadString(&si, &out));
  EXPECT_EQ(out, std::string("a\0b\xff", 4));
  std::string unterminated = "abc";
  ByteView ui(unterminated);
  EXPECT_FALSE(ReadString(&ui, &out));
  std::string bad_escape = "a\x00\x02";
  ByteView be(bad_escape.data(), 3);
  EXPECT_FALSE(ReadString(&be, &out));
}

TEST(TensorSliceKeyTest, KnownKeys) {
  // A full 2-D slice of "Variable", as seen in a real V1 file.
  EXPECT_EQ(Hex(EncodeTensorNameSlice("Variable", TensorSlice::Full(2))),
            "00 56 61 72 69 61 62 6c 65 00 01 01 02 80 7f 80 7f");
  // Python partition "10 20 5,5:0,20" of v.
  TensorSlice s{{{5, 5}, {0, 20}}};
  EXPECT_EQ(Hex(EncodeTensorNameSlice("v", s)), "00 76 00 01 01 02 85 85 80 94");
  // A scalar (rank 0) key, written by V1 savers.
  EXPECT_EQ(Hex(EncodeTensorNameSlice("x", TensorSlice::Full(0))), "00 78 00 01 00");
}

TEST(TensorSliceKeyTest, DecodeRoundTrip) {
  TensorSlice s{{{0, kFullExtent}, {3, 1000}, {70000, 2}}};
  std::string name;
  TensorSlice got;
  std::string weird("w\0\xff", 3);
  ASSERT_TRUE(DecodeTensorNameSlice(EncodeTensorNameSlice(weird, s), &name, &got).ok());
  EXPECT_EQ(name, weird);
  EXPECT_EQ(got, s);
}

TEST(TensorSliceKeyTest, DecodeRejects) {
  std::string name;
  TensorSlice got;
  EXPECT_EQ(DecodeTensorNameSlice(std::string("\x01\x01") + "x", &name, &got).message(),
            "bad slice key: leading number is 1, expected 0");
  EXPECT_EQ(DecodeTensorNameSlice(EncodeTensorNameSlice("x", TensorSlice::Full(0)), &name, &got).message(),
            "bad slice key: rank 0");
  std::string k = EncodeTensorNameSlice("x", TensorSlice::Full(2));
  EXPECT_FALSE(DecodeTensorNameSlice(k.substr(0, k.size() - 1), &name, &got).ok());
  EXPECT_FALSE(DecodeTensorNameSlice(k + "\x80", &name, &got).ok());
  EXPECT_FALSE(DecodeTensorNameSlice("", &name, &got).ok());
}

TEST(TensorSliceTest, FromProto) {
  tensorflow::TensorSliceProto p;
  p.add_extent();  // full
  auto* e = p.add_extent();
  e->set_start(2);
  e->set_length(3);
  auto s = SliceFromProto(p);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->extents[0].full());
  EXPECT_EQ(s->extents[1], (SliceExtent{2, 3}));
  EXPECT_EQ(s->DebugString(), "-:2,3");

  tensorflow::TensorSliceProto bad;
  bad.add_extent()->set_start(-1);
  bad.mutable_extent(0)->set_length(2);
  EXPECT_FALSE(SliceFromProto(bad).ok());
  tensorflow::TensorSliceProto zero;
  zero.add_extent()->set_length(0);  // start 0, length 0: neither full nor positive
  EXPECT_FALSE(SliceFromProto(zero).ok());
  tensorflow::TensorSliceProto overflow;
  overflow.add_extent()->set_start(std::numeric_limits<int64_t>::max());
  overflow.mutable_extent(0)->set_length(2);
  EXPECT_FALSE(SliceFromProto(overflow).ok());
  tensorflow::TensorSliceProto explicit_full;
  explicit_full.add_extent()->set_length(-1);  // start 0, length -1 is full
  ASSERT_TRUE(SliceFromProto(explicit_full).ok());
}

TEST(TensorSliceTest, SliceShapeChecksBounds) {
  TensorSlice s{{{0, kFullExtent}, {2, 3}}};
  auto shape = SliceShape(s, {4, 5});
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(*shape, (Shape{4, 3}));
  EXPECT_FALSE(SliceShape(s, {4, 4}).ok());     // 2+3 > 4
  EXPECT_FALSE(SliceShape(s, {4, 5, 1}).ok());  // rank
}

TEST(TensorSliceTest, CoverageIsExact) {
  const Shape full = {10, 4};
  std::vector<TensorSlice> ok = {TensorSlice{{{0, 4}, {0, kFullExtent}}}, TensorSlice{{{4, 3}, {0, 4}}},
                                 TensorSlice{{{7, 3}, {0, kFullExtent}}}};
  EXPECT_TRUE(CheckSlicesCoverTensor("t", full, ok).ok());
  std::vector<TensorSlice> gap = {TensorSlice{{{0, 4}, {0, kFullExtent}}}, TensorSlice{{{5, 5}, {0, 4}}}};
  EXPECT_EQ(CheckSlicesCoverTensor("t", full, gap).message(), "t: slices cover 36 of 40 elements of shape [10,4]");
  // 40 elements in all, but two overlap and two are missing.
  std::vector<TensorSlice> overlap = {TensorSlice{{{0, 5}, {0, kFullExtent}}}, TensorSlice{{{4, 6}, {0, 2}}},
                                      TensorSlice{{{5, 4}, {2, 2}}}};
  EXPECT_EQ(CheckSlicesCoverTensor("t", full, overlap).message(), "t: overlapping slices 0,5:- and 4,6:0,2");
  std::vector<TensorSlice> too_many = {TensorSlice::Full(2), TensorSlice{{{0, 1}, {0, 1}}}};
  EXPECT_EQ(CheckSlicesCoverTensor("t", full, too_many).message(),
            "t: slices hold more elements than shape [10,4] (overlapping slices?)");
  std::vector<TensorSlice> outside = {TensorSlice{{{8, 5}, {0, 4}}}};
  EXPECT_FALSE(CheckSlicesCoverTensor("t", full, outside).ok());
  EXPECT_TRUE(CheckSlicesCoverTensor("t", {}, {TensorSlice::Full(0)}).ok());
}

// Reference: element-by-element placement.
std::vector<int> NaiveAssemble(const Shape& full, const std::vector<TensorSlice>& slices,
                               const std::vector<std::vector<int>>& values) {
  std::vector<int> out(size_t(NumElements(full)), -1);
  for (size_t k = 0; k < slices.size(); ++k) {
    Shape ss = *SliceShape(slices[k], full);
    std::vector<int64_t> idx(full.size(), 0);
    for (size_t n = 0; n < values[k].size(); ++n) {
      int64_t dst = 0;
      for (size_t d = 0; d < full.size(); ++d) {
        const int64_t start = slices[k].extents[d].full() ? 0 : slices[k].extents[d].start;
        dst = dst * full[d] + start + idx[d];
      }
      out[size_t(dst)] = values[k][n];
      for (size_t d = full.size(); d-- > 0;) {
        if (++idx[d] < ss[d]) break;
        idx[d] = 0;
      }
    }
  }
  return out;
}

TEST(TensorSliceTest, AssemblyMatchesReference) {
  const Shape full = {4, 3, 5};
  const std::vector<std::vector<TensorSlice>> layouts = {
      {TensorSlice::Full(3)},
      {TensorSlice{{{0, 1}, {0, kFullExtent}, {0, kFullExtent}}}, TensorSlice{{{1, 3}, {0, 3}, {0, 5}}}},
      {TensorSlice{{{0, kFullExtent}, {0, kFullExtent}, {0, 2}}}, TensorSlice{{{0, 4}, {0, 3}, {2, 3}}}},
      {TensorSlice{{{0, 2}, {0, 1}, {0, kFullExtent}}}, TensorSlice{{{0, 2}, {1, 2}, {0, 5}}},
       TensorSlice{{{2, 2}, {0, kFullExtent}, {0, 4}}}, TensorSlice{{{2, 2}, {0, 3}, {4, 1}}}},
  };
  for (const auto& slices : layouts) {
    ASSERT_TRUE(CheckSlicesCoverTensor("t", full, slices).ok());
    std::vector<std::vector<int>> values;
    Tensor dst;
    dst.dtype = DType::kInt32;
    dst.shape = full;
    dst.bytes.assign(size_t(NumElements(full)) * 4, '\xee');
    Tensor sdst;
    sdst.dtype = DType::kString;
    sdst.shape = full;
    sdst.strings.resize(size_t(NumElements(full)));
    int next = 0;
    for (const TensorSlice& s : slices) {
      const int64_t n = NumElements(*SliceShape(s, full));
      std::vector<int> v;
      Tensor part, spart;
      part.dtype = DType::kInt32;
      spart.dtype = DType::kString;
      for (int64_t i = 0; i < n; ++i) {
        v.push_back(next);
        part.bytes.append(reinterpret_cast<const char*>(&next), 4);
        spart.strings.push_back(std::to_string(next));
        ++next;
      }
      values.push_back(v);
      CopySliceIntoTensor(full, s, std::move(part), &dst);
      CopySliceIntoTensor(full, s, std::move(spart), &sdst);
    }
    std::vector<int> want = NaiveAssemble(full, slices, values);
    std::vector<int> got(want.size());
    std::memcpy(got.data(), dst.bytes.data(), dst.bytes.size());
    EXPECT_EQ(got, want);
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(sdst.strings[i], std::to_string(want[i]));
  }
}

}  // namespace
}  // namespace ckptview::formats
