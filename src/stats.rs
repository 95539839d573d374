//! `attache stats`: what the index holds, counted from fast fields and file sizes.

use std::fs;
use std::time::UNIX_EPOCH;

use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader, Term};

use crate::error::Result;
use crate::facets::{FacetBy, civil_from_days};
use crate::index::index_error;
use crate::index::schema::{KIND_FILE, KIND_PASSAGE, KIND_QUOTE};
use crate::search::{SearchRequest, Searcher};

/// Figures about one index. Field names are part of the JSON output.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    pub files: usize,
    pub passages: usize,
    pub quotes: usize,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    pub index_bytes: u64,
    /// When the last commit was written (UTC).
    pub last_update: Option<String>,
    pub top_sources: Vec<(String, u64)>,
    pub top_speakers: Vec<(String, u64)>,
}

impl Stats {
    /// Counts everything; `top` outlets and speakers by passages.
    pub fn gather(searcher: &Searcher, top: usize) -> Result<Stats> {
        let store = searcher.store();
        let f = &store.fields;
        let snap = searcher.snapshot();
        let err = |e: tantivy::TantivyError| index_error(&store.dir, &e);
        let count = |kind: &str| {
            let q = TermQuery::new(
                Term::from_field_text(f.kind, kind),
                IndexRecordOption::Basic,
            );
            snap.search(&q, &Count).map_err(err)
        };
        let passages_q = TermQuery::new(
            Term::from_field_text(f.kind, KIND_PASSAGE),
            IndexRecordOption::Basic,
        );
        let range = snap
            .search(
                &passages_q,
                &DateRange {
                    field: f.schema.get_field_name(f.published).to_string(),
                },
            )
            .map_err(err)?;
        let day = |secs: i64| {
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            format!("{y:04}-{m:02}-{d:02}")
        };
        let mut index_bytes = 0;
        let mut last_update = None;
        if let Ok(entries) = fs::read_dir(&store.dir) {
            for e in entries.flatten() {
                if let Ok(md) = e.metadata() {
                    index_bytes += md.len();
                    if e.file_name() == "meta.json" {
                        last_update = md
                            .modified()
                            .ok()
                            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                            .map(|d| {
                                let s = d.as_secs() as i64;
                                format!(
                                    "{} {:02}:{:02}:{:02} UTC",
                                    day(s),
                                    s.rem_euclid(86_400) / 3600,
                                    s.rem_euclid(3600) / 60,
                                    s.rem_euclid(60)
                                )
                            });
                    }
                }
            }
        }
        let all = SearchRequest {
            limit: 1,
            ..SearchRequest::default()
        };
        // Facets need a mutable searcher only for its tokenizer; reopen cheaply.
        let mut s = Searcher::open(&store.dir)?;
        let top_sources = s.facets(&all, FacetBy::Source, top)?.counts;
        let top_speakers = s.facets(&all, FacetBy::Speaker, top)?.counts;
        Ok(Stats {
            files: count(KIND_FILE)?,
            passages: count(KIND_PASSAGE)?,
            quotes: count(KIND_QUOTE)?,
            first_published: range.map(|r| day(r.0)),
            last_published: range.map(|r| day(r.1)),
            index_bytes,
            last_update,
            top_sources,
            top_speakers,
        })
    }
}

/// Collects the earliest and latest value of a date fast field, in seconds.
struct DateRange {
    field: String,
}

struct DateRangeSegment {
    column: Column<DateTime>,
    range: Option<(i64, i64)>,
}

fn widen(a: Option<(i64, i64)>, b: Option<(i64, i64)>) -> Option<(i64, i64)> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, b) => a.or(b),
    }
}

impl Collector for DateRange {
    type Fruit = Option<(i64, i64)>;
    type Child = DateRangeSegment;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<DateRangeSegment> {
        Ok(DateRangeSegment {
            column: segment.fast_fields().date(&self.field)?,
            range: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Option<(i64, i64)>>) -> tantivy::Result<Option<(i64, i64)>> {
        Ok(fruits.into_iter().fold(None, widen))
    }
}

impl SegmentCollector for DateRangeSegment {
    type Fruit = Option<(i64, i64)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(d) = self.column.first(doc) {
            let s = d.into_timestamp_secs();
            self.range = widen(self.range, Some((s, s)));
        }
    }

    fn harvest(self) -> Option<(i64, i64)> {
        self.range
    }
}
