// The variables table's model: filter, sort, optimizer-slot toggle, name-scope
// tree and totals.

#include "app/variable_list.h"

#include <gtest/gtest.h>

namespace ckptview::app {
namespace {

formats::VariableInfo Var(std::string key, DType dtype, Shape shape, bool slot = false) {
  formats::VariableInfo v;
  v.key = std::move(key);
  v.dtype = dtype;
  v.shape = std::move(shape);
  v.bytes = static_cast<uint64_t>(NumElements(v.shape)) * (DTypeSize(dtype) ? DTypeSize(dtype) : 1);
  v.optimizer_slot = slot;
  return v;
}

std::vector<formats::VariableInfo> Model() {
  return {
      Var("dense/bias", DType::kFloat, {10}),
      Var("dense/kernel", DType::kFloat, {784, 10}),
      Var("dense/kernel/Adam", DType::kFloat, {784, 10}, true),
      Var("dense_1/kernel", DType::kFloat, {10, 2}),
      Var("global_step", DType::kInt64, {}),
      Var("_CHECKPOINTABLE_OBJECT_GRAPH", DType::kString, {}),
  };
}

std::vector<std::string> Labels(const VariableList& list) {
  std::vector<std::string> out;
  for (const auto& r : list.rows()) out.push_back(std::string(r.depth * 2, ' ') + r.label);
  return out;
}

TEST(VariableListTest, FlatSortedByNameWithTotals) {
  VariableList list;
  list.Rebuild(Model(), {}, {});
  EXPECT_EQ(Labels(list), (std::vector<std::string>{"_CHECKPOINTABLE_OBJECT_GRAPH", "dense/bias", "dense/kernel",
                                                     "dense/kernel/Adam", "dense_1/kernel", "global_step"}));
  EXPECT_EQ(list.all().count, 6);
  EXPECT_EQ(list.all().parameters, 10 + 7840 + 7840 + 20 + 1);  // the object graph is no parameter
  EXPECT_EQ(list.shown().parameters, list.all().parameters);
}

TEST(VariableListTest, FilterTermsAndNegation) {
  VariableList list;
  VariableListOptions o;
  o.filter = "KERNEL -adam";
  list.Rebuild(Model(), o, {});
  EXPECT_EQ(Labels(list), (std::vector<std::string>{"dense/kernel", "dense_1/kernel"}));
  EXPECT_EQ(list.shown().count, 2);
  EXPECT_EQ(list.shown().parameters, 7860);
  EXPECT_EQ(list.all().count, 6);
  EXPECT_TRUE(MatchesFilter("a/b", ""));
  EXPECT_TRUE(MatchesFilter("a/b", "  "));
  EXPECT_FALSE(MatchesFilter("a/b", "c"));
}

TEST(VariableListTest, SortBySizeDescendingAndHideSlots) {
  VariableList list;
  VariableListOptions o;
  o.sort = VariableSort::kSize;
  o.descending = true;
  o.show_optimizer_slots = false;
  list.Rebuild(Model(), o, {});
  EXPECT_EQ(Labels(list), (std::vector<std::string>{"dense/kernel", "dense_1/kernel", "dense/bias", "global_step",
                                                     "_CHECKPOINTABLE_OBJECT_GRAPH"}));
  EXPECT_EQ(list.shown().count, 5);
}

TEST(VariableListTest, NameScopeTree) {
  VariableList list;
  VariableListOptions o;
  o.tree = true;
  list.Rebuild(Model(), o, {});  // nothing expanded
  EXPECT_EQ(Labels(list), (std::vector<std::string>{"_CHECKPOINTABLE_OBJECT_GRAPH", "dense", "dense_1", "global_step"}));
  const VariableRow& dense = list.rows()[1];
  EXPECT_EQ(dense.scope, "dense");
  EXPECT_EQ(dense.variable, -1);
  EXPECT_EQ(dense.count, 3);
  EXPECT_FALSE(dense.expanded);

  list.Rebuild(Model(), o, {"dense", "dense/kernel"});
  EXPECT_EQ(Labels(list), (std::vector<std::string>{"_CHECKPOINTABLE_OBJECT_GRAPH", "dense", "  bias", "  kernel",
                                                     "    Adam", "dense_1", "global_step"}));
  // "dense/kernel" is both a variable and the scope of its Adam slot.
  const VariableRow& kernel = list.rows()[3];
  EXPECT_EQ(kernel.scope, "dense/kernel");
  EXPECT_GE(kernel.variable, 0);
  EXPECT_TRUE(kernel.expanded);

  o.filter = "adam";  // a filter opens every scope with a match
  list.Rebuild(Model(), o, {});
  EXPECT_EQ(Labels(list), (std::vector<std::string>{"dense", "  kernel", "    Adam"}));
}

TEST(VariableListTest, DisplayNameUsesObjectPath) {
  auto v = Var("model/w/.ATTRIBUTES/VARIABLE_VALUE", DType::kFloat, {2});
  EXPECT_EQ(DisplayName(v), v.key);
  v.object_path = "model/w";
  EXPECT_EQ(DisplayName(v), "model/w");
}

}  // namespace
}  // namespace ckptview::app

