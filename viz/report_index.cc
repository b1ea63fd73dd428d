#include "viz/report_index.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "viz/dot_text.h"
#include "viz/picture.h"

namespace mapsim::viz {
namespace {

// A relative path as a URL: bytes outside the unreserved set (and '/') are percent-encoded.
std::string url_of(const std::string& path) {
  std::string url;
  for (unsigned char c : path) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
    if (plain) {
      url += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      url += escaped;
    }
  }
  return url;
}

constexpr const char* kStyle =
    "body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
    ".verdict.pass{background:#d5f5d5}.verdict.fail{background:#ffd6d6;font-weight:bold}"
    "figure{display:inline-block;margin:8px;vertical-align:top}"
    "img.picture{max-width:900px;max-height:700px;border:1px solid #ddd}"
    "figcaption{font-size:13px;color:#555}";

std::string picture_html(const ReportPicture& picture) {
  const std::string url = html_escape(url_of(picture.path));
  std::string html = "<figure><a href=\"" + url + "\"><img class=\"picture\" src=\"" + url +
                     "\" data-picture=\"" + html_escape(picture.path) + "\" alt=\"" +
                     html_escape(picture.caption) + "\"></a><figcaption>" +
                     html_escape(picture.caption);
  if (!picture.dot_path.empty()) {
    html += " (<a href=\"" + html_escape(url_of(picture.dot_path)) + "\">dot</a>)";
  }
  return html + "</figcaption></figure>\n";
}

std::string scenario_row(const ReportScenario& scenario, size_t index) {
  return "<tr><td><a href=\"#scenario-" + std::to_string(index) + "\">" +
         html_escape(scenario.name) + "</a></td><td>" + html_escape(scenario.file) +
         "</td><td class=\"verdict " + (scenario.passed ? "pass" : "fail") + "\">" +
         html_escape(scenario.verdict) + "</td><td>" + html_escape(scenario.details) +
         "</td></tr>\n";
}

std::string scenario_section(const ReportScenario& scenario, size_t index) {
  std::string html = "<section id=\"scenario-" + std::to_string(index) + "\"><h2>" +
                     html_escape(scenario.name) + ": <span class=\"verdict " +
                     (scenario.passed ? "pass" : "fail") + "\">" +
                     html_escape(scenario.verdict) + "</span></h2>\n";
  if (!scenario.details.empty()) html += "<p>" + html_escape(scenario.details) + "</p>\n";
  if (!scenario.traces.empty()) {
    html += "<p>traces:";
    for (const std::string& trace : scenario.traces) {
      html += " <a class=\"trace\" href=\"" + html_escape(url_of(trace)) + "\">" +
              html_escape(trace) + "</a>";
    }
    html += "</p>\n";
  }
  for (const ReportPicture& picture : scenario.pictures) html += picture_html(picture);
  return html + "</section>\n";
}

}  // namespace

std::string report_index_html(const ReportIndex& index) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     html_escape(index.title) + "</title><style>" + kStyle +
                     "</style></head>\n<body>\n<h1>" + html_escape(index.title) + "</h1>\n";
  if (!index.summary.empty()) html += "<p id=\"summary\">" + html_escape(index.summary) + "</p>\n";
  html += "<table id=\"scenarios\"><tr><th>scenario</th><th>file</th><th>verdict</th>"
          "<th>details</th></tr>\n";
  for (size_t i = 0; i < index.scenarios.size(); ++i) {
    html += scenario_row(index.scenarios[i], i + 1);
  }
  html += "</table>\n";
  if (!index.run_pictures.empty()) {
    html += "<section id=\"run\"><h2>the whole run</h2>\n";
    for (const ReportPicture& picture : index.run_pictures) html += picture_html(picture);
    html += "</section>\n";
  }
  for (size_t i = 0; i < index.scenarios.size(); ++i) {
    html += scenario_section(index.scenarios[i], i + 1);
  }
  return html + "</body></html>\n";
}

std::string write_report_index(const ReportIndex& index, const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return directory + ": cannot create the folder: " + error.message();
  return write_text_file((std::filesystem::path(directory) / "index.html").string(),
                         report_index_html(index));
}

}  // namespace mapsim::viz
