#include "sim/seed.h"

#include <cctype>
#include <charconv>
#include <string>

namespace mapsim::sim {
namespace {

bool all_hex(std::string_view text) {
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return !text.empty();
}

Result<uint64_t> parse_number(std::string_view digits, int base, std::string_view original) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
    return Result<uint64_t>::failure("seed '" + std::string(original) +
                                     "' is not a 64-bit number or a 40-digit commit hash");
  }
  return Result<uint64_t>::success(value);
}

}  // namespace

Result<uint64_t> parse_seed(std::string_view text) {
  if (text.size() == 40 && all_hex(text)) return parse_number(text.substr(0, 16), 16, text);
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    return parse_number(text.substr(2), 16, text);
  }
  return parse_number(text, 10, text);
}

}  // namespace mapsim::sim
