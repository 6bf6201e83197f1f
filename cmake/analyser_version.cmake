# The analyser version: the tool version and a digest of every source that shapes what a scan
# stores for a page (extraction, attribution and its vendor data, the page rules, the policy's
# reading of them). A stored analysis or finding list is reused only under the same analyser
# version, so a build that changes any of these analyses unchanged pages again instead of reusing
# what an older build made of them. Run at build time:
#   cmake -DROOT=<source dir> -DLIST=<file of paths relative to ROOT> -DOUT=<.cpp to write>
#         -DTOOL_VERSION=<x.y.z> -P analyser_version.cmake
# The output is rewritten only when the version changes.
file(STRINGS "${LIST}" files)
set(listing "")
foreach(file IN LISTS files)
  file(SHA256 "${ROOT}/${file}" digest)
  string(APPEND listing "${file} ${digest}\n")
endforeach()
string(SHA256 digest "${listing}")
string(SUBSTRING "${digest}" 0 12 short)
set(text "// Written at build time by cmake/analyser_version.cmake.\n#include <string_view>\n\n#include \"model/version.h\"\n\nnamespace tw {\n\nstatic_assert(std::string_view(kToolVersion) == \"${TOOL_VERSION}\",\n              \"kToolVersion and the CMake project version disagree\");\n\nconst char* const kAnalyserVersion = \"${TOOL_VERSION}+${short}\";\n\n}  // namespace tw\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" written)
  if(written STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${text}")
