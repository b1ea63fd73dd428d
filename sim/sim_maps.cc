// The SimPlatform instantiation of every map type (STYLE G4): the same map code as production,
// every primitive a scheduling point of the simulator.
#include "impl/internal/create_map_impl.h"
#include "sim/sim_platform.h"

namespace mapsim {

template int create_map<SimPlatform>(SimPlatform&, const MapAttr&, std::unique_ptr<Map>*);

}  // namespace mapsim
