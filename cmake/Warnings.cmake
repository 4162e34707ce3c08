# Project-wide warnings; GREENLIGHT_WERROR turns them into errors (on by default).
function(greenlight_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                         -Wold-style-cast -Wcast-align -Woverloaded-virtual
                         -Wimplicit-fallthrough)
  if(GREENLIGHT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
