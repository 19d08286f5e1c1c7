# Fails the build if an object of src/core references a symbol it does not
# define itself (no libc, no OS: the core is freestanding).
set(bad "")
string(REPLACE "|" ";" OBJECTS "${OBJECTS}")
foreach(obj ${OBJECTS})
  execute_process(COMMAND ${NM} -u ${obj} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm failed on ${obj}")
  endif()
  string(REGEX MATCHALL "U [^\n]+" syms "${out}")
  foreach(s ${syms})
    string(REGEX REPLACE "^U " "" name "${s}")
    # Symbols the core defines itself are resolved at link time; anything
    # else (memset, printf, pthread_*) means the core is not freestanding.
    if(NOT name MATCHES "^pz_" AND NOT name MATCHES "^_GLOBAL_OFFSET_TABLE_$"
       AND NOT name MATCHES "^__(asan|ubsan|tsan|sanitizer|msan)_"
       AND NOT name MATCHES "^__sancov" AND NOT name MATCHES "^__gcov")
      list(APPEND bad "${obj}: ${name}")
    endif()
  endforeach()
endforeach()
if(bad)
  string(REPLACE ";" "\n  " msg "${bad}")
  message(FATAL_ERROR "src/core is not freestanding; undefined symbols:\n  ${msg}")
endif()
