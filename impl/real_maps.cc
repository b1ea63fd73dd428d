// The RealPlatform instantiation of every map type (STYLE G4: instantiate explicitly, once).
#include "impl/internal/create_map_impl.h"
#include "impl/real_platform.h"

namespace mapsim {

template int create_map<RealPlatform>(RealPlatform&, const MapAttr&, std::unique_ptr<Map>*);

}  // namespace mapsim
