// Comparing a recorded trace file with a replay of it (`mapsim replay`): what differs, in the
// order a reader wants it: the failure, the step count, the trace hash, each operation's
// result, then the first trace record that differs (both versions shown, with their
// neighbourhood), so that a diverging replay says where and how.
#pragma once

#include <string>
#include <vector>

#include "scenarios/trace/trace_file.h"

namespace mapsim::cli {

// Empty when `replayed` equals `recorded` in failure, steps, hash, results and records.
std::vector<std::string> trace_differences(const scenario::TraceFile& recorded,
                                           const scenario::TraceFile& replayed);

// The first index at which the records differ (records.size() of the shorter when one is a
// prefix of the other; SIZE_MAX when equal).
size_t first_record_difference(const std::vector<scenario::TraceEntry>& recorded,
                               const std::vector<scenario::TraceEntry>& replayed);

}  // namespace mapsim::cli
