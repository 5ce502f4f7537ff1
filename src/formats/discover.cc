// Sniff, then classify. Reads as little as it can: a file's size and its
// 48-byte footer first; for tables then only the index block and the first
// data block (the "" record that says bundle or V1); whole files only for
// small state-file candidates, or when the source cannot read ranges.
#include "formats/discover.h"

#include <algorithm>
#include <map>
#include <set>

#include "formats/checkpoint_v1.h"
#include "formats/sstable.h"
#include "formats/tensor_bundle.h"
#include "saved_tensor_slice.pb.h"

namespace ckptview::formats {
namespace {

constexpr uint64_t kMaxStateFileBytes = 1 << 20;
constexpr uint64_t kMaxWholeSniffBytes = 64 << 20;  // when ranges are unavailable

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// Graph-carrying files the graph layer opens. Known non-graph .pb files
// that sit in SavedModel folders are left out.
bool IsGraphFileName(const std::string& base) {
  static const std::set<std::string> kNotGraphs = {"fingerprint.pb", "keras_metadata.pb", "tfhub_module.pb",
                                                   "saved_model_debug_info.pb"};
  if (kNotGraphs.count(base)) return false;
  return StartsWith(base, "saved_model.") || EndsWith(base, ".meta") || EndsWith(base, ".pb") ||
         EndsWith(base, ".pbtxt");
}

bool IsStateFileCandidate(const FileInfo& f) {
  const std::string base = PathBaseName(f.path);
  return f.size <= kMaxStateFileBytes && StartsWith(base, "checkpoint") && base.find('.') == std::string::npos;
}

// Reads the first record of the table in `f` (key, value) without reading
// the whole file when the source supports ranges. `*is_table` false means
// "not an sstable" (no error).
Status FirstTableRecord(FileSource& source, const FileInfo& f, bool* is_table, std::string* key,
                        std::string* value) {
  *is_table = false;
  if (f.size < kTableFooterSize) return Status::Ok();
  std::string footer;
  if (!source.ReadRange(f.path, f.size - kTableFooterSize, kTableFooterSize, &footer).ok()) {
    // No synchronous ranges (the web page): use the whole file if it is small.
    if (f.size > kMaxWholeSniffBytes) return Status::Ok();
    Result<std::string> all = source.ReadAll(f.path);
    if (!all.ok() || !EndsWithTableMagic(*all)) return Status::Ok();
    *is_table = true;
    CKPT_ASSIGN_OR_RETURN(std::unique_ptr<Table> table, Table::Open(f.path, std::move(all).value()));
    Table::Iterator it = table->NewIterator();
    it.SeekToFirst();
    CKPT_RETURN_IF_ERROR(it.status());
    if (!it.Valid()) return Status::Error(f.path + ": empty sstable");
    key->assign(it.key());
    value->assign(it.value().chars(), it.value().size());
    return Status::Ok();
  }
  if (!EndsWithTableMagic(footer)) return Status::Ok();
  *is_table = true;
  BlockHandle metaindex, index;
  CKPT_RETURN_IF_ERROR(DecodeTableFooter(f.path, f.size, footer, &metaindex, &index));
  // Index block -> first data block -> first entry.
  std::string raw, scratch;
  ByteView contents;
  CKPT_RETURN_IF_ERROR(source.ReadRange(f.path, index.offset, index.size + kBlockTrailerSize, &raw));
  CKPT_RETURN_IF_ERROR(DecodeBlockContents(f.path, index.offset, raw, &scratch, &contents));
  CKPT_ASSIGN_OR_RETURN(Block index_block, Block::Parse(contents, f.path + ": index block"));
  Block::Iter ii = index_block.NewIter();
  ii.SeekToFirst();
  CKPT_RETURN_IF_ERROR(ii.status());
  if (!ii.Valid()) return Status::Error(f.path + ": empty sstable");
  BlockHandle first;
  ByteView hv = ii.value();
  const uint64_t limit = f.size - kTableFooterSize;
  if (!GetBlockHandle(&hv, &first) || first.offset > limit || first.size > limit - first.offset ||
      limit - first.offset - first.size < kBlockTrailerSize) {
    return Status::Error(f.path + ": bad block handle in index");
  }
  std::string raw2, scratch2;
  CKPT_RETURN_IF_ERROR(source.ReadRange(f.path, first.offset, first.size + kBlockTrailerSize, &raw2));
  CKPT_RETURN_IF_ERROR(DecodeBlockContents(f.path, first.offset, raw2, &scratch2, &contents));
  CKPT_ASSIGN_OR_RETURN(Block data_block, Block::Parse(contents, f.path + ": block at offset " +
                                                                     std::to_string(first.offset)));
  Block::Iter di = data_block.NewIter();
  di.SeekToFirst();
  CKPT_RETURN_IF_ERROR(di.status());
  if (!di.Valid()) return Status::Error(f.path + ": first data block is empty");
  key->assign(di.key());
  value->assign(di.value().chars(), di.value().size());
  return Status::Ok();
}

// Trailing step number of a prefix ("model.ckpt-3760" -> 3760), -1 if none.
long long StepOf(const std::string& prefix) {
  const std::string base = PathBaseName(prefix);
  size_t i = base.size();
  while (i > 0 && base[i - 1] >= '0' && base[i - 1] <= '9') --i;
  if (i == base.size() || base.size() - i > 18) return -1;
  return std::stoll(base.substr(i));
}

}  // namespace

Result<Discovery> Discover(FileSource& source) {
  Discovery d;
  const std::vector<FileInfo>& files = source.Files();
  std::set<std::string> present;
  for (const FileInfo& f : files) present.insert(f.path);
  std::set<std::string> saved_model_dirs;
  std::map<std::string, CheckpointRef> found;  // by prefix
  std::vector<std::string> notes;              // what each unclassified file looked like

  for (const FileInfo& f : files) {
    const std::string base = PathBaseName(f.path);
    if (IsGraphFileName(base)) {
      d.graph_files.push_back(f.path);
      if (StartsWith(base, "saved_model.")) saved_model_dirs.insert(PathDirName(f.path));
      continue;
    }
    if (ParseBundleDataFilename(f.path, nullptr)) continue;  // never a table, never sniffed

    bool is_table = false;
    std::string key, value;
    Status sniffed = FirstTableRecord(source, f, &is_table, &key, &value);
    if (!sniffed.ok()) {
      d.warnings.push_back(sniffed.message());
      continue;
    }
    if (is_table) {
      if (!key.empty()) {
        notes.push_back(f.path + " (sstable without a header record)");
        continue;
      }
      // V1 first: a V1 meta record also "parses" as a BundleHeaderProto
      // (protobuf keeps mismatched fields as unknown), not the reverse.
      tensorflow::SavedTensorSlices sts;
      if (value.size() <= kMaxProtoBytes && sts.ParseFromArray(value.data(), int(value.size())) && sts.has_meta()) {
        CheckpointRef ref;
        ref.format = CheckpointFormat::kSlicesV1;
        if (!ParseV1ShardName(f.path, &ref.prefix)) ref.prefix = f.path;
        found[ref.prefix] = ref;
        continue;
      }
      Status header_error;
      if (EndsWith(f.path, ".index")) {
        Result<BundleHeader> header = ParseBundleHeader(ByteView(value));
        if (!header.ok()) header_error = header.status();
        if (header.ok()) {
          CheckpointRef ref;
          ref.prefix = f.path.substr(0, f.path.size() - 6);
          ref.format = CheckpointFormat::kBundleV2;
          for (int s = 0; s < header->num_shards; ++s) {
            const std::string data = BundleDataFilename(ref.prefix, s, header->num_shards);
            if (!present.count(data)) {
              d.warnings.push_back(data + ": missing data file; tensors of " + ref.prefix +
                                   " stored there cannot be read");
            }
          }
          found[ref.prefix] = ref;
          continue;
        }
      }
      if (!header_error.ok()) {
        d.warnings.push_back(header_error.WithContext(f.path).message());
      } else {
        notes.push_back(f.path + " (sstable, but neither a tensor bundle index nor a V1 checkpoint)");
      }
      continue;
    }
    if (IsStateFileCandidate(f)) {
      Result<std::string> text = source.ReadAll(f.path);
      if (text.ok()) {
        Result<CheckpointState> state = ParseCheckpointState(f.path, *text);
        if (state.ok()) {
          d.state_files.push_back(f.path);
          d.states.push_back(std::move(state).value());
          continue;
        }
        notes.push_back(f.path + " (not a checkpoint state file: " + state.status().message() + ")");
        continue;
      }
    }
    notes.push_back(f.path);
  }

  // V1 shard sets: report missing shards once per prefix.
  for (auto& [prefix, ref] : found) {
    if (ref.format != CheckpointFormat::kSlicesV1 || present.count(prefix)) continue;
    int num_shards = 0;
    std::vector<std::string> missing;
    FindV1Shards(files, prefix, &num_shards, &missing);
    for (const std::string& m : missing) d.warnings.push_back(m + ": missing V1 checkpoint shard");
  }

  for (auto& [prefix, ref] : found) {
    const std::string dir = PathDirName(prefix);
    ref.in_saved_model = PathBaseName(prefix) == "variables" && PathBaseName(dir) == "variables" &&
                         saved_model_dirs.count(PathDirName(dir)) > 0;
    d.checkpoints.push_back(ref);
  }

  // Preferred: the first state file (shallowest first) whose latest resolves.
  std::vector<std::string> prefixes;
  for (const CheckpointRef& c : d.checkpoints) prefixes.push_back(c.prefix);
  std::vector<size_t> order(d.state_files.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::count(d.state_files[a].begin(), d.state_files[a].end(), '/') <
           std::count(d.state_files[b].begin(), d.state_files[b].end(), '/');
  });
  for (size_t i : order) {
    const std::string dir = PathDirName(d.state_files[i]);
    const CheckpointState& st = d.states[i];
    const std::string latest = ResolveCheckpointPath(dir, st.model_checkpoint_path, prefixes);
    if (latest.empty()) {
      d.warnings.push_back(d.state_files[i] + ": latest checkpoint " + st.model_checkpoint_path + " is missing");
    } else if (d.preferred < 0) {
      d.preferred = int(std::find(prefixes.begin(), prefixes.end(), latest) - prefixes.begin());
      d.preferred_state = int(i);
    }
    for (const std::string& p : st.all_model_checkpoint_paths) {
      if (p != st.model_checkpoint_path && ResolveCheckpointPath(dir, p, prefixes).empty()) {
        d.warnings.push_back(d.state_files[i] + ": lists " + p + ", which is missing");
      }
    }
  }
  if (d.preferred < 0 && !d.checkpoints.empty()) {
    // The newest by step number; ties and step-less names: the last in order.
    int best = 0;
    for (int i = 1; i < int(d.checkpoints.size()); ++i) {
      if (StepOf(d.checkpoints[size_t(i)].prefix) >= StepOf(d.checkpoints[size_t(best)].prefix)) best = i;
    }
    d.preferred = best;
  }

  if (d.checkpoints.empty() && d.graph_files.empty()) {
    std::string msg = "no checkpoint or graph found among " + std::to_string(files.size()) + " files";
    size_t shown = 0;
    for (const std::string& w : d.warnings) {
      if (shown++ >= 20) break;
      msg += "\n  " + w;
    }
    for (const std::string& n : notes) {
      if (shown++ >= 20) break;
      msg += "\n  " + n;
    }
    for (const std::string& s : d.state_files) {
      if (shown++ >= 20) break;
      msg += "\n  " + s + " (state file)";
    }
    return Status::Error(msg);
  }
  return d;
}

}  // namespace ckptview::formats
