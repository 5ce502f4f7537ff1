// GraphFile: a TensorFlow graph as stored on disk, whatever the container:
//   - `.meta`                  a MetaGraphDef (graph, saver_def, collections,
//                              signature_defs, meta_info_def)
//   - `.pb` / any binary file  a bare GraphDef (frozen or not)
//   - `.pbtxt`                 either of the above (or a SavedModel) in text format
//   - SavedModel folder        saved_model.pb (or saved_model.pbtxt): several
//                              MetaGraphDefs, chosen by tag set, with
//                              signatures, function library, object graph and
//                              assets/, values in variables/variables.
// Binary or text is decided from the bytes, not the extension (a real
// SavedModel is committed as "saved_model.pbtxt" in binary); which message it
// is comes from the content's top-level fields, helped by the file name.
// Every form is held as a list of MetaGraphDefs (a bare GraphDef becomes one
// MetaGraphDef with only graph_def set) so callers have one shape to walk.
// FORMATS.md section 6.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "formats/file_source.h"
#include "meta_graph.pb.h"
#include "saved_model.pb.h"

namespace ckptview::graph {

enum class GraphFormat { kGraphDef, kMetaGraph, kSavedModel };
const char* GraphFormatName(GraphFormat format);  // "GraphDef", "MetaGraphDef", "SavedModel"

struct GraphFile {
  std::string path;  // the file read, as named in the FileSource
  GraphFormat format = GraphFormat::kGraphDef;
  bool text = false;  // text format (.pbtxt-style) rather than binary
  // One entry for GraphDef and MetaGraphDef files; every meta graph of a SavedModel.
  std::vector<tensorflow::MetaGraphDef> meta_graphs;
  int64_t saved_model_schema_version = 0;  // SavedModel only

  // SavedModel folders only (OpenSavedModel): the folder ("" = the source's
  // root), the variables prefix if its index is present, and the files under assets/.
  std::string saved_model_dir;
  std::string variables_prefix;
  std::vector<std::string> asset_files;

  // Slim files only (ParseOptions::slim_nodes): the file's bytes and, per meta
  // graph, where each main-graph NodeDef's payload lies in them. The nodes of
  // meta_graphs[i].graph_def() are then slim: see ParseOptions.
  std::shared_ptr<const std::string> bytes;
  struct Span {
    uint64_t offset = 0;
    uint64_t size = 0;
  };
  std::vector<std::vector<Span>> node_spans;  // empty: nodes are whole
  bool slim(int meta_graph) const {
    return meta_graph >= 0 && size_t(meta_graph) < node_spans.size() && bytes;
  }
  std::string_view NodeBytes(int meta_graph, int node) const {
    const Span& s = node_spans[meta_graph][node];
    return std::string_view(*bytes).substr(s.offset, s.size);
  }
};

struct ParseOptions {
  // Binary files only: main-graph nodes keep name, op, inputs, device and
  // only the attrs that binding variables and planning a freeze read (dtype,
  // shape, shared_name, _class, batch_dims, Tindices, Merge's T, function
  // attrs, a string Const's value); the whole node is parsed again from its
  // bytes when needed (GraphFile::NodeBytes). A graph of 10^5 nodes then
  // takes a few times less memory than parsed whole.
  bool slim_nodes = false;
};

// Parses the bytes of one graph file. `path` names it in errors and hints
// the message type (".meta" -> MetaGraphDef, "saved_model.pb*" -> SavedModel,
// otherwise decided from the content).
Result<GraphFile> ParseGraphFile(const std::string& path, const std::string& bytes);
// Same with options; the bytes are moved in (kept by slim files).
Result<GraphFile> ParseGraphFile(const std::string& path, std::string&& bytes, const ParseOptions& options);

// Reads `path` whole from `source` and parses it. A path naming a folder (or
// the source's root, "") that holds saved_model.pb/.pbtxt opens that SavedModel.
Result<GraphFile> OpenGraphFile(formats::FileSource& source, const std::string& path);
Result<GraphFile> OpenGraphFile(formats::FileSource& source, const std::string& path, const ParseOptions& options);

// Opens the SavedModel in folder `dir` of `source` ("" = root): saved_model.pb,
// else saved_model.pbtxt, plus variables/ and assets/.
Result<GraphFile> OpenSavedModel(formats::FileSource& source, const std::string& dir);
Result<GraphFile> OpenSavedModel(formats::FileSource& source, const std::string& dir, const ParseOptions& options);

// True if `path` in `source` is a SavedModel folder (holds saved_model.pb or .pbtxt).
bool IsSavedModelDir(const formats::FileSource& source, const std::string& dir);

// Index of the meta graph whose tag set equals `tags` (order and duplicates
// ignored; TF's loader rule). Files that are not SavedModels have one meta
// graph, which matches any tags. Errors list the tag sets available.
Result<int> FindMetaGraph(const GraphFile& file, const std::vector<std::string>& tags);
// "serve", "serve,gpu", "(no tags)".
std::string TagSetString(const tensorflow::MetaGraphDef& meta_graph);

// The message type sniffed from bytes (binary), used by ParseGraphFile and discovery.
// Returns false if the bytes look like neither binary protobuf nor text format.
bool LooksLikeTextFormat(const std::string& bytes);

}  // namespace ckptview::graph
