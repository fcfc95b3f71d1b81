# Precompiled headers for the targets whose translation units all parse the same heavy
# headers: the GoogleTest executables (gtest.h, fmt, the standard library, and per layer the
# weft and Boost headers nearly every test includes) and the `weft` program (CLI11).
# A precompiled header is built once per target (with that target's flags, so it also works
# under ASan and with clang++) instead of being parsed again by every .cpp of it.
# -DWEFT_PCH=OFF builds without them (e.g. to check that every file includes what it uses).
option(WEFT_PCH "Use precompiled headers for the test executables and the weft program" ON)

set(WEFT_PCH_COMMON
    <algorithm> <array> <chrono> <cstddef> <cstdint> <cstring> <functional> <map> <memory>
    <optional> <span> <string> <string_view> <system_error> <type_traits> <unordered_map>
    <unordered_set> <utility> <vector>
    <fmt/format.h>)

# weft_precompile(TARGET [HEADER...]): the common list, GoogleTest if the target links it,
# and the given headers.
function(weft_precompile target)
    if(NOT WEFT_PCH)
        return()
    endif()
    set(headers ${WEFT_PCH_COMMON})
    get_target_property(libs ${target} LINK_LIBRARIES)
    if(libs MATCHES "GTest::")
        list(APPEND headers <gtest/gtest.h>)
    endif()
    target_precompile_headers(${target} PRIVATE ${headers} ${ARGN})
endfunction()
