//! Reliability (issue 6): killed runs, two writers, bad files, bad queries, damaged
//! indexes, and property tests of extraction and query handling. Every test here is
//! fast; the slow ones (50 MB file, disk full, random kills) are in `slow_faults.rs`.
//!
//! The kill tests stop `attache index` at a named point with the hidden test hook
//! `ATTACHE_FAULT=POINT[:N]` + `ATTACHE_FAULT_SIGNAL=FILE` (see `fault_point` in
//! src/index/build.rs), then SIGKILL it, so they land exactly where they mean to.

mod util;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use attache::index::build::{IndexOptions, Merge, NoProgress, decode, index_folder};
use attache::passage::{MAX_PASSAGE_CHARS, split_passages};
use attache::{Error, SearchRequest, Searcher, analyze};
use proptest::prelude::*;
use util::{Env, Run, article, by_path, leftovers, snapshot};

// ---------------------------------------------------------------------------------
// Helpers

fn write_articles(env: &Env, range: std::ops::Range<usize>, version: usize) {
    for i in range {
        env.write(&format!("news/a{i:03}.txt"), article(i, version));
    }
}

/// An `attache` run stopped at a fault point, waiting to be killed or resumed.
struct Paused {
    child: Child,
    signal: PathBuf,
}

fn start_paused(env: &Env, args: &[&str], point: &str, commit_every: usize) -> Paused {
    let signal = env.path(&format!("fault-{}", point.replace(':', "-")));
    let mut cmd = env.cmd(args);
    cmd.env("ATTACHE_FAULT", point)
        .env("ATTACHE_FAULT_SIGNAL", &signal)
        .env("ATTACHE_COMMIT_EVERY", commit_every.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn attache");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !signal.exists() {
        if child.try_wait().expect("try_wait").is_some() {
            let r = Run::from(child.wait_with_output().expect("output"));
            panic!(
                "attache ended ({}) before reaching {point}\nstdout:\n{}\nstderr:\n{}",
                r.code, r.stdout, r.stderr
            );
        }
        assert!(Instant::now() < deadline, "never reached {point}");
        std::thread::sleep(Duration::from_millis(5));
    }
    Paused { child, signal }
}

impl Paused {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL (std's `Child::kill` is SIGKILL on Unix).
    fn kill(mut self) {
        self.child.kill().expect("kill");
        let status = self.child.wait().expect("wait");
        assert!(!status.success(), "the run was meant to die");
        let _ = fs::remove_file(&self.signal);
    }

    fn resume(self) -> Run {
        fs::remove_file(&self.signal).expect("remove signal");
        Run::from(self.child.wait_with_output().expect("wait"))
    }
}

/// A folder indexed once (8 articles), then changed: 6 new files, 1 changed, 1 deleted.
/// Returns the snapshot of the first commit and that of a clean build of the changed
/// folder.
fn changed_folder() -> (Env, Vec<String>, Vec<String>) {
    let env = Env::new();
    write_articles(&env, 0..8, 0);
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let first = snapshot(&env, "ix");
    write_articles(&env, 8..14, 0);
    env.write("news/a002.txt", article(2, 1));
    env.remove("news/a005.txt");
    env.run(&["index", "news", "--index", "clean"])
        .assert_code(0);
    let clean = snapshot(&env, "clean");
    assert_ne!(first, clean);
    (env, first, clean)
}

/// Kills `attache index` at `point` (commits every 3 files), then checks that the index
/// opens and answers from a commit, that the next run completes and equals a clean
/// build, and that no leftover files remain.
fn kill_and_recover(point: &str, extra: &[&str], exact_last_commit: bool) {
    let (env, first, clean) = changed_folder();
    let mut args = vec![
        "index",
        "news",
        "--index",
        "ix",
        "--threads",
        "2",
        "--heap",
        "30",
    ];
    args.extend_from_slice(extra);
    let paused = start_paused(&env, &args, point, 3);
    paused.kill();

    // The index opens and answers from the last commit.
    let mid = snapshot(&env, "ix");
    if exact_last_commit {
        assert_eq!(
            mid, first,
            "after a kill at {point} search must show the last commit"
        );
    } else {
        // Some batches were committed: each file shows one whole version, old or new.
        let (old, new) = (by_path(&first), by_path(&clean));
        for (path, rows) in by_path(&mid) {
            assert!(
                old.get(&path) == Some(&rows) || new.get(&path) == Some(&rows),
                "{path} after a kill at {point} is neither its old nor its new version: {rows:#?}"
            );
        }
    }

    // The next run completes and equals a clean build; nothing is left over.
    let r = env.run(&["index", "news", "--index", "ix"]);
    r.assert_code(0);
    assert_eq!(
        snapshot(&env, "ix"),
        clean,
        "recovery after {point} != clean build"
    );
    assert_eq!(leftovers(&env.path("ix")), Vec::<String>::new());
    // And a further run finds nothing to do.
    let r = env.run(&["index", "news", "--index", "ix"]);
    r.assert_code(0);
    assert!(r.stdout.starts_with("nothing changed"), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------
// Killed mid-index

#[test]
fn killed_after_the_walk_before_writing() {
    kill_and_recover("walked", &[], true);
}

#[test]
fn killed_mid_batch_before_any_commit() {
    kill_and_recover("added:2", &[], true);
}

#[test]
fn killed_during_the_first_commit() {
    // Segments flushed to disk, meta.json not yet rewritten.
    kill_and_recover("prepared:1", &[], true);
}

#[test]
fn killed_right_after_a_commit() {
    kill_and_recover("committed:1", &[], false);
}

#[test]
fn killed_during_a_later_commit() {
    kill_and_recover("prepared:2", &[], false);
}

#[test]
fn killed_during_a_rebuild_keeps_the_old_index() {
    kill_and_recover("prepared:1", &["--rebuild"], true);
}

#[test]
fn killed_while_creating_a_new_index() {
    let env = Env::new();
    write_articles(&env, 0..7, 0);
    let paused = start_paused(
        &env,
        &["index", "news", "--index", "ix", "--heap", "30"],
        "prepared:1",
        3,
    );
    paused.kill();
    // An index with no commit is empty but usable: search says "no hit", not an error.
    let r = env.run(&["--index", "ix", "search", "envoy"]);
    r.assert_code(1);
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    env.run(&["index", "news", "--index", "clean"])
        .assert_code(0);
    assert_eq!(snapshot(&env, "ix"), snapshot(&env, "clean"));
    assert_eq!(leftovers(&env.path("ix")), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------
// Two runs at once; searching while a run goes on

#[test]
fn a_second_writer_is_refused_and_told_who_holds_the_index() {
    let (env, first, clean) = changed_folder();
    let paused = start_paused(&env, &["index", "news", "--index", "ix"], "added:2", 3);
    let pid = paused.pid();

    let r = env.run(&["index", "news", "--index", "ix"]);
    r.assert_code(2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("is in use"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("pid {pid}")), "{}", r.stderr);
    let news = fs::canonicalize(env.path("news")).expect("canonical");
    assert!(
        r.stderr.contains(&format!("indexing {}", news.display())),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(" UTC"), "{}", r.stderr);
    // --rebuild is refused the same way and destroys nothing.
    env.run(&["index", "news", "--index", "ix", "--rebuild"])
        .assert_code(2);

    // Meanwhile search answers from the last commit.
    assert_eq!(snapshot(&env, "ix"), first);

    let r = paused.resume();
    r.assert_code(0);
    assert_eq!(snapshot(&env, "ix"), clean);
    assert!(!env.path("ix/attache-writer.pid").exists());
    assert_eq!(leftovers(&env.path("ix")), Vec::<String>::new());
}

#[test]
fn two_runs_started_together_on_a_new_folder() {
    let env = Env::new();
    write_articles(&env, 0..6, 0);
    env.run(&["index", "news", "--index", "clean"])
        .assert_code(0);
    let clean = snapshot(&env, "clean");
    for round in 0..3 {
        let ix = format!("ix{round}");
        let spawn = || {
            env.cmd(&["index", "news", "--index", &ix])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let (a, b) = (spawn(), spawn());
        let runs = [a, b].map(|c| Run::from(c.wait_with_output().expect("wait")));
        assert!(runs.iter().any(|r| r.code == 0), "neither run succeeded");
        for r in &runs {
            match r.code {
                0 => {}
                2 => {
                    assert!(r.stderr.contains("is in use"), "{}", r.stderr);
                    assert!(r.stderr.contains("(pid "), "{}", r.stderr);
                }
                c => panic!("exit {c}: {}", r.stderr),
            }
        }
        assert_eq!(snapshot(&env, &ix), clean);
    }
}

#[test]
fn a_run_that_finds_an_index_being_created_is_told_it_is_in_use() {
    // The first run holds the writer lock with tantivy's meta.json just written: the
    // second must take the folder for attache's (the marker is written before meta.json)
    // and be told it is busy, never that it is someone else's index.
    let env = Env::new();
    write_articles(&env, 0..4, 0);
    let paused = start_paused(&env, &["index", "news", "--index", "ix"], "created", 3);
    assert!(env.path("ix/meta.json").is_file());
    let r = env.run(&["index", "news", "--index", "ix"]);
    r.assert_code(2);
    assert!(r.stderr.contains("is in use"), "{}", r.stderr);
    assert!(!r.stderr.contains("not an attache index"), "{}", r.stderr);
    paused.resume().assert_code(0);
    env.run(&["index", "news", "--index", "clean"])
        .assert_code(0);
    assert_eq!(snapshot(&env, "ix"), snapshot(&env, "clean"));
}

#[test]
fn search_during_a_commit_answers_from_the_last_commit() {
    let (env, first, clean) = changed_folder();
    let paused = start_paused(&env, &["index", "news", "--index", "ix"], "prepared:1", 3);
    assert_eq!(snapshot(&env, "ix"), first);
    let r = env.run(&["--index", "ix", "search", "Kovac9", "--json"]);
    r.assert_code(1); // a11..a13 are not committed yet
    paused.resume().assert_code(0);
    assert_eq!(snapshot(&env, "ix"), clean);
    let r = env.run(&["--index", "ix", "search", "Kovac9", "--json"]);
    r.assert_code(0);
}

#[test]
fn a_writer_note_left_by_a_killed_run_does_not_block() {
    let (env, _, clean) = changed_folder();
    env.write(
        "ix/attache-writer.pid",
        "pid 999999, started long ago, indexing /x\n",
    );
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    assert_eq!(snapshot(&env, "ix"), clean);
    assert!(!env.path("ix/attache-writer.pid").exists());
}

// ---------------------------------------------------------------------------------
// Bad input in the folder

#[cfg(unix)]
#[test]
fn bad_files_are_indexed_or_skipped_with_a_reason() {
    use std::os::unix::ffi::OsStrExt;

    let env = Env::new();
    let good = "Good news\n\nThe envoy arrived in Vienna on Monday, officials said.\n";
    env.write("news/good.txt", good);
    env.write("news/binary.txt", b"Title\n\nabc\x00\x01\x02def\n");
    env.write("news/latin1.txt", b"Title\n\nCaf\xe9 au lait\n");
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "Utf16 title\n\nThe quartermaster spoke.\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    env.write("news/utf16le.txt", utf16le);
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(
            "Utf16 big\n\nThe harbourmaster spoke.\n"
                .encode_utf16()
                .flat_map(u16::to_be_bytes),
        )
        .collect();
    env.write("news/utf16be.txt", utf16be);
    env.write("news/utf16bad.txt", [0xFF, 0xFE, 0x00, 0xD8, 0x41]); // lone surrogate
    env.write(
        "news/crlf.txt",
        "Crlf title\r\n\r\nFirst crlfpara here.\r\n\r\nSecond crlfpara here.\r\n",
    );
    env.write(
        "news/cr.txt",
        "Cr title\r\rFirst lonecr here.\r\rSecond lonecr here.\r",
    );
    env.write("news/empty.txt", "");
    env.write("news/blank.txt", "\u{feff}  \n\n \t\n");
    env.write(
        "news/quotes.txt",
        format!("Quote marks\n\n{}\n", "\"".repeat(100_000)),
    );
    env.write(
        "news/curly.txt",
        format!("Curly marks\n\n{}\n", "„“”«»‘’‹›".repeat(10_000)),
    );
    // A file name that is not UTF-8.
    let name = std::ffi::OsStr::from_bytes(b"news/bad-\xff-name.txt");
    fs::write(
        env.dir.path().join(name),
        "Odd name\n\nThe oddnamed file speaks.\n",
    )
    .expect("write odd name");
    // A symbolic link loop and a dangling link.
    fs::create_dir_all(env.path("news/sub")).expect("mkdir");
    std::os::unix::fs::symlink("..", env.path("news/sub/loop")).expect("symlink loop");
    std::os::unix::fs::symlink("nowhere.txt", env.path("news/dangling.txt")).expect("symlink");
    // A folder tree 1,000 levels deep with an article at the bottom.
    let deep: PathBuf = std::iter::once("news".to_string())
        .chain((0..1000).map(|_| "d".to_string()))
        .collect();
    fs::create_dir_all(env.dir.path().join(&deep)).expect("deep tree");
    fs::write(
        env.dir.path().join(&deep).join("deep.txt"),
        "Deep title\n\nThe abyssal article speaks.\n",
    )
    .expect("deep file");

    let started = Instant::now();
    let r = env.run(&["index", "news", "--index", "ix", "--json"]);
    r.assert_code(0);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    // Each skip is one line naming the file and the reason.
    let skipped: Vec<&str> = r.stderr.lines().collect();
    let expect = [
        ("binary.txt", "binary file"),
        ("latin1.txt", "not UTF-8"),
        ("utf16bad.txt", "invalid UTF-16"),
        ("empty.txt", "empty file"),
        ("blank.txt", "empty file"),
        ("loop", "symbolic link loop"),
        ("dangling.txt", "No such file"),
    ];
    for (file, reason) in expect {
        assert!(
            skipped.iter().any(|l| l.starts_with("attache: skipped ")
                && l.contains(file)
                && l.contains(reason)),
            "no skip line for {file} ({reason}):\n{}",
            r.stderr
        );
    }
    assert_eq!(skipped.len(), expect.len(), "{}", r.stderr);
    let summary: serde_json::Value = serde_json::from_str(r.stdout.trim()).expect("summary");
    assert_eq!(
        summary["skipped"].as_array().map(Vec::len),
        Some(expect.len())
    );

    // What could be read is searchable, with offsets into the file as read.
    for (word, file) in [
        ("envoy", "good.txt"),
        ("quartermaster", "utf16le.txt"),
        ("harbourmaster", "utf16be.txt"),
        ("crlfpara", "crlf.txt"),
        ("lonecr", "cr.txt"),
        ("oddnamed", "bad-\u{fffd}-name.txt"),
        ("abyssal", "deep.txt"),
    ] {
        let r = env.run(&["--index", "ix", "search", word, "--json", "--no-collapse"]);
        r.assert_code(0);
        let hits = r.hits();
        assert!(
            hits.iter()
                .all(|h| h["path"].as_str().is_some_and(|p| p.ends_with(file))),
            "{word}: {}",
            r.stdout
        );
        for h in &hits {
            let passage = h["passage"].as_str().unwrap_or_default();
            assert!(!passage.contains('\r'), "{word}: CR in {passage:?}");
            assert!(
                !passage.starts_with('\u{feff}'),
                "{word}: BOM in {passage:?}"
            );
        }
    }
    // Lone CR and CRLF split paragraphs like LF.
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "lonecr",
        "--json",
        "--no-collapse",
    ]);
    assert_eq!(r.hits().len(), 2, "{}", r.stdout);
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "crlfpara",
        "--json",
        "--no-collapse",
    ]);
    let hit = &r.hits()[0];
    let (s, e) = (
        hit["start"].as_u64().unwrap_or(0) as usize,
        hit["end"].as_u64().unwrap_or(0) as usize,
    );
    let text = fs::read_to_string(env.path("news/crlf.txt")).expect("read");
    assert_eq!(&text[s..e], hit["passage"].as_str().unwrap_or_default());

    // A second run changes nothing and skips the same files again.
    let r = env.run(&["index", "news", "--index", "ix"]);
    r.assert_code(0);
    assert!(r.stdout.starts_with("nothing changed"), "{}", r.stdout);
}

#[test]
fn files_that_vanish_or_change_during_the_walk() {
    let env = Env::new();
    write_articles(&env, 0..4, 0);
    let paused = start_paused(&env, &["index", "news", "--index", "ix"], "walked", 100);
    env.remove("news/a001.txt");
    env.write(
        "news/a002.txt",
        "Rewritten\n\nThe article was rewritten during the walk: kumquat.\n",
    );
    fs::write(env.path("news/a003.txt"), "").expect("truncate");
    let r = paused.resume();
    r.assert_code(0);
    assert!(
        r.stderr.lines().any(|l| l.contains("a001.txt")
            && l.contains("cannot read")
            && l.contains("No such file")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("a003.txt") && l.contains("empty file")),
        "{}",
        r.stderr
    );
    let r = env.run(&["--index", "ix", "search", "kumquat", "--json"]);
    r.assert_code(0);
    // The next run sees the new stamps and ends in the same state as a clean build.
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    env.run(&["index", "news", "--index", "clean"])
        .assert_code(0);
    assert_eq!(snapshot(&env, "ix"), snapshot(&env, "clean"));
}

// ---------------------------------------------------------------------------------
// Bad queries and options; missing, foreign and damaged indexes

fn small_index() -> Env {
    let env = Env::new();
    write_articles(&env, 0..4, 0);
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    env
}

/// Exit 2 with one line on stderr that starts with "attache: " and contains `want`.
fn assert_clear_error(r: &Run, want: &str, what: &str) {
    r.assert_code(2);
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
    assert!(
        r.stdout.is_empty() || r.stdout.contains("\"summary\""),
        "{what}: {}",
        r.stdout
    );
    assert!(
        r.stderr.starts_with("attache: ") || r.stderr.starts_with("error: "),
        "{what}: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains(want),
        "{what}: want {want:?} in {}",
        r.stderr
    );
}

#[test]
fn bad_queries_and_options_are_clear_errors() {
    let env = small_index();
    let huge = "observers ".repeat(10_000); // 100 KB (one argument may hold 128 KB)
    let nested = format!("{}observers{}", "(".repeat(5_000), ")".repeat(5_000));
    let quotes = "\"".repeat(100_000);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["search", "\"unbalanced quote"], "cannot parse query"),
        (vec!["search", "(observers AND grain"], "cannot parse query"),
        (vec!["search", "observers)"], "cannot parse query"),
        (
            vec!["search", "nosuch:observers"],
            "unknown field `nosuch:`",
        ),
        (
            vec!["search", "date_source:metadata"],
            "field `date_source:` cannot be searched",
        ),
        (
            vec!["search", "(title:grain AND observers)^2"],
            "boost each part instead",
        ),
        (
            vec!["search", "title:[a TO h]^2"],
            "a boost (^) on a title: range cannot run",
        ),
        (
            vec!["search", "(title:[a TO h] OR observers)^2"],
            "a boost (^) on a title: range cannot run",
        ),
        (vec!["search", "body:"], "cannot parse query"),
        (vec!["search", "title:*"], "cannot run on this index"),
        (vec!["search", "AND"], "cannot parse query"),
        (vec!["search", "--", "-observers"], "exclusions only"),
        (vec!["search", &huge], "the limit is"),
        (vec!["search", &nested], "cannot parse query"),
        (vec!["search", &quotes], "the limit is"),
        (
            vec!["search", "observers", "--from", "2022-13-45"],
            "is not a date",
        ),
        (
            vec!["search", "observers", "--to", "2022-02-30"],
            "is not a date",
        ),
        (
            vec!["search", "observers", "--from", "yesterday"],
            "is not a date",
        ),
        (
            vec!["search", "observers", "--limit", "0"],
            "--limit must be at least 1",
        ),
        (vec!["search", "observers", "--limit", "-1"], "error:"),
        (
            vec!["search", "observers", "--speaker", "!!!"],
            "has no words",
        ),
        (vec!["quotes", "observers", "--limit", "0"], "--limit"),
        (vec!["index", "news", "--ext", ","], "--ext"),
        (vec!["index", "nowhere"], "nowhere"),
    ];
    for (args, want) in cases {
        let mut full = vec!["--index", "ix"];
        full.extend(args.iter().copied());
        let r = env.run(&full);
        let what: String = args.join(" ").chars().take(60).collect();
        assert_clear_error(&r, want, &what);
    }
    // A query of 100 KB within parentheses nested 10 deep and lenient mode: no panic.
    for q in [
        huge.as_str(),
        nested.as_str(),
        "((((",
        "\"\"\"",
        "title:\"",
        "*:*",
        "a^",
    ] {
        let r = env.run(&["--index", "ix", "search", "--lenient", q]);
        assert!(r.code == 0 || r.code == 1 || r.code == 2, "{}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    // The index is unharmed.
    env.run(&["--index", "ix", "search", "observers"])
        .assert_code(0);
}

#[test]
fn a_batch_of_bad_queries_reports_each_and_runs_the_rest() {
    let env = small_index();
    let big = "x".repeat(100_000);
    env.write(
        "queries.txt",
        format!("observers\n\"open\n(nested\nnosuch:x\n{big}\ndelegates\n"),
    );
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "--queries",
        "queries.txt",
        "--json",
    ]);
    r.assert_code(2);
    assert_eq!(r.stderr.lines().count(), 4, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
    let queries: BTreeSet<String> = r
        .hits()
        .iter()
        .filter_map(|h| h["query"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        queries,
        ["observers", "delegates"]
            .map(String::from)
            .into_iter()
            .collect()
    );
}

#[test]
fn missing_foreign_and_damaged_indexes_are_clear_errors() {
    let env = small_index();
    // Missing.
    let r = env.run(&["--index", "nowhere", "search", "envoy"]);
    assert_clear_error(&r, "no index at nowhere", "missing");
    // A folder of other files: refused, never emptied.
    env.write("foreign/notes.txt", "mine");
    for args in [
        vec!["--index", "foreign", "search", "envoy"],
        vec!["index", "news", "--index", "foreign"],
        vec!["index", "news", "--index", "foreign", "--rebuild"],
    ] {
        let r = env.run(&args);
        r.assert_code(2);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    let left: Vec<_> = fs::read_dir(env.path("foreign"))
        .expect("read")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        left,
        ["notes.txt"],
        "the foreign folder must be left as it was"
    );
    // Another program's meta.json.
    env.write("other/meta.json", "{\"hello\": 1}");
    let r = env.run(&["--index", "other", "search", "envoy"]);
    assert_clear_error(&r, "not made by attache", "foreign meta.json");
    assert!(!r.stderr.contains("--rebuild"), "{}", r.stderr);
    assert!(env.path("other/meta.json").exists());

    // Damaged copies of a good index, each in its own folder.
    let good = snapshot(&env, "ix");
    type Damage = Box<dyn Fn(&Path)>;
    let damage: Vec<(&str, Damage)> = vec![
        (
            "truncated meta.json",
            Box::new(|d| truncate(&d.join("meta.json"), 0.5)),
        ),
        (
            "empty meta.json",
            Box::new(|d| truncate(&d.join("meta.json"), 0.0)),
        ),
        (
            "segment file deleted",
            Box::new(|d| remove_segment_file(d, "idx")),
        ),
        (
            "store truncated",
            Box::new(|d| truncate_segment_file(d, "store")),
        ),
        (
            "terms truncated",
            Box::new(|d| truncate_segment_file(d, "term")),
        ),
        (
            "postings truncated",
            Box::new(|d| truncate_segment_file(d, "idx")),
        ),
        (
            "fast fields truncated",
            Box::new(|d| truncate_segment_file(d, "fast")),
        ),
        (
            "format marker garbled",
            Box::new(|d| fs::write(d.join("attache-format"), "x").expect("w")),
        ),
        (
            "format marker of another version",
            Box::new(|d| fs::write(d.join("attache-format"), "999\n").expect("w")),
        ),
    ];
    for (what, hurt) in damage {
        let dir = env.path(&format!("dmg-{}", what.replace(' ', "-")));
        copy_dir(&env.path("ix"), &dir);
        hurt(&dir);
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let r = env.run(&["--index", &name, "search", "observers"]);
        assert_clear_error(&r, "attache index --rebuild", what);
        assert_eq!(r.stderr.lines().count(), 1, "{what}: {}", r.stderr);
        // The advice works: --rebuild brings it back.
        let r = env.run(&["index", "news", "--index", &name, "--rebuild"]);
        r.assert_code(0);
        assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
        assert_eq!(snapshot(&env, &name), good, "{what}");
    }
}

fn truncate(p: &Path, keep: f64) {
    let bytes = fs::read(p).expect("read");
    fs::write(p, &bytes[..(bytes.len() as f64 * keep) as usize]).expect("truncate");
}

fn segment_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no .{ext} file in {}", dir.display());
    v
}

fn remove_segment_file(dir: &Path, ext: &str) {
    fs::remove_file(&segment_files(dir, ext)[0]).expect("remove");
}

fn truncate_segment_file(dir: &Path, ext: &str) {
    for p in segment_files(dir, ext) {
        truncate(&p, 0.3);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read") {
        let e = e.expect("entry");
        fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

// ---------------------------------------------------------------------------------
// Property tests: extraction and query handling never panic; offsets are sound.
// PROPTEST_CASES overrides the number of cases (default below, kept small for CI).

/// Pieces that exercise the extractors: quote marks of every kind, dashes, datelines,
/// dates, speech verbs, names, Cyrillic and German, line ends of every kind.
fn piece() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "\"",
        "“",
        "”",
        "„",
        "«",
        "»",
        "‘",
        "’",
        "‹",
        "›",
        "'",
        " - ",
        " — ",
        " – ",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "\r\r",
        " ",
        ".",
        ",",
        ":",
        "said",
        " told ",
        "according to ",
        "Reuters",
        "(AFP)",
        "Europetime",
        "Foreign Minister",
        "Anna Kovac",
        "he",
        "she",
        "сказал",
        "заявил",
        "министр",
        "sagte",
        "„Wir",
        "TBILISI, May 13",
        "May",
        "14",
        "2023",
        "2022-13-45",
        "last week",
        "on Monday",
        "13 мая 2023 года",
        "14. Mai 2023",
        "---\ntitle: x\ndate: 2023-02-30\n---\n",
        "\u{feff}",
        "é",
        "ß",
        "👍",
        "\u{200b}",
        "\u{0301}",
        "NATO",
        "the",
        "that",
    ])
    .prop_map(str::to_string);
    prop_oneof![4 => fixed, 1 => any::<String>(), 1 => "[a-zA-Z ]{1,12}"]
}

fn article_text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..120).prop_map(|v| v.concat())
}

fn assert_span(text: &str, s: usize, e: usize, what: &str) {
    assert!(
        s <= e && e <= text.len(),
        "{what} {s}..{e} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what} {s}..{e} not on char boundaries in {text:?}"
    );
}

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases: n,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn extraction_never_panics_and_offsets_are_sound(text in article_text()) {
        let article = analyze(&text, &Default::default(), None);
        prop_assert!(article.body_start <= text.len() && text.is_char_boundary(article.body_start));
        for q in &article.quotes {
            assert_span(&text, q.start, q.end, "quote");
        }
        for d in &article.dates {
            assert_span(&text, d.start, d.end, "date");
        }
        for p in split_passages(&text, article.body_start, MAX_PASSAGE_CHARS) {
            assert_span(&text, p.start, p.end, "passage");
            prop_assert!(p.start < p.end, "empty passage");
        }
        // Short passage limits too.
        for p in split_passages(&text, article.body_start, 7) {
            assert_span(&text, p.start, p.end, "short passage");
        }
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(text) = decode(bytes.clone()) {
            let article = analyze(&text, &Default::default(), None);
            for q in &article.quotes {
                assert_span(&text, q.start, q.end, "quote");
            }
        }
        let mut bom16: Vec<u8> = vec![0xFF, 0xFE];
        bom16.extend(&bytes);
        let _ = decode(bom16);
    }
}

/// A small index built once for the query property test.
fn query_index() -> &'static (tempfile::TempDir, PathBuf) {
    static IX: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    IX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tmp");
        for i in 0..4 {
            let p = dir.path().join(format!("news/a{i}.txt"));
            fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            fs::write(p, article(i, 0)).expect("write");
        }
        let ix = dir.path().join("ix");
        index_folder(
            &IndexOptions {
                root: dir.path().join("news"),
                index_dir: ix.clone(),
                extensions: vec!["txt".into()],
                rebuild: false,
                threads: 1,
                heap: 15_000_000,
                merge: Merge::Off,
            },
            &NoProgress,
        )
        .expect("index");
        (dir, ix)
    })
}

fn query_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(vec![
            "envoy", "grain", "\"", "(", ")", " AND ", " OR ", " NOT ", "-", "+", "title:",
            "body:", "speaker:", "source:", "dates:", "nosuch:", "published:", "[", "]", " TO ",
            "*", "^2", "~1", "{", "}", ":", "\\", " ", "IN [", "Kovac1", "„", "é", "👍",
        ]).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(cases(200))]

    #[test]
    fn any_query_gives_hits_or_a_query_error(query in query_text(), lenient in any::<bool>(), any_word in any::<bool>()) {
        let (_, ix) = query_index();
        let mut searcher = Searcher::open(ix).expect("open");
        let req = SearchRequest {
            query: query.clone(),
            limit: 5,
            lenient,
            any: any_word,
            ..SearchRequest::default()
        };
        match searcher.search(&req) {
            Ok(results) => {
                for h in results.hits {
                    for &(s, e) in &h.highlights {
                        assert_span(&h.passage, s, e, "highlight");
                    }
                }
            }
            Err(Error::Query { .. } | Error::BadOption(_)) => {}
            Err(e) => prop_assert!(false, "query {query:?}: unexpected error {e}"),
        }
    }
}

/// Inputs the property tests once found, kept as plain cases.
#[test]
fn queries_found_by_the_property_tests() {
    let (_, ix) = query_index();
    let mut searcher = Searcher::open(ix).expect("open");
    for (query, lenient) in [
        ("title:*", false),
        ("®title:*[", true),
        ("round -\"1 in\"", false),
        ("round -\"observers kovac1\"", false),
        (" NOT ~1-IN [", true),
    ] {
        let req = SearchRequest {
            query: query.to_string(),
            limit: 5,
            lenient,
            ..SearchRequest::default()
        };
        match searcher.search(&req) {
            Ok(_) | Err(Error::Query { .. }) => {}
            Err(e) => panic!("{query:?}: {e}"),
        }
    }
}
