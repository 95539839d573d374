//! CLI tests: the built binary on articles written into a temp folder.

mod util;

use util::Env;

/// Three small articles of our own, each with something to find.
fn sample(env: &Env) {
    env.write(
        "news/georgia.txt",
        "Georgia and NATO discuss support\n\n\
         TBILISI, May 13 (Europetime) - Talks on tailored support continued on Friday, \
         according to a NATO official speaking to Europetime.\n\n\
         “We want faster delivery of what was agreed,” said Foreign Minister Ilia Gvaramadze.\n\n\
         „The work builds on the Substantial NATO-Georgia Package.\n\n\
         Experts will report to ministers soon“, - a NATO official told Europetime.\n",
    );
    env.write(
        "news/grain.txt",
        "---\ntitle: Grain ships wait off Istanbul\ndate: 2023-03-02\nsource: Baltic Wire\n---\n\
         Grain ships wait\n\n\
         Inspections of grain ships slowed again, officials said.\n\n\
         \"The queue is getting longer every day,\" said port official Dana Marsh.\n",
    );
    env.write(
        "news/sanctions.md",
        "---\ntitle: Envoys back sanctions\ndate: 2021-11-20\nsource: Nordpost\n---\n\
         Envoys back sanctions\n\n\
         Envoys agreed new sanctions listings on Wednesday.\n",
    );
}

fn indexed() -> Env {
    let env = Env::new();
    sample(&env);
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    env
}

#[test]
fn index_reports_a_summary_and_search_finds_the_phrase() {
    let env = Env::new();
    sample(&env);
    let r = env.run(&["index", "news", "--index", "ix"]);
    r.assert_code(0);
    assert!(
        r.stdout
            .starts_with("indexed 3 files (3 new, 0 changed, 0 removed, 0 unchanged)"),
        "{}",
        r.stdout
    );
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "Substantial NATO-Georgia Package",
        "--json",
    ]);
    r.assert_code(0);
    let hits = r.hits();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit["type"], "hit");
    assert_eq!(hit["rank"], 1);
    assert_eq!(hit["path"], "news/georgia.txt");
    let passage = hit["passage"].as_str().unwrap_or_default();
    let hl = &hit["highlights"][0];
    let (s, e) = (
        hl[0].as_u64().unwrap_or(0) as usize,
        hl[1].as_u64().unwrap_or(0) as usize,
    );
    assert_eq!(&passage[s..e], "Substantial NATO-Georgia Package");
    assert!(
        hit["sources"]
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s == "Europetime")),
        "{hit}"
    );
    for field in [
        "rank",
        "score",
        "path",
        "title",
        "passage",
        "passage_index",
        "start",
        "end",
        "highlights",
        "speakers",
        "sources",
        "published",
        "date_source",
        "dates",
    ] {
        assert!(hit.get(field).is_some(), "missing {field}");
    }
    // start..end is where the passage stands in the file.
    let file = std::fs::read_to_string(env.path("news/georgia.txt")).unwrap_or_default();
    let (s, e) = (
        hit["start"].as_u64().unwrap_or(0) as usize,
        hit["end"].as_u64().unwrap_or(0) as usize,
    );
    assert_eq!(&file[s..e], passage);
}

#[test]
fn passages_are_stored_with_zstd_and_read_back_whole() {
    let env = indexed();
    let meta = std::fs::read_to_string(env.path("ix/meta.json")).unwrap_or_default();
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap_or_default();
    let compression = meta["index_settings"]["docstore_compression"]
        .as_str()
        .unwrap_or_default();
    assert!(compression.starts_with("zstd"), "{meta}");
    let r = env.run(&["--index", "ix", "search", "queue", "--json"]);
    r.assert_code(0);
    assert_eq!(
        r.hits()[0]["passage"],
        "\"The queue is getting longer every day,\" said port official Dana Marsh."
    );
}

#[test]
fn quoted_phrase_is_highlighted_as_one_range() {
    let env = indexed();
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "\"substantial nato-georgia package\"",
        "--json",
    ]);
    r.assert_code(0);
    let hit = &r.hits()[0];
    let passage = hit["passage"].as_str().unwrap_or_default();
    let ranges: Vec<&str> = hit["highlights"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| &passage[r[0].as_u64().unwrap_or(0) as usize..r[1].as_u64().unwrap_or(0) as usize])
        .collect();
    assert_eq!(ranges, ["Substantial NATO-Georgia Package"]);
}

#[test]
fn exit_codes_follow_ripgrep() {
    let env = indexed();
    env.run(&["--index", "ix", "search", "grain"])
        .assert_code(0);
    let r = env.run(&["--index", "ix", "search", "zeppelin"]);
    r.assert_code(1);
    assert!(r.stdout.is_empty());
    for bad in ["\"unclosed", "(nato", "nato AND", "nosuchfield:x", "-nato"] {
        let r = env.run(&["--index", "ix", "search", "--", bad]);
        r.assert_code(2);
        assert_eq!(r.stderr.lines().count(), 1, "{bad}: {}", r.stderr);
        assert!(r.stderr.starts_with("attache: "), "{}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
    }
    let r = env.run(&["--index", "ix", "search", "grain", "--limit", "0"]);
    r.assert_code(2);
    let r = env.run(&["--index", "ix", "search", "grain", "--from", "2022-13-45"]);
    r.assert_code(2);
    assert!(r.stderr.contains("2022-13-45"), "{}", r.stderr);
    let r = env.run(&["--index", "nowhere", "search", "grain"]);
    r.assert_code(2);
    assert!(r.stderr.contains("no index at nowhere"), "{}", r.stderr);
}

#[test]
fn lenient_mode_runs_what_it_can_and_says_so() {
    let env = indexed();
    let r = env.run(&["--index", "ix", "search", "grain (", "--lenient"]);
    r.assert_code(0);
    assert!(r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn filters_by_source_and_date() {
    let env = indexed();
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "grain OR sanctions OR support",
        "--any",
        "--source",
        "nordpost",
        "--json",
    ]);
    r.assert_code(0);
    let paths: Vec<String> = r
        .hits()
        .iter()
        .map(|h| h["path"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(paths, ["news/sanctions.md"]);
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "grain OR sanctions",
        "--from",
        "2022",
        "--json",
    ]);
    r.assert_code(0);
    for h in r.hits() {
        assert_eq!(h["path"], "news/grain.txt");
        assert_eq!(h["published"], "2023-03-02");
        assert_eq!(h["date_source"], "metadata");
    }
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "grain OR sanctions",
        "--to",
        "2021-11",
        "--json",
    ]);
    r.assert_code(0);
    assert!(r.hits().iter().all(|h| h["path"] == "news/sanctions.md"));
    env.run(&["--index", "ix", "search", "grain", "--to", "2021"])
        .assert_code(1);
}

#[test]
fn filters_by_speaker() {
    let env = indexed();
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "faster",
        "--speaker",
        "Gvaramadze",
        "--json",
    ]);
    r.assert_code(0);
    let hits = r.hits();
    assert_eq!(hits.len(), 1);
    assert!(hits[0]["speakers"].as_array().is_some_and(|a| {
        a.iter()
            .any(|s| s.as_str().is_some_and(|s| s.contains("Gvaramadze")))
    }));
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "Package",
        "--speaker",
        "NATO official",
        "--json",
    ]);
    r.assert_code(0);
    env.run(&["--index", "ix", "search", "faster", "--speaker", "Marsh"])
        .assert_code(1);
}

#[test]
fn reindex_skips_unchanged_and_follows_edits_and_deletes() {
    let env = indexed();
    let r = env.run(&["index", "news", "--index", "ix"]);
    r.assert_code(0);
    assert!(
        r.stdout.starts_with("nothing changed: 3 files unchanged"),
        "{}",
        r.stdout
    );

    env.write(
        "news/grain.txt",
        "Grain ships\n\nThe zeppelin queue cleared overnight.\n",
    );
    env.remove("news/sanctions.md");
    env.write("news/new.txt", "New\n\nA new article about tariffs.\n");
    assert_eq!(reindex_counts(&env), [1, 1, 1, 1]);

    env.run(&["--index", "ix", "search", "zeppelin"])
        .assert_code(0);
    env.run(&["--index", "ix", "search", "inspections"])
        .assert_code(1);
    env.run(&["--index", "ix", "search", "sanctions"])
        .assert_code(1);
    env.run(&["--index", "ix", "search", "tariffs"])
        .assert_code(0);

    let r = env.run(&["index", "news", "--index", "ix", "--rebuild"]);
    r.assert_code(0);
    assert!(
        r.stdout.starts_with("indexed 3 files (3 new"),
        "{}",
        r.stdout
    );
    env.run(&["--index", "ix", "search", "zeppelin"])
        .assert_code(0);
}

#[test]
fn a_touched_file_with_the_same_content_is_not_indexed_again() {
    let env = Env::new();
    sample(&env);
    // One commit per file and no merge at the end, so the file records are spread over
    // several segments.
    let out = env
        .cmd(&["index", "news", "--index", "ix", "--no-merge"])
        .env("ATTACHE_COMMIT_EVERY", "1")
        .env("ATTACHE_SMALL_RUN_DOCS", "0")
        .output()
        .expect("run attache");
    assert!(out.status.success(), "{out:?}");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    for name in ["news/grain.txt", "news/georgia.txt"] {
        let file = std::fs::File::options()
            .append(true)
            .open(env.path(name))
            .expect("open");
        file.set_modified(later).expect("set mtime");
    }
    assert_eq!(reindex_counts(&env), [0, 0, 0, 3]);
    env.write(
        "news/grain.txt",
        "Grain ships\n\nThe zeppelin queue cleared.\n",
    );
    assert_eq!(reindex_counts(&env), [0, 1, 0, 2]);
}

/// Number of segments in the index's last commit.
fn segments(env: &Env, index: &str) -> usize {
    let meta = std::fs::read_to_string(env.path(&format!("{index}/meta.json"))).expect("meta.json");
    let meta: serde_json::Value = serde_json::from_str(&meta).expect("meta.json is JSON");
    meta["segments"].as_array().map_or(0, Vec::len)
}

#[test]
fn a_small_run_leaves_one_segment_and_merge_merges_a_large_one() {
    let env = Env::new();
    sample(&env);
    // One commit per file: three commits, two writer threads.
    let index = |index: &str, flag: Option<&str>, small_run_docs: &str| {
        let mut args = vec!["index", "news", "--index", index, "--threads", "2"];
        args.extend(flag);
        let out = env
            .cmd(&args)
            .env("ATTACHE_COMMIT_EVERY", "1")
            .env("ATTACHE_SMALL_RUN_DOCS", small_run_docs)
            .output()
            .expect("run attache");
        assert!(out.status.success(), "{out:?}");
    };
    // Runs counted as large (the threshold 0): --no-merge keeps their segments, the
    // default merges them into groups of at most a million documents (here one), --merge
    // into at most one segment per thread.
    index("kept", Some("--no-merge"), "0");
    assert!(
        segments(&env, "kept") > 1,
        "a run with --no-merge keeps its segments"
    );
    index("bounded", None, "0");
    assert_eq!(segments(&env, "bounded"), 1);
    index("merged", Some("--merge"), "0");
    assert!(segments(&env, "merged") <= 2);
    index("small", None, "100000");
    assert_eq!(segments(&env, "small"), 1);
    // A second small run merges what it wrote with the first run's small segment: small
    // runs leave one segment between them, not one each; --no-merge does not change that.
    env.write(
        "news/grain.txt",
        "Grain ships\n\nThe zeppelin queue cleared.\n",
    );
    index("small", Some("--no-merge"), "100000");
    assert_eq!(segments(&env, "small"), 1);
    // An earlier segment that would take the merge to the threshold is left alone (the
    // run writes 2 documents, the earlier segment holds about 10): the run's own
    // segments are merged, and nothing else.
    env.write(
        "news/grain.txt",
        "Grain ships\n\nThe zeppelin queue cleared again.\n",
    );
    index("small", None, "8");
    assert_eq!(segments(&env, "small"), 2);
    for ix in ["kept", "bounded", "small", "merged"] {
        let hits = env
            .run(&["--index", ix, "search", "--json", "sanctions"])
            .hits();
        assert_eq!(hits.len(), 1, "{ix}");
    }
}

#[test]
fn merge_and_no_merge_exclude_each_other() {
    let env = Env::new();
    sample(&env);
    let r = env.run(&["index", "news", "--index", "ix", "--merge", "--no-merge"]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("--no-merge") && r.stderr.contains("cannot be used with"),
        "{}",
        r.stderr
    );
    assert!(!env.path("ix").exists(), "nothing indexed");
}

/// Runs `attache index news --index ix --json` and returns the summary's counts of files
/// added, changed, removed and unchanged.
fn reindex_counts(env: &Env) -> [u64; 4] {
    let r = env.run(&["index", "news", "--index", "ix", "--json"]);
    r.assert_code(0);
    let s = &r.json_lines()[0];
    assert_eq!(s["type"], "summary", "{s}");
    ["added", "changed", "removed", "unchanged"].map(|k| s[k].as_u64().unwrap_or(u64::MAX))
}

#[test]
fn bad_files_are_skipped_with_a_reason_and_the_run_goes_on() {
    let env = Env::new();
    sample(&env);
    env.write("news/binary.txt", [0u8, 159, 146, 150, 0, 1, 2]);
    env.write("news/latin1.txt", b"Caf\xe9 talks\n\nbody\n");
    env.write("news/empty.txt", "");
    env.write("news/.hidden.txt", "Hidden\n\nsecret zeppelin\n");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        "Talks\n\nUTF-16 narwhal text\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    env.write("news/utf16.txt", utf16);
    let r = env.run(&["index", "news", "--index", "ix"]);
    r.assert_code(0);
    assert!(r.stdout.contains("3 skipped"), "{}", r.stdout);
    for (file, reason) in [
        ("binary.txt", "binary"),
        ("latin1.txt", "not UTF-8"),
        ("empty.txt", "empty"),
    ] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(file) && l.contains(reason)),
            "{file}: {}",
            r.stderr
        );
    }
    env.run(&["--index", "ix", "search", "narwhal"])
        .assert_code(0);
    env.run(&["--index", "ix", "search", "zeppelin"])
        .assert_code(1);
    env.run(&["--index", "ix", "search", "grain"])
        .assert_code(0);
}

#[test]
fn closed_stdout_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let env = Env::new();
    for i in 0..40 {
        env.write(
            &format!("news/a{i:02}.txt"),
            format!("Title {i}\n\nThe walrus report number {i}.\n"),
        );
    }
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let mut child = env
        .cmd(&["--index", "ix", "search", "walrus", "--limit", "40"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let status = child.wait().expect("wait");
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn ties_are_ordered_by_passage_number_then_path() {
    let env = Env::new();
    // The same paragraph, so the same score, first in c.txt and second in a.txt and b.txt.
    let second = "Same\n\nAn opening line.\n\nIdentical walrus text.\n\nIdentical walrus text.\n";
    env.write(
        "news/c.txt",
        "Same\n\nIdentical walrus text.\n\nA closing line.\n",
    );
    env.write("news/b.txt", second);
    env.write("news/a.txt", second);
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    // The repeated paragraph is stored once per file.
    let want = [("news/c.txt", 0), ("news/a.txt", 1), ("news/b.txt", 1)];
    let want: Vec<(String, u64)> = want.iter().map(|(p, i)| (p.to_string(), *i)).collect();
    // A limit under the number of ties cuts the run of them (their passage numbers come
    // from the fast field); one over it takes them all (from the stored passages).
    for limit in ["1", "2", "3", "10"] {
        let r = env.run(&[
            "--index",
            "ix",
            "search",
            "walrus",
            "--json",
            "--no-collapse",
            "--limit",
            limit,
        ]);
        let hits = r.hits();
        let n = limit.parse::<usize>().unwrap_or(0).min(want.len());
        assert_eq!(places(&hits), want[..n], "--limit {limit}");
        let scores: Vec<f64> = hits
            .iter()
            .map(|h| h["score"].as_f64().unwrap_or(0.0))
            .collect();
        assert!(scores.windows(2).all(|w| w[0] == w[1]), "{scores:?}");
    }
    // Collapsed, the first in that order is kept and the others are its copies.
    for limit in ["1", "10"] {
        let r = env.run(&[
            "--index", "ix", "search", "walrus", "--json", "--limit", limit,
        ]);
        let hits = r.hits();
        assert_eq!(places(&hits), want[..1], "--limit {limit}");
        let copies = hits[0]["duplicates"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(places(&copies), want[1..], "--limit {limit}");
    }
}

#[test]
fn search_builds_the_index_from_corpus_on_first_use() {
    let env = Env::new();
    env.write(
        "corpus/one.txt",
        "One\n\nA story about the narwhal summit.\n",
    );
    let r = env.run(&["search", "narwhal"]);
    r.assert_code(0);
    assert!(
        r.stderr.contains("building it from corpus/"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("corpus/one.txt"));
    let r = env.run(&["search", "narwhal"]);
    r.assert_code(0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn refuses_an_index_folder_holding_other_files() {
    let env = Env::new();
    sample(&env);
    env.write("mine/notes.txt", "precious");
    let r = env.run(&["index", "news", "--index", "mine"]);
    r.assert_code(2);
    assert!(r.stderr.contains("not an attache index"), "{}", r.stderr);
    assert!(!r.stderr.contains("--rebuild"), "{}", r.stderr);
    assert!(env.path("mine/notes.txt").exists());
}

#[test]
fn extract_prints_the_contract() {
    let env = Env::new();
    sample(&env);
    let r = env.run(&[
        "extract",
        "--reference-date",
        "2023-05-20",
        "news/georgia.txt",
        "news/grain.txt",
    ]);
    r.assert_code(0);
    let docs = r.json_lines();
    assert_eq!(docs.len(), 2);
    let text = std::fs::read_to_string(env.path("news/georgia.txt")).unwrap_or_default();
    let g = &docs[0];
    assert_eq!(g["title"], "Georgia and NATO discuss support");
    for q in g["quotes"].as_array().into_iter().flatten() {
        let (s, e) = (
            q["start"].as_u64().unwrap_or(0) as usize,
            q["end"].as_u64().unwrap_or(0) as usize,
        );
        assert_eq!(text.get(s..e), q["text"].as_str(), "{q}");
        assert!(q["kind"] == "direct" || q["kind"] == "indirect");
    }
    assert!(
        g["quotes"]
            .as_array()
            .is_some_and(|qs| qs.iter().any(|q| q["speaker"]
                .as_str()
                .is_some_and(|s| s.contains("Gvaramadze")))),
        "{g}"
    );
    assert!(
        g["quotes"]
            .as_array()
            .is_some_and(|qs| qs.iter().any(|q| q["speaker"] == "a NATO official")),
        "{g}"
    );
    // The dateline's date takes its year from the reference date.
    assert_eq!(g["published"], "2023-05-13");
    assert_eq!(g["date_source"], "dateline");
    assert_eq!(g["sources"], serde_json::json!(["Europetime"]));
    assert_eq!(docs[1]["published"], "2023-03-02");
    assert_eq!(docs[1]["date_source"], "metadata");
    let r = env.run(&["extract", "news/missing.txt", "news/grain.txt"]);
    r.assert_code(2);
    assert_eq!(r.json_lines().len(), 1);
    assert!(r.stderr.contains("news/missing.txt"), "{}", r.stderr);
}

#[test]
fn batch_queries_tag_each_hit_and_survive_a_bad_line() {
    let env = indexed();
    env.write(
        "queries.txt",
        "grain\n# a comment\n\n\"unclosed\nsanctions\nzeppelin\n",
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
    assert!(r.stderr.contains("\\\"unclosed"), "{}", r.stderr);
    let queries: Vec<String> = r
        .hits()
        .iter()
        .map(|h| h["query"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        queries.contains(&"grain".to_string()) && queries.contains(&"sanctions".to_string()),
        "{queries:?}"
    );
    assert!(queries.iter().all(|q| q == "grain" || q == "sanctions"));
    env.write("good.txt", "grain\nzeppelin\n");
    env.run(&["--index", "ix", "search", "--queries", "good.txt"])
        .assert_code(0);
    env.write("none.txt", "zeppelin\n");
    env.run(&["--index", "ix", "search", "--queries", "none.txt"])
        .assert_code(1);
}

#[test]
fn a_long_batch_answers_in_file_order_as_each_query_alone() {
    let env = indexed();
    // More queries than one parallel window, cycling through hits, misses and a bad line.
    let cycle = [
        "grain",
        "sanctions",
        "zeppelin",
        "NATO Georgia",
        "\"unclosed",
    ];
    let queries: Vec<&str> = cycle.iter().cycle().take(150).copied().collect();
    env.write("many.txt", &(queries.join("\n") + "\n"));
    let r = env.run(&["--index", "ix", "search", "--queries", "many.txt", "--json"]);
    r.assert_code(2);
    assert_eq!(r.stderr.matches("unclosed").count(), 30, "{}", r.stderr);
    let batch: Vec<(String, String)> = r
        .hits()
        .iter()
        .map(|h| {
            let q = h["query"].as_str().unwrap_or("").to_string();
            (q, h["path"].as_str().unwrap_or("").to_string())
        })
        .collect();
    let mut alone: Vec<(String, String)> = Vec::new();
    for q in &queries[..cycle.len()] {
        let r = env.run(&["--index", "ix", "search", "--json", "--", q]);
        for h in r.hits() {
            alone.push((q.to_string(), h["path"].as_str().unwrap_or("").to_string()));
        }
    }
    assert!(!alone.is_empty());
    let expected: Vec<(String, String)> = alone
        .iter()
        .cycle()
        .take(alone.len() * 30)
        .cloned()
        .collect();
    assert_eq!(batch, expected);
}

/// Two articles with the same last paragraph, one headlined with its word.
fn walrus_news(env: &Env) {
    env.write("news/a.txt", "Walrus summit opens\n\nDelegates arrived on Monday.\n\nThe walrus question came up late.\n");
    env.write(
        "news/b.txt",
        "Other news\n\nThe walrus question came up late.\n",
    );
}

#[test]
fn title_words_add_to_the_score_but_do_not_match_alone() {
    let env = Env::new();
    walrus_news(&env);
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "walrus",
        "--json",
        "--no-collapse",
    ]);
    let got = places(&r.hits());
    assert_eq!(
        got,
        [("news/a.txt".to_string(), 1), ("news/b.txt".to_string(), 0)]
    );
}

#[test]
fn title_queries_match_the_passages_of_their_files_across_edits() {
    let env = Env::new();
    walrus_news(&env);
    env.write(
        "news/c.txt",
        "Walrus count falls\n\nFewer animals were seen on the ice.\n",
    );
    let search = |env: &Env, q: &str| {
        let r = env.run(&[
            "--index",
            "ix",
            "search",
            q,
            "--json",
            "--no-collapse",
            "-n",
            "20",
        ]);
        let mut got = places(&r.hits());
        got.sort();
        got
    };
    let at = |p: &str, i: u64| (format!("news/{p}.txt"), i);
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let cases = |env: &Env, c_title: &str| {
        let c = c_title == "walrus";
        let table: Vec<(&str, Vec<(String, u64)>)> = vec![
            (
                "title:walrus",
                [
                    vec![at("a", 0), at("a", 1)],
                    if c { vec![at("c", 0)] } else { vec![] },
                ]
                .concat(),
            ),
            ("title:walrus delegates", vec![at("a", 0)]),
            ("title:\"summit opens\" question", vec![at("a", 1)]),
            ("walrus -title:walrus", vec![at("b", 0)]),
            ("title:news OR delegates", vec![at("a", 0), at("b", 0)]),
            ("title:[other TO otter] question", vec![at("b", 0)]),
        ];
        for (q, want) in table {
            assert_eq!(search(env, q), want, "{q:?} (c.txt titled {c_title})");
        }
    };
    cases(&env, "walrus");
    // c.txt edited: its old documents are deleted and new ones added after the others.
    env.write(
        "news/c.txt",
        "Seal count falls\n\nFewer animals were seen on the ice.\n",
    );
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    cases(&env, "seal");
    env.run(&["index", "news", "--index", "ix", "--rebuild", "--merge"])
        .assert_code(0);
    cases(&env, "seal");
}

/// Where each JSON hit (or copy of one) is: its path and passage number.
fn places(v: &[serde_json::Value]) -> Vec<(String, u64)> {
    v.iter()
        .map(|h| {
            (
                h["path"].as_str().unwrap_or("").to_string(),
                h["passage_index"].as_u64().unwrap_or(99),
            )
        })
        .collect()
}

/// The paths a JSON hit lists as its near-duplicates, in order.
fn duplicate_paths(hit: &serde_json::Value) -> Vec<&str> {
    hit["duplicates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["path"].as_str())
        .collect()
}

#[test]
fn near_duplicates_collapse_into_one_hit() {
    let env = Env::new();
    let wire = "Ministers of the five coastal states agreed on Tuesday to set up a joint working \
                group on walrus protection, which will meet for the first time in the autumn.";
    let edited = wire
        .replace("Tuesday", "Monday")
        .replace("autumn", "spring");
    env.write(
        "news/a.txt",
        format!(
            "A\n\n{wire}\n\nA different walrus paragraph about the fishing season and its quotas.\n"
        ),
    );
    env.write("news/b.txt", format!("B\n\n{wire}\n"));
    env.write("news/c.txt", format!("C\n\n{edited}\n"));
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let r = env.run(&["--index", "ix", "search", "walrus", "--json"]);
    r.assert_code(0);
    let hits = r.hits();
    assert_eq!(hits.len(), 2, "{}", r.stdout);
    // The short paragraph ranks first; the wire copy in a.txt carries the others.
    assert_eq!(hits[0]["passage_index"], 1);
    let dups = duplicate_paths(&hits[1]);
    assert_eq!(hits[1]["path"], "news/a.txt");
    assert_eq!(dups, ["news/b.txt", "news/c.txt"]);
    let r = env.run(&["--index", "ix", "search", "walrus"]);
    assert!(
        r.stdout
            .contains("also in 2 files: news/b.txt ¶1, news/c.txt ¶1"),
        "{}",
        r.stdout
    );
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "walrus",
        "--json",
        "--no-collapse",
    ]);
    assert_eq!(r.hits().len(), 4);
    // With one hit asked for, a copy in a later run of equal scores (the second passage
    // of d.txt, after the copies at passage 0) is read only because its sketch matches
    // the kept hit's, and is still folded into it.
    env.write("news/d.txt", format!("D\n\nAn opening line.\n\n{wire}\n"));
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let r = env.run(&["--index", "ix", "search", "coastal", "--json", "-n", "1"]);
    r.assert_code(0);
    let hits = r.hits();
    assert_eq!(hits.len(), 1, "{}", r.stdout);
    assert_eq!(hits[0]["path"], "news/a.txt");
    let dups = duplicate_paths(&hits[0]);
    assert_eq!(dups, ["news/b.txt", "news/c.txt", "news/d.txt"]);
}

#[test]
fn json_lines_end_with_a_summary_and_count_counts() {
    let env = indexed();
    let r = env.run(&["--index", "ix", "search", "grain", "--json"]);
    let lines = r.json_lines();
    let last = lines.last().cloned().unwrap_or_default();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["hits"].as_u64(), Some(lines.len() as u64 - 1));
    assert!(last["elapsed_ms"].as_f64().is_some());
    let r = env.run(&["--index", "ix", "search", "grain", "--count"]);
    r.assert_code(0);
    assert_eq!(r.stdout.trim(), "1");
    let r = env.run(&["--index", "ix", "search", "grain", "--count", "--json"]);
    assert_eq!(r.json_lines()[0]["count"], 1);
    env.run(&["--index", "ix", "search", "zeppelin", "--count"])
        .assert_code(1);
}

#[test]
fn csv_output_has_a_header_and_one_row_a_hit() {
    let env = indexed();
    let r = env.run(&["--index", "ix", "search", "grain", "--format", "csv"]);
    r.assert_code(0);
    let mut rows = r.stdout.lines();
    assert_eq!(
        rows.next(),
        Some(
            "query,rank,score,path,passage_index,start,end,title,published,sources,speakers,duplicates,passage"
        )
    );
    assert_eq!(rows.count(), 1);
    let r = env.run(&[
        "--index", "ix", "facets", "--by", "source", "--format", "csv",
    ]);
    r.assert_code(0);
    assert!(r.stdout.starts_with("source,passages\n"), "{}", r.stdout);
}

#[test]
fn context_shows_neighbouring_passages() {
    let env = Env::new();
    env.write(
        "news/a.txt",
        "T\n\nFirst paragraph.\n\nSecond about walrus.\n\nThird paragraph.\n\nFourth.\n",
    );
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let r = env.run(&[
        "--index",
        "ix",
        "search",
        "walrus",
        "--context",
        "1",
        "--json",
    ]);
    let ctx: Vec<(u64, String)> = r.hits()[0]["context"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["passage_index"].as_u64().unwrap_or(99),
                c["passage"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        ctx,
        [
            (0, "First paragraph.".to_string()),
            (2, "Third paragraph.".to_string())
        ]
    );
}

#[test]
fn quotes_facets_timeline_and_stats() {
    let env = indexed();
    let r = env.run(&["--index", "ix", "quotes", "--json"]);
    r.assert_code(0);
    let quotes: Vec<_> = r
        .json_lines()
        .into_iter()
        .filter(|v| v["type"] == "quote")
        .collect();
    assert!(
        quotes.iter().any(|q| q["speaker"] == "a NATO official"
            && q["text"]
                .as_str()
                .is_some_and(|t| t.contains("Substantial") && t.contains("Experts will report"))),
        "the multi-paragraph quote comes back whole: {}",
        r.stdout
    );
    let r = env.run(&[
        "--index",
        "ix",
        "quotes",
        "faster",
        "--speaker",
        "Gvaramadze",
        "--json",
    ]);
    r.assert_code(0);
    let r = env.run(&["--index", "ix", "facets", "--by", "source", "--json"]);
    r.assert_code(0);
    let facets: Vec<_> = r
        .json_lines()
        .into_iter()
        .filter(|v| v["type"] == "facet")
        .collect();
    assert!(
        facets
            .iter()
            .any(|f| f["value"] == "Europetime" && f["count"].as_u64().is_some_and(|n| n >= 1)),
        "{}",
        r.stdout
    );
    let r = env.run(&["--index", "ix", "facets", "--by", "year", "--json"]);
    let years: Vec<String> = r
        .json_lines()
        .iter()
        .filter(|v| v["type"] == "facet")
        .map(|v| v["value"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(years, ["2021", "2023"]);
    let r = env.run(&[
        "--index",
        "ix",
        "timeline",
        "grain OR sanctions",
        "--any",
        "--by",
        "year",
        "--ascii",
    ]);
    r.assert_code(0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let bar = |n: usize| "#".repeat(n);
    assert_eq!(
        lines,
        [
            format!("2021 {} 1", bar(50)),
            "2022  0".to_string(),
            format!("2023 {} 1", bar(50))
        ]
    );
    let r = env.run(&["--index", "ix", "stats", "--json"]);
    r.assert_code(0);
    let s = &r.json_lines()[0];
    assert_eq!(s["type"], "stats");
    assert_eq!(s["files"], 3);
    assert_eq!(s["first_published"], "2021-11-20");
    assert_eq!(s["last_published"], "2023-03-02");
}

#[test]
fn completions_and_man_page() {
    let env = Env::new();
    let r = env.run(&["completions", "bash"]);
    r.assert_code(0);
    assert!(r.stdout.contains("attache"));
    let r = env.run(&["man"]);
    r.assert_code(0);
    assert!(
        r.stdout.contains(".TH attache"),
        "{}",
        &r.stdout[..r.stdout.len().min(200)]
    );
    let r = env.run(&["search", "--help"]);
    assert!(r.stdout.contains("Examples:"));
}

/// Field names listed in docs/json.md, by object type (`## type` headings, table rows).
fn documented_fields() -> Vec<(String, Vec<String>)> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md"))
        .expect("docs/json.md");
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in doc.lines() {
        if let Some(t) = line.strip_prefix("## ") {
            out.push((t.trim().to_string(), Vec::new()));
        } else if let (Some(last), Some(rest)) = (out.last_mut(), line.strip_prefix("| `"))
            && let Some(name) = rest.split('`').next()
        {
            last.1.push(name.to_string());
        }
    }
    out
}

#[test]
fn every_documented_json_field_is_present() {
    let env = indexed();
    env.write("q.txt", "Package\n");
    let run = |args: &[&str]| {
        let mut all = vec!["--index", "ix"];
        all.extend_from_slice(args);
        env.run(&all).json_lines()
    };
    let mut objects = Vec::new();
    objects.extend(run(&[
        "search",
        "--queries",
        "q.txt",
        "--json",
        "--context",
        "1",
    ]));
    objects.extend(run(&["quotes", "--json"]));
    objects.extend(run(&["facets", "--by", "source", "--json"]));
    objects.extend(run(&["search", "grain", "--count", "--json"]));
    objects.extend(run(&["stats", "--json"]));
    let types = documented_fields();
    assert_eq!(
        types.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
        ["hit", "quote", "facet", "count", "summary", "stats"]
    );
    for (kind, fields) in types {
        let obj = objects
            .iter()
            .find(|o| o["type"] == kind.as_str())
            .unwrap_or_else(|| panic!("no {kind} object in real output"));
        assert!(!fields.is_empty(), "{kind}");
        for field in fields {
            assert!(obj.get(&field).is_some(), "{kind} lacks {field}: {obj}");
        }
    }
}

#[test]
fn facets_by_speaker_leave_out_bare_pronouns() {
    let env = Env::new();
    env.write(
        "news/a.txt",
        "Talks resume\n\n“We are ready to talk,” he said.\n\n\
         “Trade must go on,” said Ana Petrova, the trade minister.\n",
    );
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let r = env.run(&["--index", "ix", "quotes", "--json"]);
    let speakers: Vec<String> = r
        .json_lines()
        .iter()
        .filter(|v| v["type"] == "quote")
        .filter_map(|v| v["speaker"].as_str().map(str::to_string))
        .collect();
    assert!(speakers.iter().any(|s| s == "he"), "{speakers:?}");
    let r = env.run(&["--index", "ix", "facets", "--by", "speaker", "--json"]);
    r.assert_code(0);
    let values: Vec<String> = r
        .json_lines()
        .iter()
        .filter(|v| v["type"] == "facet")
        .filter_map(|v| v["value"].as_str().map(str::to_string))
        .collect();
    assert_eq!(values, ["Ana Petrova"]);
}
