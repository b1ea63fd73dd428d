// The op-script runner (spec/op-script.md): reads an op script, runs each line against an
// OpBackend (mapsim's maps or the live kernel) and writes one JSON object per counted line.
//
// Output is compact JSON with a fixed key order ("i", "op", then the op's fields, as in the
// spec's examples), so the outputs of two backends compare line by line as text.
//
// Routing: an op goes to the map named by its "map" field, else to the most recent map line.
// An op is an input error (an "error" line, never a map result) when it has no map to go to:
// no map line yet, an unknown id, or a map whose create failed or whose line was invalid. A
// map line whose type the backend does not model (create returns bpf::kENOSYS) is an error
// line too, and so is a line the backend throws on (it cannot run it on this machine at all,
// e.g. the kernel backend on an offline CPU). Input checks that need the map (key and value
// lengths, the CPU range) happen here, before the backend sees the op.
#pragma once

#include <iosfwd>

#include "scenarios/op_backend.h"

namespace mapsim {

// Runs every line of `in`; returns 0, or 1 when any line was an error line.
int run_op_script(std::istream& in, std::ostream& out, OpBackend& backend);

}  // namespace mapsim
