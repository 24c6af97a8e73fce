# Compresses the man pages ferry-clidoc wrote, as Debian policy wants them installed
# (gzip -9n: no name or time in the header, so the package is reproducible).
#   cmake -DDIR=<build>/doc/man -P gzipman.cmake
file(GLOB pages "${DIR}/*.1")
foreach(page IN LISTS pages)
    execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "gzip ${page} failed: ${rc}")
    endif()
endforeach()
