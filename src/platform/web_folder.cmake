# Assembles the static page folder (run by the web_folder target):
#   OUT/index.html, main.js, style.css, ...   from WEB_SRC
#   OUT/app.js, OUT/app.wasm                    the module
#   OUT/demo/<files>, OUT/demo/manifest.json    the bundled demo checkpoint
# The demo is optional: without DEMO_SRC files the manifest lists none and the
# page starts empty.
file(MAKE_DIRECTORY "${OUT}")
file(GLOB web_files "${WEB_SRC}/*")
foreach(f ${web_files})
  if(NOT IS_DIRECTORY "${f}")
    file(COPY "${f}" DESTINATION "${OUT}")
  endif()
endforeach()
get_filename_component(app_dir "${APP_JS}" DIRECTORY)
file(COPY "${APP_JS}" "${app_dir}/app.wasm" DESTINATION "${OUT}")

file(REMOVE_RECURSE "${OUT}/demo")
file(MAKE_DIRECTORY "${OUT}/demo")
set(entries "")
if(IS_DIRECTORY "${DEMO_SRC}")
  file(GLOB demo_files RELATIVE "${DEMO_SRC}" "${DEMO_SRC}/*")
  list(SORT demo_files)
  foreach(name ${demo_files})
    if(IS_DIRECTORY "${DEMO_SRC}/${name}")
      continue()
    endif()
    file(COPY "${DEMO_SRC}/${name}" DESTINATION "${OUT}/demo")
    file(SIZE "${DEMO_SRC}/${name}" size)
    if(entries)
      string(APPEND entries ",\n")
    endif()
    string(APPEND entries "    {\"path\": \"ckpts/${name}\", \"url\": \"demo/${name}\", \"size\": ${size}}")
  endforeach()
endif()
file(WRITE "${OUT}/demo/manifest.json"
  "{\n  \"label\": \"demo: TF1 save/restore tutorial\",\n  \"select\": \"w1\",\n  \"files\": [\n${entries}\n  ]\n}\n")
