//! attache: index folders of news articles and search them for ranked passages that say
//! who is quoted, which outlet reported it, and when.
//!
//! Layers, from pure to I/O: [`extract`] and [`passage`] (text analysis, `&str` in, data
//! out), [`meta`] (front matter and manifests), [`index`] (tantivy), [`search`] and
//! [`highlight`] (queries), and [`cli`] (clap, terminals, output formats).

pub mod cli;
pub mod dedup;
pub mod error;
pub mod extract;
pub mod facets;
pub mod highlight;
pub mod index;
pub mod join;
pub mod meta;
pub mod passage;
pub mod search;
pub mod stats;
pub mod topk;

pub use error::{Error, Result};
pub use extract::{Article, CalDate, Quote, QuoteKind, analyze};
pub use search::{Hit, SearchRequest, SearchResults, Searcher};
