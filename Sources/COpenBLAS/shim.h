#ifndef VITALS_COPENBLAS_SHIM_H
#define VITALS_COPENBLAS_SHIM_H

// CBLAS from OpenBLAS (Debian: libopenblas-dev, found through pkg-config `openblas`).
#include <cblas.h>

// Debian's OpenBLAS ships no lapacke.h, but libopenblas exports the Fortran
// LAPACK routines. They take every argument by pointer, matrices are
// column-major, and `info` reports failure (< 0: bad argument, > 0: numerical).
// Declare here exactly the routines Vitals calls.

/// Cholesky factorization of a symmetric positive-definite matrix: A = Uᵀ U or L Lᵀ.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);

/// Solves A X = B with the Cholesky factor from dpotrf_.
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);

/// Solves A X = B for symmetric positive-definite A (factor and solve).
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
            double *b, const int *ldb, int *info);

/// Solves A X = B for a general square A by LU with partial pivoting.
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv,
            double *b, const int *ldb, int *info);

/// Eigenvalues (and optionally left/right eigenvectors) of a general square matrix.
void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda,
            double *wr, double *wi, double *vl, const int *ldvl, double *vr, const int *ldvr,
            double *work, const int *lwork, int *info);

#endif
