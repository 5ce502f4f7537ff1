// Model: what a person opened, as one thing — the graph, the checkpoint that
// holds its variables, and which variable reads which entry. Used by the CLI,
// the page and the desktop app alike.
//
// From a FileSource (a checkpoint folder, a SavedModel folder, a lone graph
// or checkpoint file), OpenModel:
//   1. runs discovery (formats/discover.h) unless told the files;
//   2. picks the checkpoint: the one asked for, else discovery's preferred;
//   3. picks the graph: the one asked for, else the checkpoint's own
//      `<prefix>.meta`, else the SavedModel around `variables/variables`,
//      else the only graph file (a lone frozen .pb), else none;
//   4. picks the meta graph of a SavedModel by tag set ("serve" by default;
//      the only one if there is just one);
//   5. reads the TF2 object graph from the checkpoint if it has one, and
//      binds variables (graph/variables.h).
// A checkpoint without a graph, or a graph without a checkpoint, is a valid
// Model; only finding neither is an error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "formats/checkpoint.h"
#include "formats/discover.h"
#include "formats/file_source.h"
#include "graph/graph.h"
#include "graph/graph_file.h"
#include "graph/variables.h"
#include "trackable_object_graph.pb.h"

namespace ckptview::graph {

struct ModelOptions {
  std::string graph_path;         // a graph file or SavedModel folder in the source ("" = pick)
  std::string checkpoint_prefix;  // "" = pick
  bool no_checkpoint = false;     // open the graph alone
  bool no_graph = false;          // open the checkpoint alone
  std::vector<std::string> tags = {"serve"};  // SavedModel tag set
  bool tags_given = false;        // false: a SavedModel with one meta graph opens it whatever its tags
  // false: Model::graph (the viewer's index) is dropped once variables are
  // bound, so a freeze does not carry it (PlanModelFreeze needs only the meta
  // graph and the bindings).
  bool keep_graph = true;
  // true: the graph file is parsed slim (graph_file.h ParseOptions): main-
  // graph nodes hold only what binding and freezing read, the rest stays in
  // GraphFile::bytes. For freezing big graphs (CLI); the viewer needs whole nodes.
  bool slim_nodes = false;
};

struct Model {
  formats::Discovery discovery;
  std::unique_ptr<GraphFile> graph_file;  // null: no graph
  int meta_graph_index = -1;
  std::unique_ptr<Graph> graph;           // over graph_file's meta graph (null with keep_graph = false)
  std::unique_ptr<formats::Checkpoint> checkpoint;  // null: no checkpoint
  std::unique_ptr<tensorflow::TrackableObjectGraph> object_graph;  // TF2 checkpoints
  Bindings bindings;
  std::vector<std::string> warnings;

  const tensorflow::MetaGraphDef* meta_graph() const {
    return graph_file && meta_graph_index >= 0 ? &graph_file->meta_graphs[meta_graph_index] : nullptr;
  }
};

Result<std::unique_ptr<Model>> OpenModel(formats::FileSource& source, const ModelOptions& options = {});

// The graph part alone, for a GraphFile already parsed: picks the meta graph
// and indexes it. Used by OpenModel and by callers that parse files themselves.
Status AttachGraph(std::unique_ptr<GraphFile> file, const ModelOptions& options, Model* model);
// Reads the object graph (if any) and binds variables; call after the
// checkpoint and/or graph are attached.
Status BindModel(formats::FileSource& source, Model* model);

}  // namespace ckptview::graph
