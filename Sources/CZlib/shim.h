// Debian's zlib (zlib1g-dev), for reading gzip-compressed signals files (`NAME.csv.gz`).
// The routines used: inflateInit2_, inflate, inflateReset, inflateEnd.
#include <zlib.h>
