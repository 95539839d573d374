//! `attache index`: walk a folder, find what changed since the last run, extract the
//! changed files in parallel and hand their passages to tantivy's writer, committing as
//! it goes. A bad file is skipped with a reason; it never stops the run.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use tantivy::index::SegmentId;
use tantivy::indexer::UserOperation;
use tantivy::schema::Field;
use tantivy::schema::document::Document;
use tantivy::{DateTime, IndexWriter, TantivyDocument, Term};
use walkdir::WalkDir;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::pace;
use super::schema::{KIND_FILE, KIND_PASSAGE, KIND_QUOTE};
use super::{Store, index_error};
use crate::error::{Error, Result};
use crate::extract::{Article, CalDate, QuoteKind, analyze, push_unique};
use crate::meta::{Manifest, Meta, parse_manifest};
use crate::passage::{MAX_PASSAGE_CHARS, split_passages};

/// A run commits when this long has passed since its last commit, so a crash loses at
/// most this much work (the next run goes on from the last commit). Commits are for
/// durability only: how much the writer holds in memory is bounded by its heap
/// (`IndexOptions::heap`), and every commit cuts the segments being written short, so
/// the interval is long.
const COMMIT_INTERVAL: Duration = Duration::from_secs(60);

/// The writer memory of `attache index` without `--heap`, in MB per writer thread. Each
/// thread flushes a segment when its share of the heap is full, so the heap sets both the
/// peak memory of a run and the number of segments it leaves, each of which costs every
/// search a fixed 0.3 ms. The 233 MB benchmark corpus on two threads, merges off: 80 MB in
/// all gave 16 segments and a 218 MiB peak, 96 MB 12 and 241 MiB, 128 MB 9 and 264 MiB.
pub const DEFAULT_HEAP_MB_PER_THREAD: usize = 48;

/// The default heap in bytes for `threads` writer threads.
pub fn default_heap(threads: usize) -> usize {
    threads.clamp(1, super::MAX_WRITER_THREADS) * DEFAULT_HEAP_MB_PER_THREAD * 1_000_000
}

/// Analysed files that may wait for the index writer.
const ANALYSED_QUEUE: usize = 16;

/// When the run commits: every `ATTACHE_COMMIT_EVERY` files when that hidden variable is
/// set to a positive number (the fault tests use it to have several commits on a small
/// folder), else every [`COMMIT_INTERVAL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CommitEvery {
    Files(usize),
    Interval(Duration),
}

impl CommitEvery {
    fn from_env() -> CommitEvery {
        std::env::var("ATTACHE_COMMIT_EVERY")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .filter(|&n| n > 0)
            .map_or(CommitEvery::Interval(COMMIT_INTERVAL), CommitEvery::Files)
    }

    /// True when `files` files written over `elapsed` since the last commit call for one.
    fn due(self, files: usize, elapsed: Duration) -> bool {
        match self {
            CommitEvery::Files(n) => files >= n,
            CommitEvery::Interval(every) => files > 0 && elapsed >= every,
        }
    }
}

/// What `attache index` is asked to do.
#[derive(Clone, Debug)]
pub struct IndexOptions {
    /// The folder to index.
    pub root: PathBuf,
    /// The index folder.
    pub index_dir: PathBuf,
    /// File name extensions to index, lowercase, without the dot.
    pub extensions: Vec<String>,
    /// Drop everything indexed before (in the same commit as the new documents).
    pub rebuild: bool,
    /// Threads for extraction and for tantivy's writer.
    pub threads: usize,
    /// Memory budget of tantivy's writer in bytes.
    pub heap: usize,
    /// What becomes of the segments a large run writes; a run that writes fewer than
    /// `SMALL_RUN_DOCS` documents has its segments merged into one whatever this says.
    pub merge: Merge,
}

/// How a large run's segments are merged at its end (`merge_written`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Merge {
    /// Into segments of about `MERGE_GROUP_DOCS` documents, one merge at a time, so that the
    /// merge's memory stays under the indexing phase's.
    #[default]
    Bounded,
    /// Into one segment per writer thread however large, the merges side by side
    /// (`--merge`): the fewest segments, the most memory.
    PerThread,
    /// Not at all (`--no-merge`): the quickest run, the most segments.
    Off,
}

/// Why a file was not indexed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// What a run did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct IndexReport {
    /// Files seen with an indexable extension.
    pub files: usize,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Passages written in this run.
    pub passages: usize,
    pub bytes: u64,
    pub skipped: Vec<Skipped>,
    pub seconds: f64,
    /// The index was created (or rebuilt) by this run.
    pub created: bool,
}

impl IndexReport {
    /// True when the run changed nothing in the index.
    pub fn nothing_changed(&self) -> bool {
        self.added + self.changed + self.removed == 0
    }
}

/// Receives progress; the CLI draws it, tests ignore it.
pub trait Progress: Sync {
    /// The work is known: this many files and bytes to read and extract.
    fn begin(&self, _files: u64, _bytes: u64) {}
    /// One more file is done.
    fn advance(&self, _bytes: u64) {}
    /// A file was skipped.
    fn skipped(&self, _skip: &Skipped) {}
    /// A commit starts (it may take a moment).
    fn committing(&self) {}
    /// The segments written are being merged (a few seconds on a large folder).
    fn merging(&self) {}
    /// All files are done.
    fn finish(&self) {}
}

/// A progress sink that shows nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A file found by the walk.
struct Candidate {
    path: PathBuf,
    key: String,
    size: u64,
    meta: Meta,
    stamp: u64,
}

/// The result of reading and extracting one file.
enum Outcome {
    Indexed {
        key: String,
        /// Passage and quotation documents, then the file document last.
        docs: Vec<TantivyDocument>,
        passages: usize,
        bytes: u64,
    },
    Unchanged {
        bytes: u64,
    },
    Skipped {
        skip: Skipped,
        bytes: u64,
    },
}

/// Indexes `opts.root` into `opts.index_dir` and reports what changed.
pub fn index_folder(opts: &IndexOptions, progress: &dyn Progress) -> Result<IndexReport> {
    let started = Instant::now();
    let (store, created) = Store::open_or_create(&opts.index_dir, opts.rebuild)?;
    // The writer merges nothing while the run writes; `merge_written` does, at the end.
    let mut writer = store.writer(opts.threads, opts.heap)?;
    let pacer = pace::Pacer::new(pace::IN_FLIGHT_DOCS);
    let _note = store.note_writer(&fs::canonicalize(&opts.root).unwrap_or(opts.root.clone()));
    store.clean_leftovers(&writer);
    // One view of the index for the run: the file records' document addresses hold in it.
    let snapshot = store.reader()?.searcher();
    let before: HashSet<SegmentId> = snapshot
        .segment_readers()
        .iter()
        .map(|r| r.segment_id())
        .collect();
    let known = if opts.rebuild || created {
        HashMap::new()
    } else {
        store.file_states(&snapshot)?
    };

    let root = fs::canonicalize(&opts.root).map_err(|e| Error::io(&opts.root, e))?;
    if !root.is_dir() {
        return Err(Error::BadOption(format!(
            "{}: not a folder",
            opts.root.display()
        )));
    }
    let mut report = IndexReport {
        created: created || opts.rebuild,
        ..IndexReport::default()
    };
    let (candidates, walk_skips) = walk(&root, &opts.extensions);
    for skip in walk_skips {
        progress.skipped(&skip);
        report.skipped.push(skip);
    }
    report.files = candidates.len();
    fault_point("walked");

    // Files whose stamp is unchanged are not even read.
    let mut todo = Vec::new();
    for c in candidates.iter() {
        match known.get(&c.key) {
            Some(state) if state.stamp == c.stamp => report.unchanged += 1,
            _ => todo.push(c),
        }
    }
    let seen: HashSet<&str> = candidates.iter().map(|c| c.key.as_str()).collect();
    let root_prefix = format!("{}{}", root.display(), std::path::MAIN_SEPARATOR);
    let f = &store.fields;
    if opts.rebuild {
        writer
            .delete_all_documents()
            .map_err(|e| index_error(&store.dir, &e))?;
    }
    let mut gone: Vec<&String> = known
        .keys()
        .filter(|k| k.starts_with(&root_prefix) && !seen.contains(k.as_str()))
        .collect();
    gone.sort();
    for key in gone {
        writer.delete_term(Term::from_field_text(f.path, key));
        report.removed += 1;
    }

    let total_bytes: u64 = todo.iter().map(|c| c.size).sum();
    progress.begin(todo.len() as u64, total_bytes);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.max(1))
        .build()
        .map_err(|e| Error::BadOption(format!("cannot start {} threads: {e}", opts.threads)))?;
    // Analysed files waiting for the writer. Each holds all its documents (a UN debate:
    // a few hundred KB), and the writer is the slower side, so the queue stays full: 256
    // files cost 40 MB of peak memory over 16, for no speed (bench corpus, alternating).
    let (tx, rx) = mpsc::sync_channel::<Outcome>(ANALYSED_QUEUE);
    let mut since_commit = 0usize;
    let mut last_commit = Instant::now();
    let every = CommitEvery::from_env();
    let result: Result<()> = std::thread::scope(|scope| {
        let known = &known;
        let todo = &todo;
        // The workers read the recorded fingerprint of a file whose stamp changed (a stored
        // read), so that only its content, not its mtime, decides whether it is analysed.
        let snapshot = &snapshot;
        let records = &store;
        scope.spawn(move || {
            pool.install(|| {
                todo.par_iter().for_each_with(tx, |tx, c| {
                    let recorded = known
                        .get(&c.key)
                        .and_then(|state| records.fingerprint(snapshot, state));
                    let _ = tx.send(process(c, recorded, f));
                });
            });
            // The workers' regex caches (about 55 MB each) go now, not whenever the pool's
            // threads happen to end: the merge after this run must not carry them.
            pool.broadcast(|_| crate::extract::rx::release_thread_caches());
        });
        for outcome in rx {
            match outcome {
                Outcome::Indexed {
                    key,
                    docs,
                    passages,
                    bytes,
                } => {
                    if known.contains_key(&key) {
                        report.changed += 1;
                        writer.delete_term(Term::from_field_text(f.path, &key));
                    } else {
                        report.added += 1;
                    }
                    report.passages += passages;
                    // One batch: tantivy writes it into one segment, in order (documents
                    // added one by one go to whichever writer thread is free). A file's
                    // passages then share store blocks, whose compression takes their
                    // repeated title, path and names once.
                    pacer.wait(docs.len(), pace::PATIENCE);
                    let batch: Vec<_> = pacer
                        .wrap_all(docs)
                        .into_iter()
                        .map(UserOperation::Add)
                        .collect();
                    writer.run(batch).map_err(|e| write_error(&store.dir, &e))?;
                    report.bytes += bytes;
                    progress.advance(bytes);
                    since_commit += 1;
                    fault_point("added");
                }
                Outcome::Unchanged { bytes } => {
                    report.unchanged += 1;
                    progress.advance(bytes);
                }
                Outcome::Skipped { skip, bytes } => {
                    progress.skipped(&skip);
                    report.skipped.push(skip);
                    progress.advance(bytes);
                }
            }
            if every.due(since_commit, last_commit.elapsed()) {
                progress.committing();
                commit(&mut writer, &store)?;
                since_commit = 0;
                last_commit = Instant::now();
            }
        }
        Ok(())
    });
    result?;
    progress.committing();
    commit(&mut writer, &store)?;
    writer
        .wait_merging_threads()
        .map_err(|e| write_error(&store.dir, &e))?;
    if report.added + report.changed > 0 {
        merge_written(&store, &before, opts, progress)?;
    }
    drop(snapshot);
    store.collect_after_run();
    progress.finish();
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// A run whose segments together hold fewer documents than this has them merged into one
/// (a second or less), together with the earlier small segments that still fit under it;
/// a larger run as `IndexOptions::merge` says. The hidden variable `ATTACHE_SMALL_RUN_DOCS`
/// overrides it (0 keeps every run's segments, as tests of indexes in many segments need).
const SMALL_RUN_DOCS: u32 = 100_000;

/// The threshold in force: `ATTACHE_SMALL_RUN_DOCS` when set to a number.
fn small_run_docs() -> u32 {
    std::env::var("ATTACHE_SMALL_RUN_DOCS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(SMALL_RUN_DOCS)
}

/// Merges the segments this run wrote (those not in `before`), so that a search opens few
/// of them. A segment costs a search the same fixed work whatever its size (files opened and
/// mapped, footers, term dictionaries, fast field headers: about 25 page faults and 0.3 ms
/// on the scale index). The writer merges nothing while it writes, so this is the only
/// place segments are merged. Everything is committed by then: a merge that fails or is
/// stopped leaves the index as it was.
///
/// A small run's segments become one, with the small segments of earlier runs added
/// while the whole stays under [`SMALL_RUN_DOCS`] ([`small_group`]): repeated small runs
/// leave one small segment, not one each, and no run merges more than that. A large run's
/// segments are merged into groups of at most [`MERGE_GROUP_DOCS`] documents, one group at
/// a time ([`Merge::Bounded`]); with `--merge` into one segment per thread, side by side;
/// with `--no-merge` not at all.
fn merge_written(
    store: &Store,
    before: &HashSet<SegmentId>,
    opts: &IndexOptions,
    progress: &dyn Progress,
) -> Result<()> {
    let (written, earlier): (Vec<SegmentDocs>, Vec<SegmentDocs>) = store
        .index
        .searchable_segment_metas()
        .map_err(|e| index_error(&store.dir, &e))?
        .iter()
        .map(|m| (m.id(), m.num_docs()))
        .partition(|(id, _)| !before.contains(id));
    let cap = small_run_docs();
    let total: u64 = written.iter().map(|&(_, docs)| u64::from(docs)).sum();
    let groups = if total < u64::from(cap) {
        vec![small_group(&written, &earlier, cap)]
    } else {
        match opts.merge {
            Merge::Bounded => merge_groups(&written, bounded_groups(total)),
            Merge::PerThread => merge_groups(&written, opts.threads),
            Merge::Off => Vec::new(),
        }
    };
    if groups.iter().all(|group| group.len() < 2) {
        return Ok(());
    }
    // Another run may have taken the lock since ours was released: it merges instead.
    let Ok(mut writer) = store.merger() else {
        return Ok(());
    };
    progress.merging();
    // The indexing phase's freed memory and the merge's mapped reads must not add up.
    super::malloc::release_free_memory();
    let groups = groups.iter().filter(|group| group.len() > 1);
    // Side by side only with `--merge` (a small run's one group merges alike either way).
    if opts.merge == Merge::PerThread {
        let pending: Vec<_> = groups.map(|group| writer.merge(group)).collect();
        for merge in pending {
            merge.wait().map_err(|e| write_error(&store.dir, &e))?;
        }
    } else {
        for group in groups {
            writer
                .merge(group)
                .wait()
                .map_err(|e| write_error(&store.dir, &e))?;
        }
    }
    writer
        .wait_merging_threads()
        .map_err(|e| write_error(&store.dir, &e))
}

/// Documents a segment made by a large run's merge holds at most (about: the groups are
/// balanced, [`merge_groups`]). A merge maps the segments it reads, all of their pages in
/// the end, so this bounds its memory: on the scale corpus about 1 million documents
/// (passages, quotations, files) are 150 MB of index, and a merge of them peaks at about 200 MB, under the indexing phase.
const MERGE_GROUP_DOCS: u64 = 1_000_000;

/// How many groups a large run of `total` documents is merged into.
fn bounded_groups(total: u64) -> usize {
    usize::try_from(total.div_ceil(MERGE_GROUP_DOCS).max(1)).unwrap_or(usize::MAX)
}

/// A segment and its number of documents.
type SegmentDocs = (SegmentId, u32);

/// The segments (key, documents) a small run merges: all it wrote, then earlier segments
/// smallest first (ties by key) as long as the documents together stay under `cap`.
fn small_group<K: Copy + Ord>(written: &[(K, u32)], earlier: &[(K, u32)], cap: u32) -> Vec<K> {
    let mut total: u64 = written.iter().map(|&(_, docs)| u64::from(docs)).sum();
    let mut group: Vec<K> = written.iter().map(|&(key, _)| key).collect();
    let mut order = earlier.to_vec();
    order.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    for (key, docs) in order {
        if total + u64::from(docs) >= u64::from(cap) {
            break;
        }
        total += u64::from(docs);
        group.push(key);
    }
    group
}

/// Splits segments (key, documents) into at most `groups` groups of about equal documents,
/// largest first into the lightest group; ties by key, so the same input gives the same
/// groups. Empty groups are left out.
fn merge_groups<K: Copy + Ord>(segments: &[(K, u32)], groups: usize) -> Vec<Vec<K>> {
    let mut order = segments.to_vec();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<(u64, Vec<K>)> = vec![(0, Vec::new()); groups.max(1)];
    for (key, docs) in order {
        if let Some(lightest) = out.iter_mut().min_by_key(|g| g.0) {
            lightest.0 += u64::from(docs);
            lightest.1.push(key);
        }
    }
    out.into_iter()
        .map(|(_, keys)| keys)
        .filter(|keys| !keys.is_empty())
        .collect()
}

/// Commits in two steps, so the fault tests can stop a run between them: segments
/// flushed to disk but `meta.json` not yet rewritten.
fn commit<D: Document>(writer: &mut IndexWriter<D>, store: &Store) -> Result<()> {
    let prepared = writer
        .prepare_commit()
        .map_err(|e| write_error(&store.dir, &e))?;
    fault_point("prepared");
    prepared.commit().map_err(|e| write_error(&store.dir, &e))?;
    fault_point("committed");
    Ok(())
}

/// An error while writing the index. tantivy's writer threads report a failed write
/// only as "an index writer was killed", so a full disk is recognised by trying to
/// write a small file beside the index. The index keeps its last commit either way.
fn write_error(dir: &Path, e: &tantivy::TantivyError) -> Error {
    let probe = dir.join("attache-space-probe");
    let full = match fs::write(&probe, vec![0u8; 64 * 1024]) {
        Err(io) => io.kind() == std::io::ErrorKind::StorageFull || io.raw_os_error() == Some(28),
        Ok(()) => false,
    };
    let _ = fs::remove_file(&probe);
    let full = full
        || matches!(e, tantivy::TantivyError::IoError(io)
            if io.kind() == std::io::ErrorKind::StorageFull);
    let cause = if full {
        "the disk is full (no space left on device)".to_string()
    } else {
        match index_error(dir, e) {
            Error::Index { detail, .. } | Error::IndexUnusable { detail, .. } => detail,
            other => other.to_string(),
        }
    };
    Error::Index {
        path: dir.to_path_buf(),
        detail: format!(
            "{cause}; the index keeps its last commit: make room and run `attache index` again"
        ),
    }
}

/// A test hook for the fault tests (tests/reliability.rs, tests/slow_faults.rs), inert
/// unless `ATTACHE_FAULT=POINT[:N]` and `ATTACHE_FAULT_SIGNAL=FILE` are both set: the
/// N-th time (default 1st) the run reaches `POINT` (`created`, `walked`, `added`,
/// `prepared`, `committed`) it writes the point's name to FILE and waits, up to two
/// minutes, until FILE is deleted. The test meanwhile kills the run, or changes the folder
/// and lets it go on.
pub(crate) fn fault_point(point: &str) {
    static SPEC: OnceLock<Option<(String, usize, PathBuf)>> = OnceLock::new();
    static HITS: AtomicUsize = AtomicUsize::new(0);
    let spec = SPEC.get_or_init(|| {
        let spec = std::env::var("ATTACHE_FAULT").ok()?;
        let signal = std::env::var_os("ATTACHE_FAULT_SIGNAL")?;
        let (name, nth) = match spec.split_once(':') {
            Some((name, n)) => (name.to_string(), n.trim().parse().ok()?),
            None => (spec, 1),
        };
        Some((name, nth, PathBuf::from(signal)))
    });
    let Some((name, nth, signal)) = spec else {
        return;
    };
    if name != point || HITS.fetch_add(1, Ordering::SeqCst) + 1 != *nth {
        return;
    }
    if fs::write(signal, point).is_err() {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while signal.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Walks `root` (following links, surviving loops, skipping hidden entries) and returns
/// the files to consider, sorted by path, with their manifest metadata.
fn walk(root: &Path, extensions: &[String]) -> (Vec<Candidate>, Vec<Skipped>) {
    let mut files = Vec::new();
    let mut manifests: HashMap<PathBuf, Manifest> = HashMap::new();
    let mut skips = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
                let reason = if err.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else if let Some(io) = err.io_error() {
                    io.to_string()
                } else {
                    err.to_string()
                };
                skips.push(Skipped { path, reason });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if name == "manifest.jsonl" {
            match fs::read_to_string(path) {
                Ok(text) => {
                    let (manifest, bad) = parse_manifest(&text);
                    if bad > 0 {
                        skips.push(Skipped {
                            path: path.display().to_string(),
                            reason: format!("{bad} manifest lines without a \"file\" were ignored"),
                        });
                    }
                    if let Some(dir) = path.parent() {
                        manifests.insert(dir.to_path_buf(), manifest);
                    }
                }
                Err(e) => skips.push(Skipped {
                    path: path.display().to_string(),
                    reason: format!("manifest unreadable: {e}"),
                }),
            }
            continue;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if !extensions.contains(&ext) {
            continue;
        }
        let md = match entry.metadata() {
            Ok(md) => md,
            Err(e) => {
                skips.push(Skipped {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let mtime = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        files.push((path.to_path_buf(), md.len(), mtime));
    }
    let candidates = files
        .into_iter()
        .map(|(path, size, mtime)| {
            let meta = manifest_meta(&manifests, root, &path);
            let mut h = Xxh3::new();
            h.update(&size.to_le_bytes());
            h.update(&mtime.to_le_bytes());
            h.update(&meta_hash(&meta).to_le_bytes());
            Candidate {
                key: path.to_string_lossy().into_owned(),
                path,
                size,
                meta,
                stamp: h.digest(),
            }
        })
        .collect();
    (candidates, skips)
}

/// The manifest entry for `path`: from the nearest manifest in its folder or above (up
/// to `root`), keyed by the path relative to that manifest's folder.
fn manifest_meta(manifests: &HashMap<PathBuf, Manifest>, root: &Path, path: &Path) -> Meta {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if let Some(m) = manifests.get(d)
            && let Ok(rel) = path.strip_prefix(d)
        {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if let Some(meta) = m.get(&rel) {
                return meta.clone();
            }
        }
        if d == root {
            break;
        }
        dir = d.parent();
    }
    Meta::default()
}

/// A hash of metadata, part of a file's stamp and fingerprint.
/// The extraction version is part of it, so files are analysed again when extraction
/// changes.
fn meta_hash(meta: &Meta) -> u64 {
    xxh3_64(format!("{}{meta:?}", crate::extract::EXTRACT_VERSION).as_bytes())
}

/// Reads and extracts one file.
fn process(c: &Candidate, known: Option<u64>, f: &super::Fields) -> Outcome {
    let skip = |reason: String| Outcome::Skipped {
        skip: Skipped {
            path: c.path.display().to_string(),
            reason,
        },
        bytes: c.size,
    };
    let bytes = match fs::read(&c.path) {
        Ok(b) => b,
        Err(e) => return skip(format!("cannot read: {e}")),
    };
    let fingerprint = xxh3_64(&bytes) ^ meta_hash(&c.meta).rotate_left(17);
    if known == Some(fingerprint) {
        return Outcome::Unchanged { bytes: c.size };
    }
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(reason) => return skip(reason),
    };
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .is_empty()
    {
        return skip("empty file".into());
    }
    let article = analyze(&text, &c.meta, None);
    let mut docs = passage_docs(f, &c.key, &text, &article);
    let passages = docs.len();
    docs.extend(quote_docs(f, &c.key, &text, &article));
    let mut file_doc = TantivyDocument::default();
    file_doc.add_text(f.kind, KIND_FILE);
    file_doc.add_text(f.path, &c.key);
    file_doc.add_u64(f.stamp, c.stamp);
    file_doc.add_u64(f.fingerprint, fingerprint);
    // The headline is searched here, once a file; `span` leads from this document to the
    // others of its file, which come just before it in the same batch (`join::FileJoin`).
    if !article.title.is_empty() {
        file_doc.add_text(f.title, &article.title);
    }
    file_doc.add_u64(f.span, docs.len() as u64);
    docs.push(file_doc);
    Outcome::Indexed {
        key: c.key.clone(),
        docs,
        passages,
        bytes: c.size,
    }
}

/// Turns file bytes into text: UTF-8 as it is, UTF-16 with a byte-order mark decoded;
/// binary files and invalid UTF-8 are refused with a reason.
pub fn decode(bytes: Vec<u8>) -> std::result::Result<String, String> {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(&bytes)
        && enc != encoding_rs::UTF_8
    {
        let (text, _, had_errors) = enc.decode(&bytes);
        if had_errors {
            return Err(format!("invalid {} text", enc.name()));
        }
        return Ok(text.into_owned());
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file (NUL bytes)".into());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Bytes of a passage or quotation document beyond its text, title and path: the other
/// fields' values and tantivy's per-value headers (a guess, not a limit).
const DOC_OVERHEAD: usize = 256;

/// One tantivy document per distinct passage of the article.
pub fn passage_docs(
    f: &super::Fields,
    key: &str,
    text: &str,
    article: &Article,
) -> Vec<TantivyDocument> {
    let passages = split_passages(text, article.body_start, MAX_PASSAGE_CHARS);
    let publisher = article.sources.first();
    let title_and_path = article.title.len() + key.len();
    let mut seen = HashSet::new();
    let mut docs = Vec::with_capacity(passages.len());
    for p in passages {
        let body = &text[p.start..p.end];
        if !seen.insert(xxh3_64(body.as_bytes())) {
            continue;
        }
        // One allocation of about the document's size (the default is 1 KB, then growth).
        let mut doc = TantivyDocument::with_capacity(DOC_OVERHEAD + body.len() + title_and_path);
        doc.add_text(f.kind, KIND_PASSAGE);
        doc.add_text(f.path, key);
        doc.add_text(f.headline, &article.title);
        doc.add_text(f.body, body);
        doc.add_u64(f.ordinal, docs.len() as u64);
        doc.add_u64(f.start, p.start as u64);
        doc.add_u64(f.end, p.end as u64);
        let (sketch, pairs) = crate::dedup::signature(body);
        doc.add_u64(f.sketch, sketch);
        doc.add_u64(f.pairs, pairs as u64);
        let mut speakers = Vec::new();
        let mut sources: Vec<String> = publisher.into_iter().cloned().collect();
        for q in &article.quotes {
            if q.start < p.end && p.start < q.end {
                if let Some(s) = q.who() {
                    push_unique(&mut speakers, s.to_string());
                }
                if let Some(o) = &q.outlet {
                    push_unique(&mut sources, o.clone());
                }
            }
        }
        // Outlets named inside the passage itself ("told Europetime", "(AFP)").
        for name in article.sources.iter().skip(1) {
            if contains_word(body, name) {
                push_unique(&mut sources, name.clone());
            }
        }
        add_names(&mut doc, f, &speakers, &sources);
        add_published(&mut doc, f, article);
        let mut values = Vec::new();
        for d in &article.dates {
            if d.start < p.end && p.start < d.end {
                push_unique(&mut values, d.value.to_string());
            }
        }
        add_all(&mut doc, f.dates, &values);
        docs.push(doc);
    }
    docs
}

/// One document per quotation: its text (whole, however many paragraphs it runs over),
/// speaker, the outlet it was given to, and the article's publisher and date.
pub fn quote_docs(
    f: &super::Fields,
    key: &str,
    text: &str,
    article: &Article,
) -> Vec<TantivyDocument> {
    let publisher = article.sources.first();
    let title_and_path = article.title.len() + key.len();
    let mut docs = Vec::with_capacity(article.quotes.len());
    for (i, q) in article.quotes.iter().enumerate() {
        let Some(quote) = text.get(q.start..q.end) else {
            continue;
        };
        let mut doc = TantivyDocument::with_capacity(DOC_OVERHEAD + quote.len() + title_and_path);
        doc.add_text(f.kind, KIND_QUOTE);
        doc.add_text(f.path, key);
        doc.add_text(f.headline, &article.title);
        doc.add_text(f.quote, quote);
        doc.add_u64(f.ordinal, i as u64);
        doc.add_u64(f.start, q.start as u64);
        doc.add_u64(f.end, q.end as u64);
        doc.add_text(
            f.quote_kind,
            match q.kind {
                QuoteKind::Direct => "direct",
                QuoteKind::Indirect => "indirect",
            },
        );
        let speakers: Vec<String> = q.who().map(str::to_string).into_iter().collect();
        let mut sources: Vec<String> = publisher.into_iter().cloned().collect();
        if let Some(o) = &q.outlet {
            push_unique(&mut sources, o.clone());
        }
        add_names(&mut doc, f, &speakers, &sources);
        add_published(&mut doc, f, article);
        docs.push(doc);
    }
    docs
}

/// Speakers and sources, both searchable and as exact keys for counting.
fn add_names(
    doc: &mut TantivyDocument,
    f: &super::Fields,
    speakers: &[String],
    sources: &[String],
) {
    add_all(doc, f.speaker, speakers);
    // A bare pronoun ("I", "we") names no one: counting it would put it atop every facet.
    let named: Vec<String> = speakers
        .iter()
        .filter(|s| !crate::extract::quotes::is_pronoun(s))
        .map(|s| facet_form(s))
        .collect();
    add_all(doc, f.speaker_key, &named);
    add_all(doc, f.source, sources);
    add_all(doc, f.source_key, sources);
}

/// A speaker as counted in facets: a common-noun phrase capitalised only because it opened a
/// sentence ("The company", "Analysts", "A NATO official") counts with its lower-case form,
/// and so does an English article or possessive before a name, written in lower case
/// mid-sentence ("The Secretary-General", "My Government", "The New York Times"); names
/// keep theirs ("President Obama", "Die Linke").
fn facet_form(speaker: &str) -> String {
    let mut words = speaker.split_whitespace();
    let first = words.next().unwrap_or("");
    let rest_lower = words.all(|w| !w.starts_with(char::is_uppercase));
    let mut chars = first.chars();
    match chars.next() {
        Some(c)
            if c.is_uppercase()
                && ((rest_lower && crate::extract::quotes::is_common_noun_opening(first))
                    || matches!(
                        first,
                        "A" | "An"
                            | "Ein"
                            | "Eine"
                            | "The"
                            | "My"
                            | "Our"
                            | "His"
                            | "Her"
                            | "Their"
                            | "Its"
                            | "Your"
                    )) =>
        {
            let lowered: String = c.to_lowercase().chain(chars).collect();
            speaker.replacen(first, &lowered, 1)
        }
        _ => speaker.to_string(),
    }
}

/// The article's publication date, as a date for ranges and as text at its precision.
fn add_published(doc: &mut TantivyDocument, f: &super::Fields, article: &Article) {
    if let Some(d) = article.published {
        if let Some(dt) = cal_to_datetime(d) {
            doc.add_date(f.published, dt);
        }
        doc.add_text(f.published_text, d.to_string());
    }
    doc.add_text(f.date_source, article.date_source.as_str());
}

fn add_all(doc: &mut TantivyDocument, field: Field, values: &[String]) {
    for v in values {
        doc.add_text(field, v);
    }
}

/// True when `needle` occurs in `hay` and is not part of a longer word.
fn contains_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Midnight UTC of the first day a calendar value covers.
pub fn cal_to_datetime(d: CalDate) -> Option<DateTime> {
    let days = days_from_civil(d.year, d.month.unwrap_or(1), d.day.unwrap_or(1))?;
    Some(DateTime::from_timestamp_secs(days * 86_400))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u8, day: u8) -> Option<i64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Seconds since the epoch now, for "last updated".
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    #[test]
    fn facet_forms() {
        // (speaker, form counted in facets)
        let cases = [
            ("The company", "the company"),
            ("the company", "the company"),
            ("Analysts", "analysts"),
            ("A NATO official", "a NATO official"),
            ("An EU diplomat", "an EU diplomat"),
            ("Obama", "Obama"),
            ("The New York Times", "the New York Times"),
            ("The Secretary-General", "the Secretary-General"),
            ("My Government", "my Government"),
            ("Die Linke", "Die Linke"),
            ("Theresa May", "Theresa May"),
            ("President Obama", "President Obama"),
        ];
        for (speaker, want) in cases {
            assert_eq!(super::facet_form(speaker), want, "{speaker}");
        }
    }

    use super::*;

    #[test]
    fn decode_cases() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Hé".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let cases: Vec<(Vec<u8>, std::result::Result<&str, &str>)> = vec![
            (b"plain".to_vec(), Ok("plain")),
            ("\u{feff}bom".as_bytes().to_vec(), Ok("\u{feff}bom")),
            (utf16le, Ok("Hé")),
            (vec![b'a', 0, b'b'], Err("binary file (NUL bytes)")),
            (
                vec![b'a', 0xFF, b'b'],
                Err("not UTF-8 text (invalid byte at offset 1)"),
            ),
        ];
        for (bytes, want) in cases {
            let got = decode(bytes.clone());
            assert_eq!(got.as_deref().map_err(|e| e.as_str()), want, "{bytes:?}");
        }
    }

    #[test]
    fn civil_days() {
        let cases = [
            ((1970, 1, 1), Some(0)),
            ((2000, 3, 1), Some(11_017)),
            ((2022, 5, 14), Some(19_126)),
            ((1969, 12, 31), Some(-1)),
            ((2022, 13, 1), None),
        ];
        for ((y, m, d), want) in cases {
            assert_eq!(days_from_civil(y, m, d), want, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn merge_groups_balance_documents() {
        // (segments as (key, documents), groups asked for, groups expected)
        type Case = (&'static [(u8, u32)], usize, &'static [&'static [u8]]);
        let cases: &[Case] = &[
            (&[], 2, &[]),
            (&[(1, 10)], 2, &[&[1]]),
            (&[(1, 10), (2, 20), (3, 5)], 1, &[&[2, 1, 3]]),
            (&[(1, 10), (2, 20), (3, 5)], 0, &[&[2, 1, 3]]),
            // Largest first, each into the lightest group.
            (&[(1, 10), (2, 20), (3, 5), (4, 12)], 2, &[&[2, 3], &[4, 1]]),
            // Equal sizes: by key, so the grouping does not depend on the input order.
            (&[(4, 7), (3, 7), (2, 7), (1, 7)], 2, &[&[1, 3], &[2, 4]]),
            (&[(1, 7), (2, 7)], 3, &[&[1], &[2]]),
        ];
        for &(segments, groups, want) in cases {
            let got = merge_groups(segments, groups);
            let want: Vec<Vec<u8>> = want.iter().map(|g| g.to_vec()).collect();
            assert_eq!(got, want, "{segments:?} into {groups}");
        }
    }

    #[test]
    fn a_large_run_is_merged_into_groups_of_a_million_documents_at_most() {
        // (documents the run wrote, groups)
        let cases = [
            (0, 1),
            (1, 1),
            (999_999, 1),
            (1_000_000, 1),
            (1_000_001, 2),
            (1_963_411, 2),
            (2_000_001, 3),
            (7_853_644, 8),
        ];
        for (total, groups) in cases {
            assert_eq!(bounded_groups(total), groups, "{total} documents");
        }
    }

    #[test]
    fn small_group_adds_earlier_small_segments_under_the_cap() {
        // (written, earlier, cap, segments merged)
        type Case = (
            &'static [(u8, u32)],
            &'static [(u8, u32)],
            u32,
            &'static [u8],
        );
        let cases: &[Case] = &[
            (&[], &[], 100, &[]),
            (&[(1, 10), (2, 20)], &[], 100, &[1, 2]),
            // Earlier segments smallest first, while the total stays under the cap.
            (&[(1, 10)], &[(7, 50), (5, 30), (6, 5)], 100, &[1, 6, 5, 7]),
            (&[(1, 10)], &[(7, 50), (5, 30), (6, 5)], 95, &[1, 6, 5]),
            // A large earlier segment is never taken, nor one that reaches the cap exactly.
            (&[(1, 10)], &[(4, 500), (3, 90)], 100, &[1]),
            // Equal sizes: by key.
            (&[(9, 1)], &[(4, 20), (3, 20), (2, 20)], 50, &[9, 2, 3]),
        ];
        for &(written, earlier, cap, want) in cases {
            assert_eq!(
                small_group(written, earlier, cap),
                want.to_vec(),
                "{written:?} + {earlier:?} under {cap}"
            );
        }
    }

    #[test]
    fn the_default_heap_is_per_writer_thread() {
        for (threads, mb) in [(0, 48), (1, 48), (2, 96), (8, 384), (64, 384)] {
            assert_eq!(default_heap(threads), mb * 1_000_000, "{threads} threads");
        }
    }

    #[test]
    fn commits_come_by_time_or_by_files() {
        let minute = Duration::from_secs(60);
        let every = CommitEvery::Interval(minute);
        assert!(!every.due(1_000_000, minute - Duration::from_millis(1)));
        assert!(every.due(1, minute));
        // Nothing written since the last commit: nothing to commit.
        assert!(!every.due(0, minute * 10));
        assert!(!CommitEvery::Files(3).due(2, minute * 10));
        assert!(CommitEvery::Files(3).due(3, Duration::ZERO));
    }

    #[test]
    fn word_containment() {
        assert!(contains_word("told Europetime.", "Europetime"));
        assert!(!contains_word("told Europetimes", "Europetime"));
        assert!(contains_word("(AFP) -", "AFP"));
    }
}
