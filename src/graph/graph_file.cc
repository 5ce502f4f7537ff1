#include "graph/graph_file.h"

#include <algorithm>
#include <set>

#include <google/protobuf/stubs/logging.h>

#include "formats/proto_schema.h"
#include "formats/text_format.h"
#include "graph/wire.h"

namespace ckptview::graph {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

// The type the file name suggests, if any.
bool FormatFromName(const std::string& path, GraphFormat* format) {
  const std::string base = BaseName(path);
  if (base == "saved_model.pb" || base == "saved_model.pbtxt") {
    *format = GraphFormat::kSavedModel;
    return true;
  }
  if (EndsWith(base, ".meta")) {
    *format = GraphFormat::kMetaGraph;
    return true;
  }
  return false;
}

// Decides between GraphDef, MetaGraphDef and SavedModel from the top-level
// fields of binary bytes:
//   GraphDef     1 node (repeated)  2 library  3 version (varint)  4 versions  5 debug_info
//   MetaGraphDef 1 meta_info_def  2 graph_def  3 saver_def  4 collection_def
//                5 signature_def  6 asset_file_def  7 object_graph_def
//   SavedModel   1 saved_model_schema_version (varint)  2 meta_graphs (repeated)
GraphFormat SniffBinary(const std::string& bytes) {
  std::vector<wire::FieldInfo> fields;
  (void)wire::ScanFields(bytes, &fields);  // a damaged tail still leaves the head
  int count[8] = {};
  for (const auto& f : fields) {
    if (f.number == 1 && f.type == wire::kVarint) return GraphFormat::kSavedModel;
    if (f.number == 3 && f.type == wire::kVarint) return GraphFormat::kGraphDef;
    if ((f.number == 3 || f.number == 6 || f.number == 7) && f.type == wire::kLengthDelimited)
      return GraphFormat::kMetaGraph;
    if (f.number < 8) ++count[f.number];
  }
  if (count[1] > 1) return GraphFormat::kGraphDef;
  if (count[1] == 0 && count[2] > 1) return GraphFormat::kSavedModel;
  if (count[1] == 1) {
    // A NodeDef's field 2 is the op name, a MetaInfoDef's field 2 an OpList
    // message (starts with tag 0x0a); field 3 is an input name vs an Any.
    const auto& f = *std::find_if(fields.begin(), fields.end(), [](const auto& x) { return x.number == 1; });
    const uint64_t start = f.offset + wire::TagSize(1) + wire::VarintSize(f.size);
    std::vector<wire::FieldInfo> sub;
    ByteView payload = ByteView(bytes).substr(start, f.size);
    (void)wire::ScanFields(payload, &sub);
    for (const auto& s : sub) {
      if (s.type == wire::kVarint && s.number == 7) return GraphFormat::kMetaGraph;
      if ((s.number == 2 || s.number == 3) && s.type == wire::kLengthDelimited && s.size > 0) {
        const uint64_t p = s.offset + wire::TagSize(s.number) + wire::VarintSize(s.size);
        return payload[p] == 0x0a ? GraphFormat::kMetaGraph : GraphFormat::kGraphDef;
      }
    }
  }
  return GraphFormat::kGraphDef;
}

// The first field name of a text-format message, skipping blanks and comments.
std::string FirstTextField(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else {
      break;
    }
  }
  size_t j = i;
  while (j < text.size() && (isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
  return text.substr(i, j - i);
}

bool FormatFromTextField(const std::string& field, GraphFormat* format) {
  static const char* kGraphDef[] = {"node", "library", "versions", "version", "debug_info"};
  static const char* kMeta[] = {"meta_info_def", "graph_def", "saver_def", "collection_def",
                                "signature_def", "asset_file_def", "object_graph_def"};
  static const char* kSaved[] = {"saved_model_schema_version", "meta_graphs"};
  for (const char* f : kGraphDef)
    if (field == f) return *format = GraphFormat::kGraphDef, true;
  for (const char* f : kMeta)
    if (field == f) return *format = GraphFormat::kMetaGraph, true;
  for (const char* f : kSaved)
    if (field == f) return *format = GraphFormat::kSavedModel, true;
  return false;
}

// The top-level fields worth looking inside when explaining damage.
std::vector<int> NestedFields(GraphFormat format) {
  switch (format) {
    case GraphFormat::kGraphDef: return {1, 2, 4};
    case GraphFormat::kMetaGraph: return {1, 2, 3, 4, 5, 6, 7};
    case GraphFormat::kSavedModel: return {2};
  }
  return {};
}

Status ParseBinary(const std::string& path, const std::string& bytes, GraphFormat format,
                   GraphFile* out) {
  // A damaged file is reported by our Status; protobuf's own stderr lines
  // (invalid UTF-8 and the like) would only add noise.
  google::protobuf::LogSilencer quiet;
  bool ok = false;
  switch (format) {
    case GraphFormat::kSavedModel: {
      tensorflow::SavedModel sm;
      ok = sm.ParseFromString(bytes);
      if (ok) {
        out->saved_model_schema_version = sm.saved_model_schema_version();
        out->meta_graphs.assign(std::make_move_iterator(sm.mutable_meta_graphs()->begin()),
                                std::make_move_iterator(sm.mutable_meta_graphs()->end()));
      }
      break;
    }
    case GraphFormat::kMetaGraph: {
      out->meta_graphs.emplace_back();
      ok = out->meta_graphs.back().ParseFromString(bytes);
      break;
    }
    case GraphFormat::kGraphDef: {
      out->meta_graphs.emplace_back();
      ok = out->meta_graphs.back().mutable_graph_def()->ParseFromString(bytes);
      break;
    }
  }
  if (ok) return Status::Ok();
  out->meta_graphs.clear();
  std::string what = std::string("not a valid binary ") + GraphFormatName(format);
  if (EndsWith(path, ".pbtxt") || EndsWith(path, ".txt"))
    what += " (the content is binary protobuf despite the text-format file name)";
  Status damage = wire::DescribeDamage(bytes, NestedFields(format));
  std::string detail = damage.ok() ? "the protobuf parser rejected its content (" +
                                         std::to_string(bytes.size()) + " bytes)"
                                   : "damaged: " + damage.message() + " (file is " +
                                         std::to_string(bytes.size()) + " bytes)";
  return Status::Error(path + ": " + what + "; " + detail);
}

// ---------------------------------------------------------------------------
// Slim parsing (ParseOptions::slim_nodes). Anything unexpected makes it give
// up (false), and the file is then parsed whole, which also explains damage.

using formats::WireRecord;

bool IsKeptAttr(std::string_view key) {
  static const char* kKept[] = {"dtype", "shape",     "shared_name", "_class", "batch_dims",  "Tindices",
                                "f",     "then_branch", "else_branch", "body",   "cond",        "branches"};
  for (const char* k : kKept)
    if (key == k) return true;
  return false;
}

bool ParseAttrInto(std::string_view key, ByteView value, tensorflow::NodeDef* node) {
  tensorflow::AttrValue v;
  if (!v.ParseFromArray(value.data(), int(value.size()))) return false;
  (*node->mutable_attr())[std::string(key)] = std::move(v);
  return true;
}

bool SlimNode(ByteView in, tensorflow::NodeDef* node) {
  ByteView t_value, value_value;
  bool has_t = false, has_value = false;
  while (!in.empty()) {
    WireRecord rec;
    if (!formats::GetWireRecord(&in, &rec)) return false;
    if (rec.number >= 1 && rec.number <= 5 && rec.wire_type != formats::kWireLengthDelimited) return false;
    switch (rec.number) {
      case 1: node->set_name(rec.bytes.chars(), rec.bytes.size()); break;
      case 2: node->set_op(rec.bytes.chars(), rec.bytes.size()); break;
      case 3: node->add_input(rec.bytes.chars(), rec.bytes.size()); break;
      case 4: node->set_device(rec.bytes.chars(), rec.bytes.size()); break;
      case 5: {
        ByteView entry = rec.bytes;
        std::string_view key;
        ByteView value;
        while (!entry.empty()) {
          WireRecord e;
          if (!formats::GetWireRecord(&entry, &e) || e.wire_type != formats::kWireLengthDelimited) return false;
          if (e.number == 1) key = e.bytes.str();
          else if (e.number == 2) value = e.bytes;
          else return false;
        }
        if (key == "T") {
          t_value = value;
          has_t = true;
        } else if (key == "value") {
          value_value = value;
          has_value = true;
        } else if (IsKeptAttr(key) || (!value.empty() && value[0] == 0x52)) {  // AttrValue.func
          if (!ParseAttrInto(key, value, node)) return false;
        }
        break;
      }
      default: break;  // experimental_debug_info, experimental_type, unknown
    }
  }
  // Merge's T (the freeze's rewrite reads it); a string Const's value (save
  // ops' tensor_names and shape_and_slices, read to bind variables).
  if (has_t && (node->op() == "Merge" || node->op() == "RefMerge") && !ParseAttrInto("T", t_value, node))
    return false;
  if (has_value && node->op() == "Const") {
    auto dtype = node->attr().find("dtype");
    if (dtype != node->attr().end() && dtype->second.type() == tensorflow::DT_STRING &&
        !ParseAttrInto("value", value_value, node))
      return false;
  }
  return true;
}

// Hands each length-delimited field `number` of the message in `in` to `take`
// and merges every other field into `message` as it is.
template <typename Take>
bool SplitField(ByteView in, uint32_t number, Take take, google::protobuf::MessageLite* message) {
  std::string rest;
  while (!in.empty()) {
    const uint8_t* start = in.data();
    WireRecord rec;
    if (!formats::GetWireRecord(&in, &rec)) return false;
    if (rec.number != number) {
      rest.append(reinterpret_cast<const char*>(start), size_t(in.data() - start));
    } else if (rec.wire_type != formats::kWireLengthDelimited || !take(rec.bytes)) {
      return false;
    }
  }
  return rest.empty() || message->MergeFromString(rest);
}

// GraphDef: nodes (field 1) slim, with their byte spans in `file`.
bool SlimGraphDef(const std::string& file, ByteView in, tensorflow::GraphDef* graph,
                  std::vector<GraphFile::Span>* spans) {
  return SplitField(in, 1, [&](ByteView node) {
    if (!SlimNode(node, graph->add_node())) return false;
    spans->push_back({uint64_t(node.chars() - file.data()), node.size()});
    return true;
  }, graph);
}

// MetaGraphDef: its graph_def (field 2) slim.
bool SlimMetaGraph(const std::string& file, ByteView in, tensorflow::MetaGraphDef* meta,
                   std::vector<GraphFile::Span>* spans) {
  return SplitField(in, 2, [&](ByteView graph) {
    return SlimGraphDef(file, graph, meta->mutable_graph_def(), spans);
  }, meta);
}

bool ParseSlim(const std::string& file, GraphFormat format, GraphFile* out) {
  google::protobuf::LogSilencer quiet;
  out->meta_graphs.clear();
  out->node_spans.clear();
  ByteView in(file);
  switch (format) {
    case GraphFormat::kGraphDef:
      out->meta_graphs.emplace_back();
      out->node_spans.emplace_back();
      return SlimGraphDef(file, in, out->meta_graphs.back().mutable_graph_def(), &out->node_spans.back());
    case GraphFormat::kMetaGraph:
      out->meta_graphs.emplace_back();
      out->node_spans.emplace_back();
      return SlimMetaGraph(file, in, &out->meta_graphs.back(), &out->node_spans.back());
    case GraphFormat::kSavedModel:
      while (!in.empty()) {
        WireRecord rec;
        if (!formats::GetWireRecord(&in, &rec)) return false;
        if (rec.number == 1 && rec.wire_type == formats::kWireVarint) {
          out->saved_model_schema_version = int64_t(rec.value);
        } else if (rec.number == 2 && rec.wire_type == formats::kWireLengthDelimited) {
          out->meta_graphs.emplace_back();
          out->node_spans.emplace_back();
          if (!SlimMetaGraph(file, rec.bytes, &out->meta_graphs.back(), &out->node_spans.back())) return false;
        } else {
          return false;
        }
      }
      return true;
  }
  return false;
}

}  // namespace

const char* GraphFormatName(GraphFormat format) {
  switch (format) {
    case GraphFormat::kGraphDef: return "GraphDef";
    case GraphFormat::kMetaGraph: return "MetaGraphDef";
    case GraphFormat::kSavedModel: return "SavedModel";
  }
  return "?";
}

bool LooksLikeTextFormat(const std::string& bytes) {
  const size_t n = std::min<size_t>(bytes.size(), 1 << 16);
  if (n == 0) return false;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = bytes[i];
    if (c == 0x7f) return false;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  std::string first = FirstTextField(bytes.substr(0, n));
  return !first.empty() && !isdigit(static_cast<unsigned char>(first[0]));
}

// Protobuf files that sit next to graphs but hold something else.
const char* NotAGraph(const std::string& base) {
  if (base == "fingerprint.pb") return "a SavedModel fingerprint (FingerprintDef)";
  if (base == "keras_metadata.pb") return "Keras metadata (SavedMetadata)";
  if (base == "tfhub_module.pb") return "a TF Hub ModuleDef";
  if (base == "saved_model_debug_info.pb") return "SavedModel debug info (GraphDebugInfo)";
  return nullptr;
}

namespace {

// `owned`: the same bytes, moved into the result if it is slim.
Result<GraphFile> ParseGraphFileImpl(const std::string& path, const std::string& bytes, const ParseOptions& options,
                                     std::string* owned) {
  GraphFile out;
  out.path = path;
  if (const char* what = NotAGraph(BaseName(path)))
    return Status::Error(path + ": holds " + std::string(what) + ", not a graph");
  if (bytes.empty()) return Status::Error(path + ": empty file, expected a GraphDef, MetaGraphDef or SavedModel");
  GraphFormat named = GraphFormat::kGraphDef;
  const bool has_name_hint = FormatFromName(path, &named);

  if (LooksLikeTextFormat(bytes)) {
    out.text = true;
    const std::string field = FirstTextField(bytes);
    if (!FormatFromTextField(field, &out.format)) {
      if (!has_name_hint)
        return Status::Error(path + ": text file whose first field \"" + field +
                             "\" is not one of a GraphDef, MetaGraphDef or SavedModel");
      out.format = named;
    }
    switch (out.format) {
      case GraphFormat::kSavedModel: {
        tensorflow::SavedModel sm;
        CKPT_RETURN_IF_ERROR(formats::ParseTextFormat(path, bytes, &sm));
        out.saved_model_schema_version = sm.saved_model_schema_version();
        out.meta_graphs.assign(std::make_move_iterator(sm.mutable_meta_graphs()->begin()),
                               std::make_move_iterator(sm.mutable_meta_graphs()->end()));
        break;
      }
      case GraphFormat::kMetaGraph:
        out.meta_graphs.emplace_back();
        CKPT_RETURN_IF_ERROR(formats::ParseTextFormat(path, bytes, &out.meta_graphs.back()));
        break;
      case GraphFormat::kGraphDef:
        out.meta_graphs.emplace_back();
        CKPT_RETURN_IF_ERROR(
            formats::ParseTextFormat(path, bytes, out.meta_graphs.back().mutable_graph_def()));
        break;
    }
  } else {
    out.format = has_name_hint ? named : SniffBinary(bytes);
    if (options.slim_nodes && owned && ParseSlim(bytes, out.format, &out)) {
      out.bytes = std::make_shared<const std::string>(std::move(*owned));
    } else {
      out.meta_graphs.clear();
      out.node_spans.clear();
      out.saved_model_schema_version = 0;
      CKPT_RETURN_IF_ERROR(ParseBinary(path, bytes, out.format, &out));
    }
  }
  if (out.format == GraphFormat::kSavedModel && out.meta_graphs.empty())
    return Status::Error(path + ": SavedModel holds no meta graphs");
  return out;
}

}  // namespace

Result<GraphFile> ParseGraphFile(const std::string& path, const std::string& bytes) {
  return ParseGraphFileImpl(path, bytes, ParseOptions{}, nullptr);
}

Result<GraphFile> ParseGraphFile(const std::string& path, std::string&& bytes, const ParseOptions& options) {
  std::string owned = std::move(bytes);
  return ParseGraphFileImpl(path, owned, options, &owned);
}

bool IsSavedModelDir(const formats::FileSource& source, const std::string& dir) {
  return source.Find(Join(dir, "saved_model.pb")) || source.Find(Join(dir, "saved_model.pbtxt"));
}

Result<GraphFile> OpenSavedModel(formats::FileSource& source, const std::string& dir) {
  return OpenSavedModel(source, dir, ParseOptions{});
}

Result<GraphFile> OpenSavedModel(formats::FileSource& source, const std::string& dir, const ParseOptions& options) {
  std::string file = Join(dir, "saved_model.pb");
  if (!source.Find(file)) file = Join(dir, "saved_model.pbtxt");
  if (!source.Find(file))
    return Status::Error((dir.empty() ? std::string("(root)") : dir) +
                         ": not a SavedModel folder (no saved_model.pb or saved_model.pbtxt)");
  CKPT_ASSIGN_OR_RETURN(std::string bytes, source.ReadAll(file));
  CKPT_ASSIGN_OR_RETURN(GraphFile out, ParseGraphFile(file, std::move(bytes), options));
  if (out.format != GraphFormat::kSavedModel)
    return Status::Error(file + ": holds a " + GraphFormatName(out.format) + ", not a SavedModel");
  out.saved_model_dir = dir;
  const std::string prefix = Join(dir, "variables/variables");
  if (source.Find(prefix + ".index")) out.variables_prefix = prefix;
  const std::string assets = Join(dir, "assets/");
  for (const auto& f : source.Files())
    if (f.path.compare(0, assets.size(), assets) == 0) out.asset_files.push_back(f.path);
  return out;
}

Result<GraphFile> OpenGraphFile(formats::FileSource& source, const std::string& path) {
  return OpenGraphFile(source, path, ParseOptions{});
}

Result<GraphFile> OpenGraphFile(formats::FileSource& source, const std::string& path, const ParseOptions& options) {
  if (!source.Find(path)) {
    if (IsSavedModelDir(source, path)) return OpenSavedModel(source, path, options);
    return Status::Error(path + ": no such file");
  }
  const std::string base = BaseName(path);
  if (base == "saved_model.pb" || base == "saved_model.pbtxt") {
    const size_t slash = path.find_last_of('/');
    return OpenSavedModel(source, slash == std::string::npos ? "" : path.substr(0, slash), options);
  }
  CKPT_ASSIGN_OR_RETURN(std::string bytes, source.ReadAll(path));
  return ParseGraphFile(path, std::move(bytes), options);
}

std::string TagSetString(const tensorflow::MetaGraphDef& meta_graph) {
  const auto& tags = meta_graph.meta_info_def().tags();
  if (tags.empty()) return "(no tags)";
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ",") + t;
  return out;
}

Result<int> FindMetaGraph(const GraphFile& file, const std::vector<std::string>& tags) {
  if (file.format != GraphFormat::kSavedModel) return 0;
  const std::set<std::string> want(tags.begin(), tags.end());
  std::string available;
  for (size_t i = 0; i < file.meta_graphs.size(); ++i) {
    const auto& t = file.meta_graphs[i].meta_info_def().tags();
    if (std::set<std::string>(t.begin(), t.end()) == want) return int(i);
    available += (available.empty() ? "" : "; ") + TagSetString(file.meta_graphs[i]);
  }
  std::string asked;
  for (const auto& t : want) asked += (asked.empty() ? "" : ",") + t;
  return Status::Error(file.path + ": no meta graph with tag set {" + asked +
                       "}; available tag sets: " + available);
}

}  // namespace ckptview::graph
