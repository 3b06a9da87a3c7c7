#include "CFixedDecimal.h"
#include <stdio.h>

int vitals_fixed_decimal(char *buffer, size_t capacity, double x, int decimals, int sign) {
    return snprintf(buffer, capacity, sign ? "%+.*f" : "%.*f", decimals, x);
}
