#include "sim/schedule.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <cstdio>

namespace mapsim::sim {
namespace {

constexpr std::string_view kCompactHeader = "mapsim-schedule/1";
constexpr std::string_view kJsonFormat = "mapsim-schedule";

std::string hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

bool parse_hex64(std::string_view text, uint64_t* value) {
  if (text.empty() || text.size() > 16) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value, 16);
  return error == std::errc() && end == text.data() + text.size();
}

bool plain_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == '/' || c == ':';
}

std::string escape_name(std::string_view name) {
  std::string text;
  for (char c : name) {
    if (plain_name_char(c)) {
      text += c;
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      text += escaped;
    }
  }
  return text;
}

bool unescape_name(std::string_view text, std::string* name) {
  name->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      name->push_back(text[i]);
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return false;
    auto [end, error] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (error != std::errc() || end != text.data() + i + 3) return false;
    name->push_back(static_cast<char>(value));
    i += 2;
  }
  return true;
}

// Splits "key=value"; false when there is no '=' or the key differs.
bool field(std::string_view token, std::string_view key, std::string_view* value) {
  if (token.size() <= key.size() || token.substr(0, key.size()) != key ||
      token[key.size()] != '=') {
    return false;
  }
  *value = token.substr(key.size() + 1);
  return true;
}

std::vector<std::string_view> split_blanks(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

std::string check_choice_range(const Choice& choice, size_t index) {
  if (choice.kind == Choice::Kind::kContext && choice.value >= 4096) {
    return "choice " + std::to_string(index) + ": context " + std::to_string(choice.value) +
           " is out of range";
  }
  return "";
}

}  // namespace

std::string Schedule::choices_text() const {
  std::string text;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i != 0) text += '.';
    if (choices[i].kind == Choice::Kind::kValue) text += 'v';
    text += std::to_string(choices[i].value);
  }
  return text;
}

std::string Schedule::to_compact() const {
  return std::string(kCompactHeader) + " scenario=" + escape_name(scenario) +
         " fingerprint=" + hex64(fingerprint) + " hash=" + hex64(trace_hash) +
         " choices=" + choices_text();
}

std::string Schedule::to_json() const {
  nlohmann::json choice_list = nlohmann::json::array();
  for (const Choice& choice : choices) {
    if (choice.kind == Choice::Kind::kContext) {
      choice_list.push_back(choice.value);
    } else {
      choice_list.push_back({{"value", choice.value}});
    }
  }
  nlohmann::json document = {{"format", kJsonFormat},         {"version", kFormatVersion},
                             {"scenario", scenario},          {"fingerprint", hex64(fingerprint)},
                             {"trace_hash", hex64(trace_hash)}, {"choices", choice_list}};
  return document.dump();
}

std::string Schedule::parse_choices(std::string_view text, std::vector<Choice>* out) {
  out->clear();
  if (text.empty()) return "";
  size_t start = 0;
  for (size_t index = 0;; ++index) {
    size_t end = text.find('.', start);
    std::string_view entry = text.substr(start, end == std::string_view::npos ? text.npos
                                                                              : end - start);
    Choice choice;
    std::string_view digits = entry;
    if (!entry.empty() && entry[0] == 'v') {
      choice.kind = Choice::Kind::kValue;
      digits = entry.substr(1);
    }
    unsigned value = 0;
    auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || error != std::errc() || stop != digits.data() + digits.size() ||
        value > kMaxValue) {
      return "choice " + std::to_string(index) + " '" + std::string(entry) +
             "' is not a context number or v<outcome>";
    }
    choice.value = static_cast<uint16_t>(value);
    if (std::string range = check_choice_range(choice, index); !range.empty()) return range;
    out->push_back(choice);
    if (end == std::string_view::npos) return "";
    start = end + 1;
  }
}

Result<Schedule> Schedule::parse_compact(std::string_view text) {
  const std::vector<std::string_view> tokens = split_blanks(text);
  if (tokens.empty() || tokens[0] != kCompactHeader) {
    return Result<Schedule>::failure("schedule: expected the header '" +
                                     std::string(kCompactHeader) + "' at the start");
  }
  Schedule schedule;
  std::string_view value;
  bool seen[4] = {false, false, false, false};
  for (size_t i = 1; i < tokens.size(); ++i) {
    std::string_view token = tokens[i];
    if (field(token, "scenario", &value)) {
      if (!unescape_name(value, &schedule.scenario)) {
        return Result<Schedule>::failure("schedule: bad %-escape in scenario name");
      }
      seen[0] = true;
    } else if (field(token, "fingerprint", &value)) {
      if (!parse_hex64(value, &schedule.fingerprint)) {
        return Result<Schedule>::failure("schedule: fingerprint is not 16 hex digits");
      }
      seen[1] = true;
    } else if (field(token, "hash", &value)) {
      if (!parse_hex64(value, &schedule.trace_hash)) {
        return Result<Schedule>::failure("schedule: hash is not 16 hex digits");
      }
      seen[2] = true;
    } else if (token == "choices=" || field(token, "choices", &value)) {
      if (token == "choices=") value = {};
      if (std::string error = parse_choices(value, &schedule.choices); !error.empty()) {
        return Result<Schedule>::failure("schedule: " + error);
      }
      seen[3] = true;
    } else {
      return Result<Schedule>::failure("schedule: unknown field '" + std::string(token) + "'");
    }
  }
  const char* names[4] = {"scenario", "fingerprint", "hash", "choices"};
  for (int i = 0; i < 4; ++i) {
    if (!seen[i]) {
      return Result<Schedule>::failure(std::string("schedule: missing field '") + names[i] +
                                       "'");
    }
  }
  return Result<Schedule>::success(std::move(schedule));
}

namespace {

std::string json_choice(const nlohmann::json& item, size_t index, Choice* choice) {
  const std::string where = "schedule: choices[" + std::to_string(index) + "]";
  if (item.is_number_unsigned() && item.get<uint64_t>() <= Schedule::kMaxValue) {
    *choice = Choice::context(static_cast<int>(item.get<uint64_t>()));
  } else if (item.is_object() && item.size() == 1 && item.contains("value") &&
             item["value"].is_number_unsigned() &&
             item["value"].get<uint64_t>() <= Schedule::kMaxValue) {
    *choice = Choice::outcome(static_cast<int>(item["value"].get<uint64_t>()));
  } else {
    return where + " is neither a context number nor {\"value\": n}";
  }
  std::string range = check_choice_range(*choice, index);
  return range.empty() ? "" : "schedule: " + range;
}

std::string json_hex(const nlohmann::json& document, const char* key, uint64_t* value) {
  if (!document.contains(key) || !document[key].is_string() ||
      !parse_hex64(document[key].get<std::string>(), value)) {
    return std::string("schedule: '") + key + "' must be a string of 16 hex digits";
  }
  return "";
}

std::string json_header(const nlohmann::json& document, Schedule* schedule) {
  if (!document.is_object()) return "schedule: the JSON document is not an object";
  if (!document.contains("format") || document["format"] != kJsonFormat) {
    return "schedule: 'format' must be \"mapsim-schedule\"";
  }
  if (!document.contains("version") || document["version"] != Schedule::kFormatVersion) {
    return "schedule: unsupported 'version' (this build reads version 1)";
  }
  if (!document.contains("scenario") || !document["scenario"].is_string()) {
    return "schedule: 'scenario' must be a string";
  }
  schedule->scenario = document["scenario"].get<std::string>();
  if (std::string error = json_hex(document, "fingerprint", &schedule->fingerprint);
      !error.empty()) {
    return error;
  }
  return json_hex(document, "trace_hash", &schedule->trace_hash);
}

}  // namespace

Result<Schedule> Schedule::parse_json(std::string_view text) {
  nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return Result<Schedule>::failure("schedule: not valid JSON");
  }
  Schedule schedule;
  if (std::string error = json_header(document, &schedule); !error.empty()) {
    return Result<Schedule>::failure(error);
  }
  if (!document.contains("choices") || !document["choices"].is_array()) {
    return Result<Schedule>::failure("schedule: 'choices' must be an array");
  }
  const nlohmann::json& items = document["choices"];
  for (size_t index = 0; index < items.size(); ++index) {
    Choice choice;
    if (std::string error = json_choice(items[index], index, &choice); !error.empty()) {
      return Result<Schedule>::failure(error);
    }
    schedule.choices.push_back(choice);
  }
  return Result<Schedule>::success(std::move(schedule));
}

Result<Schedule> Schedule::parse(std::string_view text) {
  size_t first = 0;
  while (first < text.size() && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
  if (first == text.size()) return Result<Schedule>::failure("schedule: the input is empty");
  if (text[first] == '{') return parse_json(text);
  return parse_compact(text);
}

}  // namespace mapsim::sim
