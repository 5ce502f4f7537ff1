#include "tensor/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tensor/tensor_test_util.h"
#include "tensor/value.h"

namespace ckptview {
namespace {

// Float tensors from double values (float32 / float16 values are exact).
Tensor MakeFloat(DType dtype, Shape shape, const std::vector<double>& values) {
  if (dtype == DType::kDouble) return Make<double>(dtype, shape, values);
  if (dtype == DType::kFloat) {
    std::vector<float> f(values.begin(), values.end());
    return Make<float>(dtype, shape, f);
  }
  std::vector<uint16_t> h;
  for (double v : values) h.push_back(static_cast<uint16_t>(EncodeSmallFloat(*SmallFloatFormatOf(dtype), v)));
  return Make<uint16_t>(dtype, shape, h);
}

std::string Str(const Tensor& t, FormatOptions o = {}) {
  Result<std::string> r = FormatTensor(t, o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : "";
}

struct FloatCase {
  const char* name;
  DType dtype;
  Shape shape;
  std::vector<double> values;
  const char* expected;
};

// Expected strings are numpy 2.4's str(np.array(values, dtype).reshape(shape)).
TEST(FormatTest, FloatsLikeNumpy) {
  const FloatCase kCases[] = {
    {"f32_mixed", DType::kFloat, {3}, {1.5, 2.25, 3.0},
     R"([1.5  2.25 3.  ])"},
    {"f64_exp", DType::kDouble, {2}, {1e-05, 1.5},
     R"([1.0e-05 1.5e+00])"},
    {"f64_nonfinite", DType::kDouble, {3}, {kNaN, 1.0, -kInf},
     R"([ nan   1. -inf])"},
    {"f32_tenths", DType::kFloat, {2}, {0.10000000149011612, 0.20000000298023224},
     R"([0.1 0.2])"},
    {"f32_third", DType::kFloat, {1}, {0.3333333432674408},
     R"([0.33333334])"},
    {"f64_third", DType::kDouble, {2}, {0.3333333333333333, 0.6666666666666666},
     R"([0.33333333 0.66666667])"},
    {"f64_negzero", DType::kDouble, {2}, {-0.0, 1.0},
     R"([-0.  1.])"},
    {"f64_big", DType::kDouble, {1}, {100000000.0},
     R"([1.e+08])"},
    {"f64_zeros", DType::kDouble, {2}, {0.0, 0.0},
     R"([0. 0.])"},
    {"f64_nans", DType::kDouble, {2}, {kNaN, kNaN},
     R"([nan nan])"},
    {"f64_infs", DType::kDouble, {2}, {kInf, -kInf},
     R"([ inf -inf])"},
    {"f32_ratio", DType::kFloat, {2}, {0.0010000000474974513, 123456.703125},
     R"([1.000000e-03 1.234567e+05])"},
    {"f32_denorm", DType::kFloat, {2}, {1.401298464324817e-45, 1.0},
     R"([1.e-45 1.e+00])"},
    {"f32_max", DType::kFloat, {3}, {3.4028234663852886e+38, -3.4028234663852886e+38, 0.0},
     R"([ 3.4028235e+38 -3.4028235e+38  0.0000000e+00])"},
    {"f64_wrap", DType::kDouble, {2,15}, {0.0, 1.123456789, 2.246913578, 3.370370367, 4.493827156, 5.6172839450000005, 6.740740734, 7.864197523, 8.987654312, 10.111111101, 11.234567890000001, 12.358024679, 13.481481468, 14.604938257, 15.728395046, 16.851851835, 17.975308624, 19.098765413, 20.222222202, 21.345678991, 22.469135780000002, 23.592592569, 24.716049358, 25.839506147, 26.962962936, 28.086419725, 29.209876514, 30.333333303, 31.456790092, 32.580246881},
     R"([[ 0.          1.12345679  2.24691358  3.37037037  4.49382716  5.61728395
   6.74074073  7.86419752  8.98765431 10.1111111  11.23456789 12.35802468
  13.48148147 14.60493826 15.72839505]
 [16.85185184 17.97530862 19.09876541 20.2222222  21.34567899 22.46913578
  23.59259257 24.71604936 25.83950615 26.96296294 28.08641972 29.20987651
  30.3333333  31.45679009 32.58024688]])"},
    {"f32_long", DType::kFloat, {100}, {0.0, 0.1428571492433548, 0.2857142984867096, 0.4285714328289032, 0.5714285969734192, 0.7142857313156128, 0.8571428656578064, 1.0, 1.1428571939468384, 1.2857142686843872, 1.4285714626312256, 1.5714285373687744, 1.7142857313156128, 1.8571428060531616, 2.0, 2.142857074737549, 2.2857143878936768, 2.4285714626312256, 2.5714285373687744, 2.7142856121063232, 2.857142925262451, 3.0, 3.142857074737549, 3.2857143878936768, 3.4285714626312256, 3.5714285373687744, 3.7142856121063232, 3.857142925262451, 4.0, 4.142857074737549, 4.285714149475098, 4.4285712242126465, 4.5714287757873535, 4.714285850524902, 4.857142925262451, 5.0, 5.142857074737549, 5.285714149475098, 5.4285712242126465, 5.5714287757873535, 5.714285850524902, 5.857142925262451, 6.0, 6.142857074737549, 6.285714149475098, 6.4285712242126465, 6.5714287757873535, 6.714285850524902, 6.857142925262451, 7.0, 7.142857074737549, 7.285714149475098, 7.4285712242126465, 7.5714287757873535, 7.714285850524902, 7.857142925262451, 8.0, 8.142857551574707, 8.285714149475098, 8.428571701049805, 8.571428298950195, 8.714285850524902, 8.857142448425293, 9.0, 9.142857551574707, 9.285714149475098, 9.428571701049805, 9.571428298950195, 9.714285850524902, 9.857142448425293, 10.0, 10.142857551574707, 10.285714149475098, 10.428571701049805, 10.571428298950195, 10.714285850524902, 10.857142448425293, 11.0, 11.142857551574707, 11.285714149475098, 11.428571701049805, 11.571428298950195, 11.714285850524902, 11.857142448425293, 12.0, 12.142857551574707, 12.285714149475098, 12.428571701049805, 12.571428298950195, 12.714285850524902, 12.857142448425293, 13.0, 13.142857551574707, 13.285714149475098, 13.428571701049805, 13.571428298950195, 13.714285850524902, 13.857142448425293, 14.0, 14.142857551574707},
     R"([ 0.          0.14285715  0.2857143   0.42857143  0.5714286   0.71428573
  0.85714287  1.          1.1428572   1.2857143   1.4285715   1.5714285
  1.7142857   1.8571428   2.          2.142857    2.2857144   2.4285715
  2.5714285   2.7142856   2.857143    3.          3.142857    3.2857144
  3.4285715   3.5714285   3.7142856   3.857143    4.          4.142857
  4.285714    4.428571    4.571429    4.714286    4.857143    5.
  5.142857    5.285714    5.428571    5.571429    5.714286    5.857143
  6.          6.142857    6.285714    6.428571    6.571429    6.714286
  6.857143    7.          7.142857    7.285714    7.428571    7.571429
  7.714286    7.857143    8.          8.142858    8.285714    8.428572
  8.571428    8.714286    8.857142    9.          9.142858    9.285714
  9.428572    9.571428    9.714286    9.857142   10.         10.142858
 10.285714   10.428572   10.571428   10.714286   10.857142   11.
 11.142858   11.285714   11.428572   11.571428   11.714286   11.857142
 12.         12.142858   12.285714   12.428572   12.571428   12.714286
 12.857142   13.         13.142858   13.285714   13.428572   13.571428
 13.714286   13.857142   14.         14.142858  ])"},
    {"f64_3d", DType::kDouble, {2,3,4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0},
     R"([[[ 0.  1.  2.  3.]
  [ 4.  5.  6.  7.]
  [ 8.  9. 10. 11.]]

 [[12. 13. 14. 15.]
  [16. 17. 18. 19.]
  [20. 21. 22. 23.]]])"},
    {"f64_4d", DType::kDouble, {2,2,2,2}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0},
     R"([[[[ 0.  1.]
   [ 2.  3.]]

  [[ 4.  5.]
   [ 6.  7.]]]


 [[[ 8.  9.]
   [10. 11.]]

  [[12. 13.]
   [14. 15.]]]])"},
    {"f16_mixed", DType::kHalf, {4}, {0.0999755859375, 65504.0, -0.0, 0.5},
     R"([ 1.00e-01  6.55e+04 -0.00e+00  5.00e-01])"},
    {"f64_mixed_nan", DType::kDouble, {2,3}, {0.5, -1.25, 3.0, kNaN, kInf, 0.0},
     R"([[ 0.5  -1.25  3.  ]
 [  nan   inf  0.  ]])"},
    {"f64_precise", DType::kDouble, {3}, {3.141592653589793, 2.718281828459045, 1.0},
     R"([3.14159265 2.71828183 1.        ])"},
    {"f64_neg_exp", DType::kDouble, {3}, {-1e-07, 25000000000.0, 1e+100},
     R"([-1.0e-007  2.5e+010  1.0e+100])"},
    {"f64_one_col", DType::kDouble, {3,1}, {1.0, 2.0, 3.0},
     R"([[1.]
 [2.]
 [3.]])"},
  };
  for (const FloatCase& c : kCases) {
    EXPECT_EQ(Str(MakeFloat(c.dtype, c.shape, c.values)), c.expected) << c.name;
  }
}

}  // namespace
}  // namespace ckptview

namespace ckptview {
namespace {

TEST(FormatTest, Complex) {
  EXPECT_EQ(Str(Make<float>(DType::kComplex64, {2}, {1, 2, -3.5f, -1})), "[ 1. +2.j -3.5-1.j]");
  EXPECT_EQ(Str(Make<double>(DType::kComplex128, {3}, {kNaN, 1, 1, kInf, 0, -0.5})),
            "[nan+1.j   1.+infj  0.-0.5j]");
}

TEST(FormatTest, BoolsAndInts) {
  EXPECT_EQ(Str(Make<uint8_t>(DType::kBool, {3}, {1, 0, 1})), "[ True False  True]");
  EXPECT_EQ(Str(Make<uint8_t>(DType::kBool, {2}, {1, 1})), "[ True  True]");
  EXPECT_EQ(Str(Make<int64_t>(DType::kInt64, {2, 2}, {1, -20, 300, 4})), "[[  1 -20]\n [300   4]]");
  EXPECT_EQ(Str(Make<int64_t>(DType::kInt64, {2}, {std::numeric_limits<int64_t>::min(),
                                                   std::numeric_limits<int64_t>::max()})),
            "[-9223372036854775808  9223372036854775807]");
  EXPECT_EQ(Str(Make<uint64_t>(DType::kUInt64, {2}, {0, ~uint64_t(0)})),
            "[                   0 18446744073709551615]");
  EXPECT_EQ(Str(Make<uint8_t>(DType::kInt4, {3}, {0x0d, 0x07, 0x08})), "[-3  7 -8]");
}

TEST(FormatTest, Strings) {
  Tensor t;
  t.dtype = DType::kString;
  t.shape = {5};
  t.strings = {"ab", "it's", std::string("\x00\xff", 2), "a\"b'c", "\\\t\n\r"};
  EXPECT_EQ(Str(t), R"([b'ab' b"it's" b'\x00\xff' b'a"b\'c' b'\\\t\n\r'])");
  EXPECT_EQ(PythonBytesRepr(""), "b''");
  EXPECT_EQ(PythonBytesRepr("\x7f\x1f~"), "b'\\x7f\\x1f~'");
}

TEST(FormatTest, Summarized) {
  std::vector<int32_t> r1001(1001);
  for (int i = 0; i < 1001; ++i) r1001[i] = i;
  EXPECT_EQ(Str(Make<int32_t>(DType::kInt32, {1001}, r1001)), "[   0    1    2 ...  998  999 1000]");
  // Exactly at the threshold: everything.
  std::vector<int64_t> r1000(1000);
  for (int i = 0; i < 1000; ++i) r1000[i] = i;
  std::string all = Str(Make<int64_t>(DType::kInt64, {1000}, r1000));
  EXPECT_EQ(all.substr(0, 80),
            "[  0   1   2   3   4   5   6   7   8   9  10  11  12  13  14  15  16  17\n  18  1");
  EXPECT_EQ(all.find("..."), std::string::npos);

  std::vector<double> r2000(2000);
  for (int i = 0; i < 2000; ++i) r2000[i] = i;
  EXPECT_EQ(Str(Make<double>(DType::kDouble, {40, 50}, r2000)),
            "[[0.000e+00 1.000e+00 2.000e+00 ... 4.700e+01 4.800e+01 4.900e+01]\n"
            " [5.000e+01 5.100e+01 5.200e+01 ... 9.700e+01 9.800e+01 9.900e+01]\n"
            " [1.000e+02 1.010e+02 1.020e+02 ... 1.470e+02 1.480e+02 1.490e+02]\n"
            " ...\n"
            " [1.850e+03 1.851e+03 1.852e+03 ... 1.897e+03 1.898e+03 1.899e+03]\n"
            " [1.900e+03 1.901e+03 1.902e+03 ... 1.947e+03 1.948e+03 1.949e+03]\n"
            " [1.950e+03 1.951e+03 1.952e+03 ... 1.997e+03 1.998e+03 1.999e+03]]");

  std::vector<int16_t> r1200(1200);
  for (int i = 0; i < 1200; ++i) r1200[i] = static_cast<int16_t>(i);
  EXPECT_EQ(Str(Make<int16_t>(DType::kInt16, {2, 3, 200}, r1200)),
            "[[[   0    1    2 ...  197  198  199]\n"
            "  [ 200  201  202 ...  397  398  399]\n"
            "  [ 400  401  402 ...  597  598  599]]\n"
            "\n"
            " [[ 600  601  602 ...  797  798  799]\n"
            "  [ 800  801  802 ...  997  998  999]\n"
            "  [1000 1001 1002 ... 1197 1198 1199]]]");

  std::vector<float> thirds(1001);
  for (int i = 0; i < 1001; ++i) thirds[i] = static_cast<float>(i) / 3;
  EXPECT_EQ(Str(Make<float>(DType::kFloat, {1001}, thirds)),
            "[  0.           0.33333334   0.6666667  ... 332.66666    333.\n 333.33334   ]");

  // The format is computed from the shown elements only: the hidden 1e-9s
  // do not force scientific notation... but shown ones do.
  std::vector<double> mixed = {1e-9, 2, 3, 4, 5, 6, 7, 1e-9, 5, 6, 1e30};
  FormatOptions small;
  small.threshold = 10;
  EXPECT_EQ(Str(Make<double>(DType::kDouble, {11}, mixed), small),
            "[1.e-09 2.e+00 3.e+00 ... 5.e+00 6.e+00 1.e+30]");
}

TEST(FormatTest, SummarizedNested) {
  FormatOptions o;
  o.threshold = 10;  // numpy.set_printoptions(threshold=10)
  std::vector<int32_t> v(98);
  for (int i = 0; i < 98; ++i) v[i] = i;
  EXPECT_EQ(Str(Make<int32_t>(DType::kInt32, {7, 2, 7}, v), o),
            "[[[ 0  1  2 ...  4  5  6]\n"
            "  [ 7  8  9 ... 11 12 13]]\n"
            "\n"
            " [[14 15 16 ... 18 19 20]\n"
            "  [21 22 23 ... 25 26 27]]\n"
            "\n"
            " [[28 29 30 ... 32 33 34]\n"
            "  [35 36 37 ... 39 40 41]]\n"
            "\n"
            " ...\n"
            "\n"
            " [[56 57 58 ... 60 61 62]\n"
            "  [63 64 65 ... 67 68 69]]\n"
            "\n"
            " [[70 71 72 ... 74 75 76]\n"
            "  [77 78 79 ... 81 82 83]]\n"
            "\n"
            " [[84 85 86 ... 88 89 90]\n"
            "  [91 92 93 ... 95 96 97]]]");

  std::vector<int32_t> w(2401);
  for (int i = 0; i < 2401; ++i) w[i] = i;
  std::string s = Str(Make<int32_t>(DType::kInt32, {7, 7, 7, 7}, w), o);
  EXPECT_EQ(s.substr(0, 124),
            "[[[[   0    1    2 ...    4    5    6]\n"
            "   [   7    8    9 ...   11   12   13]\n"
            "   [  14   15   16 ...   18   19   20]\n"
            "   ...\n");
  EXPECT_NE(s.find("   [ 336  337  338 ...  340  341  342]]]\n\n\n [[[ 343"), std::string::npos);
  EXPECT_NE(s.find("   [ 140  141  142 ...  144  145  146]]\n\n  ...\n\n  [[ 196"), std::string::npos);
  EXPECT_NE(s.find("1022 1023 1024 ... 1026 1027 1028]]]\n\n\n ...\n\n\n [[[1372 1373"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 42), "\n   [2394 2395 2396 ... 2398 2399 2400]]]]");
}

TEST(FormatTest, AllElements) {
  std::vector<int32_t> r1001(1001);
  for (int i = 0; i < 1001; ++i) r1001[i] = i;
  FormatOptions all;
  all.summarize = false;
  std::string s = Str(Make<int32_t>(DType::kInt32, {1001}, r1001), all);
  EXPECT_EQ(s.find("..."), std::string::npos);
  EXPECT_NE(s.find(" 500  501 "), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 10), " 999 1000]");
}

TEST(FormatTest, WrapsNestedRows) {
  std::vector<double> v(100);
  for (int i = 0; i < 100; ++i) v[i] = i;
  v[0] = kNaN;
  // numpy: str(a[:2]) for a = arange(2000.).reshape(40, 50); a[0, 0] = nan
  EXPECT_EQ(Str(Make<double>(DType::kDouble, {2, 50}, v)),
            "[[nan  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n"
            "  18. 19. 20. 21. 22. 23. 24. 25. 26. 27. 28. 29. 30. 31. 32. 33. 34. 35.\n"
            "  36. 37. 38. 39. 40. 41. 42. 43. 44. 45. 46. 47. 48. 49.]\n"
            " [50. 51. 52. 53. 54. 55. 56. 57. 58. 59. 60. 61. 62. 63. 64. 65. 66. 67.\n"
            "  68. 69. 70. 71. 72. 73. 74. 75. 76. 77. 78. 79. 80. 81. 82. 83. 84. 85.\n"
            "  86. 87. 88. 89. 90. 91. 92. 93. 94. 95. 96. 97. 98. 99.]]");
}

TEST(FormatTest, EmptyAndScalars) {
  EXPECT_EQ(Str(Make<double>(DType::kDouble, {2, 0}, {})), "[]");
  EXPECT_EQ(Str(Make<double>(DType::kDouble, {0}, {})), "[]");
  EXPECT_EQ(Str(Make<float>(DType::kFloat, {}, {3})), "3.0");
  EXPECT_EQ(Str(Make<float>(DType::kFloat, {}, {1e-5f})), "1e-05");
  EXPECT_EQ(Str(Make<double>(DType::kDouble, {}, {1e16})), "1e+16");
  EXPECT_EQ(Str(Make<double>(DType::kDouble, {}, {kNaN})), "nan");
  EXPECT_EQ(Str(Make<float>(DType::kFloat, {}, {-HUGE_VALF})), "-inf");
  EXPECT_EQ(Str(MakeFloat(DType::kHalf, {}, {0.0999755859375})), "0.1");
  EXPECT_EQ(Str(Make<float>(DType::kComplex64, {}, {1, 2})), "(1+2j)");
  EXPECT_EQ(Str(Make<double>(DType::kComplex128, {}, {0, 2})), "2j");
  EXPECT_EQ(Str(Make<double>(DType::kComplex128, {}, {-0.0, 2})), "(-0+2j)");
  EXPECT_EQ(Str(Make<float>(DType::kComplex64, {}, {1.5f, -HUGE_VALF})), "(1.5-infj)");
  EXPECT_EQ(Str(Make<uint8_t>(DType::kBool, {}, {1})), "True");
  EXPECT_EQ(Str(Make<int64_t>(DType::kInt64, {}, {-5})), "-5");
  EXPECT_EQ(Str(Make<double>(DType::kDouble, {}, {-0.0})), "-0.0");
  Tensor s;
  s.dtype = DType::kString;
  s.strings = {"x\xff"};
  EXPECT_EQ(Str(s), "b'x\\xff'");
}

TEST(FormatTest, ElementsOnTheirOwn) {
  Tensor t = Make<float>(DType::kFloat, {3}, {0.1f, -2, 1e20f});
  EXPECT_EQ(FormatElement(t, 0), "0.1");
  EXPECT_EQ(FormatElement(t, 1), "-2.0");
  EXPECT_EQ(FormatElement(t, 2), "1e+20");
  EXPECT_EQ(FormatElement(t, 3), "");
  EXPECT_EQ(FormatElement(t, -1), "");
}

TEST(FormatTest, MalformedTensorsFail) {
  Tensor t = Make<float>(DType::kFloat, {3}, {1, 2});
  EXPECT_FALSE(FormatTensor(t).ok());
  Tensor bad;
  bad.dtype = static_cast<DType>(99);
  EXPECT_FALSE(FormatTensor(bad).ok());
  Tensor s;
  s.dtype = DType::kString;
  s.shape = {2};
  s.strings = {"a"};
  EXPECT_FALSE(FormatTensor(s).ok());
}

TEST(FormatTest, SmallFloatTypes) {
  Tensor bf = Make<uint16_t>(DType::kBFloat16, {2}, {0x3dcd, 0x3fc0});  // 0.10009765625, 1.5
  EXPECT_EQ(Str(bf), "[0.1 1.5]");
  // 448, nan, 1: shortest digits that identify the float8 value, so 448
  // (between 416 and NaN) prints as 450, as numpy prints float16 65504 as 6.55e+04.
  Tensor f8 = Make<uint8_t>(DType::kFloat8E4M3FN, {3}, {0x7e, 0x7f, 0x38});
  EXPECT_EQ(Str(f8), "[450.  nan   1.]");
}

}  // namespace
}  // namespace ckptview
