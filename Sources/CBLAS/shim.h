// OpenBLAS's CBLAS interface, plus the LAPACK routines we call (OpenBLAS ships them).
#ifndef TUNELUA_CBLAS_SHIM_H
#define TUNELUA_CBLAS_SHIM_H
#include <cblas.h>

// LAPACK, Fortran calling convention: every argument by pointer.
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n, const int *nrhs,
             const double *a, const int *lda, double *b, const int *ldb, int *info);
#endif
