//! glibc's allocator, tuned for the indexing run.
//!
//! By default glibc raises its mmap threshold each time a mapped block is freed (up to
//! 32 MB). tantivy's indexing arenas grow in pages of 1 MB and are freed at every commit;
//! after the first commit glibc serves those pages from the heap, where the freed holes
//! stay resident. A fixed threshold of 1 MB keeps every arena page in its own mapping,
//! returned to the system when freed. Lower thresholds cost more than they save: at 256 KB
//! the zstd contexts of the doc store (about 530 KB, one per compressed block) are mapped
//! and unmapped each time, 16 times the page faults and 15-25 % more wall time. The trim
//! threshold follows glibc's own rule, twice the mmap threshold.
//!
//! Measured with `bench/run.sh`'s corpus, 2 threads (`/usr/bin/time -v`): peak RSS 404-452
//! MB as glibc comes, 360-371 MB with these settings, wall and CPU time within the noise.
//! A setting the user makes through the environment (`MALLOC_MMAP_THRESHOLD_`,
//! `MALLOC_TRIM_THRESHOLD_`) is left as it is.

/// Blocks from this size on get their own mapping and go back to the system when freed.
const MMAP_THRESHOLD: i32 = 1 << 20;

/// Applies the settings above. Does nothing on other C libraries.
pub fn tune_for_indexing() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let settings = [
            (
                "MALLOC_MMAP_THRESHOLD_",
                libc::M_MMAP_THRESHOLD,
                MMAP_THRESHOLD,
            ),
            (
                "MALLOC_TRIM_THRESHOLD_",
                libc::M_TRIM_THRESHOLD,
                2 * MMAP_THRESHOLD,
            ),
        ];
        for (var, param, value) in settings {
            if std::env::var_os(var).is_none() {
                // SAFETY: mallopt only changes allocator parameters (glibc serialises it
                // with allocations) and refuses an invalid value by returning 0.
                unsafe {
                    libc::mallopt(param, value);
                }
            }
        }
    }
}

/// Returns the free memory of every allocator arena to the system (glibc's `malloc_trim`):
/// for a long phase that follows one which freed a lot, so that the two do not add up in the
/// peak. Does nothing on other C libraries.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only hands free pages back; glibc serialises it with
        // allocations.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}
