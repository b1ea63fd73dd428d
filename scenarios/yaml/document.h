// The one YAML document of a scenario file, loaded without yaml-cpp's LoadAll.
//
// yaml-cpp 0.7 (Debian 12) has LoadAll loop forever, allocating a null document per turn, when
// a token cannot start a node (a stray ',' at the top: upstream issue #1040, fixed by PR #1319
// after 0.7). A scenario file is one document, so the document is loaded with Load, and a
// probe walks the parser's events to see whether another document follows, stopping, as the
// upstream fix does, at the first document without a root.
#pragma once

#include <optional>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "scenarios/yaml/reader.h"

namespace mapsim::scenario::yaml {

// The document's root; nullopt after reporting a syntax error (with the YAML reader's
// position), an empty file, a file whose first line of content starts no YAML node, or a
// second document.
std::optional<YAML::Node> load_one_document(Context& context, std::string_view text);

}  // namespace mapsim::scenario::yaml
