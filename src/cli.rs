//! The command line: clap definitions, turned once into library calls, and the printers
//! for people (colour on a terminal) and scripts (JSON Lines). Only this module knows
//! clap and terminals; only `main` decides the exit code.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::error::Error;
use crate::extract::{analyze, CalDate, QuoteKind};
use crate::index::build::{decode, index_folder, IndexOptions, IndexReport, Progress, Skipped};
use crate::meta::Meta;
use crate::search::{Hit, SearchRequest, Searcher};

const EXAMPLES: &str = "\
Examples:
  attache index corpus/                       index a folder (again: only what changed)
  attache search \"Substantial NATO-Georgia Package\"
  attache search nato --speaker Gvaramadze --from 2023-01 --json
  attache extract --reference-date 2022-05-14 article.txt";

/// Full-text search over folders of news articles: ranked passages with who is quoted,
/// which outlet reported it and when.
#[derive(Parser, Debug)]
#[command(name = "attache", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Index folder.
    #[arg(long, global = true, env = "ATTACHE_INDEX", default_value = "index")]
    index: PathBuf,
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Index a folder of articles (again: only new, changed and deleted files).
    Index(IndexArgs),
    /// Search the index for ranked passages.
    Search(SearchArgs),
    /// Print what extraction finds in files: title, dates, outlets, quotes, speakers.
    Extract(ExtractArgs),
}

#[derive(clap::Args, Debug)]
struct IndexArgs {
    /// Folder of articles.
    #[arg(default_value = "corpus")]
    dir: PathBuf,
    /// File extensions to index, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "txt,md,text")]
    ext: Vec<String>,
    /// Drop what the index holds and index everything again.
    #[arg(long)]
    rebuild: bool,
    /// Threads for extraction and indexing (default: number of cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Writer memory in MB (at least 15 per thread).
    #[arg(long, default_value_t = 256)]
    heap: usize,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
struct SearchArgs {
    /// Query in tantivy's syntax: words, "phrases", AND/OR/-, field:value.
    #[arg(required_unless_present = "queries")]
    query: Option<String>,
    /// Run many queries in one process: one a line from FILE (`-` for stdin); every hit is
    /// tagged with its query. Blank lines and lines starting with `#` are ignored.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    queries: Option<PathBuf>,
    /// Number of passages to show.
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    /// Only passages quoting this speaker (any name form containing these words).
    #[arg(long)]
    speaker: Option<String>,
    /// Only passages from or citing this outlet.
    #[arg(long)]
    source: Option<String>,
    /// Published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Published on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Match passages with any of the words (default: all of them).
    #[arg(long)]
    any: bool,
    /// Run what can be parsed of a malformed query, with a warning, instead of failing.
    #[arg(long)]
    lenient: bool,
    /// JSON Lines: one object a hit.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
struct ExtractArgs {
    /// Resolve partial and relative dates against DATE (YYYY-MM-DD); default: the
    /// article's publication date.
    #[arg(long, value_name = "DATE")]
    reference_date: Option<String>,
    /// Article files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Runs the CLI and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let outcome = match cli.command {
        Command::Index(args) => run_index(&cli.index, args),
        Command::Search(args) => run_search(&cli.index, args, color),
        Command::Extract(args) => run_extract(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(Failure::BrokenPipe) => ExitCode::from(0),
        Err(Failure::Error(e)) => {
            eprintln!("attache: {e}");
            ExitCode::from(2)
        }
    }
}

/// Why a command stopped early.
enum Failure {
    /// stdout was closed (`| head`): stop quietly.
    BrokenPipe,
    Error(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Error(Error::io("<stdout>", e))
        }
    }
}

type Outcome = Result<u8, Failure>;

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn run_index(index: &Path, args: IndexArgs) -> Outcome {
    let opts = IndexOptions {
        root: args.dir.clone(),
        index_dir: index.to_path_buf(),
        extensions: args
            .ext
            .iter()
            .map(|e| e.trim().trim_start_matches('.').to_lowercase())
            .filter(|e| !e.is_empty())
            .collect(),
        rebuild: args.rebuild,
        threads: args.threads.unwrap_or_else(default_threads).max(1),
        heap: args.heap.max(1).saturating_mul(1_000_000),
    };
    if opts.extensions.is_empty() {
        return Err(Error::BadOption("--ext needs at least one extension".into()).into());
    }
    let report = index_folder(&opts, &Bar::new())?;
    let mut out = io::stdout().lock();
    if args.json {
        let mut v = serde_json::to_value(&report).map_err(|e| Error::BadOption(e.to_string()))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), json!("summary"));
            o.insert("index".into(), json!(index.display().to_string()));
        }
        writeln!(out, "{v}")?;
    } else {
        writeln!(out, "{}", summary_line(&report, index))?;
    }
    Ok(0)
}

/// The one-line summary of an indexing run.
fn summary_line(r: &IndexReport, index: &Path) -> String {
    let skipped = if r.skipped.is_empty() {
        String::new()
    } else {
        format!(", {} skipped", r.skipped.len())
    };
    if r.nothing_changed() && !r.created {
        format!(
            "nothing changed: {} files unchanged{skipped} ({:.2} s, index {})",
            r.unchanged,
            r.seconds,
            index.display()
        )
    } else {
        format!(
            "indexed {} files ({} new, {} changed, {} removed, {} unchanged{skipped}): {} passages, {:.1} MB in {:.2} s, index {}",
            r.added + r.changed,
            r.added,
            r.changed,
            r.removed,
            r.unchanged,
            r.passages,
            r.bytes as f64 / 1e6,
            r.seconds,
            index.display()
        )
    }
}

/// The progress bar on stderr; hidden when stderr is not a terminal.
struct Bar {
    bar: ProgressBar,
    files: std::sync::atomic::AtomicU64,
    done: std::sync::atomic::AtomicU64,
}

impl Bar {
    fn new() -> Bar {
        let bar = if io::stderr().is_terminal() {
            ProgressBar::new(0)
        } else {
            ProgressBar::hidden()
        };
        Bar {
            bar,
            files: Default::default(),
            done: Default::default(),
        }
    }
}

impl Progress for Bar {
    fn begin(&self, files: u64, bytes: u64) {
        self.files.store(files, Relaxed);
        self.bar.set_length(bytes.max(1));
        self.bar.set_message(format!("0/{files} files"));
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
        );
        if let Ok(style) = style {
            self.bar.set_style(style);
        }
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }
    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
        let done = self.done.fetch_add(1, Relaxed) + 1;
        self.bar
            .set_message(format!("{done}/{} files", self.files.load(Relaxed)));
    }
    fn skipped(&self, skip: &Skipped) {
        let line = format!(
            "attache: skipped {}: {}",
            display_path(&skip.path),
            skip.reason
        );
        self.bar.suspend(|| eprintln!("{line}"));
    }
    fn committing(&self) {
        self.bar.set_message("committing");
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn parse_date(value: &str) -> Result<CalDate, Error> {
    CalDate::parse(value.trim()).ok_or_else(|| Error::BadDate {
        value: value.to_string(),
    })
}

fn run_search(index: &Path, args: SearchArgs, color: bool) -> Outcome {
    let base = SearchRequest {
        query: String::new(),
        limit: args.limit,
        speaker: args.speaker.clone(),
        source: args.source.clone(),
        from: args.from.as_deref().map(parse_date).transpose()?,
        to: args.to.as_deref().map(parse_date).transpose()?,
        any: args.any,
        lenient: args.lenient,
    };
    if base.limit == 0 {
        return Err(Error::BadOption("--limit must be at least 1".into()).into());
    }
    let (queries, batch) = match (&args.query, &args.queries) {
        (_, Some(file)) => (read_queries(file)?, true),
        (Some(q), None) => (vec![q.clone()], false),
        (None, None) => {
            return Err(Error::BadOption("give a QUERY or --queries FILE".into()).into())
        }
    };
    ensure_index(index)?;
    let mut searcher = Searcher::open(index)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let (mut any_hit, mut any_error) = (false, false);
    for query in &queries {
        let req = SearchRequest {
            query: query.clone(),
            ..base.clone()
        };
        let results = match searcher.search(&req) {
            Ok(r) => r,
            // In a batch, one bad query is reported and the others still run.
            Err(e @ Error::Query { .. }) if batch => {
                out.flush()?;
                eprintln!("attache: {e}");
                any_error = true;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        for w in &results.warnings {
            eprintln!("attache: warning: {w}");
        }
        if batch && !args.json {
            writeln!(out, "{}", paint(color, BOLD, &format!("== {query}")))?;
        }
        any_hit |= !results.hits.is_empty();
        for hit in &results.hits {
            let mut hit = hit.clone();
            hit.path = display_path(&hit.path);
            if args.json {
                write_json_hit(&mut out, &hit, batch.then_some(query.as_str()))?;
            } else {
                write_human_hit(&mut out, &hit, color)?;
            }
        }
    }
    out.flush()?;
    Ok(if any_error {
        2
    } else if any_hit {
        0
    } else {
        1
    })
}

/// The queries of a `--queries` file (or stdin for `-`).
fn read_queries(file: &Path) -> Result<Vec<String>, Failure> {
    let text = if file == Path::new("-") {
        io::read_to_string(io::stdin()).map_err(|e| Error::io("<stdin>", e))?
    } else {
        std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// On a fresh clone there is no index yet: build it from `./corpus` when the index is
/// the default one, saying so on stderr.
fn ensure_index(index: &Path) -> Result<(), Failure> {
    if crate::index::exists(index) {
        return Ok(());
    }
    let corpus = Path::new("corpus");
    let default_index = std::env::var_os("ATTACHE_INDEX").is_none() && index == Path::new("index");
    if !default_index || !corpus.is_dir() {
        return Err(Error::IndexMissing {
            path: index.to_path_buf(),
        }
        .into());
    }
    eprintln!("attache: no index yet; building it from corpus/ first");
    let opts = IndexOptions {
        root: corpus.to_path_buf(),
        index_dir: index.to_path_buf(),
        extensions: vec!["txt".into(), "md".into(), "text".into()],
        rebuild: false,
        threads: default_threads(),
        heap: 256_000_000,
    };
    let report = index_folder(&opts, &Bar::new())?;
    eprintln!("attache: {}", summary_line(&report, index));
    Ok(())
}

/// A path as the user would write it: relative to the working folder when inside it.
fn display_path(path: &str) -> String {
    let p = Path::new(path);
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(|r| r.display().to_string()))
        .unwrap_or_else(|| path.to_string())
}

/// One hit as a JSON Lines object (the format is documented in the README).
fn write_json_hit(out: &mut impl Write, hit: &Hit, query: Option<&str>) -> io::Result<()> {
    let mut v = json!({
        "type": "hit",
        "rank": hit.rank,
        "score": hit.score,
        "path": hit.path,
        "title": hit.title,
        "passage": hit.passage,
        "passage_index": hit.passage_index,
        "start": hit.start,
        "end": hit.end,
        "highlights": hit.highlights.iter().map(|(s, e)| [s, e]).collect::<Vec<_>>(),
        "speakers": hit.speakers,
        "sources": hit.sources,
        "published": hit.published,
        "date_source": hit.date_source,
        "dates": hit.dates,
    });
    if let (Some(q), Some(o)) = (query, v.as_object_mut()) {
        o.insert("query".into(), json!(q));
    }
    writeln!(out, "{v}")
}

const BOLD: &str = "\x1b[1m";
const BOLD_RED: &str = "\x1b[1;31m";
const MAGENTA: &str = "\x1b[35m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// `s` in the ANSI colour `code` when colour is on.
fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("{code}{s}{RESET}")
    } else {
        s.to_string()
    }
}

/// One hit for people: a header line, the title, who/where/when, and the passage with
/// the query's words marked (in colour on a terminal).
fn write_human_hit(out: &mut impl Write, hit: &Hit, color: bool) -> io::Result<()> {
    let paint = |code: &str, s: &str| paint(color, code, s);
    writeln!(
        out,
        "{} {} {}",
        paint(GREEN, &format!("{}.", hit.rank)),
        paint(MAGENTA, &format!("{} ¶{}", hit.path, hit.passage_index + 1)),
        paint(DIM, &format!("(score {:.2})", hit.score))
    )?;
    if !hit.title.is_empty() {
        writeln!(out, "   {}", hit.title)?;
    }
    let mut facts = Vec::new();
    if let Some(p) = &hit.published {
        facts.push(format!("published {p}"));
    }
    if !hit.sources.is_empty() {
        facts.push(format!("outlet {}", hit.sources.join(", ")));
    }
    if !hit.speakers.is_empty() {
        facts.push(format!("speaker {}", hit.speakers.join(", ")));
    }
    if !facts.is_empty() {
        writeln!(out, "   {}", paint(DIM, &facts.join(" · ")))?;
    }
    let mut text = String::with_capacity(hit.passage.len() + 16);
    let mut at = 0;
    for &(s, e) in &hit.highlights {
        if s < at || e > hit.passage.len() {
            continue;
        }
        text.push_str(&hit.passage[at..s]);
        text.push_str(&paint(BOLD_RED, &hit.passage[s..e]));
        at = e;
    }
    text.push_str(&hit.passage[at..]);
    for line in text.lines() {
        writeln!(out, "   {line}")?;
    }
    writeln!(out)
}

fn run_extract(args: ExtractArgs) -> Outcome {
    let reference = args.reference_date.as_deref().map(parse_date).transpose()?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut failed = false;
    for path in &args.files {
        let text = match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(decode)
        {
            Ok(t) => t,
            Err(reason) => {
                eprintln!("attache: {}: {reason}", path.display());
                failed = true;
                continue;
            }
        };
        let a = analyze(&text, &Meta::default(), reference);
        let slice = |s: usize, e: usize| text.get(s..e).unwrap_or("");
        let v = json!({
            "path": path.display().to_string(),
            "title": a.title,
            "published": a.published.map(|d| d.to_string()),
            "date_source": a.date_source.as_str(),
            "sources": a.sources,
            "quotes": a.quotes.iter().map(|q| json!({
                "start": q.start,
                "end": q.end,
                "text": slice(q.start, q.end),
                "speaker": q.speaker,
                "outlet": q.outlet,
                "kind": match q.kind { QuoteKind::Direct => "direct", QuoteKind::Indirect => "indirect" },
            })).collect::<Vec<_>>(),
            "dates": a.dates.iter().map(|d| json!({
                "start": d.start,
                "end": d.end,
                "text": slice(d.start, d.end),
                "value": d.value.to_string(),
            })).collect::<Vec<_>>(),
        });
        writeln!(out, "{v}")?;
    }
    out.flush()?;
    Ok(if failed { 2 } else { 0 })
}
