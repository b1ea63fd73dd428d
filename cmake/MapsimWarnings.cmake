# One place that decides the warning set; every mapsim target calls mapsim_target_defaults().
function(mapsim_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
  # In the sanitizer builds GCC's -Wmaybe-uninitialized reasons over instrumented code, and at
  # their -O1 it flags libstdc++'s own std::regex internals (the std::function members of a
  # regex state) that are fine at -O2; GCC's manual warns that sanitizers bring such false
  # positives. The plain build keeps the warning, with -Werror in CI.
  if(MAPSIM_SANITIZE)
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(MAPSIM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# A library made of every .cc in the calling folder and its subfolders, with a
# mapsim:: alias, linked publicly to the remaining arguments. Globbing keeps one-concept-per-file
# cheap: adding a file needs no CMake edit. A subfolder with a CMakeLists.txt of its own is a
# library of its own (scenarios/run/ depends on sim/ and model/, which scenarios/ must not) and
# is left out.
function(mapsim_folder_library name)
  set(dependencies ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB_RECURSE nested_lists CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*/CMakeLists.txt)
  foreach(nested_list ${nested_lists})
    get_filename_component(nested_dir ${nested_list} DIRECTORY)
    foreach(source ${sources})
      string(FIND "${source}" "${nested_dir}/" position)
      if(position EQUAL 0)
        list(REMOVE_ITEM sources ${source})
      endif()
    endforeach()
  endforeach()
  if(sources)
    add_library(mapsim_${name} STATIC ${sources})
    target_include_directories(mapsim_${name} PUBLIC ${PROJECT_SOURCE_DIR})
    mapsim_target_defaults(mapsim_${name})
    target_link_libraries(mapsim_${name} PUBLIC ${dependencies})
  else()
    # A folder whose code is still all headers.
    add_library(mapsim_${name} INTERFACE)
    target_include_directories(mapsim_${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(mapsim_${name} INTERFACE ${dependencies})
  endif()
  add_library(mapsim::${name} ALIAS mapsim_${name})
endfunction()
