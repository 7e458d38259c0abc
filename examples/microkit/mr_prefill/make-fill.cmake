# Writes the prefill data of the mr_prefill example: RECORDS records of 16 bytes,
# "fill NNNNNNNNNN\n" (the record's number in ten decimal digits), then "END\n".
# Run as: cmake -DOUTPUT=<file> -DRECORDS=<n> -P make-fill.cmake
set(text "")
math(EXPR last "${RECORDS} - 1")
foreach(i RANGE 0 ${last})
  string(LENGTH "${i}" digits)
  math(EXPR pad "10 - ${digits}")
  string(REPEAT "0" ${pad} zeros)
  string(APPEND text "fill ${zeros}${i}\n")
endforeach()
string(APPEND text "END\n")
file(WRITE ${OUTPUT} "${text}")
