//! The on-disk index: opening and creating it safely, the writer lock, and the record of
//! which files it holds. Knows tantivy; knows nothing of terminals or clap.

pub mod build;
pub mod malloc;
pub mod pace;
pub mod schema;
pub mod stem;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::schema::document::Document;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TERMINATED,
    TantivyDocument, TantivyError, Term,
};

use crate::error::{Error, Result};
pub use schema::Fields;

/// Replaces tantivy's `en_stem` with the same analysis that remembers its stems
/// ([`stem::analyzer`]); call it on every `Index` opened or created.
fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(schema::TEXT_TOKENIZER, stem::analyzer());
}

/// Name of the file that marks a folder as an attache index and records its format.
pub const FORMAT_FILE: &str = "attache-format";

/// An open index with its resolved fields. Cloning shares the open index.
#[derive(Clone)]
pub struct Store {
    pub dir: PathBuf,
    pub index: Index,
    pub fields: Fields,
}

/// What the index records about one file it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileState {
    /// Hash of (size, mtime, metadata): equal means "surely unchanged".
    pub stamp: u64,
    /// The file document, whose stored fields hold the content fingerprint (hash of
    /// content and metadata: equal means "unchanged", even if touched).
    pub doc: DocAddress,
}

/// True when `dir` holds a committed index (of any format).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

impl Store {
    /// Opens an existing index for reading and writing. Fails with a sentence that says
    /// how to rebuild when it is missing, foreign, of another format or damaged.
    pub fn open(dir: &Path) -> Result<Store> {
        if !exists(dir) {
            return Err(Error::IndexMissing {
                path: dir.to_path_buf(),
            });
        }
        let unusable = |detail: String| Error::IndexUnusable {
            path: dir.to_path_buf(),
            detail,
        };
        match read_format(dir) {
            Some(v) if v == schema::FORMAT_VERSION => {}
            Some(v) => {
                return Err(unusable(format!(
                    "it has format {v}, this attache reads format {}",
                    schema::FORMAT_VERSION
                )));
            }
            None if dir.join(FORMAT_FILE).exists() => {
                return Err(unusable(format!("its {FORMAT_FILE} marker is unreadable")));
            }
            None => {
                return Err(Error::IndexForeign {
                    path: dir.to_path_buf(),
                    detail: "its meta.json was not made by attache".into(),
                });
            }
        }
        let index = Index::open_in_dir(dir).map_err(|e| unusable(describe(&e)))?;
        register_tokenizers(&index);
        let fields = Fields::from_schema(&index.schema())
            .ok_or_else(|| unusable("its schema is not this attache's".into()))?;
        Ok(Store {
            dir: dir.to_path_buf(),
            index,
            fields,
        })
    }

    /// Opens the index at `dir`, creating it when there is none. An attache index of
    /// another format is replaced; so is a damaged one when `rebuild` is set (an intact
    /// one keeps its last commit until the rebuild commits). A folder holding other files
    /// is never touched. Returns the store and whether it was created empty.
    pub fn open_or_create(dir: &Path, rebuild: bool) -> Result<(Store, bool)> {
        let existed = exists(dir);
        if existed {
            match Store::open(dir) {
                // tantivy opens segments lazily: a damaged one shows when read.
                Ok(store) if !(rebuild && store.reader().is_err()) => return Ok((store, false)),
                Ok(_) => {}
                Err(Error::IndexUnusable { .. })
                    if read_format(dir).is_some_and(|v| v != schema::FORMAT_VERSION)
                        || (rebuild && dir.join(FORMAT_FILE).exists()) => {}
                Err(e) => return Err(e),
            }
        }
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mmap = MmapDirectory::open(dir).map_err(|e| Error::Index {
            path: dir.to_path_buf(),
            detail: e.to_string(),
        })?;
        // Create (or replace) holding the writer lock, so two runs that start together
        // on a new folder never clear each other's files: the second is told the index
        // is in use, or finds the index the first one made.
        let lock_file = dir.join(".tantivy-writer.lock");
        let had_lock_file = lock_file.exists();
        let creating = match mmap.acquire_lock(&INDEX_WRITER_LOCK) {
            Ok(lock) => lock,
            Err(LockError::LockBusy) => {
                return Err(Error::IndexInUse {
                    path: dir.to_path_buf(),
                    holder: wait_for_holder(dir),
                });
            }
            Err(e) => {
                return Err(Error::Index {
                    path: dir.to_path_buf(),
                    detail: e.to_string(),
                });
            }
        };
        if !existed && exists(dir) {
            drop(creating);
            return Store::open(dir).map(|store| (store, false));
        }
        if let Err(e) = clear_folder(dir) {
            // A folder that is not ours is left as it was found.
            drop(creating);
            if !had_lock_file {
                let _ = fs::remove_file(&lock_file);
            }
            return Err(e);
        }
        let fields = Fields::new();
        // Stored text compressed with zstd rather than tantivy's default lz4, in 24 KB
        // blocks rather than 16: the store is most of the index, and zstd makes the whole
        // index about a fifth smaller. A search reads a block for every passage it shows or
        // compares, so smaller blocks are cheaper reads: 24 KB blocks against 32 made the
        // benchmark's word searches 10-16 % fewer instructions, and since each file's
        // documents share blocks (one batch a file, `build::index_folder`) the index is
        // still 3 MB smaller than in 32 KB blocks without that (16 KB: 6 MB larger).
        let settings = tantivy::IndexSettings {
            docstore_compression: tantivy::store::Compressor::Zstd(Default::default()),
            docstore_blocksize: STORE_BLOCK_BYTES,
            ..Default::default()
        };
        // The marker goes first: a run that finds meta.json reads the marker next, and
        // must never find tantivy's meta.json without it (it would take the folder for
        // someone else's index). A marker alone is a folder `clear_folder` may clear.
        fs::write(
            dir.join(FORMAT_FILE),
            format!("{}\n", schema::FORMAT_VERSION),
        )
        .map_err(|e| Error::io(dir.join(FORMAT_FILE), e))?;
        let index = Index::create(mmap, fields.schema.clone(), settings)
            .map_err(|e| index_error(dir, &e))?;
        register_tokenizers(&index);
        build::fault_point("created");
        drop(creating);
        Ok((
            Store {
                dir: dir.to_path_buf(),
                index,
                fields,
            },
            true,
        ))
    }

    /// Takes the writer lock. `threads` worker threads (at most [`MAX_WRITER_THREADS`])
    /// share `heap` bytes (at least 15 MB each; fewer threads are used when the heap is too
    /// small for all of them). Like [`Store::merger`]'s, the writer merges nothing on its
    /// own: a merge while a run writes competes with it for the cores and adds its memory
    /// to the writer's at its fullest, so attache merges only after a run's last commit
    /// (`build::merge_written`).
    pub fn writer(&self, threads: usize, heap: usize) -> Result<IndexWriter<pace::PacedDoc>> {
        let threads = threads
            .clamp(1, MAX_WRITER_THREADS)
            .min((heap / MIN_HEAP_PER_THREAD).max(1));
        let heap = heap.max(MIN_HEAP_PER_THREAD * threads);
        let writer = self
            .index
            .writer_with_num_threads::<pace::PacedDoc>(threads, heap)
            .map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, _) => Error::IndexInUse {
                    path: self.dir.clone(),
                    holder: wait_for_holder(&self.dir),
                },
                e => index_error(&self.dir, &e),
            })?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(writer)
    }

    /// Leaves a note next to the writer lock saying who holds it (pid, start time, the
    /// folder being indexed), for the "in use" message of a second run. Call it only
    /// while holding the writer; the note goes when the returned guard is dropped. A
    /// note left by a killed run is simply overwritten by the next one.
    pub fn note_writer(&self, indexing: &Path) -> WriterNote {
        let secs = build::now_secs();
        let text = format!(
            "pid {}, started {}, indexing {}\n",
            std::process::id(),
            utc_time(secs),
            indexing.display()
        );
        let path = self.dir.join(WRITER_NOTE);
        // Best effort: the lock, not the note, is what keeps writers apart.
        let _ = fs::write(&path, text);
        WriterNote { path }
    }

    /// Deletes files a killed or failed run left behind (segments never committed).
    /// Needs the writer; failures are harmless and ignored (every commit collects too).
    pub fn clean_leftovers<D: Document>(&self, writer: &IndexWriter<D>) {
        let _ = writer.garbage_collect_files().wait();
    }

    /// The last step of a run, after its merges have ended and its writer is gone: takes
    /// the writer lock once more and deletes the files no commit refers to. tantivy
    /// collects after every commit and merge, yet a run whose last merges replaced
    /// segments could leave them on disk (seen in the random-kill test: whole segments,
    /// listed as managed, that only the next run removed). If another run has taken the
    /// lock meanwhile, that run collects instead.
    pub fn collect_after_run(&self) {
        if let Ok(writer) = self.merger() {
            let _ = writer.garbage_collect_files().wait();
        }
    }

    /// A writer for merging and collecting only (one thread, the smallest heap), or an
    /// error when another run holds the lock.
    pub fn merger(&self) -> Result<IndexWriter> {
        let writer = self
            .index
            .writer_with_num_threads::<TantivyDocument>(1, MIN_HEAP_PER_THREAD)
            .map_err(|e| index_error(&self.dir, &e))?;
        // Only the merges asked for: tantivy's policy would start more when one ends.
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(writer)
    }

    /// A reader that sees exactly the last commit and reloads only when asked.
    pub fn reader(&self) -> Result<IndexReader> {
        self.reader_caching(DOC_STORE_CACHE_BLOCKS)
    }

    /// A reader for searching: it keeps only `SEARCH_STORE_CACHE_BLOCKS` decompressed
    /// doc-store blocks per segment. A search reads a few dozen blocks, most of them once;
    /// a block the cache keeps is a fresh allocation of a block's size, so a large cache
    /// makes every read touch new pages (about 1,150 page faults for one search on the scale
    /// index against 650 with a small cache; each fault costs microseconds in a VM).
    pub fn search_reader(&self) -> Result<IndexReader> {
        self.reader_caching(SEARCH_STORE_CACHE_BLOCKS)
    }

    fn reader_caching(&self, blocks: usize) -> Result<IndexReader> {
        self.index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(blocks)
            .try_into()
            .map_err(|e| index_error(&self.dir, &e))
    }

    /// Every file the index holds, by path, with its recorded state; the document addresses
    /// hold for `searcher` only.
    pub fn file_states(&self, searcher: &Searcher) -> Result<HashMap<String, FileState>> {
        let f = &self.fields;
        let fail = |e: TantivyError| index_error(&self.dir, &e);
        let file_term = Term::from_field_text(f.kind, schema::KIND_FILE);
        let stamp_name = f.schema.get_field_name(f.stamp);
        let mut out = HashMap::new();
        // No stored document is read: a file document's path comes from the `path` term
        // dictionary and its stamp from the fast field. (Reading 37,000 stored documents,
        // each in a compressed block of its own, was most of a re-index with nothing to do.)
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let mut is_file = vec![false; segment.max_doc() as usize];
            let kinds = segment.inverted_index(f.kind).map_err(fail)?;
            if let Some(mut docs) = kinds
                .read_postings(&file_term, IndexRecordOption::Basic)
                .map_err(|e| fail(e.into()))?
            {
                let mut doc = docs.doc();
                while doc != TERMINATED {
                    if let Some(slot) = is_file.get_mut(doc as usize) {
                        *slot = segment.alive_bitset().is_none_or(|a| a.is_alive(doc));
                    }
                    doc = docs.advance();
                }
            }
            let stamps = segment.fast_fields().u64(stamp_name).map_err(fail)?;
            let paths = segment.inverted_index(f.path).map_err(fail)?;
            let mut terms = paths.terms().stream().map_err(|e| fail(e.into()))?;
            while terms.advance() {
                let Ok(path) = std::str::from_utf8(terms.key()) else {
                    continue;
                };
                let mut docs = paths
                    .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                    .map_err(|e| fail(e.into()))?;
                let mut doc = docs.doc();
                while doc != TERMINATED {
                    if is_file.get(doc as usize) == Some(&true)
                        && let Some(stamp) = stamps.first(doc)
                    {
                        out.insert(
                            path.to_string(),
                            FileState {
                                stamp,
                                doc: DocAddress::new(ord as u32, doc),
                            },
                        );
                    }
                    doc = docs.advance();
                }
            }
        }
        Ok(out)
    }

    /// The content fingerprint recorded for a file (read from its stored document; needed
    /// only for files whose stamp changed).
    pub fn fingerprint(&self, searcher: &Searcher, state: &FileState) -> Option<u64> {
        let doc: TantivyDocument = searcher.doc(state.doc).ok()?;
        doc.get_first(self.fields.fingerprint)
            .and_then(|v| v.as_u64())
    }
}

/// The least writer memory tantivy accepts per indexing thread.
const MIN_HEAP_PER_THREAD: usize = 15_000_000;

/// The most indexing threads a writer gets (tantivy's own limit).
pub const MAX_WRITER_THREADS: usize = 8;

/// Decompressed doc-store blocks a reader keeps per segment (tantivy's default).
const DOC_STORE_CACHE_BLOCKS: usize = 100;

/// The same for a searching reader: enough for a hit's neighbours, which share its block.
const SEARCH_STORE_CACHE_BLOCKS: usize = 2;

/// Size of a doc-store block of a new index (an existing index keeps its own).
const STORE_BLOCK_BYTES: usize = 24_576;

/// Name of the note a writer leaves beside the lock: who holds it.
pub const WRITER_NOTE: &str = "attache-writer.pid";

/// Removes the writer note when dropped.
pub struct WriterNote {
    path: PathBuf,
}

impl Drop for WriterNote {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// What the writer note of the index at `dir` says, if there is one.
pub fn writer_holder(dir: &Path) -> Option<String> {
    let text = fs::read_to_string(dir.join(WRITER_NOTE)).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.chars().take(500).collect())
}

/// The writer note of a busy index. The holder writes it just after taking the lock,
/// so a run that starts at the same moment waits a little for it to appear (up to 2 s:
/// a holder that is creating the index, on a loaded machine, takes that long).
fn wait_for_holder(dir: &Path) -> Option<String> {
    for _ in 0..80 {
        if let Some(h) = writer_holder(dir) {
            return Some(h);
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    writer_holder(dir)
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC`.
fn utc_time(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3_600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Reads the format number from the marker file, if there is one.
fn read_format(dir: &Path) -> Option<u32> {
    fs::read_to_string(dir.join(FORMAT_FILE))
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

/// Empties an index folder before (re)creating an index in it. Only a folder that is
/// empty, holds nothing but a `.gitignore`, or is marked as attache's is cleared; any
/// other folder is refused, so a mistyped `--index` never deletes a user's files.
fn clear_folder(dir: &Path) -> Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        // tantivy's lock files stay: the writer lock is held while the folder is cleared.
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                n != ".gitignore" && n != ".tantivy-writer.lock" && n != ".tantivy-meta.lock"
            })
        })
        .collect();
    if entries.is_empty() {
        return Ok(());
    }
    if read_format(dir).is_none() && !dir.join(FORMAT_FILE).exists() {
        return Err(Error::IndexForeign {
            path: dir.to_path_buf(),
            detail: "the folder holds other files".into(),
        });
    }
    // meta.json first and the marker last, the reverse of creating: a run that looks
    // meanwhile finds no index, or an attache index, never a meta.json without a marker.
    entries.sort_by_key(|p| match p.file_name().and_then(|n| n.to_str()) {
        Some("meta.json") => 0,
        Some(FORMAT_FILE) => 2,
        _ => 1,
    });
    for p in entries {
        let r = if p.is_dir() {
            fs::remove_dir_all(&p)
        } else {
            fs::remove_file(&p)
        };
        r.map_err(|e| Error::io(&p, e))?;
    }
    Ok(())
}

/// A tantivy error as a sentence (its Display text can hold Debug output).
fn describe(e: &TantivyError) -> String {
    match e {
        TantivyError::OpenDirectoryError(_) | TantivyError::OpenReadError(_) => {
            "a file of the index cannot be read".into()
        }
        TantivyError::DataCorruption(_) => "the index is damaged".into(),
        TantivyError::SchemaError(_) => "its schema is not this attache's".into(),
        TantivyError::IoError(io) => io.to_string(),
        other => {
            let s = other.to_string();
            s.lines()
                .next()
                .unwrap_or("unknown error")
                .chars()
                .take(200)
                .collect()
        }
    }
}

/// Wraps a tantivy error with the index path. Errors that mean the index is damaged
/// (a missing or short file, corrupt data) become `IndexUnusable`, which says how to
/// rebuild; others (a full disk, say) stay `Index`.
pub fn index_error(dir: &Path, e: &TantivyError) -> Error {
    let damaged = match e {
        TantivyError::DataCorruption(_)
        | TantivyError::OpenReadError(_)
        | TantivyError::OpenDirectoryError(_) => true,
        TantivyError::IoError(io) => matches!(
            io.kind(),
            std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::InvalidData
                | std::io::ErrorKind::NotFound
        ),
        _ => false,
    };
    if damaged {
        Error::IndexUnusable {
            path: dir.to_path_buf(),
            detail: describe(e),
        }
    } else {
        Error::Index {
            path: dir.to_path_buf(),
            detail: describe(e),
        }
    }
}
