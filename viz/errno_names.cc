#include "viz/errno_names.h"

namespace mapsim::viz {

const char* errno_name(int64_t value) {
  switch (value < 0 ? -value : value) {
    case 1: return "EPERM";
    case 2: return "ENOENT";
    case 4: return "EINTR";
    case 7: return "E2BIG";
    case 9: return "EBADF";
    case 11: return "EAGAIN";
    case 12: return "ENOMEM";
    case 13: return "EACCES";
    case 14: return "EFAULT";
    case 16: return "EBUSY";
    case 17: return "EEXIST";
    case 19: return "ENODEV";
    case 22: return "EINVAL";
    case 28: return "ENOSPC";
    case 35: return "EDEADLK";
    case 95: return "EOPNOTSUPP";
    case 110: return "ETIMEDOUT";
    case 524: return "ENOTSUPP";
    default: return "";
  }
}

std::string result_text(int64_t value) {
  std::string text = std::to_string(value);
  if (value < 0) {
    const std::string name = errno_name(value);
    if (!name.empty()) text += " " + name;
  }
  return text;
}

}  // namespace mapsim::viz
