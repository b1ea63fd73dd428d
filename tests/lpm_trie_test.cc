// LPM_TRIE (fact sheet 8 and the lpm_trie_map_basic_ops selftest behaviours of 9.3): creation
// boundaries, longest-prefix match (IPv4, IPv6), the update-flag matrix, the full-map ENOSPC,
// delete with intermediate nodes, get_next_key post-order, stored bits beyond the prefix,
// randomized operations against a naive linear model, allocation failures, and readers
// racing with writers on real threads.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "impl/create_map.h"
#include "impl/internal/lpm_trie_impl.h"
#include "impl/real_platform.h"
#include "impl/uapi.h"
#include "tests/support/bytes.h"

namespace mapsim {
namespace {

using namespace bpf;
using testing::Bytes;
using testing::le_bytes;
using testing::le_value;
using Trie = internal::LpmTrieMap<RealPlatform>;

Bytes lpm_key(uint32_t prefixlen, const Bytes& data) {
  Bytes key(4 + data.size());
  std::memcpy(key.data(), &prefixlen, 4);
  std::memcpy(key.data() + 4, data.data(), data.size());
  return key;
}

// "10.1.0.0/16" as the key of a trie with 4 data bytes.
Bytes ipv4(const char* cidr) {
  std::string text(cidr);
  const size_t slash = text.find('/');
  Bytes data(4);
  EXPECT_EQ(inet_pton(AF_INET, text.substr(0, slash).c_str(), data.data()), 1) << cidr;
  return lpm_key(slash == std::string::npos ? 32 : std::stoul(text.substr(slash + 1)), data);
}

Bytes ipv6(const char* address, uint32_t prefixlen) {
  Bytes data(16);
  EXPECT_EQ(inet_pton(AF_INET6, address, data.data()), 1) << address;
  return lpm_key(prefixlen, data);
}

std::string describe(const Bytes& key) {
  uint32_t prefixlen;
  std::memcpy(&prefixlen, key.data(), 4);
  return testing::to_hex(Bytes(key.begin() + 4, key.end())) + "/" + std::to_string(prefixlen);
}

MapAttr lpm_attr(uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                 uint32_t flags = kFNoPrealloc) {
  MapAttr attr;
  attr.map_type = kMapLpmTrie;
  attr.key_size = key_size;
  attr.value_size = value_size;
  attr.max_entries = max_entries;
  attr.map_flags = flags;
  return attr;
}

// A trie on RealPlatform used by the calling thread as CPU 0; u64-style values.
class LpmFixture {
 public:
  explicit LpmFixture(const MapAttr& attr,
                      uint64_t budget = RealPlatform::kDefaultMemoryBudgetBytes)
      : platform_(2, budget), binding_(platform_, 0) {
    create_rc_ = create_map(platform_, attr, &map_);
  }
  LpmFixture(uint32_t data_size, uint32_t max_entries)
      : LpmFixture(lpm_attr(4 + data_size, 8, max_entries)) {}

  int create_rc() const { return create_rc_; }
  Map& map() { return *map_; }
  Trie& trie() { return dynamic_cast<Trie&>(*map_); }

  int update(const Bytes& key, uint64_t value, uint64_t flags = kAny) {
    return map_->update_elem(key.data(), le_bytes(value, map_->value_size()).data(), flags);
  }
  // The value found, or the errno as a negative number.
  int64_t lookup(const Bytes& key) {
    Bytes out(map_->value_size());
    const int rc = map_->lookup_elem(key.data(), out.data());
    return rc == 0 ? static_cast<int64_t>(le_value(out)) : rc;
  }
  int remove(const Bytes& key) { return map_->delete_elem(key.data()); }
  int next_key(const Bytes* key, Bytes* next) {
    next->assign(map_->key_size(), 0);
    return map_->get_next_key(key == nullptr ? nullptr : key->data(), next->data());
  }
  std::vector<Bytes> keys() {
    std::vector<Bytes> result;
    Bytes current;
    for (int rc = next_key(nullptr, &current); rc == 0; rc = next_key(&result.back(), &current)) {
      result.push_back(current);
      if (result.size() > map_->max_entries()) break;  // a cycle would never end
    }
    return result;
  }
  std::string invariants() { return trie().check_invariants_quiescent(); }

 private:
  RealPlatform platform_;
  RealPlatform::CpuBinding binding_;
  std::unique_ptr<Map> map_;
  int create_rc_ = 0;
};

int create_rc(const MapAttr& attr) { return LpmFixture(attr).create_rc(); }

TEST(LpmTrieCreateTest, ChecksEveryBoundary) {
  EXPECT_EQ(create_rc(lpm_attr(8, 8, 1)), 0);
  EXPECT_EQ(create_rc(lpm_attr(8, 8, 0)), kEINVAL);
  EXPECT_EQ(create_rc(lpm_attr(8, 8, 1, 0)), kEINVAL);  // NO_PREALLOC is mandatory
  EXPECT_EQ(create_rc(lpm_attr(8, 8, 1, kFNoPrealloc | kFZeroSeed)), kEINVAL);
  EXPECT_EQ(create_rc(lpm_attr(8, 8, 1, kFNoPrealloc | kFNoCommonLru)), kEINVAL);
  EXPECT_EQ(create_rc(lpm_attr(8, 8, 1, kFNoPrealloc | kFRdonlyProg | kFWronlyProg)), kEINVAL);
  EXPECT_EQ(create_rc(lpm_attr(8, 8, 1, kFNoPrealloc | kFNumaNode | kFWronlyProg)), 0);
  EXPECT_EQ(create_rc(lpm_attr(4, 8, 1)), kEINVAL);
  EXPECT_EQ(create_rc(lpm_attr(5, 8, 1)), 0);
  EXPECT_EQ(create_rc(lpm_attr(260, 8, 1)), 0);
  EXPECT_EQ(create_rc(lpm_attr(261, 8, 1)), kEINVAL);
  EXPECT_EQ(create_rc(lpm_attr(8, 0, 1)), kEINVAL);
  EXPECT_EQ(create_rc(lpm_attr(8, 1, 1)), 0);
  EXPECT_EQ(create_rc(lpm_attr(8, 4194024, 1)), 0);
  EXPECT_EQ(create_rc(lpm_attr(8, 4194025, 1)), kEINVAL);
  MapAttr extra = lpm_attr(8, 8, 1);
  extra.map_extra = 1;
  EXPECT_EQ(create_rc(extra), kEINVAL);
  LpmFixture fixture(lpm_attr(8, 8, 7, kFNoPrealloc | kFRdonly));
  ASSERT_EQ(fixture.create_rc(), 0);
  EXPECT_EQ(fixture.map().info().map_flags, kFNoPrealloc);
  EXPECT_EQ(fixture.trie().max_prefixlen(), 32u);
}

TEST(LpmTrieTest, LookupIsLongestPrefixMatch) {
  LpmFixture fixture(4, 10);
  ASSERT_EQ(fixture.create_rc(), 0);
  EXPECT_EQ(fixture.lookup(ipv4("10.1.2.3/32")), kENOENT);  // empty
  ASSERT_EQ(fixture.update(ipv4("10.0.0.0/8"), 8), 0);
  ASSERT_EQ(fixture.update(ipv4("10.1.0.0/16"), 16), 0);
  EXPECT_EQ(fixture.lookup(ipv4("10.1.2.3/32")), 16);
  EXPECT_EQ(fixture.lookup(ipv4("10.2.0.0/32")), 8);
  EXPECT_EQ(fixture.lookup(ipv4("10.1.0.0/12")), 8);  // the key's prefixlen limits the match
  EXPECT_EQ(fixture.lookup(ipv4("10.1.0.0/16")), 16);
  EXPECT_EQ(fixture.lookup(ipv4("10.0.0.0/7")), kENOENT);
  EXPECT_EQ(fixture.lookup(ipv4("11.0.0.0/32")), kENOENT);
  EXPECT_EQ(fixture.lookup(lpm_key(33, Bytes(4))), kENOENT);  // prefixlen above max
  ASSERT_EQ(fixture.update(ipv4("0.0.0.0/0"), 99), 0);
  EXPECT_EQ(fixture.lookup(ipv4("11.0.0.0/32")), 99);
  EXPECT_EQ(fixture.lookup(ipv4("10.1.0.0/0")), 99);
  EXPECT_EQ(fixture.invariants(), "");
}

TEST(LpmTrieTest, IpAddressesV4AndV6) {
  LpmFixture v4(4, 100);
  ASSERT_EQ(v4.create_rc(), 0);
  ASSERT_EQ(v4.update(ipv4("192.168.0.0/16"), 1), 0);
  ASSERT_EQ(v4.update(ipv4("192.168.0.0/24"), 2), 0);
  ASSERT_EQ(v4.update(ipv4("192.168.128.0/24"), 3), 0);
  ASSERT_EQ(v4.update(ipv4("192.168.1.0/24"), 5), 0);
  ASSERT_EQ(v4.update(ipv4("192.168.0.0/23"), 4), 0);  // replaces the intermediate node
  EXPECT_EQ(v4.lookup(ipv4("192.168.128.23")), 3);
  EXPECT_EQ(v4.lookup(ipv4("192.168.0.1")), 2);
  EXPECT_EQ(v4.lookup(ipv4("192.168.1.1")), 5);
  EXPECT_EQ(v4.lookup(ipv4("192.168.1.1/23")), 4);
  EXPECT_EQ(v4.lookup(ipv4("192.168.77.1")), 1);
  EXPECT_EQ(v4.lookup(ipv4("10.0.0.1")), kENOENT);
  EXPECT_EQ(v4.lookup(ipv4("11.11.11.11")), kENOENT);
  EXPECT_EQ(v4.trie().entry_count_quiescent(), 5u);
  EXPECT_EQ(v4.invariants(), "");

  LpmFixture v6(16, 100);
  ASSERT_EQ(v6.create_rc(), 0);
  ASSERT_EQ(v6.update(ipv6("2a00:1450:4001:814::200e", 64), 0xdeadbeef), 0);
  EXPECT_EQ(v6.lookup(ipv6("2a00:1450:4001:814::", 128)), 0xdeadbeef);
  EXPECT_EQ(v6.lookup(ipv6("2a00:1450:4001:814::1", 128)), 0xdeadbeef);
  EXPECT_EQ(v6.lookup(ipv6("2a00:ffff::", 128)), kENOENT);
  ASSERT_EQ(v6.update(ipv6("2a00:1450:4001:814::200e", 128), 7), 0);
  EXPECT_EQ(v6.lookup(ipv6("2a00:1450:4001:814::200e", 128)), 7);
  EXPECT_EQ(v6.lookup(ipv6("2a00:1450:4001:814::200f", 128)), 0xdeadbeef);
  EXPECT_EQ(v6.invariants(), "");
}

// test_lpm_delete: a leaf, a leaf with its intermediate parent, the root, the last node.
TEST(LpmTrieTest, DeleteHandlesIntermediateNodes) {
  LpmFixture fixture(4, 100);
  ASSERT_EQ(fixture.create_rc(), 0);
  ASSERT_EQ(fixture.update(ipv4("192.168.0.0/16"), 1), 0);
  ASSERT_EQ(fixture.update(ipv4("192.168.0.0/24"), 2), 0);
  ASSERT_EQ(fixture.update(ipv4("192.168.128.0/24"), 3), 0);
  ASSERT_EQ(fixture.update(ipv4("192.168.1.0/24"), 4), 0);
  EXPECT_EQ(fixture.remove(ipv4("192.255.0.0/30")), kENOENT);
  EXPECT_EQ(fixture.remove(ipv4("192.255.0.0/16")), kENOENT);  // root's length, other bits
  EXPECT_EQ(fixture.remove(ipv4("192.168.0.0/23")), kENOENT);  // only an intermediate node
  EXPECT_EQ(fixture.remove(ipv4("192.168.0.0/33")), kEINVAL);
  EXPECT_EQ(fixture.lookup(ipv4("192.168.0.1")), 2);
  EXPECT_EQ(fixture.remove(ipv4("192.168.0.0/24")), 0);
  EXPECT_EQ(fixture.lookup(ipv4("192.168.0.1")), 1);
  EXPECT_EQ(fixture.invariants(), "");
  EXPECT_EQ(fixture.remove(ipv4("192.168.1.0/24")), 0);
  EXPECT_EQ(fixture.lookup(ipv4("192.168.1.1")), 1);
  EXPECT_EQ(fixture.invariants(), "");
  EXPECT_EQ(fixture.remove(ipv4("192.168.0.0/16")), 0);
  EXPECT_EQ(fixture.lookup(ipv4("192.168.128.1")), 3);
  EXPECT_EQ(fixture.remove(ipv4("192.168.128.0/24")), 0);
  EXPECT_EQ(fixture.lookup(ipv4("192.168.128.1")), kENOENT);
  EXPECT_EQ(fixture.remove(ipv4("192.168.128.0/24")), kENOENT);
  EXPECT_EQ(fixture.trie().entry_count_quiescent(), 0u);
  EXPECT_EQ(fixture.invariants(), "");
}

TEST(LpmTrieTest, DeletingANodeWithTwoChildrenLeavesAnIntermediateNode) {
  LpmFixture fixture(4, 3);
  ASSERT_EQ(fixture.create_rc(), 0);
  ASSERT_EQ(fixture.update(ipv4("0.0.0.0/8"), 1), 0);
  ASSERT_EQ(fixture.update(ipv4("0.0.0.0/16"), 2), 0);
  ASSERT_EQ(fixture.update(ipv4("0.128.0.0/9"), 3), 0);
  ASSERT_EQ(fixture.remove(ipv4("0.0.0.0/8")), 0);
  EXPECT_EQ(fixture.lookup(ipv4("0.0.1.1")), 2);
  EXPECT_EQ(fixture.lookup(ipv4("0.1.1.1")), kENOENT);  // the intermediate node is no match
  EXPECT_EQ(fixture.update(ipv4("0.0.0.0/8"), 4, kExist), kENOENT);
  EXPECT_EQ(fixture.update(ipv4("0.0.0.0/8"), 4, kNoExist), 0);  // becomes real again
  EXPECT_EQ(fixture.lookup(ipv4("0.1.1.1")), 4);
  EXPECT_EQ(fixture.invariants(), "");
}

// test_lpm_get_next_key: more specific first, child 0 before child 1; a missing key restarts.
TEST(LpmTrieTest, GetNextKeyIsPostOrder) {
  LpmFixture fixture(4, 100);
  ASSERT_EQ(fixture.create_rc(), 0);
  Bytes next;
  EXPECT_EQ(fixture.next_key(nullptr, &next), kENOENT);
  Bytes root = ipv4("192.168.0.0/16");
  ASSERT_EQ(fixture.update(root, 0), 0);
  ASSERT_EQ(fixture.next_key(nullptr, &next), 0);
  EXPECT_EQ(next, root);
  EXPECT_EQ(fixture.next_key(&root, &next), kENOENT);
  Bytes shorter = ipv4("192.168.0.0/8");
  ASSERT_EQ(fixture.next_key(&shorter, &next), 0);
  EXPECT_EQ(next, root);
  for (const char* cidr : {"192.168.0.0/24", "192.168.1.0/24", "192.168.128.0/24",
                           "192.168.1.128/28"}) {
    ASSERT_EQ(fixture.update(ipv4(cidr), 0), 0);
  }
  std::vector<Bytes> expected = {ipv4("192.168.0.0/24"), ipv4("192.168.1.128/28"),
                                 ipv4("192.168.1.0/24"), ipv4("192.168.128.0/24"), root};
  EXPECT_EQ(fixture.keys(), expected);
  Bytes missing = ipv4("192.168.1.0/22");
  ASSERT_EQ(fixture.next_key(&missing, &next), 0);
  EXPECT_EQ(next, expected[0]);
  Bytes too_long = lpm_key(40, Bytes(4));
  ASSERT_EQ(fixture.next_key(&too_long, &next), 0);
  EXPECT_EQ(next, expected[0]);
}

// test_lpm_trie_update_flags, on a 3-entry trie.
TEST(LpmTrieTest, UpdateFlagMatrix) {
  LpmFixture fixture(4, 3);
  ASSERT_EQ(fixture.create_rc(), 0);
  Bytes key32 = lpm_key(32, Bytes(4));
  EXPECT_EQ(fixture.update(key32, 0, kFLock), kEINVAL);
  EXPECT_EQ(fixture.update(key32, 0, kNoExist | kExist), kEINVAL);
  EXPECT_EQ(fixture.update(key32, 0, 8), kEINVAL);
  EXPECT_EQ(fixture.update(key32, 0, ~uint64_t{0}), kEINVAL);
  EXPECT_EQ(fixture.update(lpm_key(33, Bytes(4)), 0, kAny), kEINVAL);
  EXPECT_EQ(fixture.update(key32, 2, kExist), kENOENT);  // empty trie
  Bytes key16 = lpm_key(16, Bytes(4));
  EXPECT_EQ(fixture.update(key16, 1, kNoExist), 0);
  EXPECT_EQ(fixture.lookup(key16), 1);
  EXPECT_EQ(fixture.update(key16, 1, kNoExist), kEEXIST);
  EXPECT_EQ(fixture.update(key16, 4, kExist), 0);
  EXPECT_EQ(fixture.lookup(key16), 4);
  EXPECT_EQ(fixture.update(key16, 1, kAny), 0);
  EXPECT_EQ(fixture.lookup(key16), 1);
  Bytes key8 = lpm_key(8, Bytes(4));
  EXPECT_EQ(fixture.update(key8, 2, kExist), kENOENT);  // a prefix of an existing node
  EXPECT_EQ(fixture.update(key8, 2, kNoExist), 0);
  EXPECT_EQ(fixture.lookup(key8), 2);
  Bytes sibling = lpm_key(9, le_bytes(0x80, 4));  // 0.128.0.0/9: a sibling of key16 under key8
  EXPECT_EQ(fixture.update(sibling, 5, kNoExist), 0);
  EXPECT_EQ(fixture.lookup(sibling), 5);
  EXPECT_EQ(fixture.update(sibling, 3, kAny), 0);
  EXPECT_EQ(fixture.lookup(sibling), 3);
  EXPECT_EQ(fixture.remove(key8), 0);  // two children: key8 turns intermediate
  EXPECT_EQ(fixture.update(key8, 2, kExist), kENOENT);
  EXPECT_EQ(fixture.invariants(), "");
}

// test_lpm_trie_update_full_map: ENOSPC for new entries only, and BPF_EXIST's ENOENT first.
TEST(LpmTrieTest, FullMapIsEnospcForNewEntriesOnly) {
  LpmFixture fixture(4, 3);
  ASSERT_EQ(fixture.create_rc(), 0);
  Bytes key16 = lpm_key(16, Bytes(4));
  Bytes key8 = lpm_key(8, Bytes(4));
  Bytes key9 = lpm_key(9, le_bytes(0x80, 4));
  ASSERT_EQ(fixture.update(key16, 0, kNoExist), 0);
  ASSERT_EQ(fixture.update(key8, 1, kNoExist), 0);
  ASSERT_EQ(fixture.update(key9, 2, kNoExist), 0);
  Bytes key32 = lpm_key(32, Bytes(4));
  EXPECT_EQ(fixture.update(key32, 3, kAny), kENOSPC);
  EXPECT_EQ(fixture.update(key32, 3, kNoExist), kENOSPC);
  EXPECT_EQ(fixture.update(key32, 3, kExist), kENOENT);  // decided before capacity
  EXPECT_EQ(fixture.update(key16, 4, kExist), 0);
  EXPECT_EQ(fixture.lookup(key16), 4);
  EXPECT_EQ(fixture.update(key9, 5, kAny), 0);
  EXPECT_EQ(fixture.lookup(key9), 5);
  EXPECT_EQ(fixture.update(key9, 5, kNoExist), kEEXIST);
  // key8 with two children turns intermediate; the trie has room for one new entry again,
  // and re-adding key8 revives the intermediate node.
  ASSERT_EQ(fixture.remove(key8), 0);
  ASSERT_EQ(fixture.update(key32, 6, kAny), 0);
  EXPECT_EQ(fixture.update(key8, 1, kAny), kENOSPC);
  EXPECT_EQ(fixture.trie().entry_count_quiescent(), 3u);
  EXPECT_EQ(fixture.invariants(), "");
}

// Bits beyond prefixlen do not take part in matching but are stored: get_next_key returns the
// data of the latest update of that prefix (fact sheet 8.2).
TEST(LpmTrieTest, StoredBitsBeyondThePrefixAreTheLatestUpdates) {
  LpmFixture fixture(4, 10);
  ASSERT_EQ(fixture.create_rc(), 0);
  ASSERT_EQ(fixture.update(ipv4("10.1.0.0/16"), 1), 0);
  ASSERT_EQ(fixture.update(ipv4("10.1.99.5/16"), 2, kExist), 0);
  EXPECT_EQ(fixture.keys(), std::vector<Bytes>{ipv4("10.1.99.5/16")});
  EXPECT_EQ(fixture.update(ipv4("10.1.7.7/16"), 3, kNoExist), kEEXIST);  // no change
  EXPECT_EQ(fixture.keys(), std::vector<Bytes>{ipv4("10.1.99.5/16")});
  Bytes query = ipv4("10.1.200.200/16");  // the same prefix: found as the exact key
  Bytes next;
  EXPECT_EQ(fixture.next_key(&query, &next), kENOENT);
  EXPECT_EQ(fixture.remove(ipv4("10.1.0.1/16")), 0);
  EXPECT_EQ(fixture.keys(), std::vector<Bytes>{});
}

// test_lpm_trie_iterate_strs and _ints: fixed-length keys iterate in ascending order, also
// when each returned key is deleted before asking for the next.
TEST(LpmTrieTest, IterationOfFullLengthKeysIsSorted) {
  constexpr uint32_t kCount = 4096;
  LpmFixture fixture(4, kCount);
  ASSERT_EQ(fixture.create_rc(), 0);
  std::vector<uint32_t> order(kCount);
  for (uint32_t index = 0; index < kCount; ++index) order[index] = index * 2654435761u;
  for (uint32_t value : order) {
    const uint32_t big_endian = htonl(value);
    ASSERT_EQ(fixture.update(lpm_key(32, le_bytes(big_endian, 4)), value, kNoExist), 0);
  }
  EXPECT_EQ(fixture.update(lpm_key(32, Bytes(4, 0xff)), 0), kENOSPC);
  std::sort(order.begin(), order.end());
  Bytes current;
  Bytes next;
  for (uint32_t index = 0; index < kCount; ++index) {
    ASSERT_EQ(fixture.next_key(index == 0 ? nullptr : &current, &next), 0) << index;
    uint32_t big_endian;
    std::memcpy(&big_endian, next.data() + 4, 4);
    ASSERT_EQ(ntohl(big_endian), order[index]) << index;
    ASSERT_EQ(fixture.remove(next), 0);
    current = next;
  }
  EXPECT_EQ(fixture.next_key(&current, &next), kENOENT);
  EXPECT_EQ(fixture.next_key(nullptr, &next), kENOENT);
}

TEST(LpmTrieTest, RefusedOperations) {
  LpmFixture fixture(4, 10);
  ASSERT_EQ(fixture.create_rc(), 0);
  Bytes key = ipv4("10.0.0.0/8");
  ASSERT_EQ(fixture.update(key, 1), 0);
  Bytes out(8);
  EXPECT_EQ(fixture.map().lookup_and_delete_elem(key.data(), out.data()), kENOTSUPP);
  EXPECT_EQ(fixture.map().lookup_elem(nullptr, out.data()), kEFAULT);
  EXPECT_EQ(fixture.map().update_elem(nullptr, out.data(), kAny), kEFAULT);
  EXPECT_EQ(fixture.map().delete_elem(nullptr), kEFAULT);
  EXPECT_EQ(fixture.map().lookup_elem(key.data(), out.data(), kFLock), kEINVAL);
}

}  // namespace
}  // namespace mapsim

namespace mapsim::internal {
struct LpmTrieTestOnlyAccess {
  static RealPlatform::BucketLock& lock(Trie& trie) { return trie.lock_; }
};
}  // namespace mapsim::internal

namespace mapsim {
namespace {

// A program that interrupts an update on the same CPU finds the trie lock held: the 6.18
// rqspinlock answers EDEADLK instead of spinning forever, and readers never take the lock.
TEST(LpmTrieLockTest, WritersOnTheCpuHoldingTheLockGetEdeadlk) {
  LpmFixture fixture(4, 10);
  ASSERT_EQ(fixture.create_rc(), 0);
  ASSERT_EQ(fixture.update(ipv4("10.0.0.0/8"), 1), 0);
  auto& lock = internal::LpmTrieTestOnlyAccess::lock(fixture.trie());
  ASSERT_EQ(lock.lock(), 0);
  EXPECT_EQ(fixture.update(ipv4("10.1.0.0/16"), 2), kEDEADLK);
  EXPECT_EQ(fixture.update(ipv4("10.1.0.0/40"), 2), kEINVAL);  // checked before the lock
  EXPECT_EQ(fixture.remove(ipv4("10.0.0.0/8")), kEDEADLK);
  EXPECT_EQ(fixture.lookup(ipv4("10.1.2.3")), 1);
  Bytes next;
  EXPECT_EQ(fixture.next_key(nullptr, &next), 0);
  lock.unlock();
  EXPECT_EQ(fixture.trie().entry_count_quiescent(), 1u);
  EXPECT_EQ(fixture.update(ipv4("10.1.0.0/16"), 2), 0);
  EXPECT_EQ(fixture.invariants(), "");
}

TEST(LpmTrieProgramTest, ProgramsSeeTheLiveValue) {
  LpmFixture fixture(4, 10);
  ASSERT_EQ(fixture.create_rc(), 0);
  Map& map = fixture.map();
  Bytes key = ipv4("10.0.0.0/8");
  EXPECT_EQ(map.prog_update(key.data(), le_bytes(5, 8).data(), kNoExist), 0);
  auto* live = static_cast<unsigned char*>(map.prog_lookup(ipv4("10.9.9.9").data()));
  ASSERT_NE(live, nullptr);
  live[0] = 6;  // a program writes through the pointer
  EXPECT_EQ(fixture.lookup(key), 6);
  EXPECT_EQ(map.prog_lookup(ipv4("11.0.0.0").data()), nullptr);
  EXPECT_EQ(map.prog_update(key.data(), le_bytes(5, 8).data(), kNoExist), kEEXIST);
  EXPECT_EQ(map.prog_delete(key.data()), 0);
  EXPECT_EQ(map.prog_delete(key.data()), kENOENT);
}

// lpm_trie_map_batch_ops: update in one batch, look up in batches of every size with keys
// as tokens (post-order), delete in batches; lookup_and_delete_batch is ENOTSUPP.
TEST(LpmTrieBatchTest, GenericBatchesWalkInPostOrder) {
  constexpr uint32_t kCount = 10;
  LpmFixture fixture(4, kCount);
  ASSERT_EQ(fixture.create_rc(), 0);
  Map& map = fixture.map();
  Bytes keys;
  Bytes values;
  for (uint32_t index = 0; index < kCount; ++index) {
    // 10.index.0.0/(16 + index % 3): some prefixes contain others' first bits.
    Bytes key = lpm_key(16 + index % 3, Bytes{10, static_cast<unsigned char>(index), 0, 0});
    keys.insert(keys.end(), key.begin(), key.end());
    Bytes value = le_bytes(index + 100, 8);
    values.insert(values.end(), value.begin(), value.end());
  }
  uint32_t count = kCount;
  ASSERT_EQ(map.update_batch(keys.data(), values.data(), &count), 0);
  EXPECT_EQ(count, kCount);
  const std::vector<Bytes> order = fixture.keys();
  ASSERT_EQ(order.size(), kCount);
  for (uint32_t step = 1; step <= kCount; ++step) {
    std::vector<Bytes> seen;
    Bytes token(8);
    Bytes out_keys(8 * step);
    Bytes out_values(8 * step);
    int rc = 0;
    for (bool first = true; rc == 0; first = false) {
      count = step;
      rc = map.lookup_batch(first ? nullptr : token.data(), token.data(), out_keys.data(),
                            out_values.data(), &count);
      ASSERT_TRUE(rc == 0 || rc == kENOENT) << rc;
      for (uint32_t index = 0; index < count; ++index) {
        seen.emplace_back(out_keys.begin() + 8 * index, out_keys.begin() + 8 * index + 8);
      }
    }
    EXPECT_EQ(seen, order) << "batches of " << step;
  }
  Bytes out(8 * kCount);
  count = kCount;
  EXPECT_EQ(map.lookup_and_delete_batch(nullptr, out.data(), out.data(), out.data(), &count),
            kENOTSUPP);
  count = 4;
  ASSERT_EQ(map.delete_batch(keys.data(), &count), 0);
  count = kCount;
  EXPECT_EQ(map.delete_batch(keys.data(), &count), kENOENT);  // the first is gone already
  EXPECT_EQ(count, 0u);
  count = kCount - 4;
  ASSERT_EQ(map.delete_batch(keys.data() + 4 * 8, &count), 0);
  EXPECT_EQ(fixture.keys().size(), 0u);
}

// ---- randomized operations against a naive model (test_lpm_map's idea, extended) ----

bool bit_of(const Bytes& data, uint32_t index) { return (data[index / 8] >> (7 - index % 8)) & 1; }

uint32_t common_bits(const Bytes& left, const Bytes& right, uint32_t limit) {
  uint32_t bits = 0;
  while (bits < limit && bit_of(left, bits) == bit_of(right, bits)) ++bits;
  return bits;
}

// A linear list of prefixes: obviously right, slow. Answers as the kernel does.
class NaiveLpm {
 public:
  NaiveLpm(uint32_t data_size, uint32_t max_entries)
      : max_prefixlen_(8 * data_size), max_entries_(max_entries) {}

  int update(uint32_t prefixlen, const Bytes& data, uint64_t value, uint64_t flags) {
    if (flags > kExist || prefixlen > max_prefixlen_) return kEINVAL;
    if (Entry* entry = find_exact(prefixlen, data)) {
      if (flags == kNoExist) return kEEXIST;
      *entry = Entry{prefixlen, data, value};  // the latest update's data bits are kept
      return 0;
    }
    if (flags == kExist) return kENOENT;
    if (entries_.size() == max_entries_) return kENOSPC;
    entries_.push_back(Entry{prefixlen, data, value});
    return 0;
  }
  int remove(uint32_t prefixlen, const Bytes& data) {
    if (prefixlen > max_prefixlen_) return kEINVAL;
    Entry* entry = find_exact(prefixlen, data);
    if (entry == nullptr) return kENOENT;
    entries_.erase(entries_.begin() + (entry - entries_.data()));
    return 0;
  }
  int64_t lookup(uint32_t prefixlen, const Bytes& data) const {
    if (prefixlen > max_prefixlen_) return kENOENT;
    const Entry* best = nullptr;
    for (const Entry& entry : entries_) {
      if (entry.prefixlen > prefixlen) continue;
      if (common_bits(entry.data, data, entry.prefixlen) != entry.prefixlen) continue;
      if (best == nullptr || entry.prefixlen > best->prefixlen) best = &entry;
    }
    return best == nullptr ? kENOENT : static_cast<int64_t>(best->value);
  }
  bool contains(uint32_t prefixlen, const Bytes& data) const {
    for (const Entry& entry : entries_) {
      if (entry.prefixlen == prefixlen && entry.data == data) return true;
    }
    return false;
  }
  // get_next_key: the successor of an exactly stored prefix, else the first key.
  std::optional<Bytes> next_after(uint32_t prefixlen, const Bytes& data) {
    const std::vector<Bytes> order = keys();
    if (order.empty()) return std::nullopt;
    const Entry* entry = prefixlen > max_prefixlen_ ? nullptr : find_exact(prefixlen, data);
    if (entry == nullptr) return order.front();
    const auto at = std::find(order.begin(), order.end(), lpm_key(entry->prefixlen, entry->data));
    if (at + 1 == order.end()) return std::nullopt;
    return *(at + 1);
  }
  // Post-order of the trie: a prefix after every prefix it contains; otherwise by the first
  // bit where the two differ.
  std::vector<Bytes> keys() const {
    std::vector<Entry> sorted = entries_;
    std::sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
      const uint32_t shorter = std::min(a.prefixlen, b.prefixlen);
      const uint32_t shared = common_bits(a.data, b.data, shorter);
      if (shared == shorter) return a.prefixlen > b.prefixlen;
      return !bit_of(a.data, shared);
    });
    std::vector<Bytes> keys;
    for (const Entry& entry : sorted) keys.push_back(lpm_key(entry.prefixlen, entry.data));
    return keys;
  }

 private:
  struct Entry {
    uint32_t prefixlen;
    Bytes data;
    uint64_t value;
  };
  Entry* find_exact(uint32_t prefixlen, const Bytes& data) {
    for (Entry& entry : entries_) {
      if (entry.prefixlen == prefixlen &&
          common_bits(entry.data, data, prefixlen) == prefixlen) {
        return &entry;
      }
    }
    return nullptr;
  }

  uint32_t max_prefixlen_;
  size_t max_entries_;
  std::vector<Entry> entries_;
};

// Random data from few distinct byte values, so prefixes share long common parts and the
// trie grows deep, with many intermediate nodes.
Bytes random_data(std::mt19937_64& random, uint32_t data_size) {
  Bytes data(data_size);
  for (unsigned char& byte : data) byte = static_cast<unsigned char>(random() % 4 * 0x41);
  return data;
}

class LpmTrieModelTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(LpmTrieModelTest, RandomOperationsMatchANaiveModel) {
  const uint32_t data_size = GetParam();
  const uint32_t max_prefixlen = 8 * data_size;
  std::mt19937_64 random(1000 + data_size);
  constexpr uint32_t kMaxEntries = 60;
  LpmFixture fixture(data_size, kMaxEntries);
  ASSERT_EQ(fixture.create_rc(), 0);
  NaiveLpm model(data_size, kMaxEntries);
  for (int step = 0; step < 3000; ++step) {
    const auto prefixlen = static_cast<uint32_t>(random() % (max_prefixlen + 2));
    const Bytes data = random_data(random, data_size);
    const Bytes key = lpm_key(prefixlen, data);
    const uint64_t roll = random() % 100;
    if (roll < 45) {
      const uint64_t flags = random() % 10 == 0 ? 3 : random() % 3;
      ASSERT_EQ(fixture.update(key, step, flags), model.update(prefixlen, data, step, flags))
          << "update " << describe(key) << " flags " << flags << " step " << step;
    } else if (roll < 70) {
      ASSERT_EQ(fixture.remove(key), model.remove(prefixlen, data))
          << "delete " << describe(key) << " step " << step;
    } else {
      ASSERT_EQ(fixture.lookup(key), model.lookup(prefixlen, data))
          << "lookup " << describe(key) << " step " << step;
    }
    if (step % 50 == 0) {
      ASSERT_EQ(fixture.invariants(), "") << "step " << step;
      ASSERT_EQ(fixture.keys(), model.keys()) << "step " << step;
    }
  }
  EXPECT_EQ(fixture.keys(), model.keys());
}

// 1, 2, 3, 4 (IPv4), 5, 8 (the 64-bit fast path), 9, 16 (IPv6) data bytes.
INSTANTIATE_TEST_SUITE_P(DataSizes, LpmTrieModelTest, ::testing::Values(1, 2, 3, 4, 5, 8, 9, 16));

// get_next_key from every stored key, and from keys that are not stored, against the model.
TEST(LpmTrieModelWalkTest, NextKeyFromAnyKeyMatchesTheModel) {
  std::mt19937_64 random(77);
  LpmFixture fixture(2, 200);
  ASSERT_EQ(fixture.create_rc(), 0);
  NaiveLpm model(2, 200);
  for (int step = 0; step < 120; ++step) {
    const auto prefixlen = static_cast<uint32_t>(random() % 17);
    const Bytes data = random_data(random, 2);
    ASSERT_EQ(fixture.update(lpm_key(prefixlen, data), step),
              model.update(prefixlen, data, step, kAny));
  }
  std::vector<Bytes> probes = model.keys();
  for (int probe = 0; probe < 300; ++probe) {
    probes.push_back(lpm_key(static_cast<uint32_t>(random() % 18), random_data(random, 2)));
  }
  for (const Bytes& key : probes) {
    uint32_t prefixlen;
    std::memcpy(&prefixlen, key.data(), 4);
    const std::optional<Bytes> expected = model.next_after(prefixlen, Bytes(key.begin() + 4,
                                                                             key.end()));
    Bytes next;
    const int rc = fixture.next_key(&key, &next);
    if (!expected) {
      EXPECT_EQ(rc, kENOENT) << describe(key);
    } else {
      ASSERT_EQ(rc, 0) << describe(key);
      EXPECT_EQ(next, *expected) << "after " << describe(key);
    }
  }
}

// Allocation failures are ENOMEM and leave the trie intact and its count exact.
TEST(LpmTrieTest, AllocationFailureIsEnomem) {
  LpmFixture fixture(lpm_attr(8, 1024, 100000), 64 * 1024);
  ASSERT_EQ(fixture.create_rc(), 0);
  std::mt19937_64 random(3);
  uint64_t added = 0;
  int failures = 0;
  for (int step = 0; step < 200; ++step) {
    const Bytes key = lpm_key(static_cast<uint32_t>(random() % 33), random_data(random, 4));
    const uint64_t before = fixture.trie().entry_count_quiescent();
    const int rc = fixture.update(key, step);
    ASSERT_TRUE(rc == 0 || rc == kENOMEM) << rc;
    if (rc == kENOMEM) {
      ++failures;
      EXPECT_EQ(fixture.trie().entry_count_quiescent(), before);
    } else {
      added += fixture.trie().entry_count_quiescent() - before;
    }
  }
  EXPECT_GT(failures, 0);
  EXPECT_EQ(fixture.trie().entry_count_quiescent(), added);
  EXPECT_EQ(fixture.invariants(), "");
}

// ---- readers racing with writers ----

// Stable prefixes live in 10.0.0.0/9 and never change; writers add and remove transient
// prefixes in 10.200.0.0/16. Readers on other CPUs look up addresses under both: answers for
// 10.0/9 must be the stable ones, answers under 10.200/16 must come from a prefix that covers
// the address, and get_next_key walks must return only keys that were ever stored, in order
// among the stable ones. Runs in the ThreadSanitizer job ("RealThread").
TEST(LpmTrieConcurrencyTest, RealThreadReadersSeeAConsistentTrie) {
  constexpr int kWriters = 2;
  constexpr int kReaders = 2;
  RealPlatform platform(kWriters + kReaders);
  std::unique_ptr<Map> map;
  NaiveLpm stable(4, 1000);
  std::mt19937_64 setup(5);
  {
    RealPlatform::CpuBinding binding(platform, 0);
    ASSERT_EQ(create_map(platform, lpm_attr(8, 8, 1000), &map), 0);
    for (int index = 0; index < 60; ++index) {
      Bytes data = {10, static_cast<unsigned char>(setup() % 128),
                    static_cast<unsigned char>(setup() % 4), 0};
      const auto prefixlen = static_cast<uint32_t>(9 + setup() % 16);
      const uint64_t value = 1 + index;
      if (stable.update(prefixlen, data, value, kNoExist) != 0) continue;
      ASSERT_EQ(map->update_elem(lpm_key(prefixlen, data).data(), le_bytes(value, 8).data(),
                                 kNoExist), 0);
    }
  }
  std::atomic<int> writers_done{0};
  std::atomic<int> violations{0};
  std::vector<std::thread> threads;
  for (int writer = 0; writer < kWriters; ++writer) {
    threads.emplace_back([&, writer] {
      RealPlatform::CpuBinding binding(platform, writer);
      std::mt19937_64 random(100 + writer);
      for (int step = 0; step < 3000; ++step) {
        const auto prefixlen = static_cast<uint32_t>(16 + random() % 17);
        Bytes data = {10, 200, static_cast<unsigned char>(random() % 8),
                      static_cast<unsigned char>(random())};
        const Bytes key = lpm_key(prefixlen, data);
        // Transient values encode their prefix length, so readers can check the cover.
        const int rc = random() % 2 ? map->update_elem(key.data(),
                                                       le_bytes(1000 + prefixlen, 8).data(), kAny)
                                    : map->delete_elem(key.data());
        if (rc != 0 && rc != kENOENT && rc != kENOSPC) ++violations;
      }
      ++writers_done;
    });
  }
  for (int reader = 0; reader < kReaders; ++reader) {
    threads.emplace_back([&, reader] {
      RealPlatform::CpuBinding binding(platform, kWriters + reader);
      std::mt19937_64 random(200 + reader);
      Bytes out(8);
      while (writers_done.load() < kWriters) {
        Bytes stable_address = {10, static_cast<unsigned char>(random() % 128),
                                static_cast<unsigned char>(random() % 4),
                                static_cast<unsigned char>(random())};
        const int rc = map->lookup_elem(lpm_key(32, stable_address).data(), out.data());
        const int64_t got = rc == 0 ? static_cast<int64_t>(le_value(out)) : rc;
        if (got != stable.lookup(32, stable_address)) ++violations;
        Bytes transient_address = {10, 200, static_cast<unsigned char>(random() % 8),
                                   static_cast<unsigned char>(random())};
        if (map->lookup_elem(lpm_key(32, transient_address).data(), out.data()) == 0) {
          const uint64_t value = le_value(out);
          // Only a transient prefix (10.200/16 and longer) or none covers these addresses.
          if (value < 1016 || value > 1032) ++violations;
        }
        // A bounded walk: every key returned was stored at some point (stable, or transient
        // under 10.200/16); a walk restarts when its key vanishes, so it need not end.
        Bytes current(8);
        int rc_walk = map->get_next_key(nullptr, current.data());
        for (int step = 0; rc_walk == 0 && step < 100; ++step) {
          uint32_t prefixlen;
          std::memcpy(&prefixlen, current.data(), 4);
          const Bytes data(current.begin() + 4, current.end());
          const bool transient = data[0] == 10 && data[1] == 200 && prefixlen >= 16;
          if (!transient && !stable.contains(prefixlen, data)) ++violations;
          Bytes next(8);
          rc_walk = map->get_next_key(current.data(), next.data());
          current = next;
        }
        if (rc_walk != 0 && rc_walk != kENOENT) ++violations;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(violations.load(), 0);
  RealPlatform::CpuBinding binding(platform, 0);
  EXPECT_EQ(dynamic_cast<Trie&>(*map).check_invariants_quiescent(), "");
}

}  // namespace
}  // namespace mapsim
