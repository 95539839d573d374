//! The `attache` binary: all behaviour lives in the library; this only runs the CLI and
//! turns its outcome into an exit code (0 hits, 1 no hit, 2 error, like ripgrep).

use std::process::ExitCode;

fn main() -> ExitCode {
    attache::cli::main()
}
