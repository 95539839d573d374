//! Links the `attache` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable (rustc's default) is relocated by the dynamic loader
//! at every start: here 26,000 relocations, which write to (and so copy) every page of the
//! binary's 500 KB of constant tables. `attache search` is a short process, and that was
//! about 0.5 ms and 90 page faults of each search (`perf stat`, 3 × 100 runs each). Code is
//! still compiled position-independent; only the final link of the binaries changes, so
//! tests, proc macros and other platforms are unaffected.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
