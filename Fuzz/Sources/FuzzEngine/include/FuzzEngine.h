// libFuzzer's entry point for programs that have their own main (SwiftPM gives every executable
// one), from compiler-rt's FuzzerInterface.h: parses libFuzzer's flags from argv and runs the
// fuzzing loop with `callback` as LLVMFuzzerTestOneInput.
#ifndef OVERSEER_FUZZ_ENGINE_H
#define OVERSEER_FUZZ_ENGINE_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
