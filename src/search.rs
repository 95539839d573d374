//! Ranked passage search: parse the query with tantivy's parser, add the speaker, source
//! and date filters, rank by BM25, break ties by (path, passage), and mark the query's
//! words and phrases in each passage. The CLI, the tests and the benchmarks all call
//! [`Searcher::search`].

use std::ops::Bound;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, Occur, PhraseQuery, Query, QueryParser, QueryParserError,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{IndexReader, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::extract::CalDate;
use crate::highlight::{highlight, patterns};
use crate::index::build::cal_to_datetime;
use crate::index::schema::KIND_PASSAGE;
use crate::index::{index_error, Store};

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
}

/// The answer to a request.
#[derive(Clone, Debug, Default)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// How many passages match in all.
    pub total: usize,
    /// What a lenient parse left out.
    pub warnings: Vec<String>,
}

/// An open index ready to answer queries; cheap to reuse for many.
pub struct Searcher {
    store: Store,
    reader: IndexReader,
    analyzer: TextAnalyzer,
}

impl Searcher {
    /// Opens the index at `dir` for searching.
    pub fn open(dir: &std::path::Path) -> Result<Searcher> {
        let store = Store::open(dir)?;
        let reader = store.reader()?;
        let analyzer = store
            .index
            .tokenizer_for_field(store.fields.body)
            .map_err(|e| index_error(dir, &e))?;
        Ok(Searcher {
            store,
            reader,
            analyzer,
        })
    }

    /// Number of passages in the index.
    pub fn num_passages(&self) -> Result<usize> {
        let q = TermQuery::new(
            Term::from_field_text(self.store.fields.kind, KIND_PASSAGE),
            IndexRecordOption::Basic,
        );
        self.reader
            .searcher()
            .search(&q, &Count)
            .map_err(|e| index_error(&self.store.dir, &e))
    }

    /// Runs one request.
    pub fn search(&mut self, req: &SearchRequest) -> Result<SearchResults> {
        if req.limit == 0 {
            return Err(Error::BadOption("--limit must be at least 1".into()));
        }
        let f = self.store.fields.clone();
        let mut warnings = Vec::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.kind, KIND_PASSAGE),
                IndexRecordOption::Basic,
            )),
        )];
        let query = req.query.trim();
        if !query.is_empty() {
            // Words match passage text; a title that matches too only adds to the score,
            // so an article's other passages do not all match through its headline.
            let mut parser = QueryParser::for_index(&self.store.index, vec![f.body]);
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
                    })
                }
            };
            clauses.push((Occur::Must, parsed));
            let mut title_parser = QueryParser::for_index(&self.store.index, vec![f.title]);
            title_parser.set_field_boost(f.title, TITLE_BOOST);
            let (title_query, _) = title_parser.parse_query_lenient(query);
            clauses.push((Occur::Should, title_query));
        } else if req.speaker.is_none()
            && req.source.is_none()
            && req.from.is_none()
            && req.to.is_none()
        {
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
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let err = |e: tantivy::TantivyError| index_error(&self.store.dir, &e);

        // Fetch past the limit until the score at the cut differs from the next one, so
        // ties at the boundary are decided by (path, passage), not by segment order.
        let mut fetch = req.limit.saturating_add(16);
        let (mut top, total) = loop {
            let (top, total) = searcher
                .search(
                    &query,
                    &(TopDocs::with_limit(fetch).order_by_score(), Count),
                )
                .map_err(err)?;
            let tied_past_cut = top.len() == fetch
                && top.len() > req.limit
                && top[req.limit - 1].0 == top[fetch - 1].0;
            if !tied_past_cut || fetch >= total {
                break (top, total);
            }
            fetch = fetch.saturating_mul(4);
        };
        let mut rows = Vec::with_capacity(top.len());
        for (score, addr) in top.drain(..) {
            let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
            rows.push((score, doc));
        }
        let key = |d: &TantivyDocument| {
            (
                first_str(d, f.path).to_string(),
                d.get_first(f.ordinal).and_then(|v| v.as_u64()).unwrap_or(0),
            )
        };
        rows.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| key(&a.1).cmp(&key(&b.1))));
        rows.truncate(req.limit);

        let pats = patterns(&req.query, &mut self.analyzer);
        let hits = rows
            .into_iter()
            .enumerate()
            .map(|(i, (score, d))| {
                let passage = first_str(&d, f.body).to_string();
                let highlights = highlight(&passage, &pats, &mut self.analyzer);
                Hit {
                    rank: i + 1,
                    score,
                    path: first_str(&d, f.path).to_string(),
                    title: first_str(&d, f.title).to_string(),
                    passage_index: d.get_first(f.ordinal).and_then(|v| v.as_u64()).unwrap_or(0),
                    start: d.get_first(f.start).and_then(|v| v.as_u64()).unwrap_or(0),
                    end: d.get_first(f.end).and_then(|v| v.as_u64()).unwrap_or(0),
                    highlights,
                    speakers: all_str(&d, f.speaker),
                    sources: all_str(&d, f.source),
                    published: d
                        .get_first(f.published_text)
                        .and_then(|v| v.as_str())
                        .map(str::to_string),
                    date_source: first_str(&d, f.date_source).to_string(),
                    dates: all_str(&d, f.dates),
                    passage,
                }
            })
            .collect();
        Ok(SearchResults {
            hits,
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
                )))
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

/// An empty query, for callers that need a placeholder.
pub fn empty_query() -> Box<dyn Query> {
    Box::new(EmptyQuery)
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
}
