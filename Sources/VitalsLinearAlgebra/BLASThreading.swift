import COpenBLAS

/// OpenBLAS runs on one thread inside Vitals; the module parallelises large products itself
/// over `RowChunks`, a partition that depends only on the row count.
///
/// Why: with several threads OpenBLAS splits some sums (Aᵀx over many rows, among others) into
/// per-thread partial sums, so a result changed in its last bits with OPENBLAS_NUM_THREADS and
/// a trained model was not byte-identical across settings. With one OpenBLAS thread and chunk
/// results added in chunk order, every sum has one order: the same bytes for any
/// OPENBLAS_NUM_THREADS and any core count, on the same OpenBLAS build and CPU.
enum BLASThreading {
    /// Evaluated once, before the first BLAS or LAPACK call of the process.
    static let pinned: Void = { openblas_set_num_threads(1) }()

    /// Call at the top of every function that enters BLAS or LAPACK.
    @inline(__always) static func pin() { _ = pinned }
}
