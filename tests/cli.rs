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
    let hits = r.json_lines();
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
    let hit = &r.json_lines()[0];
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
        .json_lines()
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
    for h in r.json_lines() {
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
    assert!(r
        .json_lines()
        .iter()
        .all(|h| h["path"] == "news/sanctions.md"));
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
    let hits = r.json_lines();
    assert_eq!(hits.len(), 1);
    assert!(hits[0]["speakers"].as_array().is_some_and(|a| a
        .iter()
        .any(|s| s.as_str().is_some_and(|s| s.contains("Gvaramadze")))));
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
    let r = env.run(&["index", "news", "--index", "ix", "--json"]);
    r.assert_code(0);
    let s = &r.json_lines()[0];
    assert_eq!(
        (
            s["added"].as_u64(),
            s["changed"].as_u64(),
            s["removed"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(1)),
        "{s}"
    );
    assert_eq!(s["type"], "summary");

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
fn ties_are_ordered_by_path_then_passage() {
    let env = Env::new();
    for name in ["c", "a", "b"] {
        env.write(
            &format!("news/{name}.txt"),
            "Same\n\nIdentical walrus text.\n\nIdentical walrus text.\n",
        );
    }
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let r = env.run(&["--index", "ix", "search", "walrus", "--json"]);
    let paths: Vec<String> = r
        .json_lines()
        .iter()
        .map(|h| h["path"].as_str().unwrap_or("").to_string())
        .collect();
    // The repeated paragraph is stored once per file.
    assert_eq!(paths, ["news/a.txt", "news/b.txt", "news/c.txt"]);
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
    assert!(
        g["dates"]
            .as_array()
            .is_some_and(|ds| ds.iter().any(|d| d["value"] == "2023-05-13")),
        "{g}"
    );
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
        .json_lines()
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
fn title_words_add_to_the_score_but_do_not_match_alone() {
    let env = Env::new();
    env.write("news/a.txt", "Walrus summit opens\n\nDelegates arrived on Monday.\n\nThe walrus question came up late.\n");
    env.write(
        "news/b.txt",
        "Other news\n\nThe walrus question came up late.\n",
    );
    env.run(&["index", "news", "--index", "ix"]).assert_code(0);
    let r = env.run(&["--index", "ix", "search", "walrus", "--json"]);
    let hits = r.json_lines();
    let got: Vec<(String, u64)> = hits
        .iter()
        .map(|h| {
            (
                h["path"].as_str().unwrap_or("").to_string(),
                h["passage_index"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(
        got,
        [("news/a.txt".to_string(), 1), ("news/b.txt".to_string(), 0)]
    );
}
