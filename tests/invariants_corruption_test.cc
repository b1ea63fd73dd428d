// model/invariants/check_map.h against deliberately damaged maps: each test breaks one
// invariant of a healthy, quiescent RealPlatform map through MapCorruptionTestOnlyAccess (the
// named test-only friend of the map internals), checks that check_map_invariants() reports
// exactly that damage, repairs it, and checks that the map is healthy again (so the damage,
// not something else, was detected, and the map can be destroyed normally).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "impl/create_map.h"
#include "impl/internal/array_map_impl.h"
#include "impl/internal/bloom_filter_impl.h"
#include "impl/internal/devmap_hash_impl.h"
#include "impl/internal/devmap_impl.h"
#include "impl/internal/hash_map_impl.h"
#include "impl/internal/lpm_trie_impl.h"
#include "impl/internal/lru_hash_map_impl.h"
#include "impl/map_inspection.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"
#include "model/invariants/check_map.h"

namespace mapsim {

using P = RealPlatform;

struct MapCorruptionTestOnlyAccess {
  template <class M>
  static auto& element_count(M& map) { return map.element_count_; }
  static auto& extras(internal::HashMap<P>& map) { return map.extra_elements_; }
  static auto& free_list(internal::HashMap<P>& map) { return map.free_list_; }
  static auto& free_head(internal::PercpuFreeList<P>& list, int cpu) { return list.heads_[cpu]; }
  static auto& area_list(internal::HashMap<P>& map, int cpu) {
    return map.area_cache_.lists_[cpu];
  }
  static LruPool<P>& lru(internal::LruHashMap<P>& map) { return map.lru_; }
  static LruList<P>& global_list(LruPool<P>& pool) { return pool.global_list_; }
  static LruList<P>& percpu_list(LruPool<P>& pool, int cpu) { return pool.percpu_lists_[cpu]; }
  static LruLocalList<P>& local(LruPool<P>& pool, int cpu) { return pool.local_lists_[cpu]; }
  static internal::DevmapEntry<P>* devmap_entry(internal::DevMap<P>& map, uint32_t slot) {
    return map.entry_at(slot, std::memory_order_relaxed);
  }
  static auto& devmap_items(internal::DevMapHash<P>& map) { return map.items_; }
  static auto& lpm_entries(internal::LpmTrieMap<P>& map) { return map.entry_count_; }
  static internal::LpmTrieNode<P>* lpm_root(internal::LpmTrieMap<P>& map) {
    return internal::LpmTrieMap<P>::node_at(map.root_);
  }
  static unsigned char*& array_values(internal::ArrayMap<P>& map) { return map.values_; }
  template <class W>
  static W*& bloom_words(internal::BloomFilterMap<P>& map) { return map.words_; }
};

namespace {

using Access = MapCorruptionTestOnlyAccess;
using Element = internal::HtabElement<P>;
using internal::is_nulls_marker;
using internal::nulls_marker;

// The element holding 4-byte `key` (held in 8 bytes: GCC 12 checks the 8-byte fast path of
// the key compare against the object's size, though the table compares 4 bytes).
Element* lookup(internal::HashTable<P>& table, uint32_t key) {
  const uint64_t wide_key = key;
  const uint32_t hash = table.hash_key(&wide_key);
  return table.lookup_locked(table.bucket_for(hash), hash, &wide_key);
}

class CorruptionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Map> make(uint32_t type, uint32_t max_entries, uint32_t flags = 0,
                            uint32_t key_size = 4, uint32_t value_size = 8) {
    MapAttr attr;
    attr.map_type = type;
    attr.key_size = key_size;
    attr.value_size = value_size;
    attr.max_entries = max_entries;
    const bool hashed = type == bpf::kMapHash || type == bpf::kMapPercpuHash ||
                        type == bpf::kMapLruHash || type == bpf::kMapLruPercpuHash;
    attr.map_flags = flags | (hashed ? bpf::kFZeroSeed : 0);
    std::unique_ptr<Map> map;
    EXPECT_EQ(create_map(platform_, attr, &map), 0);
    return map;
  }
  // Per-CPU maps take one value per possible CPU from userspace (syscall_value_size()).
  static void insert(Map& map, uint32_t key) {
    std::vector<uint64_t> values((map.syscall_value_size() + 7) / 8, key);
    ASSERT_EQ(map.update_elem(&key, values.data(), bpf::kAny), 0);
  }

  // The check passes, `corrupt` makes it report `expected`, `repair` makes it pass again.
  static void expect_detected(const Map& map, const std::function<void()>& corrupt,
                              const std::function<void()>& repair, const std::string& expected) {
    ASSERT_EQ(invariants::check_map_invariants(map), "") << "healthy before";
    corrupt();
    const std::string problem = invariants::check_map_invariants(map);
    EXPECT_NE(problem.find(expected), std::string::npos)
        << "expected \"" << expected << "\", got \"" << problem << "\"";
    repair();
    EXPECT_EQ(invariants::check_map_invariants(map), "") << "healthy after the repair";
  }

  P platform_{2};
  P::CpuBinding binding_{platform_, 0};
};

// ---- the hash table (shared by the hash family) ----

class HashCorruptionTest : public CorruptionTest {
 protected:
  void SetUp() override {
    map_ = make(bpf::kMapHash, 4);
    for (uint32_t key = 1; key <= 3; ++key) insert(*map_, key);
    hash_ = &dynamic_cast<internal::HashMap<P>&>(*map_);
  }
  internal::HashTable<P>& table() { return hash_->table(); }
  Element* element_of(uint32_t key) { return lookup(table(), key); }
  uint32_t bucket_of(uint32_t key) { return table().bucket_index(table().hash_key(&key)); }
  // A bucket holding none of the keys 1..3.
  uint32_t empty_bucket() {
    for (uint32_t index = 0;; ++index) {
      if (is_nulls_marker(table().bucket_at(index).head.load())) return index;
    }
  }
  // The last element of `key`'s chain.
  Element* chain_tail(uint32_t key) {
    Element* element = reinterpret_cast<Element*>(table().bucket_at(bucket_of(key)).head.load());
    while (!is_nulls_marker(element->next.load())) {
      element = reinterpret_cast<Element*>(element->next.load());
    }
    return element;
  }

  std::unique_ptr<Map> map_;
  internal::HashMap<P>* hash_ = nullptr;
};

TEST_F(HashCorruptionTest, ChainCycleIsReported) {
  Element* tail = chain_tail(1);
  const uintptr_t end = tail->next.load();
  expect_detected(*map_, [&] { tail->next.store(reinterpret_cast<uintptr_t>(tail)); },
                  [&] { tail->next.store(end); }, "(a cycle)");
}

TEST_F(HashCorruptionTest, LinkToForeignMemoryIsReported) {
  alignas(8) static unsigned char foreign[256];
  auto& head = table().bucket_at(empty_bucket()).head;
  const uintptr_t before = head.load();
  expect_detected(*map_, [&] { head.store(reinterpret_cast<uintptr_t>(foreign)); },
                  [&] { head.store(before); }, "not one of the map's elements");
}

TEST_F(HashCorruptionTest, ElementInTheWrongBucketIsReported) {
  const uint32_t key = 2;
  Element* element = element_of(key);
  auto& home = table().bucket_for(table().hash_key(&key));
  auto& other = table().bucket_at(empty_bucket());
  expect_detected(
      *map_,
      [&] {
        table().unlink_locked(home, element);
        table().insert_head_locked(other, element);
      },
      [&] {
        table().unlink_locked(other, element);
        table().insert_head_locked(home, element);
      },
      "belongs in bucket");
}

TEST_F(HashCorruptionTest, StoredHashThatIsNotTheKeysIsReported) {
  Element* element = element_of(3);
  const uint32_t hash = element->hash.load();
  expect_detected(*map_, [&] { element->hash.store(hash ^ 0x100); },
                  [&] { element->hash.store(hash); }, "stores hash");
}

TEST_F(HashCorruptionTest, ChainEndingOnAnotherBucketsMarkerIsReported) {
  Element* tail = chain_tail(1);
  const uintptr_t end = tail->next.load();
  expect_detected(*map_, [&] { tail->next.store(nulls_marker(empty_bucket())); },
                  [&] { tail->next.store(end); }, "ends on the nulls marker of bucket");
}

TEST_F(HashCorruptionTest, ElementLinkedInTwoChainsIsReported) {
  Element* tail = chain_tail(1);
  auto& other = table().bucket_at(empty_bucket());
  const uintptr_t other_head = other.head.load();
  expect_detected(*map_, [&] { other.head.store(reinterpret_cast<uintptr_t>(tail)); },
                  [&] { other.head.store(other_head); }, "is also linked in bucket");
}

TEST_F(HashCorruptionTest, KeyTwiceInAnUnlockedBucketIsReported) {
  Element* original = element_of(1);
  Element* copy = nullptr;
  auto& bucket = table().bucket_for(original->hash.load());
  expect_detected(
      *map_,
      [&] {
        copy = Access::free_list(*hash_).pop();
        ASSERT_NE(copy, nullptr);
        std::memcpy(table().key_of(copy), table().key_of(original), 4);
        copy->hash.store(original->hash.load());
        table().insert_head_locked(bucket, copy);
      },
      [&] {
        table().unlink_locked(bucket, copy);
        Access::free_list(*hash_).push(copy);
      },
      "in the chain twice while the bucket is unlocked");
}

TEST_F(HashCorruptionTest, MoreKeysThanMaxEntriesIsReported) {
  insert(*map_, 4);  // full: the free lists are empty, every CPU holds its extra element
  Element* extra = Access::extras(*hash_)[1].read();  // linked while it stays CPU 1's extra
  const uint32_t key = 99;
  const uint32_t hash = table().hash_key(&key);
  auto& bucket = table().bucket_for(hash);
  expect_detected(
      *map_,
      [&] {
        std::memcpy(table().key_of(extra), &key, 4);
        extra->hash.store(hash);
        table().insert_head_locked(bucket, extra);
      },
      [&] { table().unlink_locked(bucket, extra); }, "5 keys in the table, max_entries 4");
}

TEST_F(HashCorruptionTest, ElementCounterOffIsReported) {
  auto& count = Access::element_count(*hash_);
  expect_detected(*map_, [&] { count.fetch_add(1); }, [&] { count.fetch_sub(1); },
                  "element counter 4 but 3 elements");
}

TEST_F(HashCorruptionTest, ElementLostFromThePoolIsReported) {
  Element* lost = nullptr;
  expect_detected(*map_, [&] { lost = Access::free_list(*hash_).pop(); },
                  [&] { Access::free_list(*hash_).push(lost); }, "1 elements lost");
}

TEST_F(HashCorruptionTest, ElementInTheTableAndOnAFreeListIsReported) {
  Element* element = element_of(2);
  auto& head = Access::free_head(Access::free_list(*hash_), 0);
  Element* first = nullptr;
  expect_detected(
      *map_,
      [&] {
        first = head.first.load();
        element->free_next.write(first);
        head.first.store(element);
      },
      [&] {
        head.first.store(first);
        element->free_next.write(nullptr);
      },
      "is in the free list of CPU 0 and the table");
}

TEST_F(HashCorruptionTest, CpuWithoutExtraElementIsReported) {
  auto& extra = Access::extras(*hash_)[1];
  Element* saved = extra.read();
  expect_detected(*map_, [&] { extra.write(nullptr); }, [&] { extra.write(saved); },
                  "CPU 1 has no extra element");
}

TEST_F(HashCorruptionTest, FreeListCycleIsReported) {
  auto& head = Access::free_head(Access::free_list(*hash_), 1);
  Element* top = head.first.load();
  ASSERT_NE(top, nullptr);
  Element* saved = top->free_next.read();
  expect_detected(*map_, [&] { top->free_next.write(top); },
                  [&] { top->free_next.write(saved); },
                  "the free list of CPU 1 is longer than the pool (a cycle)");
}

TEST_F(CorruptionTest, CachedAreaInUseByAnElementIsReported) {
  std::unique_ptr<Map> map = make(bpf::kMapPercpuHash, 4, bpf::kFNoPrealloc);
  insert(*map, 1);
  auto& hash = dynamic_cast<internal::HashMap<P>&>(*map);
  const uint32_t key = 1;
  auto* area = static_cast<unsigned char*>(map->prog_lookup_percpu(&key, 0));
  auto& list = Access::area_list(hash, 1);
  expect_detected(*map, [&] { list.push(area); }, [&] { list.pop(); },
                  "the area cache of CPU 1 holds an area an element in the table uses");
}

// ---- LRU maps ----

class LruCorruptionTest : public CorruptionTest {
 protected:
  // Common LRU, 8 nodes on 2 CPUs (refills of 2): after three inserts on CPU 0, nodes of keys
  // 1 and 2 are INACTIVE, key 3's node is LOCAL_PENDING, one node is LOCAL_FREE on CPU 0 and
  // four are on the global FREE list.
  void make_lru(uint32_t flags = 0) {
    map_ = make(bpf::kMapLruHash, 8, flags);
    for (uint32_t key = 1; key <= 3; ++key) insert(*map_, key);
    lru_map_ = &dynamic_cast<internal::LruHashMap<P>&>(*map_);
    pool_ = &Access::lru(*lru_map_);
  }
  void SetUp() override { make_lru(); }
  LruList<P>& list() { return Access::global_list(*pool_); }
  LruNode<P>* first_on(LruList<P>& list, LruListType type) {
    LruLink<P>* head = list.head(type);
    EXPECT_FALSE(lru_link_list_is_empty(head));
    return lru_node_of<P>(head->next());
  }
  LruNode<P>* node_of_key(uint32_t key) {
    return const_cast<LruNode<P>*>(lru_map_->node_of_key(&key));
  }

  std::unique_ptr<Map> map_;
  internal::LruHashMap<P>* lru_map_ = nullptr;
  LruPool<P>* pool_ = nullptr;
};

TEST_F(LruCorruptionTest, NodeOfTheWrongTypeIsReported) {
  LruNode<P>* node = first_on(list(), LruListType::kFree);
  expect_detected(*map_, [&] { node->set_type(LruListType::kInactive); },
                  [&] { node->set_type(LruListType::kFree); }, "has type INACTIVE");
}

TEST_F(LruCorruptionTest, CounterThatIsNotTheListLengthIsReported) {
  auto& count = list().counts[static_cast<int>(LruListType::kInactive)];
  expect_detected(*map_, [&] { count.write(3); }, [&] { count.write(2); },
                  "INACTIVE counter is 3, the list holds 2");
}

TEST_F(LruCorruptionTest, RotationCursorOffInactiveIsReported) {
  LruLink<P>* saved = list().next_inactive_rotation.read();
  expect_detected(
      *map_, [&] { list().next_inactive_rotation.write(first_on(list(), LruListType::kFree)); },
      [&] { list().next_inactive_rotation.write(saved); }, "rotation cursor");
}

TEST_F(LruCorruptionTest, FreeNodeOnNoListIsReported) {
  LruNode<P>* node = first_on(list(), LruListType::kFree);
  expect_detected(*map_, [&] { lru_link_unlink(node); },
                  [&] { lru_link_add_to_head(node, list().head(LruListType::kFree)); },
                  "is on no list with type FREE");
}

TEST_F(LruCorruptionTest, LostNodeIsReported) {
  LruNode<P>* node = first_on(list(), LruListType::kFree);
  expect_detected(
      *map_,
      [&] {
        lru_link_unlink(node);
        node->set_type(LruListType::kLocalFree);  // as if an operation still held it
      },
      [&] {
        node->set_type(LruListType::kFree);
        lru_link_add_to_head(node, list().head(LruListType::kFree));
      },
      "1 node(s) on no list");
}

TEST_F(LruCorruptionTest, BrokenBackLinkIsReported) {
  LruNode<P>* node = first_on(list(), LruListType::kFree);
  LruLink<P>* saved = node->prev();
  expect_detected(*map_, [&] { node->set_prev(list().head(LruListType::kActive)); },
                  [&] { node->set_prev(saved); }, "a prev link does not point back");
}

TEST_F(LruCorruptionTest, LinkOutsideThePoolIsReported) {
  static LruLink<P> foreign;
  LruNode<P>* node = first_on(list(), LruListType::kFree);
  LruLink<P>* saved = node->next();
  expect_detected(*map_, [&] { node->set_next(&foreign); }, [&] { node->set_next(saved); },
                  "a link points outside the node pool");
}

TEST_F(LruCorruptionTest, NodeOnTwoListsIsReported) {
  auto& cpu0 = Access::local(*pool_, 0);
  auto& cpu1 = Access::local(*pool_, 1);
  ASSERT_NE(cpu0.free_head.load(), nullptr);
  LruLink<P>* saved = cpu1.free_head.load();
  expect_detected(*map_, [&] { cpu1.free_head.store(cpu0.free_head.load()); },
                  [&] { cpu1.free_head.store(saved); }, "is also on CPU 0 LOCAL_FREE");
}

TEST_F(LruCorruptionTest, KeyWhoseNodeIsFreeIsReported) {
  LruNode<P>* node = node_of_key(1);
  ASSERT_EQ(node->type(), LruListType::kInactive);
  auto& inactive = list().counts[static_cast<int>(LruListType::kInactive)];
  expect_detected(
      *map_,
      [&] {
        lru_link_move_to_head(node, list().head(LruListType::kFree));
        node->set_type(LruListType::kFree);
        inactive.write(inactive.read() - 1);
      },
      [&] {
        lru_link_move_to_head(node, list().head(LruListType::kInactive));
        node->set_type(LruListType::kInactive);
        inactive.write(inactive.read() + 1);
      },
      "is in the table but its node is FREE");
}

TEST_F(LruCorruptionTest, NodeHashThatIsNotTheElementsIsReported) {
  LruNode<P>* node = node_of_key(2);
  const uint32_t hash = node->hash.read();
  expect_detected(*map_, [&] { node->hash.write(hash ^ 1); }, [&] { node->hash.write(hash); },
                  "the node's hash is not the element's");
}

TEST_F(LruCorruptionTest, ElementStatisticOffIsReported) {
  auto& count = Access::element_count(*lru_map_);
  expect_detected(*map_, [&] { count.fetch_add(1); }, [&] { count.fetch_sub(1); },
                  "element statistic 4 but 3 elements");
}

TEST_F(LruCorruptionTest, InUseNodeWithoutItsKeyIsReported) {
  const uint32_t key = 2;
  auto& bucket = lru_map_->table().bucket_for(lru_map_->table().hash_key(&key));
  Element* element = lookup(lru_map_->table(), key);
  expect_detected(*map_, [&] { lru_map_->table().unlink_locked(bucket, element); },
                  [&] { lru_map_->table().insert_head_locked(bucket, element); },
                  "3 LRU nodes in use but 2 elements");
}

TEST_F(LruCorruptionTest, NextStealOutsideTheCpusIsReported) {
  auto& next_steal = Access::local(*pool_, 1).next_steal;
  const uint16_t saved = next_steal.read();
  expect_detected(*map_, [&] { next_steal.write(7); }, [&] { next_steal.write(saved); },
                  "CPU 1 next_steal 7 is no CPU");
}

TEST_F(LruCorruptionTest, PendingNodeOfAnotherOwnerIsReported) {
  LruNode<P>* node = node_of_key(3);
  ASSERT_EQ(node->type(), LruListType::kLocalPending);
  expect_detected(*map_, [&] { node->cpu.write(1); }, [&] { node->cpu.write(0); },
                  "names CPU 1 as its owner");
}

TEST_F(LruCorruptionTest, FreeNodeMarkedPendingFreeIsReported) {
  LruNode<P>* node = first_on(list(), LruListType::kFree);
  expect_detected(*map_, [&] { node->set_pending_free(true); },
                  [&] { node->set_pending_free(false); }, "is free and still marked pending_free");
}

class PercpuLruCorruptionTest : public LruCorruptionTest {
 protected:
  void SetUp() override { make_lru(bpf::kFNoCommonLru); }
};

TEST_F(PercpuLruCorruptionTest, NodeOfAnotherCpusListIsReported) {
  LruNode<P>* node = first_on(Access::percpu_list(*pool_, 1), LruListType::kFree);
  expect_detected(*map_, [&] { node->cpu.write(0); }, [&] { node->cpu.write(1); },
                  "belongs to CPU 0");
}

TEST_F(PercpuLruCorruptionTest, NodeOnNoListIsReported) {
  LruList<P>& list1 = Access::percpu_list(*pool_, 1);
  LruNode<P>* node = first_on(list1, LruListType::kFree);
  expect_detected(*map_, [&] { lru_link_unlink(node); },
                  [&] { lru_link_add_to_head(node, list1.head(LruListType::kFree)); },
                  "per-CPU LRU lists never let go");
}

// ---- the other families ----

TEST_F(CorruptionTest, DevmapEntryInAnotherSlotIsReported) {
  std::unique_ptr<Map> map = make(bpf::kMapDevmap, 4);
  const uint32_t slot = 2;
  const uint64_t device = 1;  // bpf_devmap_val: ifindex 1 (lo, in every namespace), no program
  ASSERT_EQ(map->update_elem(&slot, &device, bpf::kAny), 0);
  auto* entry = Access::devmap_entry(dynamic_cast<internal::DevMap<P>&>(*map), slot);
  expect_detected(*map, [&] { entry->key.write(3); }, [&] { entry->key.write(slot); },
                  "slot 2: holds the entry made for slot 3");
}

TEST_F(CorruptionTest, DevmapHashCounterOffIsReported) {
  std::unique_ptr<Map> map = make(bpf::kMapDevmapHash, 4);
  const uint32_t key = 9;
  const uint64_t device = 1;
  ASSERT_EQ(map->update_elem(&key, &device, bpf::kAny), 0);
  auto& items = Access::devmap_items(dynamic_cast<internal::DevMapHash<P>&>(*map));
  expect_detected(*map, [&] { items.write(2); }, [&] { items.write(1); },
                  "entry counter 2 but 1 entries");
}

class LpmCorruptionTest : public CorruptionTest {
 protected:
  void SetUp() override {
    map_ = make(bpf::kMapLpmTrie, 4, bpf::kFNoPrealloc, 8, 8);
    add(8, 10);   // 10.0.0.0/8
    add(16, 10);  // 10.0.0.0/16, below it
    trie_ = &dynamic_cast<internal::LpmTrieMap<P>&>(*map_);
  }
  void add(uint32_t prefixlen, uint8_t first_byte) {
    unsigned char key[8] = {};
    std::memcpy(key, &prefixlen, 4);
    key[4] = first_byte;
    const uint64_t value = prefixlen;
    ASSERT_EQ(map_->update_elem(key, &value, bpf::kAny), 0);
  }
  std::unique_ptr<Map> map_;
  internal::LpmTrieMap<P>* trie_ = nullptr;
};

TEST_F(LpmCorruptionTest, EntryCounterOffIsReported) {
  auto& entries = Access::lpm_entries(*trie_);
  expect_detected(*map_, [&] { entries.write(3); }, [&] { entries.write(2); },
                  "2 real nodes, entry counter 3");
}

TEST_F(LpmCorruptionTest, ChildNotLongerThanItsParentIsReported) {
  internal::LpmTrieNode<P>* child = Access::lpm_root(*trie_)->load_child(0);
  ASSERT_NE(child, nullptr);
  expect_detected(*map_, [&] { child->prefixlen.write(8); },
                  [&] { child->prefixlen.write(16); },
                  "not longer than its parent /8");
}

TEST_F(LpmCorruptionTest, IntermediateNodeWithOneChildIsReported) {
  internal::LpmTrieNode<P>* root = Access::lpm_root(*trie_);
  expect_detected(*map_, [&] { root->flags.store(internal::LpmTrieNode<P>::kIntermediate); },
                  [&] { root->flags.store(0); }, "intermediate node with 1 children");
}

TEST_F(CorruptionTest, ArrayWithoutValuesIsReported) {
  std::unique_ptr<Map> map = make(bpf::kMapArray, 4);
  unsigned char*& values = Access::array_values(dynamic_cast<internal::ArrayMap<P>&>(*map));
  unsigned char* saved = values;
  expect_detected(*map, [&] { values = nullptr; }, [&] { values = saved; },
                  "the value array is missing");
}

TEST_F(CorruptionTest, BloomFilterWithoutBitsIsReported) {
  std::unique_ptr<Map> map = make(bpf::kMapBloomFilter, 16, 0, 0, 4);
  auto& bloom = dynamic_cast<internal::BloomFilterMap<P>&>(*map);
  auto*& words = Access::bloom_words<internal::BloomFilterMap<P>::Word>(bloom);
  auto* saved = words;
  expect_detected(*map, [&] { words = nullptr; }, [&] { words = saved; },
                  "the bit array is missing");
}

}  // namespace
}  // namespace mapsim
