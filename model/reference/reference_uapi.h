// The BPF user-API numbers the reference models speak (Linux 6.18; fact sheet sections 0.2, 1,
// 3.1, 5.1), written down a second time on purpose: the models share no code with impl/, so a
// wrong constant there cannot hide by being wrong here in the same way.
#pragma once

#include <cstdint>

namespace mapsim::reference {

// enum bpf_map_type: the types the models know, and the first number past the last type.
inline constexpr uint32_t kTypeHash = 1;
inline constexpr uint32_t kTypeArray = 2;
inline constexpr uint32_t kTypePercpuHash = 5;
inline constexpr uint32_t kTypePercpuArray = 6;
inline constexpr uint32_t kTypeLruHash = 9;
inline constexpr uint32_t kTypeLruPercpuHash = 10;
inline constexpr uint32_t kTypeLpmTrie = 11;
inline constexpr uint32_t kTypeDevmap = 14;
inline constexpr uint32_t kTypeDevmapHash = 25;
inline constexpr uint32_t kTypeBloomFilter = 30;
inline constexpr uint32_t kTypeArena = 33;
inline constexpr uint32_t kTypeCount = 34;  ///< __MAX_BPF_MAP_TYPE

// Element-operation flags (u64).
inline constexpr uint64_t kUpdateAny = 0;
inline constexpr uint64_t kUpdateNoExist = 1;
inline constexpr uint64_t kUpdateExist = 2;
inline constexpr uint64_t kElemLock = 4;  ///< BPF_F_LOCK

// Map-creation flags (u32).
inline constexpr uint32_t kNoPrealloc = 1u << 0;
inline constexpr uint32_t kNoCommonLru = 1u << 1;
inline constexpr uint32_t kNumaNode = 1u << 2;
inline constexpr uint32_t kRdonly = 1u << 3;
inline constexpr uint32_t kWronly = 1u << 4;
inline constexpr uint32_t kZeroSeed = 1u << 6;
inline constexpr uint32_t kRdonlyProg = 1u << 7;
inline constexpr uint32_t kWronlyProg = 1u << 8;
inline constexpr uint32_t kMmapable = 1u << 10;
inline constexpr uint32_t kPreserveElems = 1u << 11;
inline constexpr uint32_t kInnerMap = 1u << 12;
inline constexpr uint32_t kTokenFd = 1u << 16;

// Errnos, negative as libbpf returns them.
inline constexpr int kEPERM = -1;
inline constexpr int kENOENT = -2;
inline constexpr int kE2BIG = -7;
inline constexpr int kENOMEM = -12;
inline constexpr int kEACCES = -13;  ///< BPF_PROG_LOAD: the verifier refuses the program
inline constexpr int kEEXIST = -17;
inline constexpr int kEINVAL = -22;
inline constexpr int kENOSPC = -28;
inline constexpr int kEOPNOTSUPP = -95;
inline constexpr int kENOTSUPP = -524;  ///< kernel-internal, leaks to userspace; not 95

// Limits of x86_64 with 4 KiB pages.
inline constexpr uint64_t kKmallocMaxSize = 4u << 20;  ///< KMALLOC_MAX_SIZE, bytes
inline constexpr uint64_t kHtabElemBytes = 48;        ///< sizeof(struct htab_elem)
inline constexpr uint64_t kPercpuUnitMax = 32768;     ///< PCPU_MIN_UNIT_SIZE, bytes
inline constexpr uint64_t kHtabBucketBytes = 16;      ///< sizeof(struct bucket)
inline constexpr uint32_t kObjNameLen = 16;           ///< BPF_OBJ_NAME_LEN, NUL included

inline uint64_t round_up_8(uint64_t bytes) { return (bytes + 7) / 8 * 8; }

}  // namespace mapsim::reference
