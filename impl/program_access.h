// Which map helpers the verifier lets a program call on a map, by the map's access flags.
//
// kernel/bpf/verifier.c refuses, at BPF_PROG_LOAD, a program that writes into a map created with
// BPF_F_RDONLY_PROG (bpf_map_update_elem / bpf_map_delete_elem: "write into map forbidden") or
// reads the value of one created with BPF_F_WRONLY_PROG ("read from map forbidden"). Device
// maps (DEVMAP, DEVMAP_HASH) set BPF_F_RDONLY_PROG on themselves at creation, so programs can
// only look them up. The answer is -EACCES for the whole program: such an operation never
// reaches the map, and mapsim reports it as the operation's result (checked against the live
// kernel by the differential tests).
//
// BLOOM_FILTER maps are a different matter (the verifier refuses lookup/update/delete helpers on
// them for their type, with EINVAL); callers handle that where they handle bloom filters.
#pragma once

#include <cstdint>

#include "impl/map_attr.h"
#include "impl/uapi.h"

namespace mapsim {

enum class ProgramHelper : uint8_t { kLookup, kUpdate, kDelete };

// 0 when a program calling `helper` on a map with these effective attributes loads; otherwise
// the errno BPF_PROG_LOAD fails with (-EACCES). A program lookup counts as a read: mapsim's
// programs read the value they find.
inline int verifier_refusal(const MapInfo& info, ProgramHelper helper) {
  if (helper == ProgramHelper::kLookup) {
    return (info.map_flags & bpf::kFWronlyProg) != 0 ? bpf::kEACCES : 0;
  }
  return (info.map_flags & bpf::kFRdonlyProg) != 0 ? bpf::kEACCES : 0;
}

}  // namespace mapsim
