// create_map(): BPF_MAP_CREATE for the map types mapsim models.
//
// Checks run in the kernel's order (fact sheet 2.2): map_extra, RDONLY+WRONLY, NUMA node, the
// map type, the type's alloc_check, the type's allocation, then the map name. The first failing
// check's errno is returned (negative). A valid kernel map type that mapsim does not model gives
// bpf::kENOSYS, which the kernel never returns for MAP_CREATE, so callers can tell "not
// simulated" from a kernel verdict.
#pragma once

#include <memory>

#include "impl/map.h"
#include "impl/map_attr.h"

namespace mapsim {

class RealPlatform;

// On success stores the map in *out and returns 0. The map keeps a reference to `platform`,
// which must outlive it.
template <class P>
int create_map(P& platform, const MapAttr& attr, std::unique_ptr<Map>* out);

extern template int create_map<RealPlatform>(RealPlatform&, const MapAttr&,
                                             std::unique_ptr<Map>*);

}  // namespace mapsim
