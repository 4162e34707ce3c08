# GREENLIGHT_SANITIZE=address builds everything with ASan+UBSan; =thread with TSan.
if(GREENLIGHT_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(GREENLIGHT_SANITIZE STREQUAL "thread")
  # GCC warns that TSan does not model the atomic_thread_fence inside Asio's handler blocks; the
  # io_context's own locks order those accesses, so the warning stays visible but is not fatal.
  # With TSan instrumentation GCC 12 also reports maybe-uninitialized inside Beast's parser.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-error=tsan -Wno-error=maybe-uninitialized)
  add_link_options(-fsanitize=thread)
elseif(NOT GREENLIGHT_SANITIZE STREQUAL "" AND NOT GREENLIGHT_SANITIZE STREQUAL "OFF")
  message(FATAL_ERROR "GREENLIGHT_SANITIZE must be address, thread or empty, not '${GREENLIGHT_SANITIZE}'")
endif()
