// The console reporter of lru_map_bench, plus a Markdown summary printed after the last row:
// mapsim next to the live kernel (and the earlier kernel reference) per operation, map, LRU
// flavour, size and thread count, with ratios; and the large-map creation costs. This is the
// table of docs/lru-benchmarks.md, so the document is a copy of the program's own output.
//
// Row names: <operation>/<subject>/<map>/<lru lists>/entries:N/value:B (create rows:
// create/mapsim/<map>/<lru lists>/entries:N/cpus:C). With repetitions, the median is used.
//
// Cost of an operation = one thread's time per operation:
//   mapsim CPU    Google Benchmark's CPU column: CPU time of all threads / operations of all
//                 threads (time spent preempted is not counted, spinning on a lock is)
//   mapsim wall   wall time per operation per thread (real time x threads)
//   kernel        the kernel's own timing of the program runs (preemption excluded, an empty
//                 run's cost subtracted), per operation: real time x threads / ops_per_iteration
// The ratio compares mapsim CPU with the kernel, the two figures that exclude preemption.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace mapsim::bench {

// In-kernel costs measured earlier on this machine (ns/op; LRU_HASH, common LRU, 4-byte keys,
// 8-byte values, one thread). Keys: (operation, entries).
inline const std::map<std::pair<std::string, int>, double>& lru_kernel_reference_ns() {
  static const std::map<std::pair<std::string, int>, double> reference = {
      {{"lookup_hit", 1024}, 31},  {{"lookup_hit", 65536}, 76},
      {{"insert_new", 1024}, 155}, {{"insert_new", 65536}, 269},
  };
  return reference;
}

class LruSummaryReporter : public benchmark::ConsoleReporter {
 public:
  LruSummaryReporter() : ConsoleReporter(OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) record(run);
  }

  void Finalize() override {
    std::ostream& out = GetOutputStream();
    out << "\n" << operations_table() << "\n" << creation_table();
  }

 private:
  // Fields of a row name, split at '/'; the trailing "key:value" fields keep only the value.
  struct RowName {
    std::string operation, subject, map, lru;
    int entries = 0;
    int last = 0;  ///< value size (bytes) or, for create rows, possible CPUs
  };
  /// (operation, map, LRU lists, entries, value size or possible CPUs, threads)
  using RowKey = std::tuple<std::string, std::string, std::string, int, int, int64_t>;
  struct Measured {
    double ns = -1;       ///< per operation per thread (create rows: ms per creation)
    double wall_ns = -1;  ///< mapsim only
    bool from_median = false;
    benchmark::UserCounters counters;
  };

  static bool parse(const std::string& name, RowName* row) {
    std::vector<std::string> parts;
    std::stringstream stream(name);
    for (std::string part; std::getline(stream, part, '/');) parts.push_back(part);
    if (parts.size() != 6) return false;
    auto value_of = [](const std::string& field) {
      return std::atoi(field.substr(field.find(':') + 1).c_str());
    };
    *row = RowName{parts[0], parts[1], parts[2], parts[3], value_of(parts[4]), value_of(parts[5])};
    return true;
  }

  void record(const Run& run) {
    RowName row;
    if (run.error_occurred || !parse(run.run_name.function_name, &row)) return;
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    if (run.run_type == Run::RT_Aggregate && !median) return;
    const RowKey key{row.operation, row.map, row.lru, row.entries, row.last, run.threads};
    Measured& measured = row.subject == "kernel" ? kernel_[key] : mapsim_[key];
    if (measured.from_median && !median) return;
    measured.from_median = median;
    measured.counters = run.counters;
    const double threads = double(run.threads);
    if (row.operation == "create") {
      measured.ns = run.GetAdjustedRealTime();  // manual time, in the row's unit (ms)
    } else if (row.subject == "kernel") {
      const auto ops = run.counters.find("ops_per_iteration");
      if (ops == run.counters.end()) return;
      measured.ns = run.GetAdjustedRealTime() * threads / ops->second.value;
    } else {
      measured.ns = run.GetAdjustedCPUTime();
      measured.wall_ns = run.GetAdjustedRealTime() * threads;
    }
  }

  static std::string format(double value, const char* pattern = "%.1f") {
    if (value < 0) return "-";
    char text[32];
    std::snprintf(text, sizeof(text), pattern, value);
    return text;
  }
  static std::string ratio(double numerator, double denominator) {
    return numerator < 0 || denominator <= 0 ? "-" : format(numerator / denominator, "%.2f");
  }

  static Measured measured_or_none(const std::map<RowKey, Measured>& rows, const RowKey& key) {
    const auto found = rows.find(key);
    return found == rows.end() ? Measured{} : found->second;
  }

  // The earlier reference for a row, or -1: it was taken for LRU_HASH, common LRU, one thread.
  static double reference_ns(const RowKey& key) {
    const auto& [operation, map, lru, entries, value_size, threads] = key;
    if (map != "lru_hash" || lru != "common_lru" || value_size != 8 || threads != 1) return -1;
    const auto known = lru_kernel_reference_ns().find({operation, entries});
    return known == lru_kernel_reference_ns().end() ? -1 : known->second;
  }

  std::string operations_table() const {
    std::ostringstream out;
    out << "| operation | map | LRU lists | entries | value B | threads | mapsim CPU ns "
           "| mapsim wall ns | kernel ns | mapsim/kernel | kernel reference ns "
           "| mapsim/reference |\n"
        << "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    std::set<RowKey> keys;  // rows of either subject, so that a filtered run still shows
    for (const auto& entry : mapsim_) keys.insert(entry.first);
    for (const auto& entry : kernel_) keys.insert(entry.first);
    for (const RowKey& key : keys) {
      const auto& [operation, map, lru, entries, value_size, threads] = key;
      if (operation == "create") continue;
      const Measured mapsim = measured_or_none(mapsim_, key);
      const double kernel_ns = measured_or_none(kernel_, key).ns;
      const double reference = reference_ns(key);
      out << "| " << operation << " | " << map << " | " << lru << " | " << entries << " | "
          << value_size << " | " << threads << " | " << format(mapsim.ns) << " | "
          << format(mapsim.wall_ns) << " | " << format(kernel_ns) << " | "
          << ratio(mapsim.ns, kernel_ns) << " | " << format(reference, "%.0f") << " | "
          << ratio(mapsim.ns, reference) << " |\n";
    }
    return out.str();
  }

  std::string creation_table() const {
    std::ostringstream out;
    out << "| map | LRU lists | entries | possible CPUs | ms per creation | bytes_in_use MiB "
           "| RSS growth MiB | peak RSS MiB |\n"
        << "|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& [key, mapsim] : mapsim_) {
      const auto& [operation, map, lru, entries, cpus, threads] = key;
      if (operation != "create") continue;
      auto mib = [&](const char* counter) {
        const auto found = mapsim.counters.find(counter);
        return found == mapsim.counters.end() ? "-" : format(found->second.value / (1 << 20));
      };
      out << "| " << map << " | " << lru << " | " << entries << " | " << cpus << " | "
          << format(mapsim.ns) << " | " << mib("bytes_in_use")
          << " | " << mib("rss_growth") << " | " << mib("peak_rss") << " |\n";
    }
    return out.str();
  }

  std::map<RowKey, Measured> mapsim_;
  std::map<RowKey, Measured> kernel_;
};

}  // namespace mapsim::bench
