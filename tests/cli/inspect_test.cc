// Runs the built `ckptview` (CKPT_CLI_PATH) on the real-world corpus
// (CKPT_REALDATA_DIR, see its MANIFEST.tsv) and checks output, JSON fields
// and exit codes, including broken inputs made by copying a real checkpoint
// and damaging it.
#include "cli/cli_test_util.h"

namespace {

using namespace ckptview::cli_test;

std::string Data(const std::string& rel) { return kData + "/" + rel; }

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int Lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// A fresh folder holding copies of `files` from realdata folder `from`.
std::string CopyToTemp(const std::string& from, const std::vector<std::string>& files) {
  std::string tmpl = testing::TempDir() + "ckptview_cli_XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  std::string dir = mkdtemp(buf.data());
  for (const std::string& f : files) WriteFile(dir + "/" + f, ReadFile(Data(from + "/" + f)));
  return dir;
}

const Json* FindVariable(const Json& doc, const std::string& name) {
  for (const Json& v : doc["variables"].items) {
    if (v["name"].text == name) return &v;
  }
  return nullptr;
}

bool RealdataPresent() {
  struct stat st;
  return stat(Data("MANIFEST.tsv").c_str(), &st) == 0;
}

#define REQUIRE_REALDATA() \
  if (!RealdataPresent()) GTEST_SKIP() << "no realdata corpus at " << kData

// ---- tests -----------------------------------------------------------------

TEST(InspectCliTest, HelpAndUsageErrors) {
  CliRun help = Cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: ckptview"), std::string::npos);
  EXPECT_NE(help.out.find("inspect"), std::string::npos);

  CliRun ihelp = Cli({"inspect", "--help"});
  EXPECT_EQ(ihelp.exit_code, 0);
  EXPECT_NE(ihelp.out.find("usage: ckptview inspect PATH"), std::string::npos);
  EXPECT_NE(ihelp.out.find("--verify"), std::string::npos);

  CliRun none = Cli({});
  EXPECT_EQ(none.exit_code, 2);
  CliRun unknown_cmd = Cli({"frobnicate"});
  EXPECT_EQ(unknown_cmd.exit_code, 2);
  EXPECT_EQ(unknown_cmd.err, "ckptview: frobnicate: unknown command (run 'ckptview --help' for the list)\n");
  CliRun no_path = Cli({"inspect"});
  EXPECT_EQ(no_path.exit_code, 2);
  EXPECT_EQ(Lines(no_path.err), 1);
  CliRun bad_flag = Cli({"inspect", "x", "--frob"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_NE(bad_flag.err.find("unknown option '--frob'"), std::string::npos);
  CliRun two = Cli({"inspect", "a", "b"});
  EXPECT_EQ(two.exit_code, 2);
  CliRun tensor_no_name = Cli({"inspect", "a", "--tensor"});
  EXPECT_EQ(tensor_no_name.exit_code, 2);
}

TEST(InspectCliTest, MissingPath) {
  const std::string missing = testing::TempDir() + "no/such/ckpt";
  CliRun r = Cli({"inspect", missing});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "ckptview: " + missing + ": No such file or directory\n");
  CliRun j = Cli({"inspect", missing, "--json"});
  EXPECT_EQ(j.exit_code, 3);
  EXPECT_EQ(Lines(j.err), 1);
}

TEST(InspectCliTest, NotACheckpoint) {
  REQUIRE_REALDATA();
  CliRun graph = Cli({"inspect", Data("rust-addition/model.pb")});
  EXPECT_EQ(graph.exit_code, 3);
  EXPECT_EQ(Lines(graph.err), 1);
  EXPECT_NE(graph.err.find("rust-addition/model.pb: a graph without constants"), std::string::npos) << graph.err;
  CliRun metas = Cli({"inspect", Data("tfnet-metagraphs")});
  EXPECT_EQ(metas.exit_code, 3);
  EXPECT_EQ(Lines(metas.err), 1);
  EXPECT_NE(metas.err.find("no checkpoint found"), std::string::npos) << metas.err;
  CliRun damaged = Cli({"inspect", Data("rottenreview-misnamed-savedmodel"), "--json"});
  EXPECT_EQ(damaged.exit_code, 3);
  EXPECT_EQ(Lines(damaged.err), 1);
}

// A frozen graph alone: its Const nodes are listed and read like variables.
TEST(InspectCliTest, FrozenGraphListsItsConstants) {
  REQUIRE_REALDATA();
  const std::string pb = Data("tfonnx-fc-layers/frozen.pb");
  CliRun text = Cli({"inspect", pb});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find(pb + ": graph-constants, 6 variables, 269,322 parameters"), 0u) << text.out;
  EXPECT_NE(text.out.find("dense/kernel    float32  [784,256]  802816"), std::string::npos) << text.out;

  CliRun j = Cli({"inspect", pb, "--tensor", "pred/bias", "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(j.json["format"].text, "graph-constants");
  EXPECT_EQ(j.json["variables"].size(), 6u);
  ASSERT_NE(FindVariable(j.json, "pred/bias"), nullptr);
  const Json& t = j.json["tensor"];
  ASSERT_EQ(t["values"].size(), 10u) << j.out;
  EXPECT_EQ(t["values"][0].text, "0.049560126");  // shortest float32 text
}

TEST(InspectCliTest, FolderWithStateFile) {
  REQUIRE_REALDATA();
  // Five checkpoints; the state file names model.ckpt-3760 as the latest.
  const std::string dir = Data("ipo-widedeep-estimator");
  CliRun text = Cli({"inspect", dir});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.rfind(dir + "/model.ckpt-3760 (latest): bundle-v2, ", 0), 0u) << text.out;
  EXPECT_NE(text.out.find("other checkpoints: " + dir + "/model.ckpt-3384, "), std::string::npos);
  EXPECT_NE(text.out.find("\nNAME "), std::string::npos);
  EXPECT_NE(text.out.find("global_step"), std::string::npos);

  CliRun j = Cli({"inspect", dir, "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  ASSERT_TRUE(j.json_ok) << j.out.substr(0, 300);
  const Json& doc = j.json;
  EXPECT_EQ(doc["path"].text, dir);
  EXPECT_EQ(doc["format"].text, "bundle-v2");
  EXPECT_EQ(doc["prefix"].text, dir + "/model.ckpt-3760");
  EXPECT_EQ(doc["latest"].text, dir + "/model.ckpt-3760");
  EXPECT_EQ(doc["checkpoints"].size(), 5u);
  EXPECT_EQ(doc["warnings"].kind, Json::kArray);
  EXPECT_FALSE(doc.Has("tensor"));
  EXPECT_FALSE(doc.Has("verify"));
  // Field order as documented.
  std::vector<std::string> want = {"path", "format", "prefix", "checkpoints", "latest", "variables",
                                   "total_parameters", "total_bytes", "warnings"};
  EXPECT_EQ(doc.order, want);
  const Json* step = FindVariable(doc, "global_step");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ((*step)["dtype"].text, "int64");
  EXPECT_EQ((*step)["shape"].size(), 0u);
  EXPECT_EQ((*step)["bytes"].number, 8);
  EXPECT_EQ((*step)["shard"].number, 0);
  EXPECT_EQ((*step)["slices"].number, 0);
  EXPECT_EQ((*step)["object_path"].kind, Json::kNull);
  EXPECT_FALSE((*step)["optimizer_slot"].b);
  EXPECT_FALSE(step->Has("values"));
  // Totals are the sums over the variables.
  double params = 0, bytes = 0;
  for (const Json& v : doc["variables"].items) {
    bytes += v["bytes"].number;
    if (v["dtype"].text != "string") {
      double n = 1;
      for (const Json& d : v["shape"].items) n *= d.number;
      params += n;
    }
  }
  EXPECT_EQ(doc["total_bytes"].number, bytes);
  EXPECT_EQ(doc["total_parameters"].number, params);
}

TEST(InspectCliTest, StateFileListsOnlyOneOfTwo) {
  REQUIRE_REALDATA();
  CliRun j = Cli({"inspect", Data("houseprices-ckpt"), "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  ASSERT_TRUE(j.json_ok);
  EXPECT_EQ(j.json["prefix"].text, Data("houseprices-ckpt/model.ckpt"));
  EXPECT_EQ(j.json["checkpoints"].size(), 2u);
  EXPECT_EQ(j.json["variables"].size(), 34u);
  EXPECT_EQ(j.json["total_parameters"].number, 4522);
  const Json* adam = FindVariable(j.json, "Variable/Adam");
  ASSERT_NE(adam, nullptr);
  EXPECT_TRUE((*adam)["optimizer_slot"].b);
  EXPECT_FALSE((*FindVariable(j.json, "Variable"))["optimizer_slot"].b);
  // The other checkpoint, by prefix.
  CliRun other = Cli({"inspect", Data("houseprices-ckpt/model_longtrain.ckpt"), "--json"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(other.json["prefix"].text, Data("houseprices-ckpt/model_longtrain.ckpt"));
  EXPECT_EQ(other.json["latest"].text, Data("houseprices-ckpt/model.ckpt"));
}

TEST(InspectCliTest, EveryWayToNameOneCheckpoint) {
  REQUIRE_REALDATA();
  const std::string prefix = Data("t2t-transformer_test_ckpt/model.ckpt-1");
  for (const std::string& path : {prefix, prefix + ".index", prefix + ".data-00001-of-00002",
                                  Data("t2t-transformer_test_ckpt"), Data("t2t-transformer_test_ckpt/checkpoint")}) {
    CliRun r = Cli({"inspect", path, "--json"});
    ASSERT_EQ(r.exit_code, 0) << path << ": " << r.err;
    ASSERT_TRUE(r.json_ok) << path;
    EXPECT_EQ(r.json["prefix"].text, prefix) << path;
    EXPECT_EQ(r.json["variables"].size(), 250u) << path;
  }
  CliRun r = Cli({"inspect", prefix, "--json"});
  const Json* step = FindVariable(r.json, "global_step");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ((*step)["shard"].number, 0);  // the 24-byte shard 0
  // A relative path keeps its spelling.
  std::string cwd_cmd = "cd " + Quote(kData) + " && " + Quote(kCli) + " inspect t2t-transformer_test_ckpt/model.ckpt-1.index --json";
  FILE* p = popen(cwd_cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0);
  EXPECT_NE(out.find("\"prefix\":\"t2t-transformer_test_ckpt/model.ckpt-1\""), std::string::npos);
}

TEST(InspectCliTest, V1FilesAndSavedModels) {
  REQUIRE_REALDATA();
  CliRun v1 = Cli({"inspect", Data("haskell-mnist/MNISTWts.ckpt"), "--json"});
  ASSERT_EQ(v1.exit_code, 0) << v1.err;
  EXPECT_EQ(v1.json["format"].text, "slices-v1");
  ASSERT_EQ(v1.json["variables"].size(), 1u);
  const Json& w = v1.json["variables"][0];
  EXPECT_EQ(w["name"].text, "weights");
  EXPECT_EQ(w["shape"].size(), 2u);
  EXPECT_EQ(w["shape"][0].number, 784);
  EXPECT_EQ(w["bytes"].number, 784 * 10 * 4);
  EXPECT_EQ(w["shard"].kind, Json::kNull);

  CliRun shard = Cli({"inspect", Data("serving-session_bundle_half_plus_two/export-00000-of-00001"), "--json"});
  ASSERT_EQ(shard.exit_code, 0) << shard.err;
  EXPECT_EQ(shard.json["format"].text, "slices-v1");

  CliRun sm = Cli({"inspect", Data("tfjs-times_three_float"), "--json", "--values"});
  ASSERT_EQ(sm.exit_code, 0) << sm.err;
  EXPECT_TRUE(EndsWith(sm.json["prefix"].text, "/variables/variables"));
  const Json* graph = FindVariable(sm.json, "_CHECKPOINTABLE_OBJECT_GRAPH");
  ASSERT_NE(graph, nullptr);
  EXPECT_EQ((*graph)["dtype"].text, "string");
  ASSERT_EQ((*graph)["values"].size(), 1u);
  // A serialized proto: a JSON string if it happens to be valid UTF-8, else base64.
  const Json& g = (*graph)["values"][0];
  EXPECT_TRUE(g.kind == Json::kString || g.Has("base64"));

  CliRun pb = Cli({"inspect", Data("tfjs-times_three_float/saved_model.pb"), "--json"});
  ASSERT_EQ(pb.exit_code, 0) << pb.err;
  EXPECT_EQ(pb.json["prefix"].text, sm.json["prefix"].text);
}

TEST(InspectCliTest, TensorValues) {
  REQUIRE_REALDATA();
  const std::string bias = Data("haskell-mnist/MNISTBias.ckpt");
  CliRun text = Cli({"inspect", bias, "--tensor", "bias"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  // numpy's print(): 10 float32 values over two lines.
  EXPECT_NE(text.out.find("\nbias  float32 [10]\n[-0.5352633   0.4027373 "), std::string::npos) << text.out;
  EXPECT_TRUE(EndsWith(text.out, " -0.3455277 ]\n")) << text.out;

  CliRun j = Cli({"inspect", bias, "--tensor=bias", "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const Json& t = j.json["tensor"];
  EXPECT_EQ(t["name"].text, "bias");
  EXPECT_EQ(t["dtype"].text, "float32");
  ASSERT_EQ(t["values"].size(), 10u);
  EXPECT_EQ(t["values"][0].text, "-0.5352633");  // shortest float32 text
  ASSERT_TRUE(FindVariable(j.json, "bias")->Has("values"));
  EXPECT_EQ((*FindVariable(j.json, "bias"))["values"].size(), 10u);

  // Summarized above 1000 elements unless --all.
  const std::string wts = Data("haskell-mnist/MNISTWts.ckpt");
  CliRun summary = Cli({"inspect", wts, "--tensor", "weights"});
  ASSERT_EQ(summary.exit_code, 0);
  EXPECT_NE(summary.out.find(" ...\n"), std::string::npos);
  EXPECT_LT(Lines(summary.out), 20);
  CliRun all = Cli({"inspect", wts, "--tensor", "weights", "--all"});
  ASSERT_EQ(all.exit_code, 0);
  EXPECT_EQ(all.out.find("..."), std::string::npos);
  EXPECT_GT(Lines(all.out), 784);
}

TEST(InspectCliTest, TensorByObjectPathAndUnknownNames) {
  REQUIRE_REALDATA();
  const std::string ckpt = Data("littleruan-iris-sharded");
  CliRun j = Cli({"inspect", ckpt, "--tensor", "layer-2/bias", "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(j.json["tensor"]["name"].text, "layer-2/bias/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_EQ(j.json["tensor"]["values"].size(), 3u);
  const Json* slot = FindVariable(j.json, "layer-2/bias/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE");
  ASSERT_NE(slot, nullptr);
  EXPECT_TRUE((*slot)["optimizer_slot"].b);
  EXPECT_EQ((*slot)["shard"].number, 1);
  const Json* iter = FindVariable(j.json, "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE");
  ASSERT_NE(iter, nullptr);
  EXPECT_EQ((*iter)["object_path"].text, "optimizer/iter");

  CliRun unknown = Cli({"inspect", ckpt, "--tensor", "layer-2/bais"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.out, "");
  EXPECT_EQ(Lines(unknown.err), 1);
  EXPECT_NE(unknown.err.find("no variable named 'layer-2/bais'; close matches: layer-2/bias"), std::string::npos)
      << unknown.err;
  CliRun nothing_close = Cli({"inspect", ckpt, "--tensor", "zzzzzzzzzzzzzzzzzzzz", "--json"});
  EXPECT_EQ(nothing_close.exit_code, 2);
  EXPECT_EQ(Lines(nothing_close.err), 1);
}

TEST(InspectCliTest, VerifyGoodCheckpoint) {
  REQUIRE_REALDATA();
  CliRun r = Cli({"inspect", Data("houseprices-ckpt"), "--verify"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(EndsWith(r.out, "\nverified 34 tensors, 18088 bytes, 0 corrupt\n")) << r.out;
  CliRun j = Cli({"inspect", Data("t2t-transformer_test_ckpt"), "--verify", "--json"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(j.json["verify"]["tensors"].number, 250);
  EXPECT_EQ(j.json["verify"]["corrupt"].size(), 0u);
  EXPECT_EQ(j.json.order.back(), "warnings");
}

TEST(InspectCliTest, VerifyFindsAFlippedByte) {
  REQUIRE_REALDATA();
  const std::string dir = CopyToTemp("houseprices-ckpt", {"model.ckpt.index", "model.ckpt.data-00000-of-00001"});
  const std::string data = dir + "/model.ckpt.data-00000-of-00001";
  std::string bytes = ReadFile(data);
  ASSERT_EQ(bytes.size(), 18088u);
  // Listing does not read tensor data: still fine.
  EXPECT_EQ(Cli({"inspect", dir}).exit_code, 0);
  bytes[100] ^= 0x10;  // inside the first tensor written
  WriteFile(data, bytes);
  CliRun r = Cli({"inspect", dir, "--verify"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("CORRUPT  "), std::string::npos) << r.out;
  EXPECT_TRUE(EndsWith(r.out, ", 1 corrupt\n")) << r.out;
  CliRun j = Cli({"inspect", dir, "--verify", "--json"});
  EXPECT_EQ(j.exit_code, 1);
  ASSERT_TRUE(j.json_ok);
  ASSERT_EQ(j.json["verify"]["corrupt"].size(), 1u);
  const Json& bad = j.json["verify"]["corrupt"][0];
  EXPECT_NE(bad["error"].text.find(data), std::string::npos) << bad["error"].text;  // names the file
  // Asking for that tensor's values fails with exit 3, the JSON still printed.
  CliRun v = Cli({"inspect", dir, "--tensor", bad["name"].text, "--json"});
  EXPECT_EQ(v.exit_code, 3);
  ASSERT_TRUE(v.json_ok);
  EXPECT_TRUE(v.json["tensor"].Has("error"));
  EXPECT_FALSE(v.json["tensor"].Has("values"));
  EXPECT_EQ(Lines(v.err), 1);

  // A truncated data file: every tensor past the end is reported.
  WriteFile(data, bytes.substr(0, 9000));
  CliRun t = Cli({"inspect", dir, "--verify"});
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_EQ(t.out.find(", 0 corrupt"), std::string::npos);
}

TEST(InspectCliTest, DamagedIndexIsAnOpenError) {
  REQUIRE_REALDATA();
  const std::string dir = CopyToTemp("houseprices-ckpt", {"model.ckpt.index", "model.ckpt.data-00000-of-00001"});
  const std::string index = dir + "/model.ckpt.index";
  std::string bytes = ReadFile(index);
  bytes[bytes.size() / 3] ^= 0x40;
  WriteFile(index, bytes);
  CliRun r = Cli({"inspect", index});
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(Lines(r.err), 1);
  EXPECT_EQ(r.err.rfind("ckptview: " + index, 0), 0u) << r.err;
  // Byte sweep over the whole index: never a crash, always 0 or 3 with one line.
  const std::string clean = ReadFile(Data("houseprices-ckpt/model.ckpt.index"));
  for (size_t i = 0; i < clean.size(); i += 37) {
    std::string damaged = clean;
    damaged[i] ^= 0xff;
    WriteFile(index, damaged);
    CliRun s = Cli({"inspect", index, "--verify", "--json"});
    EXPECT_TRUE(s.exit_code == 0 || s.exit_code == 1 || s.exit_code == 3) << i << ": " << s.exit_code;
    if (s.exit_code == 3) EXPECT_EQ(Lines(s.err), 1) << i << ": " << s.err;
    else EXPECT_TRUE(s.json_ok) << i;
  }
}

TEST(InspectCliTest, ValuesOfAnIncompleteCheckpoint) {
  REQUIRE_REALDATA();
  // model.ckpt-0.data-00001-of-00002 is missing: listing works, values fail.
  CliRun j = Cli({"inspect", Data("t5-mtf_tiny-bf16-PARTIAL"), "--json", "--values"});
  EXPECT_EQ(j.exit_code, 3);
  ASSERT_TRUE(j.json_ok) << j.out.substr(0, 200);
  EXPECT_EQ(Lines(j.err), 1) << j.err;
  int errors = 0, values = 0;
  for (const Json& v : j.json["variables"].items) {
    if (v.Has("error")) {
      ++errors;
      EXPECT_NE(v["error"].text.find("model.ckpt-0.data-00001-of-00002"), std::string::npos);
      EXPECT_FALSE(v.Has("values"));
    }
    if (v.Has("values")) ++values;
  }
  EXPECT_GT(errors, 0);
  EXPECT_GT(values, 0);  // the tensors in shard 0
  bool warned = false;
  for (const Json& w : j.json["warnings"].items) warned |= w.text.find("data-00001-of-00002") != std::string::npos;
  EXPECT_TRUE(warned);
  CliRun text = Cli({"inspect", Data("t5-mtf_tiny-bf16-PARTIAL")});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("bfloat16"), std::string::npos);
}

TEST(InspectCliTest, ValuesOfEveryDTypeAreJson) {
  REQUIRE_REALDATA();
  // int64 scalars, float variables and string object graphs all encode, one value per element.
  for (const char* rel : {"tfjs-int64_multiply", "rust-regression_savedmodel", "tfnet-python_func_model"}) {
    CliRun r = Cli({"inspect", Data(rel), "--json", "--values"});
    ASSERT_EQ(r.exit_code, 0) << rel << ": " << r.err;
    ASSERT_TRUE(r.json_ok) << rel;
    for (const Json& v : r.json["variables"].items) {
      ASSERT_TRUE(v.Has("values")) << rel << " " << v["name"].text;
      double n = 1;
      for (const Json& d : v["shape"].items) n *= d.number;
      EXPECT_EQ(v["values"].size(), size_t(n)) << rel << " " << v["name"].text;
      if (v["dtype"].text == "int64") {
        for (const Json& x : v["values"].items) EXPECT_EQ(x.text.find('.'), std::string::npos);
      }
    }
  }
}

}  // namespace
