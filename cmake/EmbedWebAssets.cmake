# Turns the dashboard's files (src/server/web/*) into a .cc of byte arrays at build time, with
# CMake alone: `greenlight_embed_web_assets(target folder)` adds the generated source to `target`
# and regenerates it whenever a file in the folder changes. The generated file defines
# greenlight::server::webAssets() (server/web_assets.h).

function(greenlight_embed_web_assets target folder)
  file(GLOB assets CONFIGURE_DEPENDS ${folder}/*)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/generated/web_assets_data.cc)
  # A ;-list would split into several arguments: pass it with | between the paths.
  string(REPLACE ";" "|" assetList "${assets}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DASSETS=${assetList}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedWebAssetsScript.cmake
    DEPENDS ${assets} ${PROJECT_SOURCE_DIR}/cmake/EmbedWebAssetsScript.cmake
    COMMENT "Embedding the dashboard's files"
    VERBATIM)
  target_sources(${target} PRIVATE ${output})
endfunction()
