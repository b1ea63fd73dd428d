#include "cli/progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace mapsim::cli {
namespace {

constexpr double kQuietSeconds = 1.0;   // runs shorter than this draw nothing
constexpr double kRedrawSeconds = 0.1;  // at most ten redraws a second

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, seconds < 10 ? "%.1f s" : "%.0f s", seconds);
  return text;
}

}  // namespace

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressLine::ProgressLine(std::string label, bool enabled)
    : label_(std::move(label)), enabled_(enabled) {}

ProgressLine::~ProgressLine() { finish(); }

std::string ProgressLine::text(const std::string& label, const RunTotals& totals) {
  const double rate = totals.elapsed_seconds > 0
                          ? static_cast<double>(totals.executions) / totals.elapsed_seconds
                          : 0.0;
  std::string line = label + ": " + std::to_string(totals.executions) + " executions (" +
                     std::to_string(static_cast<uint64_t>(rate)) + "/s), " +
                     std::to_string(totals.failing_executions) + " failing, " +
                     std::to_string(totals.path_events) + " path events";
  if (totals.time_budget_seconds > 0) {
    const double left = totals.time_budget_seconds - totals.elapsed_seconds;
    line += ", " + seconds_text(left > 0 ? left : 0) + " left";
  } else if (totals.execution_budget > totals.executions && rate > 0) {
    const double left = static_cast<double>(totals.execution_budget - totals.executions) / rate;
    line += ", at most " + seconds_text(left) + " left";
  }
  return line;
}

void ProgressLine::update(const RunTotals& totals) {
  if (!enabled_ || totals.elapsed_seconds < kQuietSeconds) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && std::chrono::duration<double>(now - last_draw_).count() < kRedrawSeconds) return;
  last_draw_ = now;
  drawn_ = true;
  std::fprintf(stderr, "\r%s\x1b[K", text(label_, totals).c_str());
  std::fflush(stderr);
}

void ProgressLine::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!drawn_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace mapsim::cli
