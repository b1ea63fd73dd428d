// Names of the errnos map operations return (x86_64 numbers, fact sheet 0.2), for labels:
// result_text(-17) == "-17 EEXIST".
#pragma once

#include <cstdint>
#include <string>

namespace mapsim::viz {

// "EEXIST" for 17 (or -17); "" for a number without a name here.
const char* errno_name(int64_t value);
// "0", "-17 EEXIST", "-9999", "5".
std::string result_text(int64_t value);

}  // namespace mapsim::viz
