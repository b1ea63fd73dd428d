#!/usr/bin/env python3
"""Turns hash_map_bench's JSON output into the Markdown tables of docs/benchmarks.md.

Usage: scripts/bench_table.py [--wall | --summary] out/bench/hash_map.json

--summary prints only the README's table: program side, 1 thread, 8-byte values.

The cost of an operation is one thread's time per operation: Google Benchmark's CPU column
(CPU time of all threads / operations of all threads). With --wall, it is wall time per
operation per thread instead (real_time x threads), which also counts time spent waiting for
a lock (or preempted). The kernel's program-side rows are timed by the kernel itself (manual
time, rescheduling excluded, a run's fixed cost subtracted) and carry ops_per_iteration; both
variants use that time. Repetition aggregates are read when present (the median).
"""
import json
import sys

# An earlier reference measurement of the kernel's in-kernel costs on this machine (ns/op,
# 4-byte keys, 8-byte values, one thread; method not recorded); see docs/benchmarks.md.
# Keys: (operation, entries).
KERNEL_REFERENCE_NS = {
    ("lookup_hit", 1024): 22, ("lookup_miss", 1024): 20, ("update_existing", 1024): 86,
    ("percpu_lookup", 1024): 25, ("array_lookup", 1024): 2.7,
    ("lookup_hit", 65536): 77, ("lookup_miss", 65536): 61, ("update_existing", 65536): 178,
    ("percpu_lookup", 65536): 92, ("array_lookup", 65536): 5,
}
PROGRAM_OPERATIONS = ["lookup_hit", "lookup_miss", "update_existing", "percpu_lookup",
                      "array_lookup"]
SYSCALL_OPERATIONS = ["syscall_lookup_hit", "syscall_update_existing"]
PEERS = [("mutex_unordered_map", "unordered_map+mutex"),
         ("tbb_concurrent_hash_map", "tbb::concurrent_hash_map")]


def load(path, wall):
    """{(operation, subject, entries, value_size, threads): ns per operation per thread}"""
    with open(path) as file:
        benchmarks = json.load(file)["benchmarks"]
    has_aggregates = any(b.get("run_type") == "aggregate" for b in benchmarks)
    results = {}
    for bench in benchmarks:
        if bench.get("error_occurred"):
            continue
        if has_aggregates and bench.get("aggregate_name") != "median":
            continue
        parts = bench["run_name"].split("/")
        operation, subject = parts[0], parts[1]
        entries = int(parts[2].split(":")[1])
        value_size = int(parts[3].split(":")[1])
        threads = int(bench["threads"])
        assert bench["time_unit"] == "ns", bench["name"]
        if "ops_per_iteration" in bench:
            cost = bench["real_time"] * threads / bench["ops_per_iteration"]
        else:
            cost = bench["real_time"] * threads if wall else bench["cpu_time"]
        results[(operation, subject, entries, value_size, threads)] = cost
    return results


def cell(value):
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def ratio(numerator, denominator):
    if numerator is None or denominator is None:
        return "—"
    return f"{numerator / denominator:.2f}"


def entries_label(entries):
    return f"{entries // 1024}K"


def program_table(results, threads):
    lines = [
        "| operation | entries | value | mapsim | kernel | mapsim ÷ kernel | kernel (reference) | "
        + " | ".join(f"{label} | mapsim ÷ it" for _, label in PEERS) + " |",
        "|---|---|---|---:|---:|---:|---:|" + "---:|---:|" * len(PEERS),
    ]
    for entries in (1024, 65536):
        for value_size in (8, 64):
            for operation in PROGRAM_OPERATIONS:
                mapsim = results.get((operation, "mapsim", entries, value_size, threads))
                kernel = results.get((operation, "kernel", entries, value_size, threads))
                reference = None
                if value_size == 8 and threads == 1:
                    reference = KERNEL_REFERENCE_NS.get((operation, entries))
                row = [operation, entries_label(entries), f"{value_size} B", cell(mapsim),
                       cell(kernel), ratio(mapsim, kernel), cell(reference)]
                for subject, _ in PEERS:
                    peer = results.get((operation, subject, entries, value_size, threads))
                    row += [cell(peer), ratio(mapsim, peer)]
                lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def syscall_table(results):
    lines = ["| operation | entries | value | threads | mapsim | kernel (bpf(2)) "
             "| mapsim ÷ kernel |",
             "|---|---|---|---:|---:|---:|---:|"]
    for operation in SYSCALL_OPERATIONS:
        for entries in (1024, 65536):
            for value_size in (8, 64):
                for threads in (1, 2):
                    mapsim = results.get((operation, "mapsim", entries, value_size, threads))
                    kernel = results.get((operation, "kernel", entries, value_size, threads))
                    lines.append(f"| {operation} | {entries_label(entries)} | {value_size} B | "
                                 f"{threads} | {cell(mapsim)} | {cell(kernel)} | "
                                 f"{ratio(mapsim, kernel)} |")
    return "\n".join(lines)


def summary_table(results):
    lines = ["| operation | entries | mapsim | kernel | unordered_map+mutex | "
             "tbb::concurrent_hash_map |",
             "|---|---|---:|---:|---:|---:|"]
    for entries in (1024, 65536):
        for operation in PROGRAM_OPERATIONS:
            row = [operation, entries_label(entries)]
            for subject in ("mapsim", "kernel") + tuple(subject for subject, _ in PEERS):
                row.append(cell(results.get((operation, subject, entries, 8, 1))))
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main():
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    results = load(args[0], wall="--wall" in sys.argv)
    if "--summary" in sys.argv:
        print(summary_table(results))
        return
    for threads in (1, 2):
        print(f"#### Program side, {threads} thread{'s' if threads > 1 else ''} (ns/op per thread)")
        print()
        print(program_table(results, threads))
        print()
    print("#### Syscall side (ns/op per thread)")
    print()
    print(syscall_table(results))


if __name__ == "__main__":
    main()
