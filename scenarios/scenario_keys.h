// The `keys:` section of a scenario file: keys asked for by where they land in the hash table,
// found by Z3 when the file is loaded (docs/scenario-format.md "Keys found by the solver";
// docs/keys.md).
//
//   map: {type: lru_hash, key_size: 4, value_size: 8, max_entries: 16, flags: [BPF_F_ZERO_SEED]}
//   keys:
//     hot: {bucket: 3, count: 4}           # 4 distinct keys in bucket 3 of this map
//     twin: {collide_with: 7}              # a key (not 7) in key 7's bucket
//     same: {collide_with: 7, full_hash: true, template: "07xxxxxx"}
//   cpu0: [update $hot.0 1, update $hot.1 2, delete $twin.0]
//
// Resolution is a pass over the text that runs before the parser (parse_scenario_yaml calls
// it): it reads the map section and the keys section, solves each request (through the on-disk
// key cache, so a file resolves to the same keys on every run and every Z3 version), and
// replaces every reference `$name.i` with the key's scalar (an integer for keys of at most 8
// bytes below 2^32, else 0x and the bytes). The parser then sees plain keys and skips `keys:`.
// Columns after a replaced reference on its line shift by the difference in length; lines stay.
//
// Requests need the map's type, key_size and max_entries (and BPF_F_ZERO_SEED: without it the
// bucket of a key depends on the map's random seed). Errors name the file, line, column and
// field: an unknown reference, an index past `count`, a bucket out of range, more keys than the
// bucket's key space holds ("impossible"), and a solver timeout ("timeout", never impossible).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mapsim::scenario {

struct KeyResolution {
  std::string text;                 ///< the file with every `$name.i` replaced
  std::vector<std::string> errors;  ///< "file:line:column: keys.name.count: ..."
  int requests = 0;                 ///< key requests solved (or read from the cache)
};

// `cache_directory`: where answers are kept ("" for no cache). The default for loading files is
// default_key_cache_directory().
KeyResolution resolve_scenario_keys(std::string_view text, const std::string& file,
                                    const std::string& cache_directory);

// $MAPSIM_KEY_CACHE, else $XDG_CACHE_HOME/mapsim/keys, else $HOME/.cache/mapsim/keys, else "".
std::string default_key_cache_directory();

}  // namespace mapsim::scenario
