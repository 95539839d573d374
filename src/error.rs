//! The library's one error type. Every variant names the file, folder or query it is
//! about and renders as a sentence a user can act on; `main` prints it and exits 2.

use std::path::PathBuf;

/// Everything that can go wrong in attache's library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The index folder holds no index yet.
    #[error("no index at {}: run `attache index DIR --index {}` first", path.display(), path.display())]
    IndexMissing { path: PathBuf },
    /// The index folder exists but cannot be opened: damaged, foreign, or from another version.
    #[error("the index at {} cannot be used ({detail}); rebuild it with `attache index --rebuild --index {}`", path.display(), path.display())]
    IndexUnusable { path: PathBuf, detail: String },
    /// The folder holds files attache did not make; it is never cleared or rebuilt.
    #[error("{} is not an attache index ({detail}): choose another --index folder; attache never deletes files it did not make", path.display())]
    IndexForeign { path: PathBuf, detail: String },
    /// Another process holds the writer lock of the index. `holder` says which, when it
    /// left its `attache-writer.pid` note ("pid 123, since …, indexing /news").
    #[error("the index at {} is in use: another `attache index` is writing to it ({}; lock file {}/.tantivy-writer.lock); wait for it to finish", path.display(), holder.as_deref().unwrap_or("process unknown"), path.display())]
    IndexInUse {
        path: PathBuf,
        holder: Option<String>,
    },
    /// A query that tantivy's parser cannot read.
    #[error("cannot parse query {query:?}: {detail}")]
    Query { query: String, detail: String },
    /// A date given on the command line that is not a calendar date.
    #[error("{value:?} is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD")]
    BadDate { value: String },
    /// An option value outside its range.
    #[error("{0}")]
    BadOption(String),
    /// An error inside tantivy while writing or reading the index.
    #[error("index error at {}: {detail}", path.display())]
    Index { path: PathBuf, detail: String },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
