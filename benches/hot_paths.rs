//! Micro benchmarks of the hot paths (`cargo bench`; not part of `cargo test`):
//!
//! - `extract/analyze`: `attache::extract::analyze` per MB of news text;
//! - `passage/split`: `attache::passage::split_passages` per MB;
//! - `dedup/signature`: `attache::dedup::signature` (the near-duplicate sketch and word-pair
//!   count indexing stores for every passage) per MB of passage text;
//! - `analyzer/en_stem`: the body analyzer (`attache::index::stem::analyzer`) per MB of
//!   passage text;
//! - `search/*`: `Searcher::search` (query, top 10, stored fields, highlights) on a small
//!   index built with `index_folder` in a temp folder.
//!
//! The text is generated here from a fixed seed (wire-style articles with datelines,
//! quotes in several marks, attributions and dates). When `../shared/corpus` is present,
//! the extraction and passage benchmarks also run on about 2 MB of real articles read from
//! there at bench time (`*/shared`); none of that text is copied anywhere.
//!
//! Run one group: `cargo bench --bench hot_paths -- extract`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use attache::dedup::signature;
use attache::index::build::{IndexOptions, Merge, NoProgress, index_folder};
use attache::meta::Meta;
use attache::passage::{MAX_PASSAGE_CHARS, split_passages};
use attache::{SearchRequest, Searcher, analyze};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tantivy::tokenizer::TokenStream as _;

/// A small deterministic generator (xorshift64*), so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const CITIES: &[&str] = &[
    "GENEVA", "BRUSSELS", "TBILISI", "NEW YORK", "VIENNA", "NAIROBI", "TOKYO", "KYIV",
];
const AGENCIES: &[&str] = &["AFP", "Reuters", "AP", "Xinhua"];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const PEOPLE: &[&str] = &[
    "Foreign Minister Anna Keller",
    "Ambassador Giorgi Beridze",
    "Secretary-General Maria Santos",
    "President Jean Dupont",
    "a senior NATO official",
    "Deputy Minister Olga Petrova",
    "spokesman Tom Harris",
    "Prime Minister Kenji Sato",
];
const SUBJECTS: &[&str] = &[
    "the delegation",
    "the Security Council",
    "the alliance",
    "the government",
    "the ministry",
    "the European Union",
    "the committee",
    "negotiators",
    "the member states",
];
const VERBS: &[&str] = &[
    "discussed",
    "rejected",
    "welcomed",
    "postponed",
    "approved",
    "criticised",
    "reviewed",
    "proposed",
    "supported",
    "questioned",
];
const OBJECTS: &[&str] = &[
    "the sanctions package",
    "a ceasefire agreement",
    "nuclear disarmament talks",
    "the climate finance plan",
    "human rights monitoring",
    "the trade embargo",
    "a new peacekeeping mandate",
    "reform of the Security Council",
    "humanitarian access",
    "the refugee resettlement scheme",
    "development assistance",
    "maritime security",
];
const TAILS: &[&str] = &[
    "after two days of talks",
    "despite strong objections",
    "at a closed meeting",
    "in a joint statement",
    "without a vote",
    "for the third time this year",
    "ahead of the summit",
    "according to diplomats",
];
const QUOTES: &[&str] = &[
    "We will not accept any solution that ignores the will of the people",
    "This is a decisive moment for the region and for the whole international community",
    "Our position has not changed and it will not change",
    "The talks were constructive, but much work remains to be done",
    "We need concrete steps, not declarations",
];

fn sentence(r: &mut Rng, out: &mut String) {
    let s = r.pick(SUBJECTS);
    let mut first = s.chars();
    let cap: String = first
        .next()
        .map(|c| c.to_uppercase().chain(first).collect())
        .unwrap_or_default();
    let _ = write!(
        out,
        "{cap} {} {} {}",
        r.pick(VERBS),
        r.pick(OBJECTS),
        r.pick(TAILS)
    );
    if r.below(4) == 0 {
        let _ = write!(
            out,
            " on {} {} {}",
            1 + r.below(28),
            r.pick(MONTHS),
            1990 + r.below(35)
        );
    } else if r.below(5) == 0 {
        out.push_str(" last week");
    }
    out.push_str(". ");
}

/// One wire-style article: headline, a dateline paragraph, then paragraphs with quotes
/// in English, German and French marks and attributions before and after.
fn article(r: &mut Rng) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{} {} {}\n",
        r.pick(PEOPLE),
        r.pick(VERBS),
        r.pick(OBJECTS)
    );
    let _ = write!(
        t,
        "{}, {} {} {} ({}) - ",
        r.pick(CITIES),
        r.pick(MONTHS),
        1 + r.below(28),
        1990 + r.below(35),
        r.pick(AGENCIES)
    );
    let paragraphs = 4 + r.below(8);
    for p in 0..paragraphs {
        if p > 0 {
            t.push_str("\n\n");
        }
        for _ in 0..1 + r.below(4) {
            sentence(r, &mut t);
        }
        match r.below(5) {
            0 => {
                let _ = write!(t, "\"{},\" {} said.", r.pick(QUOTES), r.pick(PEOPLE));
            }
            1 => {
                let _ = write!(t, "{} said: „{}.“", r.pick(PEOPLE), r.pick(QUOTES));
            }
            2 => {
                let _ = write!(
                    t,
                    "«{}», - {} told {}.",
                    r.pick(QUOTES),
                    r.pick(PEOPLE),
                    r.pick(AGENCIES)
                );
            }
            3 => {
                let _ = write!(
                    t,
                    "{} said that {} {} {}.",
                    r.pick(PEOPLE),
                    r.pick(SUBJECTS),
                    r.pick(VERBS),
                    r.pick(OBJECTS)
                );
            }
            _ => {}
        }
    }
    t.push('\n');
    t
}

/// Generated articles of about `bytes` bytes in all.
fn generated(bytes: usize, seed: u64) -> Vec<String> {
    let mut r = Rng(seed);
    let mut out = Vec::new();
    let mut n = 0;
    while n < bytes {
        let a = article(&mut r);
        n += a.len();
        out.push(a);
    }
    out
}

/// About `bytes` of real articles from `../shared/corpus`, read at bench time, if there.
fn shared_sample(bytes: usize) -> Option<Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut out = Vec::new();
    let mut n = 0;
    // A mix of wire English, German and Russian; each folder gives an even share.
    let folders = [
        "tempeval3_newswire",
        "bbc_news_2225",
        "reuters21578",
        "dewikinews",
        "ru_nerel_news",
    ];
    for folder in folders {
        let dir = root.join(folder).join("articles");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        let mut share = 0;
        for f in files {
            if share >= bytes / folders.len() {
                break;
            }
            if let Ok(text) = std::fs::read_to_string(&f) {
                share += text.len();
                n += text.len();
                out.push(text);
            }
        }
    }
    (n > 0).then_some(out)
}

fn total(texts: &[String]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

/// The texts the benchmarks run on: the generated set, and the shared sample when
/// `../shared` is there.
fn text_sets() -> Vec<(&'static str, Vec<String>)> {
    let mut sets = vec![("generated", generated(1_000_000, 0x5eed))];
    if let Some(s) = shared_sample(2_000_000) {
        sets.push(("shared", s));
    }
    sets
}

/// Every passage of `texts`, as indexing splits them.
fn passages_of(texts: &[String]) -> Vec<&str> {
    texts
        .iter()
        .flat_map(|t| {
            split_passages(t, 0, MAX_PASSAGE_CHARS)
                .into_iter()
                .map(move |p| &t[p.start..p.end])
        })
        .collect()
}

fn bench_extract(c: &mut Criterion) {
    let sets = text_sets();
    let meta = Meta::default();
    let mut g = c.benchmark_group("extract");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    for (name, texts) in &sets {
        g.throughput(Throughput::Bytes(total(texts)));
        g.bench_with_input(BenchmarkId::new("analyze", name), texts, |b, texts| {
            b.iter(|| {
                for t in texts {
                    black_box(analyze(black_box(t), &meta, None));
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("passage");
    g.sample_size(20);
    for (name, texts) in &sets {
        g.throughput(Throughput::Bytes(total(texts)));
        g.bench_with_input(BenchmarkId::new("split", name), texts, |b, texts| {
            b.iter(|| {
                for t in texts {
                    black_box(split_passages(black_box(t), 0, MAX_PASSAGE_CHARS));
                }
            })
        });
    }
    g.finish();

    // The near-duplicate signature indexing computes for every passage (`dedup::signature`).
    let mut g = c.benchmark_group("dedup");
    g.sample_size(20);
    for (name, texts) in &sets {
        let passages = passages_of(texts);
        let bytes: usize = passages.iter().map(|p| p.len()).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_with_input(BenchmarkId::new("signature", name), &passages, |b, ps| {
            b.iter(|| {
                for p in ps {
                    black_box(signature(black_box(p)));
                }
            })
        });
    }
    g.finish();
}

/// The analyzer every passage's body goes through (`index::stem::analyzer`: simple tokens,
/// lower case, English stems with a memo), per MB of passage text, one analyzer for the
/// whole run as each writer thread keeps one.
fn bench_analyzer(c: &mut Criterion) {
    let sets = text_sets();
    let mut g = c.benchmark_group("analyzer");
    g.sample_size(20);
    for (name, texts) in &sets {
        let passages = passages_of(texts);
        let bytes: usize = passages.iter().map(|p| p.len()).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        let mut analyzer = attache::index::stem::analyzer();
        g.bench_with_input(BenchmarkId::new("en_stem", name), &passages, |b, ps| {
            b.iter(|| {
                let mut n = 0usize;
                for p in ps {
                    let mut stream = analyzer.token_stream(black_box(p));
                    while stream.advance() {
                        n += stream.token().text.len();
                    }
                }
                black_box(n)
            })
        });
    }
    g.finish();
}

fn bench_search(c: &mut Criterion) {
    // ~8 MB of generated articles, 400 files, indexed once in a temp folder.
    let dir = tempfile::tempdir().expect("temp dir");
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).expect("docs dir");
    for (i, a) in generated(8_000_000, 0xbeef).iter().enumerate() {
        let sub = docs.join(format!("d{:02}", i % 20));
        std::fs::create_dir_all(&sub).expect("sub dir");
        std::fs::write(sub.join(format!("a{i:05}.txt")), a).expect("write article");
    }
    let index_dir = dir.path().join("index");
    let opts = IndexOptions {
        root: docs.clone(),
        index_dir: index_dir.clone(),
        extensions: vec!["txt".into()],
        rebuild: false,
        threads: 2,
        heap: 64_000_000,
        merge: Merge::Off,
    };
    index_folder(&opts, &NoProgress).expect("index the generated articles");

    let mut searcher = Searcher::open(&index_dir).expect("open index");
    let queries = [
        ("word", "sanctions"),
        ("two_words", "nuclear disarmament"),
        ("phrase", "\"climate finance plan\""),
        ("rare_and_common", "embargo delegation"),
    ];
    let mut g = c.benchmark_group("search");
    g.sample_size(30);
    for (name, q) in queries {
        let req = SearchRequest {
            query: q.to_string(),
            limit: 10,
            ..SearchRequest::default()
        };
        g.bench_function(BenchmarkId::new("top10_highlight", name), |b| {
            b.iter(|| black_box(searcher.search(black_box(&req)).expect("search")))
        });
    }
    // Opening the index is part of every `attache search` process.
    g.bench_function("open", |b| {
        b.iter(|| black_box(Searcher::open(&index_dir).expect("open")))
    });
    g.finish();
}

criterion_group!(benches, bench_extract, bench_analyzer, bench_search);
criterion_main!(benches);
