//! Ranked passage search: parse the query with tantivy's parser, add the speaker, source
//! and date filters, rank by BM25, break ties by (passage number, path), and mark the query's
//! words and phrases in each passage. The CLI, the tests and the benchmarks all call
//! [`Searcher::search`].

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    AllQuery, BooleanQuery, EnableScoring, Occur, PhraseQuery, Query, QueryParser,
    QueryParserError, RangeQuery, TermQuery,
};
use tantivy::query_grammar::{self, UserInputAst, UserInputLeaf};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, IndexReader, SegmentReader, TantivyDocument, TantivyError, Term, index::SegmentId,
};

use crate::dedup::Collapser;
use crate::error::{Error, Result};
use crate::extract::CalDate;
use crate::highlight::{highlight, patterns};
use crate::index::build::cal_to_datetime;
use crate::index::schema::{KIND_FILE, KIND_PASSAGE, KIND_QUOTE};
use crate::index::{Fields, Store, index_error};
use crate::join::FileJoin;
use crate::topk::fast_top_k;

/// Past the limit, candidates scoring below this share of the weakest kept hit are not
/// read to look for copies.
const DUPLICATE_SCORE_RATIO: f32 = 0.9;

/// A ranked candidate of a search, before its stored passage is read.
struct Candidate {
    score: f32,
    addr: DocAddress,
    ordinal: u64,
}

/// Fast-field columns opened by a searcher, by segment and field, shared by its clones:
/// opening some columns reads their whole block index, which a batch of queries then
/// does once per segment instead of once per query.
#[derive(Clone, Default)]
struct OpenColumns(Arc<Mutex<ColumnMap>>);

/// The columns opened so far, by segment and field.
type ColumnMap = HashMap<(SegmentId, Field), Column<u64>>;

impl OpenColumns {
    /// The `field` column of `segment`, opened on first use.
    fn get(&self, segment: &SegmentReader, field: Field) -> tantivy::Result<Column<u64>> {
        let key = (segment.segment_id(), field);
        // A poisoned lock only means another thread panicked while holding it; the map
        // itself is whole at every step.
        let mut open = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(column) = open.get(&key) {
            return Ok(column.clone());
        }
        let name = segment.schema().get_field_name(field);
        let column = segment.fast_fields().u64(name)?;
        open.insert(key, column.clone());
        Ok(column)
    }
}

/// One fast-field column of every segment of a search, each taken from the searcher's
/// [`OpenColumns`] when first read.
struct LazyColumns<'a> {
    searcher: &'a tantivy::Searcher,
    shared: &'a OpenColumns,
    field: Field,
    open: Vec<Option<Column<u64>>>,
}

impl<'a> LazyColumns<'a> {
    fn new(
        searcher: &'a tantivy::Searcher,
        shared: &'a OpenColumns,
        field: Field,
    ) -> LazyColumns<'a> {
        LazyColumns {
            searcher,
            shared,
            field,
            open: vec![None; searcher.segment_readers().len()],
        }
    }

    /// The column's (first) value for the document at `addr`.
    fn get(&mut self, addr: DocAddress) -> tantivy::Result<Option<u64>> {
        let column = match &mut self.open[addr.segment_ord as usize] {
            Some(column) => column,
            slot => slot.insert(
                self.shared
                    .get(self.searcher.segment_reader(addr.segment_ord), self.field)?,
            ),
        };
        Ok(column.first(addr.doc_id))
    }
}

/// The columns a search reads of its candidates, each segment's opened when first needed.
struct CandidateColumns<'a> {
    searcher: &'a tantivy::Searcher,
    sketches: LazyColumns<'a>,
    ordinals: LazyColumns<'a>,
    pair_counts: LazyColumns<'a>,
}

impl CandidateColumns<'_> {
    /// Reads a candidate's passage unless the collapser is full and its sketch and size
    /// rule out a copy of every kept hit; the number of word pairs (a fast field too) is
    /// read only for a candidate whose sketch alone says it may be a copy.
    fn read(
        &mut self,
        f: &Fields,
        kept: &Collapser,
        c: &Candidate,
    ) -> tantivy::Result<Option<(Hit, u64)>> {
        let sketch = self.sketches.get(c.addr)?.unwrap_or(u64::MAX);
        if kept.is_full() {
            if !kept.may_fold(sketch, None) {
                return Ok(None);
            }
            let pairs = self.pair_counts.get(c.addr)?;
            if !kept.may_fold(sketch, pairs.and_then(|n| usize::try_from(n).ok())) {
                return Ok(None);
            }
        }
        let doc: TantivyDocument = self.searcher.doc(c.addr)?;
        Ok(Some((hit_from_doc(f, c.score, &doc), sketch)))
    }
}

/// Gives the collapser a run of candidates of equal score, in rank order: by passage
/// number, then path.
///
/// Where the order comes from depends on the run's place against the limit. Past it, order
/// no longer matters: a candidate can only fold into a kept hit, and a hit's copies are
/// sorted at the end. When the free places can take the whole run, every candidate of it
/// is read anyway (each takes at most one place), and its stored passage number and path
/// order it. Only a run that straddles the limit reads the passage numbers from their
/// column first, so that just the candidates that can still take a place are read.
fn take_tied(
    f: &Fields,
    cols: &mut CandidateColumns<'_>,
    kept: &mut Collapser,
    run: &mut [Candidate],
) -> tantivy::Result<()> {
    if kept.is_full() || run.len() <= kept.room() {
        let mut hits = Vec::with_capacity(run.len());
        for c in run.iter() {
            hits.extend(cols.read(f, kept, c)?);
        }
        hits.sort_by(|a, b| (a.0.passage_index, &a.0.path).cmp(&(b.0.passage_index, &b.0.path)));
        for (hit, sketch) in hits {
            kept.push(hit, sketch);
        }
        return Ok(());
    }
    for c in run.iter_mut() {
        c.ordinal = cols.ordinals.get(c.addr)?.unwrap_or(0);
    }
    run.sort_by_key(|c| c.ordinal);
    let mut i = 0;
    while i < run.len() {
        if kept.is_full() && !kept.collapsing() {
            break;
        }
        let ordinal = run[i].ordinal;
        let j = i + run[i..].iter().take_while(|c| c.ordinal == ordinal).count();
        let mut same = Vec::with_capacity(j - i);
        for c in &run[i..j] {
            same.extend(cols.read(f, kept, c)?);
        }
        same.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        for (hit, sketch) in same {
            kept.push(hit, sketch);
        }
        i = j;
    }
    Ok(())
}

/// Scored documents in rank order, with the number of matches when it was counted.
type Ranked = (Vec<(f32, TantivyDocument)>, Option<usize>);

/// Weight of a title match, added to the passage's own score.
const TITLE_BOOST: f32 = 0.3;

/// One search.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    /// Words of a speaker's name; matches any name form that contains them.
    pub speaker: Option<String>,
    /// Words of an outlet's name.
    pub source: Option<String>,
    /// Published on or after the first day of this value.
    pub from: Option<CalDate>,
    /// Published on or before the last day of this value.
    pub to: Option<CalDate>,
    /// Bare words are OR-ed (default: every word must match).
    pub any: bool,
    /// Run what can be parsed of a broken query instead of failing.
    pub lenient: bool,
    /// Show near-duplicate passages as hits of their own instead of folding them into
    /// the best-ranked copy.
    pub no_collapse: bool,
    /// Neighbouring passages to attach to each hit, on each side.
    pub context: usize,
}

/// One ranked passage. Field names and order are the JSON Lines contract (README).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub path: String,
    pub title: String,
    pub passage: String,
    pub passage_index: u64,
    /// Byte range of the passage in the file.
    pub start: u64,
    pub end: u64,
    /// Byte ranges into `passage`.
    pub highlights: Vec<(usize, usize)>,
    pub speakers: Vec<String>,
    pub sources: Vec<String>,
    pub published: Option<String>,
    pub date_source: String,
    pub dates: Vec<String>,
    /// Other places with the same or nearly the same passage, folded into this hit.
    pub duplicates: Vec<Place>,
    /// Neighbouring passages of the same file (with `context`), in file order.
    pub context: Vec<ContextPassage>,
}

/// Where a passage stands: file and passage number.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub path: String,
    pub passage_index: u64,
}

/// A passage shown around a hit.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ContextPassage {
    pub passage_index: u64,
    pub passage: String,
}

/// One ranked quotation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct QuoteHit {
    pub rank: usize,
    pub score: f32,
    pub text: String,
    pub speaker: Option<String>,
    pub sources: Vec<String>,
    pub published: Option<String>,
    pub path: String,
    pub title: String,
    /// Byte range of the quotation in the file.
    pub start: u64,
    pub end: u64,
    /// `direct` or `indirect`.
    pub kind: String,
    /// Byte ranges into `text`.
    pub highlights: Vec<(usize, usize)>,
}

/// The answer to a quotes request.
#[derive(Clone, Debug, Default)]
pub struct QuoteResults {
    pub quotes: Vec<QuoteHit>,
    pub total: usize,
    pub warnings: Vec<String>,
}

use crate::facets::FacetCollector;
pub use crate::facets::{FacetBy, FacetResults};

/// The answer to a request.
#[derive(Clone, Debug, Default)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// What a lenient parse left out.
    pub warnings: Vec<String>,
}

/// An open index ready to answer queries; cheap to reuse for many, and cheap to clone
/// (clones share the open index), one per thread.
#[derive(Clone)]
pub struct Searcher {
    store: Store,
    reader: IndexReader,
    analyzer: TextAnalyzer,
    columns: OpenColumns,
}

impl Searcher {
    /// Opens the index at `dir` for searching.
    pub fn open(dir: &std::path::Path) -> Result<Searcher> {
        let store = Store::open(dir)?;
        let reader = store.search_reader()?;
        let analyzer = store
            .index
            .tokenizer_for_field(store.fields.body)
            .map_err(|e| index_error(dir, &e))?;
        Ok(Searcher {
            store,
            reader,
            analyzer,
            columns: OpenColumns::default(),
        })
    }

    /// The store behind this searcher.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A fixed snapshot of the last commit.
    pub fn snapshot(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Number of passages in the index.
    pub fn num_passages(&self) -> Result<usize> {
        let q = kind_query(&self.store.fields, KIND_PASSAGE);
        self.reader
            .searcher()
            .search(&q, &Count)
            .map_err(|e| index_error(&self.store.dir, &e))
    }

    /// The whole query of a request over documents of `kind`: the parsed words (which
    /// must match), a title match (which only adds to the score), and the filters. An
    /// empty query matches every document when `allow_empty` is set or a filter is given.
    pub fn build_query(
        &mut self,
        req: &SearchRequest,
        kind: &str,
        allow_empty: bool,
    ) -> Result<(BooleanQuery, Vec<String>)> {
        let f = self.store.fields.clone();
        // Passage text and quotation text live in fields of their own, so a query that
        // only looks at that field needs no (costly, all-matching) `kind` clause.
        let text_field = if kind == KIND_QUOTE { f.quote } else { f.body };
        let mut warnings = Vec::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut needs_kind = true;
        let query = req.query.trim();
        let filtered =
            req.speaker.is_some() || req.source.is_some() || req.from.is_some() || req.to.is_some();
        if !query.is_empty() {
            check_query_size(query)?;
            // Words match passage text; a title that matches too only adds to the score,
            // so an article's other passages do not all match through its headline.
            let mut parser = QueryParser::for_index(&self.store.index, vec![text_field]);
            if !req.any {
                parser.set_conjunction_by_default();
            }
            let parsed = match parser.parse_query(query) {
                Ok(q) => q,
                Err(e) if req.lenient => {
                    let (q, _) = parser.parse_query_lenient(query);
                    warnings.push(format!(
                        "query {query:?}: {}; ran what could be parsed",
                        explain(&e)
                    ));
                    q
                }
                Err(e) => {
                    return Err(Error::Query {
                        query: query.to_string(),
                        detail: explain(&e),
                    });
                }
            };
            // Some parsed queries fail only when run (`title:*` needs a fast field):
            // try them here so that is a query error, not an index error.
            let snapshot = self.reader.searcher();
            let runs = |q: &dyn Query| q.weight(EnableScoring::disabled_from_searcher(&snapshot));
            if let Err(e) = runs(parsed.as_ref()) {
                return Err(match e {
                    TantivyError::SchemaError(_)
                    | TantivyError::InvalidArgument(_)
                    | TantivyError::FieldNotFound(_) => Error::Query {
                        query: query.to_string(),
                        detail: format!(
                            "it cannot run on this index ({}); `field:*` works only on published",
                            e.to_string().lines().next().unwrap_or_default()
                        ),
                    },
                    e => index_error(&self.store.dir, &e),
                });
            }
            let mut only_text = true;
            let mut any_term = false;
            parsed.query_terms(&mut |term, _| {
                any_term = true;
                only_text &= term.field() == text_field;
            });
            // Excluded words alone would match other kinds of document.
            needs_kind = !(any_term && only_text) || query.starts_with('-');
            // The two title shapes a query cannot join are refused alike.
            let joined = if boosts_a_title_range(query, f.schema.get_field_name(f.title)) {
                Err(
                    "a boost (^) on a title: range cannot run; write the range without ^, \
                     or boost the other parts instead"
                        .into(),
                )
            } else {
                join_titles(parsed, &f)
            };
            let parsed = joined.map_err(|detail| Error::Query {
                query: query.to_string(),
                detail,
            })?;
            clauses.push((Occur::Must, parsed));
            let mut title_parser = QueryParser::for_index(&self.store.index, vec![f.title]);
            title_parser.set_field_boost(f.title, TITLE_BOOST);
            let (title_query, _) = title_parser.parse_query_lenient(query);
            // The title only adds to the score: when its query cannot run, leave it out.
            if runs(title_query.as_ref()).is_ok() {
                // A part that cannot be joined (a `body:` term boosted with a title
                // word) only leaves the boost out.
                if let Ok(title_query) = join_titles(title_query, &f) {
                    clauses.push((Occur::Should, title_query));
                }
            }
        } else if !allow_empty && !filtered {
            return Err(Error::Query {
                query: String::new(),
                detail: "the query is empty; give words to search for, or a filter".into(),
            });
        } else {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        if let Some(s) = &req.speaker {
            clauses.push((Occur::Must, self.words_query(f.speaker, s, "--speaker")?));
        }
        if let Some(s) = &req.source {
            clauses.push((Occur::Must, self.words_query(f.source, s, "--source")?));
        }
        if req.from.is_some() || req.to.is_some() {
            let lo = match req.from.and_then(cal_to_datetime) {
                Some(d) => Bound::Included(Term::from_field_date(f.published, d)),
                None => Bound::Unbounded,
            };
            let hi = match req.to.and_then(period_end).and_then(cal_to_datetime) {
                Some(d) => Bound::Excluded(Term::from_field_date(f.published, d)),
                None => Bound::Unbounded,
            };
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        if needs_kind {
            clauses.push((Occur::Must, Box::new(kind_query(&f, kind))));
        }
        Ok((BooleanQuery::new(clauses), warnings))
    }

    /// How many passages match, without ranking them.
    pub fn count(&mut self, req: &SearchRequest) -> Result<(usize, Vec<String>)> {
        let (query, warnings) = self.build_query(req, KIND_PASSAGE, false)?;
        let n = self
            .reader
            .searcher()
            .search(&query, &Count)
            .map_err(|e| index_error(&self.store.dir, &e))?;
        Ok((n, warnings))
    }

    /// The top `n` (score, address) pairs of a query, best first; past `n` while the
    /// score at the cut ties with the next, so ties are never cut by segment order.
    fn top_docs(&self, query: &dyn Query, n: usize) -> Result<Vec<(f32, DocAddress)>> {
        let searcher = self.reader.searcher();
        let mut fetch = n.saturating_add(16);
        loop {
            let top = searcher
                .search(query, &TopDocs::with_limit(fetch).order_by_score())
                .map_err(|e| index_error(&self.store.dir, &e))?;
            let tied_past_cut =
                top.len() == fetch && top.len() > n && top[n - 1].0 == top[fetch - 1].0;
            if !tied_past_cut {
                // Past `n`, a group of equal scores cut by the limit holds whichever of its
                // documents came first in segment order: leave it out, so that the same
                // folder indexed twice gives the same candidates.
                let mut top = top;
                if top.len() == fetch
                    && let Some(&(last, _)) = top.last()
                {
                    let keep = top.partition_point(|&(s, _)| s > last).max(n);
                    top.truncate(keep);
                }
                return Ok(top);
            }
            fetch = fetch.saturating_mul(4);
        }
    }

    /// The top `n` documents (more when ties straddle the cut) of a query, read and
    /// sorted by score, then path, then ordinal; with the number of matches if `count`.
    /// Counting every match costs a full pass over them; without it tantivy can skip
    /// blocks that cannot reach the top `n`.
    fn ranked(&self, query: &dyn Query, n: usize, count: bool) -> Result<Ranked> {
        let f = &self.store.fields;
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| index_error(&self.store.dir, &e);
        let total = if count {
            Some(searcher.search(query, &Count).map_err(err)?)
        } else {
            None
        };
        let top = self.top_docs(query, n)?;
        let mut rows = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
            rows.push((score, doc));
        }
        let key = |d: &TantivyDocument| (first_str(d, f.path).to_string(), get_u64(d, f.ordinal));
        rows.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| key(&a.1).cmp(&key(&b.1))));
        Ok((rows, total))
    }

    /// Runs one request: ranked passages, near-duplicates collapsed unless
    /// `req.no_collapse`, with `req.context` neighbouring passages each.
    pub fn search(&mut self, req: &SearchRequest) -> Result<SearchResults> {
        if req.limit == 0 {
            return Err(Error::BadOption("--limit must be at least 1".into()));
        }
        let f = self.store.fields.clone();
        let (query, warnings) = self.build_query(req, KIND_PASSAGE, false)?;
        // Collapsing looks at candidates past the limit: copies rank next to each other.
        let want = if req.no_collapse {
            req.limit
        } else {
            req.limit.saturating_mul(3).saturating_add(20)
        };
        let query = fast_top_k(query, &req.query);
        let top = self.top_docs(query.as_ref(), want)?;
        let searcher = self.reader.searcher();
        let fail = |e: TantivyError| index_error(&self.store.dir, &e);
        let mut cands: Vec<Candidate> = top
            .iter()
            .map(|&(score, addr)| Candidate {
                score,
                addr,
                ordinal: 0,
            })
            .collect();
        // Rank order: score, then passage number, then path. Candidates go to the collapser
        // a run of equal scores at a time; how a run is put in order depends on where it
        // falls against the limit (`take_tied`).
        cands.sort_by(|a, b| b.score.total_cmp(&a.score));
        let mut cols = CandidateColumns {
            searcher: &searcher,
            // Each candidate's sketch comes from a fast field (no stored read), and only
            // when the loop gets to the candidate: each is a page of its own in the column.
            sketches: LazyColumns::new(&searcher, &self.columns, f.sketch),
            // The passage number is read from its column only for a run of ties that
            // straddles the limit: opening the column reads its whole block index.
            ordinals: LazyColumns::new(&searcher, &self.columns, f.ordinal),
            pair_counts: LazyColumns::new(&searcher, &self.columns, f.pairs),
        };
        let mut kept = Collapser::new(req.limit, !req.no_collapse);
        let mut i = 0;
        // Once the limit is reached, a candidate is read only if its sketch says it may be
        // a copy of a kept hit, and reading stops at one scoring under
        // DUPLICATE_SCORE_RATIO of the weakest kept hit (copies score alike).
        while i < cands.len() {
            let score = cands[i].score;
            if kept.is_full()
                && (!kept.collapsing() || score < kept.min_score() * DUPLICATE_SCORE_RATIO)
            {
                break;
            }
            let tied = cands[i..]
                .iter()
                .take_while(|c| c.score.total_cmp(&score).is_eq())
                .count();
            take_tied(&f, &mut cols, &mut kept, &mut cands[i..i + tied]).map_err(fail)?;
            i += tied;
        }
        let mut hits = kept.into_hits();
        let pats = patterns(&req.query, &mut self.analyzer);
        for (i, hit) in hits.iter_mut().enumerate() {
            hit.rank = i + 1;
            hit.highlights = highlight(&hit.passage, &pats, &mut self.analyzer);
            if req.context > 0 {
                hit.context = self.context(&hit.path, hit.passage_index, req.context)?;
            }
        }
        Ok(SearchResults { hits, warnings })
    }

    /// The passages of `path` within `n` of passage `ordinal`, the passage itself left out.
    fn context(&self, path: &str, ordinal: u64, n: usize) -> Result<Vec<ContextPassage>> {
        let f = &self.store.fields;
        let lo = ordinal.saturating_sub(n as u64);
        let hi = ordinal.saturating_add(n as u64);
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(kind_query(f, KIND_PASSAGE)) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.path, path),
                    IndexRecordOption::Basic,
                )),
            ),
            (
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(f.ordinal, lo)),
                    Bound::Included(Term::from_field_u64(f.ordinal, hi)),
                )),
            ),
        ]);
        let (rows, _) = self.ranked(&query, 2 * n + 1, false)?;
        let mut out: Vec<ContextPassage> = rows
            .into_iter()
            .map(|(_, d)| ContextPassage {
                passage_index: get_u64(&d, f.ordinal),
                passage: first_str(&d, f.body).to_string(),
            })
            .filter(|c| c.passage_index != ordinal)
            .collect();
        out.sort_by_key(|c| c.passage_index);
        Ok(out)
    }

    /// Ranked quotations. With an empty query, every quotation that passes the filters,
    /// newest first.
    pub fn quotes(&mut self, req: &SearchRequest) -> Result<QuoteResults> {
        if req.limit == 0 {
            return Err(Error::BadOption("--limit must be at least 1".into()));
        }
        let f = self.store.fields.clone();
        let (query, warnings) = self.build_query(req, KIND_QUOTE, true)?;
        let query = fast_top_k(query, &req.query);
        let (mut rows, total) = self.ranked(query.as_ref(), req.limit, true)?;
        let total = total.unwrap_or(0);
        if req.query.trim().is_empty() {
            // All scores are equal: newest first, then path and position.
            let key = |d: &TantivyDocument| {
                (
                    std::cmp::Reverse(first_str(d, f.published_text).to_string()),
                    first_str(d, f.path).to_string(),
                    get_u64(d, f.ordinal),
                )
            };
            rows.sort_by_key(|(_, d)| key(d));
        }
        rows.truncate(req.limit);
        let pats = patterns(&req.query, &mut self.analyzer);
        let quotes = rows
            .into_iter()
            .enumerate()
            .map(|(i, (score, d))| {
                let text = first_str(&d, f.quote).to_string();
                QuoteHit {
                    rank: i + 1,
                    score,
                    highlights: highlight(&text, &pats, &mut self.analyzer),
                    speaker: d
                        .get_first(f.speaker)
                        .and_then(|v| v.as_str())
                        .map(str::to_string),
                    sources: all_str(&d, f.source),
                    published: d
                        .get_first(f.published_text)
                        .and_then(|v| v.as_str())
                        .map(str::to_string),
                    path: first_str(&d, f.path).to_string(),
                    title: first_str(&d, f.headline).to_string(),
                    start: get_u64(&d, f.start),
                    end: get_u64(&d, f.end),
                    kind: first_str(&d, f.quote_kind).to_string(),
                    text,
                }
            })
            .collect();
        Ok(QuoteResults {
            quotes,
            total,
            warnings,
        })
    }

    /// Counts of the passages matching `req`, grouped by speaker, source, year or month.
    /// Names come most frequent first (ties by name); periods in calendar order.
    pub fn facets(&mut self, req: &SearchRequest, by: FacetBy, top: usize) -> Result<FacetResults> {
        let (query, warnings) = self.build_query(req, KIND_PASSAGE, true)?;
        let f = &self.store.fields;
        let collector = FacetCollector {
            by,
            field: match by {
                FacetBy::Speaker => f.schema.get_field_name(f.speaker_key).to_string(),
                FacetBy::Source => f.schema.get_field_name(f.source_key).to_string(),
                FacetBy::Year | FacetBy::Month => f.schema.get_field_name(f.published).to_string(),
            },
        };
        let (counts, total) = self
            .reader
            .searcher()
            .search(&query, &(collector, Count))
            .map_err(|e| index_error(&self.store.dir, &e))?;
        let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
        match by {
            FacetBy::Speaker | FacetBy::Source => {
                counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                counts.truncate(top);
            }
            FacetBy::Year | FacetBy::Month => counts.sort(),
        }
        Ok(FacetResults {
            counts,
            total,
            warnings,
        })
    }

    /// A query for the words of `value` in `field`, as a phrase when there are several.
    fn words_query(&mut self, field: Field, value: &str, option: &str) -> Result<Box<dyn Query>> {
        let mut analyzer = self
            .store
            .index
            .tokenizer_for_field(field)
            .map_err(|e| index_error(&self.store.dir, &e))?;
        let mut terms = Vec::new();
        let mut stream = analyzer.token_stream(value);
        stream.process(&mut |t| terms.push(Term::from_field_text(field, &t.text)));
        Ok(match terms.len() {
            0 => {
                return Err(Error::BadOption(format!(
                    "{option} {value:?} has no words to match"
                )));
            }
            1 => Box::new(TermQuery::new(
                terms.remove(0),
                IndexRecordOption::WithFreqs,
            )),
            _ => Box::new(PhraseQuery::new(terms)),
        })
    }
}

/// The first day after the period a calendar value covers.
fn period_end(d: CalDate) -> Option<CalDate> {
    match (d.month, d.day) {
        (Some(m), Some(day)) => {
            let next = CalDate::ymd(d.year, m, day.saturating_add(1));
            next.or_else(|| {
                if m == 12 {
                    CalDate::ymd(d.year + 1, 1, 1)
                } else {
                    CalDate::ymd(d.year, m + 1, 1)
                }
            })
        }
        (Some(12), None) => CalDate::ymd(d.year + 1, 1, 1),
        (Some(m), None) => CalDate::ymd(d.year, m + 1, 1),
        _ => CalDate::ymd(d.year + 1, 1, 1),
    }
}

/// Longest query accepted, in bytes, and deepest parenthesis nesting: tantivy's parser
/// recurses, and a pathological query must be an error, not a stack overflow.
const MAX_QUERY_BYTES: usize = 10_000;
const MAX_QUERY_DEPTH: usize = 32;

/// Refuses queries too large or too deeply nested to parse safely.
fn check_query_size(query: &str) -> Result<()> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::Query {
            query: query.chars().take(40).collect::<String>() + "…",
            detail: format!(
                "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
                query.len()
            ),
        });
    }
    let mut depth = 0usize;
    for c in query.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_QUERY_DEPTH {
            return Err(Error::Query {
                query: query.chars().take(40).collect::<String>() + "…",
                detail: format!("parentheses nest deeper than {MAX_QUERY_DEPTH} levels"),
            });
        }
    }
    Ok(())
}

/// `query` with each part that looks only at the headline (`title:`) made a [`FileJoin`]:
/// headlines are indexed on file documents, and the join matches their files' passages
/// and quotations. Parts that mix fields are rewritten clause by clause; a boost over such a
/// part (`(title:a AND b)^2`) hides its clauses, so it is refused with a way round. A query
/// without the title comes back as it is.
fn join_titles(query: Box<dyn Query>, f: &Fields) -> std::result::Result<Box<dyn Query>, String> {
    let (any_title, only_title) = title_use(query.as_ref(), f.title);
    if !any_title {
        return Ok(query);
    }
    if only_title {
        let file_term = Term::from_field_text(f.kind, KIND_FILE);
        return Ok(Box::new(FileJoin::new(
            query,
            file_term,
            f.schema.get_field_name(f.span),
        )));
    }
    match query.downcast_ref::<BooleanQuery>() {
        Some(b) => {
            let clauses = b
                .clauses()
                .iter()
                .map(|(occur, clause)| Ok((*occur, join_titles(clause.box_clone(), f)?)))
                .collect::<std::result::Result<_, String>>()?;
            Ok(Box::new(BooleanQuery::with_minimum_required_clauses(
                clauses,
                b.get_minimum_number_should_match(),
            )))
        }
        None => Err(
            "a boost (^) over a group that mixes title: with other fields cannot run; \
             boost each part instead, as in (title:a)^2 AND b^2"
                .into(),
        ),
    }
}

/// Whether the query text boosts a `title:` range, alone (`title:[a TO h]^2`) or inside a
/// boosted group. tantivy's boost shows the terms under it but not its parts, and a range
/// has no terms, so [`join_titles`] cannot find such a range to join it to the passages:
/// run as it is, it would look for titles on passages, which have none, and match nothing.
/// The parser's own syntax tree says where the boosts and the ranges are.
fn boosts_a_title_range(query: &str, title: &str) -> bool {
    fn walk(ast: &UserInputAst, title: &str, boosted: bool) -> bool {
        match ast {
            UserInputAst::Clause(clauses) => clauses.iter().any(|(_, c)| walk(c, title, boosted)),
            UserInputAst::Boost(inner, _) => walk(inner, title, true),
            UserInputAst::Leaf(leaf) => {
                boosted
                    && matches!(leaf.as_ref(), UserInputLeaf::Range { field: Some(name), .. }
                        if name == title)
            }
        }
    }
    walk(&query_grammar::parse_query_lenient(query).0, title, false)
}

/// Whether `query` looks at `title` anywhere, and whether at nothing else. A range names
/// its field but visits no terms, so ranges are looked for through the boolean clauses.
fn title_use(query: &dyn Query, title: Field) -> (bool, bool) {
    if let Some(b) = query.downcast_ref::<BooleanQuery>() {
        return b
            .clauses()
            .iter()
            .fold((false, true), |(any, only), (_, c)| {
                let (a, o) = title_use(c.as_ref(), title);
                (any || a, only && o)
            });
    }
    if let Some(range) = query.downcast_ref::<RangeQuery>() {
        let is_title = range.field() == title;
        return (is_title, is_title);
    }
    let (mut any, mut only) = (false, true);
    query.query_terms(&mut |term, _| {
        any |= term.field() == title;
        only &= term.field() == title;
    });
    (any, only)
}

/// Documents of one kind (passage, quote, file).
fn kind_query(f: &Fields, kind: &str) -> TermQuery {
    TermQuery::new(
        Term::from_field_text(f.kind, kind),
        IndexRecordOption::Basic,
    )
}

/// A hit from a stored passage document; rank and highlights are filled in later.
fn hit_from_doc(f: &Fields, score: f32, d: &TantivyDocument) -> Hit {
    Hit {
        rank: 0,
        score,
        path: first_str(d, f.path).to_string(),
        title: first_str(d, f.headline).to_string(),
        passage: first_str(d, f.body).to_string(),
        passage_index: get_u64(d, f.ordinal),
        start: get_u64(d, f.start),
        end: get_u64(d, f.end),
        highlights: Vec::new(),
        speakers: all_str(d, f.speaker),
        sources: all_str(d, f.source),
        published: d
            .get_first(f.published_text)
            .and_then(|v| v.as_str())
            .map(str::to_string),
        date_source: first_str(d, f.date_source).to_string(),
        dates: all_str(d, f.dates),
        duplicates: Vec::new(),
        context: Vec::new(),
    }
}

fn get_u64(d: &TantivyDocument, f: Field) -> u64 {
    d.get_first(f).and_then(|v| v.as_u64()).unwrap_or(0)
}

fn first_str(d: &TantivyDocument, f: Field) -> &str {
    d.get_first(f).and_then(|v| v.as_str()).unwrap_or("")
}

fn all_str(d: &TantivyDocument, f: Field) -> Vec<String> {
    d.get_all(f)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// A parser error as a sentence with a hint (tantivy's own text can hold Debug output).
fn explain(e: &QueryParserError) -> String {
    match e {
        QueryParserError::SyntaxError(_) => {
            "syntax error: check quotes, parentheses and where AND, OR, NOT and - stand".into()
        }
        QueryParserError::FieldDoesNotExist(field) => format!(
            "unknown field `{field}:`; fields are title, body, speaker, source, dates (use --from/--to for dates)"
        ),
        QueryParserError::FieldNotIndexed(field) => format!(
            "field `{field}:` cannot be searched; fields are title, body, speaker, source, dates (use --from/--to for dates)"
        ),
        QueryParserError::AllButQueryForbidden => {
            "a query of exclusions only (-word) matches nothing; add a word to look for".into()
        }
        QueryParserError::DateFormatError(_) => {
            "dates in a query need RFC 3339 (published:[2022-01-01T00:00:00Z TO *]); --from and --to are simpler".into()
        }
        QueryParserError::ExpectedInt(_) | QueryParserError::ExpectedFloat(_) => {
            "that field takes a number".into()
        }
        QueryParserError::FieldDoesNotHavePositionsIndexed(field) => {
            format!("field `{field}` cannot match phrases")
        }
        other => other.to_string().lines().next().unwrap_or("invalid query").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_ends() {
        let cases = [
            ("2022", "2023-01-01"),
            ("2022-12", "2023-01-01"),
            ("2022-02", "2022-03-01"),
            ("2022-02-28", "2022-03-01"),
            ("2024-02-28", "2024-02-29"),
            ("2022-12-31", "2023-01-01"),
            ("2022-05-14", "2022-05-15"),
        ];
        for (input, want) in cases {
            let d = CalDate::parse(input).unwrap_or_else(|| panic!("{input} parses"));
            assert_eq!(
                period_end(d).map(|d| d.to_string()).as_deref(),
                Some(want),
                "{input}"
            );
        }
    }

    #[test]
    fn boosted_title_ranges_are_found() {
        let cases = [
            ("title:[a TO h]^2", true),
            ("(title:[a TO h] OR grain)^2", true),
            ("grain (title:>m)^1.5", true),
            ("((title:{a TO h}))^2 AND grain", true),
            ("title:[a TO h]", false),
            ("title:[a TO h] grain^2", false),
            ("(title:nato)^2 AND georgia", false),
            ("published:[2020 TO 2021]^2", false),
            ("[a TO h]^2", false),
            ("body:[a TO h]^2", false),
            ("\"title:[a TO h]^2\"", false),
        ];
        for (query, want) in cases {
            assert_eq!(boosts_a_title_range(query, "title"), want, "{query}");
        }
    }
}
