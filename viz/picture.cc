#include "viz/picture.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>


namespace mapsim::viz {

Picture make_picture(std::string dot, std::string_view engine, double seconds_max) {
  Picture picture;
  RenderResult rendered = render_svg(dot, engine, seconds_max);
  picture.timed_out = rendered.timed_out;
  picture.dot = std::move(dot);
  picture.svg = std::move(rendered.svg);
  picture.error = std::move(rendered.error);
  return picture;
}

std::string write_text_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return path + ": cannot open for writing: " + std::strerror(errno);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return path + ": write failed: " + std::strerror(errno);
  return "";
}

std::string write_picture(const Picture& picture, const std::string& directory,
                          const std::string& stem) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return directory + ": cannot create the folder: " + error.message();
  const std::string base = (std::filesystem::path(directory) / stem).string();
  if (!picture.dot.empty()) {
    if (std::string failure = write_text_file(base + ".dot", picture.dot); !failure.empty()) {
      return failure;
    }
  }
  if (picture.svg.empty()) return "";
  return write_text_file(base + ".svg", picture.svg);
}

}  // namespace mapsim::viz
