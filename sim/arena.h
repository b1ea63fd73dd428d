// Arena: the memory SimPlatform::allocate() hands out during one execution.
//
// Design:
// - One reservation of `budget_bytes` of address space (MAP_NORESERVE, so only touched pages
//   cost memory), carved by a bump pointer and reset before every execution. Memory use is the
//   high-water mark of a single execution, independent of how many executions run.
// - Every block has a header (16 bytes) in front of its payload holding its index in the block
//   table; the table is in address order, so "which block holds this address" is a binary
//   search (racy copies use it to name the memory they touch).
// - A block's *key* is deterministic: (owning context slot, that context's allocation count).
//   Addresses would differ between interleavings; keys only depend on each context's own
//   history, which is what DPOR needs to compare operations of different executions, and what
//   lets allocations on different CPUs commute.
// - Released blocks are never reused within an execution; their payload is filled with
//   kPoisonByte so that a later use is caught (a SimPlatform object header full of poison is
//   reported as a use after free; copies check the block state).
// - Budget exhaustion returns nullptr, which map code turns into -ENOMEM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mapsim::sim {

class Arena {
 public:
  static constexpr unsigned char kPoisonByte = 0xdb;
  static constexpr size_t kAlignment = 16;

  enum class BlockState : uint8_t { kLive, kRetired, kFreed };
  struct Block {
    char* payload = nullptr;
    uint64_t bytes = 0;          ///< payload size as requested
    uint64_t key_id = 0;         ///< (owner slot << 32) | ordinal; see above
    BlockState state = BlockState::kLive;
  };

  explicit Arena(uint64_t budget_bytes);
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  uint64_t budget_bytes() const { return budget_bytes_; }
  // Forgets every block (a new execution begins).
  void reset();
  // Zero-filled payload of `bytes`, owned by context slot `owner_slot` (0 = setup), or nullptr
  // when the budget is exhausted.
  void* allocate(size_t bytes, uint32_t owner_slot);
  // The index of the block whose payload starts at `payload`. REQUIRES: it came from
  // allocate() in this execution.
  uint32_t index_of(void* payload) const;
  Block& block(uint32_t index) { return blocks_[index]; }
  // The index of a block find() returned.
  uint32_t block_index(const Block& block) const {
    return static_cast<uint32_t>(&block - blocks_.data());
  }
  // The block whose payload contains `address`, or nullptr.
  const Block* find(const void* address) const;
  // Marks a block freed and fills its payload with poison.
  void poison(Block& block);
  uint64_t bytes_in_use() const { return bytes_in_use_; }
  size_t block_count() const { return blocks_.size(); }

 private:
  struct Header {
    uint32_t magic;
    uint32_t index;  // in blocks_
    uint64_t reserved;
  };
  static_assert(sizeof(Header) == kAlignment, "payloads stay 16-byte aligned");
  static uint64_t padded_bytes(const Block& block);

  uint64_t budget_bytes_;
  char* region_ = nullptr;
  uint64_t used_bytes_ = 0;
  uint64_t bytes_in_use_ = 0;
  std::vector<Block> blocks_;
  std::vector<uint32_t> ordinals_;  // next allocation ordinal per owner slot
};

}  // namespace mapsim::sim
