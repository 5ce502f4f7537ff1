#include "graph/model.h"

#include <algorithm>

namespace ckptview::graph {
namespace {

constexpr char kObjectGraphKey[] = "_CHECKPOINTABLE_OBJECT_GRAPH";

std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The `.meta` TF1's Saver writes next to a checkpoint: the prefix without a
// "-NNNNN-of-NNNNN" shard suffix, plus ".meta" (FORMATS.md section 5).
std::string MetaFileFor(const std::string& prefix) {
  // Strip "-<digits or ?>-of-<digits>" at the end, as meta_graph_filename's regex does.
  const size_t of = prefix.rfind("-of-");
  if (of != std::string::npos && of + 4 < prefix.size() &&
      prefix.find_first_not_of("0123456789", of + 4) == std::string::npos) {
    const size_t dash = prefix.rfind('-', of - 1 == std::string::npos ? 0 : of - 1);
    if (dash != std::string::npos && dash + 1 < of &&
        prefix.substr(dash + 1, of - dash - 1).find_first_not_of("0123456789?") == std::string::npos)
      return prefix.substr(0, dash) + ".meta";
  }
  return prefix + ".meta";
}

// Picks the graph for checkpoint `ref` (or for no checkpoint) from discovery.
std::optional<std::string> PickGraph(const formats::FileSource& source, const formats::Discovery& d,
                                     const formats::CheckpointRef* ref, std::vector<std::string>* warnings) {
  if (ref) {
    if (ref->in_saved_model) {
      // "<dir>/variables/variables" -> "<dir>"
      std::string dir = DirName(DirName(ref->prefix));
      if (IsSavedModelDir(source, dir)) return dir;
    }
    const std::string meta = MetaFileFor(ref->prefix);
    if (source.Find(meta)) return meta;
    // A graph file next to the checkpoint that is nobody else's (.pbtxt of an
    // Estimator model_dir, a test's "expected_graph").
    const std::string dir = DirName(ref->prefix);
    for (const std::string& g : d.graph_files) {
      if (DirName(g) != dir || EndsWith(g, ".meta")) continue;
      const std::string base = g.substr(g.find_last_of('/') + 1);
      if (base == "saved_model.pb" || base == "saved_model.pbtxt") continue;
      return g;
    }
    return std::nullopt;
  }
  if (d.graph_files.empty()) return std::nullopt;
  if (d.graph_files.size() > 1)
    warnings->push_back("several graphs found; opened " + d.graph_files[0] + " (others: " +
                        std::to_string(d.graph_files.size() - 1) + ")");
  return d.graph_files[0];
}

}  // namespace

Status AttachGraph(std::unique_ptr<GraphFile> file, const ModelOptions& options, Model* model) {
  int index = 0;
  if (file->format == GraphFormat::kSavedModel) {
    if (options.tags_given) {
      CKPT_ASSIGN_OR_RETURN(index, FindMetaGraph(*file, options.tags));
    } else if (file->meta_graphs.size() > 1) {
      Result<int> serve = FindMetaGraph(*file, options.tags);
      if (serve.ok()) {
        index = *serve;
      } else {
        model->warnings.push_back(file->path + ": no meta graph tagged \"serve\"; opened the first (" +
                                  TagSetString(file->meta_graphs[0]) + ")");
      }
    }
  }
  model->graph_file = std::move(file);
  model->meta_graph_index = index;
  Result<Graph> g = Graph::Build(&model->graph_file->meta_graphs[index].graph_def());
  if (!g.ok()) return g.status().WithContext(model->graph_file->path);
  model->graph = std::make_unique<Graph>(std::move(g).value());
  if (!model->graph->unresolved().empty())
    model->warnings.push_back(model->graph_file->path + ": " + std::to_string(model->graph->unresolved().size()) +
                              " inputs name no node, e.g. " + model->graph->unresolved()[0]);
  return Status::Ok();
}

Status BindModel(formats::FileSource& source, Model* model) {
  if (model->checkpoint && model->checkpoint->Find(kObjectGraphKey)) {
    Result<Tensor> t = model->checkpoint->Read(kObjectGraphKey, source);
    if (!t.ok()) {
      model->warnings.push_back("object graph not read: " + t.status().message());
    } else if (t->dtype != DType::kString || t->strings.size() != 1) {
      model->warnings.push_back(std::string(kObjectGraphKey) + " is not a string scalar");
    } else {
      auto og = std::make_unique<tensorflow::TrackableObjectGraph>();
      if (og->ParseFromString(t->strings[0]))
        model->object_graph = std::move(og);
      else
        model->warnings.push_back(std::string(kObjectGraphKey) + " does not parse as a TrackableObjectGraph");
    }
  }
  if (model->graph)
    model->bindings = BindVariables(*model->graph, model->meta_graph(), model->checkpoint.get(),
                                    model->object_graph.get());
  return Status::Ok();
}

Result<std::unique_ptr<Model>> OpenModel(formats::FileSource& source, const ModelOptions& options) {
  auto model = std::make_unique<Model>();
  Result<formats::Discovery> discovery = formats::Discover(source);
  const bool explicit_files = !options.graph_path.empty() || !options.checkpoint_prefix.empty();
  if (discovery.ok()) {
    model->discovery = std::move(discovery).value();
    for (const auto& w : model->discovery.warnings) model->warnings.push_back(w);
  } else if (!explicit_files) {
    return discovery.status();
  }
  const formats::Discovery& d = model->discovery;

  // Checkpoint.
  std::optional<formats::CheckpointRef> ref;
  if (!options.no_checkpoint) {
    if (!options.checkpoint_prefix.empty()) {
      for (const auto& c : d.checkpoints)
        if (c.prefix == options.checkpoint_prefix) ref = c;
      if (!ref) {
        formats::CheckpointRef r;
        r.prefix = options.checkpoint_prefix;
        r.format = source.Find(r.prefix + ".index") ? formats::CheckpointFormat::kBundleV2
                                                    : formats::CheckpointFormat::kSlicesV1;
        ref = r;
      }
    } else if (d.preferred >= 0 && d.preferred < int(d.checkpoints.size())) {
      ref = d.checkpoints[d.preferred];
    }
  }

  // Graph.
  std::optional<std::string> graph_path;
  const bool graph_picked = options.graph_path.empty();
  if (!options.no_graph)
    graph_path = graph_picked ? PickGraph(source, d, ref ? &*ref : nullptr, &model->warnings)
                              : std::optional<std::string>(options.graph_path);
  if (graph_path) {
    ParseOptions parse;
    parse.slim_nodes = options.slim_nodes;
    Result<GraphFile> file = OpenGraphFile(source, *graph_path, parse);
    Status attached = file.ok() ? AttachGraph(std::make_unique<GraphFile>(std::move(file).value()), options, model.get())
                                : file.status();
    if (!attached.ok()) {
      // A checkpoint still opens without its graph; a graph asked for, or
      // the only thing there, is an error.
      if (!graph_picked || !ref || options.tags_given) return attached;
      model->warnings.push_back("graph not opened: " + attached.message());
      model->graph_file.reset();
      model->graph.reset();
      model->meta_graph_index = -1;
    }
  }
  // A SavedModel opened as a graph brings its variables.
  if (!ref && !options.no_checkpoint && model->graph_file && !model->graph_file->variables_prefix.empty()) {
    formats::CheckpointRef r;
    r.prefix = model->graph_file->variables_prefix;
    r.in_saved_model = true;
    ref = r;
  }
  if (ref) {
    Result<std::unique_ptr<formats::Checkpoint>> ckpt = formats::OpenCheckpoint(source, ref->prefix, ref->format);
    if (!ckpt.ok()) {
      if (!model->graph) return ckpt.status();
      model->warnings.push_back("checkpoint not opened: " + ckpt.status().message());
    } else {
      model->checkpoint = std::move(ckpt).value();
    }
  }
  if (!model->graph && !model->checkpoint)
    return Status::Error("nothing to open: no graph and no checkpoint found");
  CKPT_RETURN_IF_ERROR(BindModel(source, model.get()));
  if (!options.keep_graph) model->graph.reset();
  return model;
}

}  // namespace ckptview::graph
