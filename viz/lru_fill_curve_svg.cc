// draw_lru_fill_curve(): the fill curve as a hand-written svg line plot.
#include <algorithm>
#include <cmath>
#include <string>

#include "viz/dot_text.h"
#include "viz/lru_fill_curve.h"

namespace mapsim::viz {
namespace {

constexpr double kWidth = 760;
constexpr double kHeight = 480;
constexpr double kLeft = 80;
constexpr double kRight = 30;
constexpr double kTop = 80;
constexpr double kBottom = 60;

struct Axes {
  double x_max = 1;
  double y_max = 1;
  double x(double value) const { return kLeft + value / x_max * (kWidth - kLeft - kRight); }
  double y(double value) const {
    return kHeight - kBottom - value / y_max * (kHeight - kTop - kBottom);
  }
};

// 1, 2 or 5 times a power of ten, about range / 8.
double tick_step(double range) {
  const double raw = std::max(range / 8, 1.0);
  const double power = std::pow(10, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0}) {
    if (factor * power >= raw) return factor * power;
  }
  return 10 * power;
}

std::string number(double value) { return dot_number(value); }

// Plot coordinates: a tenth of a point is finer than any screen.
std::string coordinate(double value) { return dot_number(std::round(value * 10) / 10); }

std::string text_element(double x, double y, const std::string& text, const char* extra = "") {
  return "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" " + extra + ">" +
         html_escape(text) + "</text>\n";
}

std::string axes_svg(const Axes& axes, const LruFillCurve& curve) {
  std::string out;
  const double x0 = axes.x(0);
  const double y0 = axes.y(0);
  out += "<g id=\"axes\" stroke=\"#333\" font-size=\"11\" font-family=\"Helvetica,Arial\">\n";
  out += "<line x1=\"" + number(x0) + "\" y1=\"" + number(y0) + "\" x2=\"" +
         number(axes.x(axes.x_max)) + "\" y2=\"" + number(y0) + "\"/>\n";
  out += "<line x1=\"" + number(x0) + "\" y1=\"" + number(y0) + "\" x2=\"" + number(x0) +
         "\" y2=\"" + number(axes.y(axes.y_max)) + "\"/>\n";
  const double x_step = tick_step(axes.x_max);
  for (double tick = 0; tick <= axes.x_max + 1e-9; tick += x_step) {
    out += "<line x1=\"" + number(axes.x(tick)) + "\" y1=\"" + number(y0) + "\" x2=\"" +
           number(axes.x(tick)) + "\" y2=\"" + number(y0 + 5) + "\"/>\n";
    out += text_element(axes.x(tick), y0 + 18, number(tick),
                        "text-anchor=\"middle\" stroke=\"none\"");
  }
  const double y_step = tick_step(axes.y_max);
  for (double tick = 0; tick <= axes.y_max + 1e-9; tick += y_step) {
    out += "<line x1=\"" + number(x0 - 5) + "\" y1=\"" + number(axes.y(tick)) + "\" x2=\"" +
           number(x0) + "\" y2=\"" + number(axes.y(tick)) + "\"/>\n";
    out += text_element(x0 - 8, axes.y(tick) + 4, number(tick),
                        "text-anchor=\"end\" stroke=\"none\"");
  }
  out += text_element((x0 + axes.x(axes.x_max)) / 2, kHeight - 18, "keys inserted",
                      "text-anchor=\"middle\" stroke=\"none\" font-size=\"13\"");
  out += "<text transform=\"translate(22," + number((kTop + y0) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\" stroke=\"none\" font-size=\"13\">keys "
         "retained</text>\n";
  // The capacity as a dotted line.
  const double capacity_y = axes.y(curve.capacity);
  out += "<line id=\"capacity\" x1=\"" + number(x0) + "\" y1=\"" + number(capacity_y) +
         "\" x2=\"" + number(axes.x(axes.x_max)) + "\" y2=\"" + number(capacity_y) +
         "\" stroke=\"#999\" stroke-dasharray=\"2,3\"/>\n";
  out += "</g>\n";
  return out;
}

// Drops the points that lie on the straight line through their neighbours (the data are
// counts, so the test is exact): a fill curve is a few long straight runs.
std::vector<std::pair<double, double>> corners(const std::vector<std::pair<double, double>>& in) {
  std::vector<std::pair<double, double>> out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (out.size() >= 1 && i + 1 < in.size()) {
      const auto& [x1, y1] = out.back();
      const auto& [x2, y2] = in[i];
      const auto& [x3, y3] = in[i + 1];
      if ((y2 - y1) * (x3 - x2) == (y3 - y2) * (x2 - x1)) continue;
    }
    out.push_back(in[i]);
  }
  return out;
}

std::string points_text(const Axes& axes, const std::vector<std::pair<double, double>>& points) {
  std::string text;
  for (const auto& [x, y] : points) {
    if (!text.empty()) text += ' ';
    text += coordinate(axes.x(x)) + "," + coordinate(axes.y(y));
  }
  return text;
}

std::string summary_of(const LruFillCurve& curve) {
  std::string text;
  if (curve.retained_at_capacity > 0) {
    const uint64_t lost = curve.capacity - curve.retained_at_capacity;
    text = "after " + std::to_string(curve.capacity) + " inserts: " +
           std::to_string(curve.retained_at_capacity) + " keys retained";
    if (lost > 0) {
      text += " (" + std::to_string(lost) + " evicted prematurely, " +
              number(std::round(1000.0 * double(lost) / curve.capacity) / 10) + "%)";
    } else {
      text += " (no premature eviction)";
    }
  }
  if (curve.first_premature_eviction > 0) {
    text += "; first premature eviction by insert " +
            std::to_string(curve.first_premature_eviction);
  }
  if (curve.failed_inserts > 0) {
    text += "; " + std::to_string(curve.failed_inserts) + " inserts failed";
  }
  return text;
}

}  // namespace

Picture draw_lru_fill_curve(const LruFillCurve& curve) {
  Picture picture;
  if (!curve.error.empty() || curve.points.size() < 2) {
    picture.error = curve.error.empty() ? "fill curve: no points" : curve.error;
    return picture;
  }
  Axes axes;
  axes.x_max = double(curve.points.back().first);
  uint64_t top = curve.capacity;
  for (const auto& point : curve.points) top = std::max(top, point.second);
  axes.y_max = double(top) * 1.08;
  std::vector<std::pair<double, double>> actual;
  std::vector<std::pair<double, double>> ideal;
  for (const auto& [inserted, retained] : curve.points) {
    actual.emplace_back(double(inserted), double(retained));
    ideal.emplace_back(double(inserted), double(std::min<uint64_t>(inserted, curve.capacity)));
  }
  actual = corners(actual);
  ideal = corners(ideal);
  std::vector<std::pair<double, double>> gap = actual;  // actual forward, ideal backward
  gap.insert(gap.end(), ideal.rbegin(), ideal.rend());
  std::string& svg = picture.svg;
  svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"" + number(kWidth) + "pt\" height=\"" + number(kHeight) + "pt\" viewBox=\"0 0 " +
        number(kWidth) + " " + number(kHeight) + "\">\n";
  svg += "<title>" + html_escape("LRU fill curve: " + curve.describe()) + "</title>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<g font-family=\"Helvetica,Arial\">\n";
  svg += "<text id=\"title\" x=\"" + number(kWidth / 2) + "\" y=\"24\" text-anchor=\"middle\" "
         "font-size=\"13\">" + html_escape("LRU fill: " + curve.describe()) + "</text>\n";
  svg += "<text id=\"summary\" x=\"" + number(kWidth / 2) + "\" y=\"44\" text-anchor=\"middle\" "
         "font-size=\"12\" fill=\"#b03a2e\">" + html_escape(summary_of(curve)) + "</text>\n";
  svg += axes_svg(axes, curve);
  svg += "<polygon id=\"premature\" points=\"" + points_text(axes, gap) +
         "\" fill=\"#f5b7b1\" fill-opacity=\"0.7\" stroke=\"none\"/>\n";
  svg += "<polyline id=\"ideal\" points=\"" + points_text(axes, ideal) +
         "\" fill=\"none\" stroke=\"#7f8c8d\" stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n";
  svg += "<polyline id=\"actual\" points=\"" + points_text(axes, actual) +
         "\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n";
  // Legend, bottom right of the plot area (below the diagonal, where no curve runs).
  const double lx = kWidth - kRight - 230;
  const double ly = kHeight - kBottom - 60;
  svg += "<g id=\"legend\" font-size=\"11\">\n";
  svg += "<line x1=\"" + number(lx) + "\" y1=\"" + number(ly) + "\" x2=\"" + number(lx + 24) +
         "\" y2=\"" + number(ly) + "\" stroke=\"#7f8c8d\" stroke-dasharray=\"6,4\"/>\n";
  svg += text_element(lx + 30, ly + 4,
                      "ideal: min(inserted, " + std::to_string(curve.capacity) + ")");
  svg += "<line x1=\"" + number(lx) + "\" y1=\"" + number(ly + 16) + "\" x2=\"" +
         number(lx + 24) + "\" y2=\"" + number(ly + 16) + "\" stroke=\"#1f77b4\" "
         "stroke-width=\"2\"/>\n";
  svg += text_element(lx + 30, ly + 20, "mapsim LRU map (measured)");
  svg += "<rect x=\"" + number(lx) + "\" y=\"" + number(ly + 27) +
         "\" width=\"24\" height=\"10\" fill=\"#f5b7b1\"/>\n";
  svg += text_element(lx + 30, ly + 36, "premature eviction");
  svg += "</g>\n</g>\n</svg>\n";
  return picture;
}

}  // namespace mapsim::viz
