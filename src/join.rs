//! A query over one document per file that matches that file's other documents.
//!
//! An article's headline belongs to every passage of it, but indexing it with every passage
//! and quotation cost about 6 % of an indexing run's instructions (docs/performance.md). The
//! headline is indexed once, on the file's own document, which is the last of its file's documents:
//! they are added as one batch, so tantivy gives them consecutive ids in one segment and a
//! merge keeps them consecutive (a file's documents are deleted together). The file
//! document holds, in a fast field, how many documents come before it in its batch.
//!
//! [`FileJoin`] runs a query over the file documents and matches every document of each
//! file it matches, with that file's score. The score is BM25 over files: the statistics
//! count file documents, not every document, so a headline word scores as it would in an
//! index of headlines. The module knows tantivy, not attache.

use tantivy::columnar::Column;
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// The documents of the files that `inner` matches.
#[derive(Debug)]
pub struct FileJoin {
    /// A query over fields only file documents have.
    inner: Box<dyn Query>,
    /// The term every file document has and no other document does.
    file_term: Term,
    /// The fast field of file documents: how many documents of the file precede it.
    span: String,
}

impl FileJoin {
    pub fn new(inner: Box<dyn Query>, file_term: Term, span: &str) -> FileJoin {
        FileJoin {
            inner,
            file_term,
            span: span.to_string(),
        }
    }
}

impl Clone for FileJoin {
    fn clone(&self) -> Self {
        FileJoin {
            inner: self.inner.box_clone(),
            file_term: self.file_term.clone(),
            span: self.span.clone(),
        }
    }
}

/// A searcher's statistics with the number of documents replaced by the number of files,
/// for BM25 over fields only file documents have.
struct FileStatistics<'a> {
    inner: &'a dyn Bm25StatisticsProvider,
    files: u64,
}

impl Bm25StatisticsProvider for FileStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.inner.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.files)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.inner.doc_freq(term)
    }
}

impl Query for FileJoin {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = match enable_scoring {
            EnableScoring::Enabled {
                searcher,
                statistics_provider,
            } => {
                let stats = FileStatistics {
                    inner: statistics_provider,
                    // At least one, as tantivy's own count is for an index of one document.
                    files: statistics_provider.doc_freq(&self.file_term)?.max(1),
                };
                self.inner
                    .weight(EnableScoring::enabled_from_statistics_provider(
                        &stats, searcher,
                    ))?
            }
            disabled => self.inner.weight(disabled)?,
        };
        Ok(Box::new(FileJoinWeight {
            inner,
            span: self.span.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct FileJoinWeight {
    inner: Box<dyn Weight>,
    span: String,
}

impl FileJoinWeight {
    fn span(&self, reader: &SegmentReader) -> tantivy::Result<Column<u64>> {
        reader.fast_fields().u64(&self.span)
    }
}

impl Weight for FileJoinWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(FileJoinScorer::new(
            self.inner.scorer(reader, boost)?,
            self.span(reader)?,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = FileJoinScorer::new(self.inner.scorer(reader, 1.0)?, self.span(reader)?);
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} belongs to no file the query matches"
            )));
        }
        let file = scorer.end;
        let mut explanation = Explanation::new("the score of its file's document", scorer.score());
        explanation.add_detail(self.inner.explain(reader, file)?);
        Ok(explanation)
    }
}

/// The documents of the matched files, in increasing order: `doc` runs through
/// `end - span(end) .. end` for each file document `end` that `files` matches.
struct FileJoinScorer {
    files: Box<dyn Scorer>,
    span: Column<u64>,
    doc: DocId,
    /// The file document whose documents `doc` is among; `files` sits on it.
    end: DocId,
}

impl FileJoinScorer {
    fn new(files: Box<dyn Scorer>, span: Column<u64>) -> FileJoinScorer {
        let first = files.doc();
        let mut scorer = FileJoinScorer {
            files,
            span,
            doc: 0,
            end: 0,
        };
        scorer.enter(first, 0);
        scorer
    }

    /// Moves to the first document at or past `min` of the file document `file` or of a
    /// later one `files` matches.
    fn enter(&mut self, mut file: DocId, min: DocId) -> DocId {
        while file != TERMINATED {
            let before = self.span.first(file).unwrap_or(0);
            let start = u64::from(file).saturating_sub(before) as DocId;
            let start = start.max(min);
            if start < file {
                self.doc = start;
                self.end = file;
                return start;
            }
            file = self.files.advance();
        }
        self.doc = TERMINATED;
        self.end = TERMINATED;
        TERMINATED
    }
}

impl DocSet for FileJoinScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        if self.doc + 1 < self.end {
            self.doc += 1;
            return self.doc;
        }
        // Past this file's document: the next file's documents come after it (and a
        // `span` that says otherwise cannot move the scorer back).
        let min = self.end.saturating_add(1);
        let next = self.files.advance();
        self.enter(next, min)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc == TERMINATED || target <= self.doc {
            return self.doc;
        }
        if target < self.end {
            self.doc = target;
            return target;
        }
        // The file document that ends `target`'s file is the first at or past `target + 1`.
        let next = self.files.seek(target.saturating_add(1));
        self.enter(next, target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        // Files hold a few dozen documents each: a guess, which only orders intersections.
        self.files.size_hint().saturating_mul(32)
    }
}

impl Scorer for FileJoinScorer {
    fn score(&mut self) -> Score {
        self.files.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{Occur, QueryParser, TermQuery};
    use tantivy::schema::{FAST, IndexRecordOption, STRING, Schema, TEXT, Value};
    use tantivy::{DocAddress, Index, IndexWriter, TantivyDocument};

    struct Fixture {
        index: Index,
        kind: Field,
        title: Field,
        body: Field,
        name: Field,
    }

    /// Files as (name, title, bodies), each added as one batch: its documents, then the file
    /// document with the title. `splits` commits before the file at each of these positions,
    /// so the files spread over several segments.
    fn fixture(files: &[(&str, &str, &[&str])], splits: &[usize]) -> Fixture {
        let spans: Vec<u64> = files.iter().map(|f| f.2.len() as u64).collect();
        fixture_with_spans(files, splits, &spans)
    }

    /// As [`fixture`], with each file document's `span` given (right or wrong).
    fn fixture_with_spans(
        files: &[(&str, &str, &[&str])],
        splits: &[usize],
        spans: &[u64],
    ) -> Fixture {
        let mut sb = Schema::builder();
        let kind = sb.add_text_field("kind", STRING);
        let title = sb.add_text_field("title", TEXT);
        let body = sb.add_text_field("body", TEXT);
        let name = sb.add_text_field("name", STRING | tantivy::schema::STORED);
        let span = sb.add_u64_field("span", FAST);
        let index = Index::create_in_ram(sb.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (i, (file, headline, bodies)) in files.iter().enumerate() {
            if splits.contains(&i) {
                writer.commit().unwrap();
            }
            let mut batch = Vec::new();
            for b in bodies.iter() {
                let mut d = TantivyDocument::default();
                d.add_text(kind, "passage");
                d.add_text(name, file);
                d.add_text(body, b);
                batch.push(tantivy::indexer::UserOperation::Add(d));
            }
            let mut d = TantivyDocument::default();
            d.add_text(kind, "file");
            d.add_text(name, file);
            d.add_text(title, headline);
            d.add_u64(span, spans[i]);
            batch.push(tantivy::indexer::UserOperation::Add(d));
            writer.run(batch).unwrap();
        }
        writer.commit().unwrap();
        Fixture {
            index,
            kind,
            title,
            body,
            name,
        }
    }

    impl Fixture {
        fn join(&self, title_query: &str) -> FileJoin {
            let parser = QueryParser::for_index(&self.index, vec![self.title]);
            FileJoin::new(
                parser.parse_query(title_query).unwrap(),
                Term::from_field_text(self.kind, "file"),
                "span",
            )
        }

        /// The file name of each hit of `query`, sorted.
        fn names(&self, query: &dyn Query) -> Vec<String> {
            let searcher = self.index.reader().unwrap().searcher();
            let hits: Vec<(f32, DocAddress)> = searcher
                .search(query, &TopDocs::with_limit(1000).order_by_score())
                .unwrap();
            let mut names: Vec<String> = hits
                .iter()
                .map(|(_, a)| {
                    let d: TantivyDocument = searcher.doc(*a).unwrap();
                    d.get_first(self.name)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                })
                .collect();
            names.sort();
            names
        }
    }

    const FILES: &[(&str, &str, &[&str])] = &[
        (
            "a",
            "Grain deal extended",
            &["ships wait", "ports open", "talks end"],
        ),
        ("b", "Envoys meet", &["sanctions debated"]),
        ("c", "No passages", &[]),
        ("d", "Grain prices", &["ships sail", "markets calm"]),
        ("e", "Summit opens", &["leaders arrive", "grain ships"]),
    ];

    #[test]
    fn matches_every_document_of_the_matched_files() {
        let cases: &[(&str, &[usize], &[&str])] = &[
            ("grain", &[], &["a", "a", "a", "d", "d"]),
            ("grain", &[1, 3], &["a", "a", "a", "d", "d"]),
            ("grain", &[1, 2, 3, 4], &["a", "a", "a", "d", "d"]),
            ("envoys", &[], &["b"]),
            ("passages", &[], &[]),
            ("opens", &[4], &["e", "e"]),
            ("nothing", &[], &[]),
        ];
        for (query, splits, want) in cases {
            let fx = fixture(FILES, splits);
            let got = fx.names(&fx.join(query));
            assert_eq!(got, *want, "{query:?} with commits before {splits:?}");
        }
    }

    #[test]
    fn seeks_inside_and_past_the_matched_files() {
        let fx = fixture(FILES, &[]);
        let searcher = fx.index.reader().unwrap().searcher();
        let reader = searcher.segment_reader(0);
        let weight = fx
            .join("grain")
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        // Doc ids: a 0,1,2 (file 3), b 4 (5), c (6), d 7,8 (9), e 10,11 (12).
        let cases: &[(&[DocId], &[DocId])] = &[
            (&[0], &[0]),
            (&[1], &[1]),
            (&[3], &[7]),
            (&[2, 3], &[2, 7]),
            (&[5], &[7]),
            (&[8], &[8]),
            (&[9], &[TERMINATED]),
            (&[1, 1, 8], &[1, 1, 8]),
        ];
        for (targets, want) in cases {
            let mut s = weight.scorer(reader, 1.0).unwrap();
            let got: Vec<DocId> = targets.iter().map(|t| s.seek(*t)).collect();
            assert_eq!(got, *want, "seeks {targets:?}");
        }
        let mut s = weight.scorer(reader, 1.0).unwrap();
        let mut all = vec![s.doc()];
        while s.advance() != TERMINATED {
            all.push(s.doc());
        }
        assert_eq!(all, [0, 1, 2, 7, 8]);
    }

    #[test]
    fn a_wrong_span_never_moves_the_scorer_back() {
        // b's span claims 4 documents before it, a's among them: they come once, in order.
        let files: &[(&str, &str, &[&str])] = &[
            ("a", "Grain deal", &["one", "two", "three"]),
            ("b", "Grain again", &["four"]),
        ];
        let fx = fixture_with_spans(files, &[], &[3, 4]);
        let searcher = fx.index.reader().unwrap().searcher();
        let weight = fx
            .join("grain")
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let mut s = weight.scorer(searcher.segment_reader(0), 1.0).unwrap();
        let mut all = vec![s.doc()];
        while s.advance() != TERMINATED {
            all.push(s.doc());
        }
        assert_eq!(all, [0, 1, 2, 4]);
    }

    #[test]
    fn scores_by_the_file_and_explains() {
        let fx = fixture(FILES, &[]);
        let searcher = fx.index.reader().unwrap().searcher();
        let join = fx.join("grain");
        let hits = searcher
            .search(&join, &TopDocs::with_limit(10).order_by_score())
            .unwrap();
        // Every passage of a file has its file's score; the shorter headline scores higher.
        let score_of = |doc: DocId| hits.iter().find(|h| h.1.doc_id == doc).map(|h| h.0);
        assert_eq!(score_of(0), score_of(2));
        assert!(score_of(7) > score_of(0), "{hits:?}");
        let explanation = join.explain(&searcher, DocAddress::new(0, 8)).unwrap();
        assert_eq!(explanation.value(), score_of(8).unwrap_or_default());
        assert!(join.explain(&searcher, DocAddress::new(0, 4)).is_err());
        // Combined with words: counted and ranked as a clause.
        let words = TermQuery::new(
            Term::from_field_text(fx.body, "ships"),
            IndexRecordOption::WithFreqs,
        );
        let both = tantivy::query::BooleanQuery::new(vec![
            (Occur::Must, Box::new(words) as Box<dyn Query>),
            (Occur::Must, Box::new(join)),
        ]);
        assert_eq!(searcher.search(&both, &Count).unwrap(), 2);
        assert_eq!(fx.names(&both), ["a", "d"]);
    }

    #[test]
    fn scores_as_an_index_of_headlines_would() {
        // The same headlines without passages: an index of file documents only, where
        // tantivy's own statistics count the files.
        let headlines: Vec<(&str, &str, &[&str])> =
            FILES.iter().map(|(n, t, _)| (*n, *t, &[][..])).collect();
        let alone = fixture(&headlines, &[]);
        let alone_searcher = alone.index.reader().unwrap().searcher();
        let fx = fixture(FILES, &[2]);
        let searcher = fx.index.reader().unwrap().searcher();
        for query in ["grain", "grain prices", "summit"] {
            let parser = QueryParser::for_index(&alone.index, vec![alone.title]);
            let want = alone_searcher
                .search(
                    &parser.parse_query(query).unwrap(),
                    &TopDocs::with_limit(10).order_by_score(),
                )
                .unwrap();
            let got = searcher
                .search(&fx.join(query), &TopDocs::with_limit(100).order_by_score())
                .unwrap();
            let mut want: Vec<f32> = want.iter().map(|h| h.0).collect();
            let mut got: Vec<f32> = got.iter().map(|h| h.0).collect();
            got.dedup();
            want.sort_by(|a, b| b.total_cmp(a));
            assert_eq!(got, want, "{query:?}");
        }
    }
}
