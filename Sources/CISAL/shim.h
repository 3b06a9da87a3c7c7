// Intel's ISA-L (Debian's libisal-dev), for reading gzip-compressed signals files
// (`NAME.csv.gz`): its inflate is about three times zlib's on this machine (igzip -d 0.76 s of
// CPU against gzip -d 4.5 s for the 100,000-account book's 298 MB usage.csv.gz), and the
// decompressing thread is what a gzip read waits for.
// The routines used: isal_inflate_init, isal_inflate_reset, isal_inflate.
#include <isa-l/igzip_lib.h>
