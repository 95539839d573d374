//! A tiny harness: a temp folder with files in it, and the built `attache` binary run
//! inside it with a clean environment.

#![allow(dead_code)] // also compiled as a test target of its own, where nothing calls it

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Default for Env {
    fn default() -> Self {
        Self::new()
    }
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `text` to `rel`, creating folders.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(p, text).expect("write");
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.path(rel)).expect("remove");
    }

    /// The binary, run in the temp folder, with attache's variables cleared.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_attache"));
        c.current_dir(self.dir.path())
            .env_remove("ATTACHE_INDEX")
            .env_remove("NO_COLOR")
            .args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().expect("run attache"))
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// The JSON Lines objects of stdout whose `type` is "hit".
    pub fn hits(&self) -> Vec<serde_json::Value> {
        self.json_lines()
            .into_iter()
            .filter(|v| v["type"] == "hit")
            .collect()
    }

    /// Parses stdout as JSON Lines.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON {l:?}: {e}")))
            .collect()
    }

    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

#[allow(dead_code)]
pub fn exists(p: &Path) -> bool {
    p.exists()
}

// ---------------------------------------------------------------------------------
// Helpers of the fault tests (tests/reliability.rs, tests/slow_faults.rs)

pub const WORDS: [&str; 24] = [
    "tariff",
    "envoy",
    "pipeline",
    "summit",
    "grain",
    "border",
    "treaty",
    "ceasefire",
    "embassy",
    "sanctions",
    "corridor",
    "ministry",
    "harbour",
    "uranium",
    "refinery",
    "delegation",
    "observer",
    "frigate",
    "election",
    "mandate",
    "convoy",
    "reactor",
    "protocol",
    "charter",
];

/// A small article, different for every `i` (and for every `version`).
pub fn article(i: usize, version: usize) -> String {
    let w = |k: usize| WORDS[(i * 7 + k * 5 + version * 3) % WORDS.len()];
    format!(
        "Article {i} on the {a} and the {b}\n\n\
         VIENNA, May {day}, 2023 (Europetime) - Talks on the {a} resumed, officials said, \
         in round {i} version {version}.\n\n\
         “The {b} is not negotiable,” said Foreign Minister Anna Kovac{i}.\n\n\
         Delegates discussed the {c} and the {d} until late in the evening of round {i}.\n\n\
         Observers expect a decision on the {a} by 14 June 2023.\n",
        a = w(0),
        b = w(1),
        c = w(2),
        d = w(3),
        day = 1 + i % 28,
    )
}

/// Every passage a search can see (score left out), sorted, plus the stats counts.
pub fn snapshot(env: &Env, index: &str) -> Vec<String> {
    let r = env.run(&[
        "--index",
        index,
        "search",
        "*",
        "--json",
        "--no-collapse",
        "-n",
        "1000000",
    ]);
    assert!(r.code == 0 || r.code == 1, "search failed: {}", r.stderr);
    let mut rows: Vec<String> = r
        .hits()
        .into_iter()
        .map(|mut h| {
            let o = h.as_object_mut().expect("hit object");
            for k in ["score", "rank", "duplicates", "context", "highlights"] {
                o.remove(k);
            }
            h.to_string()
        })
        .collect();
    rows.sort();
    let s = env.run(&["--index", index, "stats", "--json"]);
    s.assert_code(0);
    let v: serde_json::Value = serde_json::from_str(s.stdout.trim()).expect("stats JSON");
    rows.push(format!(
        "stats files={} passages={} quotes={}",
        v["files"], v["passages"], v["quotes"]
    ));
    rows
}

/// The passages of a snapshot grouped by file.
pub fn by_path(snap: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in snap.iter().filter(|r| r.starts_with('{')) {
        let v: serde_json::Value = serde_json::from_str(row).expect("row");
        let path = v["path"].as_str().unwrap_or_default().to_string();
        out.entry(path).or_default().push(row.clone());
    }
    out
}

/// Files in the index folder that no commit refers to, and a writer note left behind.
pub fn leftovers(index: &Path) -> Vec<String> {
    let meta = fs::read_to_string(index.join("meta.json")).expect("meta.json");
    let meta: serde_json::Value = serde_json::from_str(&meta).expect("meta JSON");
    let live: BTreeSet<String> = meta["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .filter_map(|s| s["segment_id"].as_str().map(|id| id.replace('-', "")))
        .collect();
    let mut out = Vec::new();
    for e in fs::read_dir(index).expect("read index dir") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        let stem = name.split('.').next().unwrap_or_default();
        let is_segment_file = stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit());
        if (is_segment_file && !live.contains(stem)) || name == "attache-writer.pid" {
            out.push(name);
        }
    }
    out.sort();
    out
}
