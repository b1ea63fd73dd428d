// The numbers of the kernel's BPF user API that mapsim reproduces (Linux 6.18,
// include/uapi/linux/bpf.h; fact sheet section 1). Values are part of the contract with users'
// op scripts and with the live kernel, so each is pinned here once.
#pragma once

#include <cstdint>

namespace mapsim::bpf {

// enum bpf_map_type
enum MapType : uint32_t {
  kMapUnspec = 0,
  kMapHash = 1,
  kMapArray = 2,
  kMapProgArray = 3,
  kMapPerfEventArray = 4,
  kMapPercpuHash = 5,
  kMapPercpuArray = 6,
  kMapStackTrace = 7,
  kMapCgroupArray = 8,
  kMapLruHash = 9,
  kMapLruPercpuHash = 10,
  kMapLpmTrie = 11,
  kMapArrayOfMaps = 12,
  kMapHashOfMaps = 13,
  kMapDevmap = 14,
  kMapSockmap = 15,
  kMapCpumap = 16,
  kMapXskmap = 17,
  kMapSockhash = 18,
  kMapCgroupStorage = 19,
  kMapReuseportSockarray = 20,
  kMapPercpuCgroupStorage = 21,
  kMapQueue = 22,
  kMapStack = 23,
  kMapSkStorage = 24,
  kMapDevmapHash = 25,
  kMapStructOps = 26,
  kMapRingbuf = 27,
  kMapInodeStorage = 28,
  kMapTaskStorage = 29,
  kMapBloomFilter = 30,
  kMapUserRingbuf = 31,
  kMapCgrpStorage = 32,
  kMapArena = 33,
  kMapTypeCount = 34,  // __MAX_BPF_MAP_TYPE
};

// Element-operation flags (u64).
inline constexpr uint64_t kAny = 0;
inline constexpr uint64_t kNoExist = 1;
inline constexpr uint64_t kExist = 2;
inline constexpr uint64_t kFLock = 4;

// Map-creation flags (u32).
inline constexpr uint32_t kFNoPrealloc = 1u << 0;
inline constexpr uint32_t kFNoCommonLru = 1u << 1;
inline constexpr uint32_t kFNumaNode = 1u << 2;
inline constexpr uint32_t kFRdonly = 1u << 3;
inline constexpr uint32_t kFWronly = 1u << 4;
inline constexpr uint32_t kFStackBuildId = 1u << 5;
inline constexpr uint32_t kFZeroSeed = 1u << 6;
inline constexpr uint32_t kFRdonlyProg = 1u << 7;
inline constexpr uint32_t kFWronlyProg = 1u << 8;
inline constexpr uint32_t kFClone = 1u << 9;
inline constexpr uint32_t kFMmapable = 1u << 10;
inline constexpr uint32_t kFPreserveElems = 1u << 11;
inline constexpr uint32_t kFInnerMap = 1u << 12;
inline constexpr uint32_t kFLink = 1u << 13;
inline constexpr uint32_t kFPathFd = 1u << 14;
inline constexpr uint32_t kFVtypeBtfObjFd = 1u << 15;
inline constexpr uint32_t kFTokenFd = 1u << 16;
inline constexpr uint32_t kFSegvOnFault = 1u << 17;
inline constexpr uint32_t kFNoUserConv = 1u << 18;

// BPF_OBJ_NAME_LEN: 15 usable characters and a NUL.
inline constexpr uint32_t kObjNameLen = 16;

// Errnos as the kernel returns them (x86_64), negative like libbpf's results. ENOTSUPP (524) is a
// kernel-internal value that leaks to userspace; it is not EOPNOTSUPP (95).
inline constexpr int kEPERM = -1;
inline constexpr int kENOENT = -2;
inline constexpr int kE2BIG = -7;
inline constexpr int kEBADF = -9;
inline constexpr int kENOMEM = -12;
inline constexpr int kEACCES = -13;
inline constexpr int kEFAULT = -14;
inline constexpr int kEBUSY = -16;
inline constexpr int kEEXIST = -17;
inline constexpr int kEINVAL = -22;
inline constexpr int kENOSPC = -28;
inline constexpr int kEDEADLK = -35;
inline constexpr int kENOSYS = -38;  // mapsim only: a valid kernel map type mapsim does not model
inline constexpr int kELOOP = -40;
inline constexpr int kEOPNOTSUPP = -95;
inline constexpr int kETIMEDOUT = -110;
inline constexpr int kENOTSUPP = -524;

// Size limits of x86_64 with 4 KiB pages (fact sheet 3.1, 5.1).
inline constexpr uint64_t kKmallocMaxSize = 4u << 20;      // KMALLOC_MAX_SIZE
inline constexpr uint64_t kPcpuMinUnitSize = 32768;        // PCPU_MIN_UNIT_SIZE
inline constexpr uint64_t kHtabElemHeaderSize = 48;        // sizeof(struct htab_elem)
inline constexpr uint64_t kHtabBucketSize = 16;            // sizeof(struct bucket)

constexpr uint64_t round_up(uint64_t value, uint64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

}  // namespace mapsim::bpf
