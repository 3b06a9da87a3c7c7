#ifndef VITALS_C_FIXED_DECIMAL_H
#define VITALS_C_FIXED_DECIMAL_H

#include <stddef.h>

/// Writes `x` with `decimals` decimals as printf's `%.*f` (or `%+.*f` when `sign` is not 0)
/// into `buffer` of `capacity` bytes; returns snprintf's count.
///
/// Swift cannot call a variadic C function, and `withVaList` boxes every argument as an
/// existential (perf: a twentieth of a score run went to its dynamic casts): this fixed-arity
/// wrapper calls snprintf directly.
int vitals_fixed_decimal(char *buffer, size_t capacity, double x, int decimals, int sign);

#endif
