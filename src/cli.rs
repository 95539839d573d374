//! The command line: clap definitions, turned once into library calls, and the printers
//! for people (colour on a terminal), scripts (JSON Lines) and spreadsheets (CSV). Only
//! this module knows clap and terminals; only `main` decides the exit code.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::json;

use crate::error::Error;
use crate::extract::{CalDate, QuoteKind, analyze};
use crate::facets::{FacetBy, fill_periods};
use crate::index::build::{
    IndexOptions, IndexReport, Merge, Progress, Skipped, decode, index_folder,
};
use crate::meta::Meta;
use crate::search::{Hit, QuoteHit, SearchRequest, Searcher};
use crate::stats::Stats;

const EXAMPLES: &str = "\
Examples:
  attache index corpus/                         index a folder (again: only what changed)
  attache search \"Substantial NATO-Georgia Package\"
  attache search nato --speaker Gvaramadze --from 2023-01 --json
  attache quotes georgia --speaker \"NATO official\"
  attache facets \"NATO-Georgia\" --by speaker
  attache timeline sanctions --by month
  attache extract --reference-date 2022-05-14 article.txt";

/// Full-text search over folders of news articles: ranked passages with who is quoted,
/// which outlet reported it and when.
#[derive(Parser, Debug)]
#[command(name = "attache", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Index folder.
    #[arg(long, global = true, env = "ATTACHE_INDEX", default_value = "index")]
    index: PathBuf,
    /// When to colour output (NO_COLOR is respected with auto).
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

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum By {
    Speaker,
    Source,
    Year,
    Month,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Period {
    Month,
    Year,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Index a folder of articles (again: only new, changed and deleted files).
    Index(IndexArgs),
    /// Search the index for ranked passages.
    #[command(
        after_help = "Examples:\n  attache search \"Substantial NATO-Georgia Package\"\n  attache search 'sanctions -oil' --source Nordpost --from 2023 --format csv\n  attache search --queries queries.txt --json | jq -r .path"
    )]
    Search(SearchArgs),
    /// The quotations themselves, ranked: text, speaker, outlet, date, file.
    #[command(after_help = "Example:\n  attache quotes georgia --speaker \"NATO official\"")]
    Quotes(QuotesArgs),
    /// Count matching passages by speaker, outlet, year or month.
    #[command(after_help = "Example:\n  attache facets \"NATO-Georgia\" --by speaker --top 5")]
    Facets(FacetsArgs),
    /// Matching passages per month or year, as a bar chart.
    #[command(after_help = "Example:\n  attache timeline sanctions --by year --ascii")]
    Timeline(TimelineArgs),
    /// What the index holds: documents, passages, dates, top outlets and speakers.
    Stats(StatsArgs),
    /// Print what extraction finds in files: title, dates, outlets, quotes, speakers.
    Extract(ExtractArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
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
    /// Writer memory in MB (at least 15 per thread; default 48 per thread): more leaves
    /// fewer segments (faster searches) and costs as much more peak memory.
    #[arg(long)]
    heap: Option<usize>,
    /// Merge what this run wrote into one segment per thread however large, the merges side
    /// by side: the fastest searches, the most memory (by default a large run is merged into
    /// segments of about a million documents, one at a time).
    #[arg(long, conflicts_with = "no_merge")]
    merge: bool,
    /// Keep the segments a large run writes as they are: the quickest run, slower searches
    /// (small runs are merged anyway).
    #[arg(long)]
    no_merge: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

/// Filters shared by search, quotes, facets and timeline.
#[derive(clap::Args, Debug, Clone)]
struct FilterArgs {
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
    /// Match with any of the words (default: all of them).
    #[arg(long)]
    any: bool,
    /// Run what can be parsed of a malformed query, with a warning, instead of failing.
    #[arg(long)]
    lenient: bool,
}

/// Output format options.
#[derive(clap::Args, Debug, Clone)]
struct FormatArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Same as --format json: JSON Lines.
    #[arg(long)]
    json: bool,
}

impl FormatArgs {
    fn get(&self) -> Format {
        if self.json { Format::Json } else { self.format }
    }
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
    /// Print only the number of matching passages.
    #[arg(long)]
    count: bool,
    /// Show N neighbouring passages on each side of a hit.
    #[arg(short = 'C', long, value_name = "N", default_value_t = 0)]
    context: usize,
    /// Show near-duplicate passages (wire copies, repeated paragraphs) as separate hits.
    #[arg(long)]
    no_collapse: bool,
    #[command(flatten)]
    filters: FilterArgs,
    #[command(flatten)]
    format: FormatArgs,
}

#[derive(clap::Args, Debug)]
struct QuotesArgs {
    /// Words the quotation must contain (tantivy's syntax); none: every quotation.
    query: Option<String>,
    /// Number of quotations to show.
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    #[command(flatten)]
    filters: FilterArgs,
    #[command(flatten)]
    format: FormatArgs,
}

#[derive(clap::Args, Debug)]
struct FacetsArgs {
    /// Words the passages must contain; none: every passage.
    query: Option<String>,
    /// What to count by.
    #[arg(long, value_enum, default_value_t = By::Speaker)]
    by: By,
    /// Number of values to show (speaker and source).
    #[arg(long, default_value_t = 10)]
    top: usize,
    #[command(flatten)]
    filters: FilterArgs,
    #[command(flatten)]
    format: FormatArgs,
}

#[derive(clap::Args, Debug)]
struct TimelineArgs {
    /// Words the passages must contain.
    query: String,
    /// Period of each bar.
    #[arg(long, value_enum, default_value_t = Period::Month)]
    by: Period,
    /// Draw with ASCII `#` instead of Unicode blocks.
    #[arg(long)]
    ascii: bool,
    /// Print the counts as JSON Lines instead of a chart.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    filters: FilterArgs,
}

#[derive(clap::Args, Debug)]
struct StatsArgs {
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Number of outlets and speakers to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
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
    let ui = Ui {
        color,
        tty: io::stdout().is_terminal(),
    };
    let outcome = match cli.command {
        Command::Index(args) => run_index(&cli.index, args),
        Command::Search(args) => run_search(&cli.index, args, ui),
        Command::Quotes(args) => run_quotes(&cli.index, args, ui),
        Command::Facets(args) => run_facets(&cli.index, args),
        Command::Timeline(args) => run_timeline(&cli.index, args),
        Command::Stats(args) => run_stats(&cli.index, args),
        Command::Extract(args) => run_extract(args),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "attache", &mut io::stdout());
            Ok(0)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut io::stdout())
            .map(|_| 0)
            .map_err(Failure::from),
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

impl From<csv::Error> for Failure {
    fn from(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io.into(),
            other => Failure::Error(Error::BadOption(format!("CSV output: {other:?}"))),
        }
    }
}

type Outcome = Result<u8, Failure>;

/// How to draw for people.
#[derive(Clone, Copy)]
struct Ui {
    color: bool,
    /// stdout is a terminal: text output ends with a line of counts and timing.
    tty: bool,
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn run_index(index: &Path, args: IndexArgs) -> Outcome {
    let threads = args.threads.unwrap_or_else(default_threads).max(1);
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
        threads,
        heap: args.heap.map_or_else(
            || crate::index::build::default_heap(threads),
            |mb| mb.max(1).saturating_mul(1_000_000),
        ),
        merge: if args.merge {
            Merge::PerThread
        } else if args.no_merge {
            Merge::Off
        } else {
            Merge::Bounded
        },
    };
    if opts.extensions.is_empty() {
        return Err(Error::BadOption("--ext needs at least one extension".into()).into());
    }
    crate::index::malloc::tune_for_indexing();
    let report = index_folder(&opts, &Bar::new())?;
    let mut out = io::stdout().lock();
    if args.json {
        let mut v = tagged("summary", &report)?;
        if let Some(o) = v.as_object_mut() {
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
            "indexed {} files ({} new, {} changed, {} removed, {} unchanged{skipped}): {} passages, {} in {:.2} s, index {}",
            r.added + r.changed,
            r.added,
            r.changed,
            r.removed,
            r.unchanged,
            r.passages,
            human_bytes(r.bytes),
            r.seconds,
            index.display()
        )
    }
}

/// A byte count for people: "812 KB", "48.3 MB".
fn human_bytes(n: u64) -> String {
    match n {
        0..1_000_000 => format!("{} KB", n.div_ceil(1000)),
        _ => format!("{:.1} MB", n as f64 / 1e6),
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
    fn merging(&self) {
        self.bar.set_message("merging segments");
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

/// The request common to every querying command.
fn request(query: &str, limit: usize, f: &FilterArgs) -> Result<SearchRequest, Failure> {
    if limit == 0 {
        return Err(Error::BadOption("--limit must be at least 1".into()).into());
    }
    Ok(SearchRequest {
        query: query.to_string(),
        limit,
        speaker: f.speaker.clone(),
        source: f.source.clone(),
        from: f.from.as_deref().map(parse_date).transpose()?,
        to: f.to.as_deref().map(parse_date).transpose()?,
        any: f.any,
        lenient: f.lenient,
        no_collapse: false,
        context: 0,
    })
}

/// Opens the index for searching, building it first on a fresh clone.
fn open_searcher(index: &Path) -> Result<Searcher, Failure> {
    ensure_index(index)?;
    Ok(Searcher::open(index)?)
}

fn warn_all(warnings: &[String]) {
    for w in warnings {
        eprintln!("attache: warning: {w}");
    }
}

fn elapsed_ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e4).round() / 10.0
}

/// Queries of a `--queries` batch answered together (in parallel) before their hits are
/// printed: enough to keep every core busy, few enough that output starts at once.
const BATCH_WINDOW: usize = 64;

const HIT_CSV: [&str; 13] = [
    "query",
    "rank",
    "score",
    "path",
    "passage_index",
    "start",
    "end",
    "title",
    "published",
    "sources",
    "speakers",
    "duplicates",
    "passage",
];

fn run_search(index: &Path, args: SearchArgs, ui: Ui) -> Outcome {
    let started = Instant::now();
    let format = args.format.get();
    let mut base = request("", args.limit, &args.filters)?;
    base.no_collapse = args.no_collapse;
    base.context = args.context;
    let (queries, batch) = match (&args.query, &args.queries) {
        (_, Some(file)) => (read_queries(file)?, true),
        (Some(q), None) => (vec![q.clone()], false),
        (None, None) => {
            return Err(Error::BadOption("give a QUERY or --queries FILE".into()).into());
        }
    };
    let mut searcher = open_searcher(index)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut csv_out = (format == Format::Csv).then(|| csv::Writer::from_writer(Vec::new()));
    if let Some(w) = csv_out.as_mut() {
        if args.count {
            w.write_record(["query", "count"])?;
        } else {
            w.write_record(HIT_CSV)?;
        }
    }
    let (mut shown, mut matched, mut errors) = (0usize, 0usize, 0usize);
    let answer = |searcher: &mut Searcher, query: &String| {
        let req = SearchRequest {
            query: query.clone(),
            ..base.clone()
        };
        if args.count {
            searcher.count(&req).map(|(n, w)| (None, n, w))
        } else {
            searcher.search(&req).map(|r| (Some(r.hits), 0, r.warnings))
        }
    };
    // A batch is answered a window at a time, the queries of a window in parallel (one
    // searcher clone per worker), and printed in the order of the file.
    let windows = queries.chunks(if batch { BATCH_WINDOW } else { 1 });
    let answers = windows.flat_map(|window| {
        let found: Vec<_> = if window.len() > 1 {
            window
                .par_iter()
                .map_init(|| searcher.clone(), answer)
                .collect()
        } else {
            window.iter().map(|q| answer(&mut searcher, q)).collect()
        };
        window.iter().zip(found)
    });
    for (query, outcome) in answers {
        let (hits, total, warnings) = match outcome {
            Ok(r) => r,
            // In a batch, one bad query is reported and the others still run.
            Err(e @ Error::Query { .. }) if batch => {
                out.flush()?;
                eprintln!("attache: {e}");
                errors += 1;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        warn_all(&warnings);
        matched += total;
        let total: usize = total;
        let tag = batch.then_some(query.as_str());
        let Some(hits) = hits else {
            match format {
                Format::Json => {
                    let mut v = json!({"type": "count", "count": total});
                    add_query(&mut v, tag);
                    writeln!(out, "{v}")?;
                }
                Format::Csv => {
                    if let Some(w) = csv_out.as_mut() {
                        w.write_record([query.as_str(), &total.to_string()])?;
                    }
                }
                Format::Text if batch => writeln!(out, "{total}\t{query}")?,
                Format::Text => writeln!(out, "{total}")?,
            }
            continue;
        };
        if batch && format == Format::Text {
            writeln!(out, "{}", paint(ui.color, BOLD, &format!("== {query}")))?;
        }
        shown += hits.len();
        for hit in hits {
            let mut hit = hit;
            hit.path = display_path(&hit.path);
            for d in &mut hit.duplicates {
                d.path = display_path(&d.path);
            }
            match format {
                Format::Json => write_json_hit(&mut out, &hit, tag)?,
                Format::Text => write_human_hit(&mut out, &hit, ui.color)?,
                Format::Csv => {
                    if let Some(w) = csv_out.as_mut() {
                        write_csv_hit(w, &hit, query)?;
                    }
                }
            }
        }
    }
    let ms = elapsed_ms(started);
    match format {
        Format::Json => writeln!(
            out,
            "{}",
            json!({"type": "summary", "queries": queries.len(), "hits": shown, "errors": errors, "elapsed_ms": ms})
        )?,
        Format::Csv => {
            if let Some(w) = csv_out.take() {
                let bytes = w
                    .into_inner()
                    .map_err(|e| Error::BadOption(e.to_string()))?;
                out.write_all(&bytes)?;
            }
        }
        Format::Text if !args.count && ui.tty => writeln!(
            out,
            "{}",
            paint(ui.color, DIM, &format!("{shown} passages ({ms} ms)"))
        )?,
        Format::Text => {}
    }
    out.flush()?;
    // The process ends right after this: unmapping every index file one by one would
    // only delay the exit (about a tenth of a one-query search).
    std::mem::forget(searcher);
    Ok(if errors > 0 {
        2
    } else if matched + shown > 0 {
        0
    } else {
        1
    })
}

/// `value` as a JSON object whose first field is `"type": kind`.
fn tagged(kind: &str, value: &impl serde::Serialize) -> Result<serde_json::Value, Failure> {
    let v = serde_json::to_value(value).map_err(|e| Error::BadOption(e.to_string()))?;
    let mut out = serde_json::Map::new();
    out.insert("type".into(), json!(kind));
    if let serde_json::Value::Object(fields) = v {
        out.extend(fields);
    }
    Ok(serde_json::Value::Object(out))
}

fn add_query(v: &mut serde_json::Value, query: Option<&str>) {
    if let (Some(q), Some(o)) = (query, v.as_object_mut()) {
        o.insert("query".into(), json!(q));
    }
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
        heap: crate::index::build::default_heap(default_threads()),
        merge: Merge::default(),
    };
    crate::index::malloc::tune_for_indexing();
    let report = index_folder(&opts, &Bar::new())?;
    eprintln!("attache: {}", summary_line(&report, index));
    Ok(())
}

/// A path as the user would write it: relative to the working folder when inside it.
fn display_path(path: &str) -> String {
    // The working folder, asked once: a batch shows tens of thousands of paths.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    CWD.get_or_init(|| std::env::current_dir().ok())
        .as_deref()
        .and_then(|cwd| Path::new(path).strip_prefix(cwd).ok())
        .map(|r| r.display().to_string())
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
        "duplicates": hit.duplicates,
        "context": hit.context,
    });
    add_query(&mut v, query);
    writeln!(out, "{v}")
}

fn write_csv_hit<W: Write>(w: &mut csv::Writer<W>, hit: &Hit, query: &str) -> csv::Result<()> {
    let dups: Vec<String> = hit
        .duplicates
        .iter()
        .map(|d| format!("{}#{}", d.path, d.passage_index))
        .collect();
    w.write_record([
        query,
        &hit.rank.to_string(),
        &format!("{:.4}", hit.score),
        &hit.path,
        &hit.passage_index.to_string(),
        &hit.start.to_string(),
        &hit.end.to_string(),
        &hit.title,
        hit.published.as_deref().unwrap_or(""),
        &hit.sources.join("; "),
        &hit.speakers.join("; "),
        &dups.join("; "),
        &hit.passage,
    ])
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

/// `text` with the byte ranges in `marks` painted bold red (when colour is on).
fn marked(text: &str, marks: &[(usize, usize)], color: bool) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for &(s, e) in marks {
        if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(&paint(color, BOLD_RED, &text[s..e]));
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

/// One hit for people: a header line, the title, when · outlet · speaker, the passage
/// with the query's words marked, its neighbours with `--context`, and where else it
/// stands.
fn write_human_hit(out: &mut impl Write, hit: &Hit, color: bool) -> io::Result<()> {
    writeln!(
        out,
        "{} {} {}",
        paint(color, GREEN, &format!("{}.", hit.rank)),
        paint(
            color,
            MAGENTA,
            &format!("{} ¶{}", hit.path, hit.passage_index + 1)
        ),
        paint(color, DIM, &format!("(score {:.2})", hit.score))
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
        writeln!(out, "   {}", paint(color, DIM, &facts.join(" · ")))?;
    }
    let (before, after): (Vec<_>, Vec<_>) = hit
        .context
        .iter()
        .partition(|c| c.passage_index < hit.passage_index);
    for c in before {
        writeln!(
            out,
            "   {}",
            paint(
                color,
                DIM,
                &format!("¶{} {}", c.passage_index + 1, c.passage)
            )
        )?;
    }
    for line in marked(&hit.passage, &hit.highlights, color).lines() {
        writeln!(out, "   {line}")?;
    }
    for c in after {
        writeln!(
            out,
            "   {}",
            paint(
                color,
                DIM,
                &format!("¶{} {}", c.passage_index + 1, c.passage)
            )
        )?;
    }
    if !hit.duplicates.is_empty() {
        let files: std::collections::BTreeSet<&str> =
            hit.duplicates.iter().map(|d| d.path.as_str()).collect();
        let places: Vec<String> = hit
            .duplicates
            .iter()
            .map(|d| format!("{} ¶{}", d.path, d.passage_index + 1))
            .collect();
        let label = if files.len() == 1 && files.contains(hit.path.as_str()) {
            "also in this file".to_string()
        } else {
            format!(
                "also in {} file{}",
                files.len(),
                if files.len() == 1 { "" } else { "s" }
            )
        };
        writeln!(
            out,
            "   {}",
            paint(color, DIM, &format!("{label}: {}", places.join(", ")))
        )?;
    }
    writeln!(out)
}

fn run_quotes(index: &Path, args: QuotesArgs, ui: Ui) -> Outcome {
    let started = Instant::now();
    let req = request(
        args.query.as_deref().unwrap_or(""),
        args.limit,
        &args.filters,
    )?;
    let mut searcher = open_searcher(index)?;
    let results = searcher.quotes(&req)?;
    warn_all(&results.warnings);
    let format = args.format.get();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut csv_out = csv::Writer::from_writer(Vec::new());
    if format == Format::Csv {
        csv_out.write_record([
            "rank",
            "score",
            "speaker",
            "sources",
            "published",
            "path",
            "start",
            "end",
            "kind",
            "text",
        ])?;
    }
    for q in &results.quotes {
        let mut q = q.clone();
        q.path = display_path(&q.path);
        match format {
            Format::Json => write_json_quote(&mut out, &q)?,
            Format::Csv => csv_out.write_record([
                &q.rank.to_string(),
                &format!("{:.4}", q.score),
                q.speaker.as_deref().unwrap_or(""),
                &q.sources.join("; "),
                q.published.as_deref().unwrap_or(""),
                &q.path,
                &q.start.to_string(),
                &q.end.to_string(),
                &q.kind,
                &q.text,
            ])?,
            Format::Text => write_human_quote(&mut out, &q, ui.color)?,
        }
    }
    let ms = elapsed_ms(started);
    match format {
        Format::Json => writeln!(
            out,
            "{}",
            json!({"type": "summary", "quotes": results.quotes.len(), "matched": results.total, "elapsed_ms": ms})
        )?,
        Format::Csv => {
            let bytes = csv_out
                .into_inner()
                .map_err(|e| Error::BadOption(e.to_string()))?;
            out.write_all(&bytes)?;
        }
        Format::Text => writeln!(
            out,
            "{}",
            paint(
                ui.color,
                DIM,
                &format!(
                    "{} shown of {} matching quotations ({ms} ms)",
                    results.quotes.len(),
                    results.total
                )
            )
        )?,
    }
    out.flush()?;
    Ok(if results.quotes.is_empty() { 1 } else { 0 })
}

fn write_json_quote(out: &mut impl Write, q: &QuoteHit) -> io::Result<()> {
    let v = json!({
        "type": "quote",
        "rank": q.rank,
        "score": q.score,
        "text": q.text,
        "speaker": q.speaker,
        "sources": q.sources,
        "published": q.published,
        "path": q.path,
        "title": q.title,
        "start": q.start,
        "end": q.end,
        "kind": q.kind,
        "highlights": q.highlights.iter().map(|(s, e)| [s, e]).collect::<Vec<_>>(),
    });
    writeln!(out, "{v}")
}

fn write_human_quote(out: &mut impl Write, q: &QuoteHit, color: bool) -> io::Result<()> {
    let who = q.speaker.as_deref().unwrap_or("unattributed");
    let mut facts = vec![who.to_string()];
    if !q.sources.is_empty() {
        facts.push(q.sources.join(", "));
    }
    if let Some(p) = &q.published {
        facts.push(p.clone());
    }
    writeln!(
        out,
        "{} {} {}",
        paint(color, GREEN, &format!("{}.", q.rank)),
        paint(color, BOLD, &facts.join(" · ")),
        paint(color, MAGENTA, &format!("{}:{}", q.path, q.start))
    )?;
    for line in marked(&q.text, &q.highlights, color).lines() {
        writeln!(out, "   {line}")?;
    }
    writeln!(out)
}

fn facet_by(by: By) -> FacetBy {
    match by {
        By::Speaker => FacetBy::Speaker,
        By::Source => FacetBy::Source,
        By::Year => FacetBy::Year,
        By::Month => FacetBy::Month,
    }
}

fn run_facets(index: &Path, args: FacetsArgs) -> Outcome {
    let started = Instant::now();
    let req = request(args.query.as_deref().unwrap_or(""), 10, &args.filters)?;
    let by = facet_by(args.by);
    let mut searcher = open_searcher(index)?;
    let results = searcher.facets(&req, by, args.top.max(1))?;
    warn_all(&results.warnings);
    let mut out = io::BufWriter::new(io::stdout().lock());
    match args.format.get() {
        Format::Json => {
            for (value, count) in &results.counts {
                writeln!(
                    out,
                    "{}",
                    json!({"type": "facet", "by": by.as_str(), "value": value, "count": count})
                )?;
            }
            writeln!(
                out,
                "{}",
                json!({"type": "summary", "by": by.as_str(), "values": results.counts.len(), "matched": results.total, "elapsed_ms": elapsed_ms(started)})
            )?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([by.as_str(), "passages"])?;
            for (value, count) in &results.counts {
                w.write_record([value.as_str(), &count.to_string()])?;
            }
            let bytes = w
                .into_inner()
                .map_err(|e| Error::BadOption(e.to_string()))?;
            out.write_all(&bytes)?;
        }
        Format::Text => {
            for (value, count) in &results.counts {
                writeln!(out, "{count:>7}  {value}")?;
            }
            writeln!(out, "{:>7}  matching passages", results.total)?;
        }
    }
    out.flush()?;
    Ok(if results.counts.is_empty() { 1 } else { 0 })
}

fn run_timeline(index: &Path, args: TimelineArgs) -> Outcome {
    let req = request(&args.query, 10, &args.filters)?;
    let by = match args.by {
        Period::Month => FacetBy::Month,
        Period::Year => FacetBy::Year,
    };
    let mut searcher = open_searcher(index)?;
    let results = searcher.facets(&req, by, usize::MAX)?;
    warn_all(&results.warnings);
    let periods = fill_periods(&results.counts);
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        for (value, count) in &periods {
            writeln!(
                out,
                "{}",
                json!({"type": "facet", "by": by.as_str(), "value": value, "count": count})
            )?;
        }
        let dated: u64 = periods.iter().map(|(_, n)| n).sum();
        writeln!(
            out,
            "{}",
            json!({"type": "summary", "by": by.as_str(), "periods": periods.len(), "matched": results.total, "undated": (results.total as u64).saturating_sub(dated)})
        )?;
    } else {
        for line in draw_bars(&periods, 50, args.ascii) {
            writeln!(out, "{line}")?;
        }
        let dated: u64 = periods.iter().map(|(_, n)| n).sum();
        let undated = (results.total as u64).saturating_sub(dated);
        if undated > 0 {
            writeln!(
                out,
                "({undated} matching passages have no publication date)"
            )?;
        }
    }
    out.flush()?;
    Ok(if results.total == 0 { 1 } else { 0 })
}

/// A horizontal bar chart: one line a period, bars scaled to `width` cells, drawn with
/// eighth blocks (or `#` in ASCII).
pub fn draw_bars(rows: &[(String, u64)], width: usize, ascii: bool) -> Vec<String> {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let label = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(k, n)| {
            let eighths = (*n as u128 * width as u128 * 8 / max as u128) as usize;
            let bar = if ascii {
                "#".repeat(eighths.div_ceil(8))
            } else {
                let mut b = "█".repeat(eighths / 8);
                if !eighths.is_multiple_of(8) {
                    b.push(EIGHTHS[eighths % 8 - 1]);
                }
                b
            };
            format!("{k:<label$} {bar} {n}")
        })
        .collect()
}

fn run_stats(index: &Path, args: StatsArgs) -> Outcome {
    let searcher = open_searcher(index)?;
    let stats = Stats::gather(&searcher, args.top.max(1))?;
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(out, "{}", tagged("stats", &stats)?)?;
        return Ok(0);
    }
    writeln!(out, "index        {}", index.display())?;
    writeln!(out, "files        {}", stats.files)?;
    writeln!(out, "passages     {}", stats.passages)?;
    writeln!(out, "quotations   {}", stats.quotes)?;
    let range = match (&stats.first_published, &stats.last_published) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "none known".into(),
    };
    writeln!(out, "published    {range}")?;
    writeln!(out, "size         {:.1} MB", stats.index_bytes as f64 / 1e6)?;
    if let Some(t) = &stats.last_update {
        writeln!(out, "updated      {t}")?;
    }
    for (title, list) in [
        ("top outlets", &stats.top_sources),
        ("top speakers", &stats.top_speakers),
    ] {
        writeln!(out, "{title}")?;
        for (name, n) in list {
            writeln!(out, "  {n:>7}  {name}")?;
        }
    }
    Ok(0)
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
                "person": q.person,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest() {
        let rows = vec![
            ("2023-01".to_string(), 4),
            ("2023-02".to_string(), 0),
            ("2023-03".to_string(), 1),
        ];
        assert_eq!(
            draw_bars(&rows, 4, true),
            ["2023-01 #### 4", "2023-02  0", "2023-03 # 1"]
        );
        assert_eq!(
            draw_bars(&rows, 4, false),
            ["2023-01 ████ 4", "2023-02  0", "2023-03 █ 1"]
        );
        let rows = vec![("2020".to_string(), 8), ("2021".to_string(), 3)];
        assert_eq!(draw_bars(&rows, 2, false), ["2020 ██ 8", "2021 ▊ 3"]);
    }
}
