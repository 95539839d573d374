//! Guards the source text itself: a `\b` once turned into a literal backspace inside a
//! regex pattern, and the pattern silently never matched.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn source_files_hold_no_control_characters() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "found only {} source files", files.len());
    let mut bad = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            if let Some(c) = line.chars().find(|&c| c.is_control() && c != '\t') {
                bad.push(format!("{}:{}: U+{:04X}", file.display(), n + 1, c as u32));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "control characters in source:\n{}",
        bad.join("\n")
    );
}
