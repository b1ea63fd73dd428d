#include "scenarios/possible_cpus.h"

#include <charconv>
#include <climits>
#include <fstream>
#include <sstream>

namespace mapsim {
namespace {

bool parse_cpu_number(std::string_view text, int* cpu) {
  if (text.empty()) return false;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), *cpu);
  return status == std::errc() && end == text.data() + text.size();
}

// "7" -> 1, "2-5" -> 4; -1 when malformed.
int count_cpu_range(std::string_view range) {
  const size_t dash = range.find('-');
  int first = 0;
  int last = 0;
  if (dash == std::string_view::npos) {
    return parse_cpu_number(range, &first) ? 1 : -1;
  }
  if (!parse_cpu_number(range.substr(0, dash), &first)) return -1;
  if (!parse_cpu_number(range.substr(dash + 1), &last)) return -1;
  return last >= first ? last - first + 1 : -1;
}

}  // namespace

int count_cpu_list(std::string_view text, std::string* error) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  int count = 0;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    const std::string_view range = text.substr(start, comma == text.npos ? comma : comma - start);
    const int range_count = count_cpu_range(range);
    if (range_count < 0 || count > INT_MAX - range_count) {
      *error = "'" + std::string(text) + "' is not a CPU list (like 0-3,8)";
      return -1;
    }
    count += range_count;
    if (comma == text.npos) return count;
    start = comma + 1;
  }
}

int machine_possible_cpus(std::string* error) {
  std::ifstream file(kPossibleCpusPath);
  std::stringstream contents;
  contents << file.rdbuf();
  if (!file) {
    *error = std::string("cannot read ") + kPossibleCpusPath;
    return -1;
  }
  std::string why;
  const int count = count_cpu_list(contents.str(), &why);
  if (count < 0) *error = std::string(kPossibleCpusPath) + ": " + why;
  return count;
}

}  // namespace mapsim
