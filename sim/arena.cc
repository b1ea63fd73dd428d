#include "sim/arena.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

#include "impl/assert.h"

namespace mapsim::sim {
namespace {
constexpr uint32_t kHeaderMagic = 0x6d617073;  // "maps"
}  // namespace

uint64_t Arena::padded_bytes(const Block& block) {
  return std::max<uint64_t>(kAlignment,
                            (block.bytes + kAlignment - 1) / kAlignment * kAlignment);
}

Arena::Arena(uint64_t budget_bytes) : budget_bytes_(budget_bytes) {
  MAPSIM_ASSERT(budget_bytes >= kAlignment, "an arena needs a budget");
}

Arena::~Arena() {
  if (region_ != nullptr) munmap(region_, budget_bytes_);
}

void Arena::reset() {
  blocks_.clear();
  ordinals_.clear();
  used_bytes_ = 0;
  bytes_in_use_ = 0;
}

void* Arena::allocate(size_t bytes, uint32_t owner_slot) {
  // At least one alignment unit, so that every block owns a distinct address range.
  const uint64_t payload_bytes =
      std::max<uint64_t>(kAlignment, (uint64_t{bytes} + kAlignment - 1) / kAlignment * kAlignment);
  const uint64_t charged = payload_bytes + sizeof(Header);
  if (bytes > budget_bytes_ || charged > budget_bytes_ - used_bytes_) return nullptr;
  if (region_ == nullptr) {
    void* region = mmap(nullptr, budget_bytes_, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    MAPSIM_ASSERT(region != MAP_FAILED, "cannot reserve the simulator's arena");
    region_ = static_cast<char*>(region);
  }
  auto* header = reinterpret_cast<Header*>(region_ + used_bytes_);
  used_bytes_ += charged;
  header->magic = kHeaderMagic;
  header->index = static_cast<uint32_t>(blocks_.size());
  char* payload = reinterpret_cast<char*>(header + 1);
  std::memset(payload, 0, payload_bytes);
  if (owner_slot >= ordinals_.size()) ordinals_.resize(owner_slot + 1, 0);
  const uint64_t key_id = (uint64_t{owner_slot} << 32) | ordinals_[owner_slot]++;
  blocks_.push_back(Block{payload, bytes, key_id, BlockState::kLive});
  bytes_in_use_ += charged;
  return payload;
}

uint32_t Arena::index_of(void* payload) const {
  const auto* header = static_cast<const Header*>(payload) - 1;
  MAPSIM_ASSERT(header->magic == kHeaderMagic, "pointer did not come from SimPlatform::allocate");
  MAPSIM_ASSERT(header->index < blocks_.size(), "block from an earlier execution");
  MAPSIM_ASSERT(blocks_[header->index].payload == payload, "pointer is not the start of a block");
  return header->index;
}

const Arena::Block* Arena::find(const void* address) const {
  const char* byte = static_cast<const char*>(address);
  if (region_ == nullptr || byte < region_ || byte >= region_ + used_bytes_) return nullptr;
  auto after = std::upper_bound(blocks_.begin(), blocks_.end(), byte,
                                [](const char* a, const Block& b) { return a < b.payload; });
  if (after == blocks_.begin()) return nullptr;
  const Block& block = *(after - 1);
  // The tail padding of a block belongs to it; a header does not.
  return byte < block.payload + padded_bytes(block) ? &block : nullptr;
}

void Arena::poison(Block& block) {
  MAPSIM_ASSERT(block.state != BlockState::kFreed, "double free of a simulator block");
  block.state = BlockState::kFreed;
  std::memset(block.payload, kPoisonByte, block.bytes);
  bytes_in_use_ -= padded_bytes(block) + sizeof(Header);
}

}  // namespace mapsim::sim
