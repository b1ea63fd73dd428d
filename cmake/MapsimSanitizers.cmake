# MAPSIM_SANITIZE=address gives AddressSanitizer + UndefinedBehaviorSanitizer; =thread gives
# ThreadSanitizer. Applied globally so that every object in the process agrees.
if(MAPSIM_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(MAPSIM_SANITIZER_ADDRESS=1)
elseif(MAPSIM_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  add_compile_definitions(MAPSIM_SANITIZER_THREAD=1)
elseif(NOT MAPSIM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "MAPSIM_SANITIZE must be '', 'address' or 'thread'")
endif()
