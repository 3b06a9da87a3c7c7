#ifndef VITALS_CFUZZERDRIVER_H
#define VITALS_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver (compiler-rt, linked by -sanitize=fuzzer). Calling it from our own main
// keeps SwiftPM's executable main, which an executable target always has.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
