# convscope_find_optional(NAME): find_package(NAME CONFIG) for an optional peer library, which is
# used when its package loads and otherwise skipped with one line, never failing the configure.
# find_package(... QUIET) alone does not ensure that: a package whose own config requires a
# dependency that is missing (libdnnl-dev's needs the OpenCL headers) stops the configure. So the
# package is first loaded in a throw-away child configure; only if that works is it loaded here.
# Sets NAME_FOUND, NAME_VERSION (and NAME_INCLUDE_DIRS, NAME_LIBRARIES where the package sets
# them) in the caller's scope.
function(convscope_find_optional name)
    set(dir ${CMAKE_BINARY_DIR}/optional-packages/${name})
    file(WRITE ${dir}/CMakeLists.txt
         "cmake_minimum_required(VERSION 3.25)\nproject(probe LANGUAGES CXX)\n"
         "find_package(${name} CONFIG REQUIRED)\n")
    execute_process(
        COMMAND ${CMAKE_COMMAND} -S ${dir} -B ${dir}/build -G ${CMAKE_GENERATOR}
                -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
        RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        # The most telling line of the child's error: "Could NOT find X (missing: ...)" or the
        # package-not-found message.
        string(REGEX MATCH "Could NOT find [^\n]*" reason "${err}")
        if(NOT reason)
            string(REGEX MATCH "Could not find a package configuration file provided by \"[^\"]*\""
                   reason "${err}")
        endif()
        if(NOT reason)
            set(reason "its CMake package did not load")
        endif()
        set(${name}_FOUND FALSE PARENT_SCOPE)
        set(${name}_SKIP_REASON "${reason}" PARENT_SCOPE)
        return()
    endif()
    find_package(${name} CONFIG QUIET)
    set(${name}_FOUND ${${name}_FOUND} PARENT_SCOPE)
    set(${name}_VERSION ${${name}_VERSION} PARENT_SCOPE)
    # A package that sets variables instead of an imported target (OpenBLAS's).
    set(${name}_INCLUDE_DIRS ${${name}_INCLUDE_DIRS} PARENT_SCOPE)
    set(${name}_LIBRARIES ${${name}_LIBRARIES} PARENT_SCOPE)
endfunction()
