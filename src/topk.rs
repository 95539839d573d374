//! Faster top-k for the queries search builds most, with the same hits and scores as
//! tantivy's own ranking.
//!
//! To rank a phrase, tantivy reads and compares the word positions of every passage that
//! holds all of its words, whether or not the passage can still reach the top k. On the
//! UN debates `"human rights"` is 20,000 such passages and `"United Nations"` 117,000; the
//! position reads were most of those searches' time.
//!
//! A phrase's BM25 score grows with the number of times the phrase occurs, and a phrase
//! cannot occur more often than its rarest word does. So [`PhraseTopK`] walks the passages
//! holding every word with their word counts only (no positions), bounds each one's score
//! with the smallest count, and asks tantivy's own phrase scorer about the positions only
//! when the bound beats the weakest score still in the top k. Everything else (counting,
//! explaining, filters) runs the query unchanged.
//!
//! Plain words have a fast top-k in tantivy already (block-max WAND over one word or an
//! intersection of words), but not once the title's optional clause is added to them:
//! tantivy then scores every passage holding all the words. [`WordsTopK`] ranks the two
//! parts apart: first the passages whose title matches (few), scored whole; then the
//! words alone through tantivy's fast path, for every other passage, whose title adds
//! nothing. The module knows tantivy, not attache.

use tantivy::postings::Postings;
use tantivy::query::{
    Bm25Weight, BooleanQuery, EnableScoring, Explanation, Occur, PhraseQuery, Query, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term};

/// `query` with a faster top-k when it has a shape this module knows ([`PhraseTopK`],
/// [`WordsTopK`]); else `query` itself. `text` is the query as typed.
pub fn fast_top_k(query: BooleanQuery, text: &str) -> Box<dyn Query> {
    let query = match PhraseTopK::wrap(query, text) {
        Ok(fast) => return Box::new(fast),
        Err(query) => query,
    };
    match WordsTopK::wrap(query) {
        Ok(fast) => Box::new(fast),
        Err(query) => Box::new(query),
    }
}

/// A query of the shape `+"a phrase" [optional clause]`, ranked with the bound above.
#[derive(Debug)]
pub struct PhraseTopK {
    /// The query as built: it matches, counts and explains.
    inner: BooleanQuery,
    /// Its required phrase (no slop).
    phrase: PhraseQuery,
    /// Its optional clause, which only adds to the score of a passage the phrase matches.
    optional: Option<Box<dyn Query>>,
}

impl PhraseTopK {
    /// `query` with the faster top-k, or back unchanged when it is not one required phrase
    /// plus at most one optional clause. `text` is the query as typed: a phrase with slop
    /// (`"a b"~2`) may count matches past the rarest word's count, so a `~` anywhere in it
    /// keeps tantivy's own ranking.
    pub fn wrap(query: BooleanQuery, text: &str) -> Result<PhraseTopK, BooleanQuery> {
        match Self::shape(&query, text) {
            Some((phrase, optional)) => Ok(PhraseTopK {
                inner: query,
                phrase,
                optional,
            }),
            None => Err(query),
        }
    }

    /// The phrase and optional clause of a query of the shape this module ranks.
    fn shape(query: &BooleanQuery, text: &str) -> Option<(PhraseQuery, Option<Box<dyn Query>>)> {
        if text.contains('~') {
            return None;
        }
        let mut phrase = None;
        let mut optional = None;
        for (occur, clause) in query.clauses() {
            match occur {
                Occur::Must if phrase.is_none() => {
                    phrase = Some(clause.as_ref().downcast_ref::<PhraseQuery>()?.clone());
                }
                Occur::Should if optional.is_none() => optional = Some(clause.box_clone()),
                _ => return None,
            }
        }
        Some((phrase?, optional))
    }
}

impl Clone for PhraseTopK {
    fn clone(&self) -> Self {
        PhraseTopK {
            inner: self.inner.clone(),
            phrase: self.phrase.clone(),
            optional: self.optional.as_ref().map(|q| q.box_clone()),
        }
    }
}

impl Query for PhraseTopK {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(
                statistics_provider,
                &self.phrase.phrase_terms(),
            )?),
            EnableScoring::Disabled { .. } => None,
        };
        let mut terms = self.phrase.phrase_terms();
        terms.sort();
        terms.dedup();
        Ok(Box::new(TopKWeight {
            inner: self.inner.weight(enable_scoring)?,
            pruning: PhrasePruning {
                phrase: self.phrase.weight(enable_scoring)?,
                optional: match &self.optional {
                    Some(q) => Some(q.weight(enable_scoring)?),
                    None => None,
                },
                bm25,
                field: self.phrase.field(),
                terms,
            },
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

/// The ranking part of [`PhraseTopK`], prepared for a searcher.
struct PhrasePruning {
    phrase: Box<dyn Weight>,
    optional: Option<Box<dyn Weight>>,
    /// The phrase's BM25 weight, exactly as tantivy's phrase scorer has it; `None` when
    /// scoring is off.
    bm25: Option<Bm25Weight>,
    field: Field,
    /// The phrase's distinct words.
    terms: Vec<Term>,
}

impl Pruning for PhrasePruning {
    /// Calls `callback` with every passage scoring above `threshold` (which the callback
    /// raises), as tantivy's own pruning loop does, except for passages whose bound shows
    /// they cannot: those are the ones whose positions are never read.
    fn for_each_pruning(
        &self,
        inner: &dyn Weight,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let Some(bm25) = &self.bm25 else {
            return inner.for_each_pruning(threshold, reader, callback);
        };
        let index = reader.inverted_index(self.field)?;
        let mut words = Vec::with_capacity(self.terms.len());
        for term in &self.terms {
            match index.read_postings(term, IndexRecordOption::WithFreqs)? {
                Some(postings) => words.push(postings),
                // A word missing from the segment: the phrase matches nothing here.
                None => return Ok(()),
            }
        }
        // The rarest word leads; the others seek to it.
        words.sort_by_key(|p| p.doc_freq());
        let fieldnorms = reader.get_fieldnorms_reader(self.field)?;
        let mut phrase = PhraseCheck::new(self.phrase.scorer(reader, 1.0)?);
        let mut optional = match &self.optional {
            Some(w) => Some(w.scorer(reader, 1.0)?),
            None => None,
        };
        let (lead, rest) = words.split_at_mut(1);
        let lead = &mut lead[0];
        let mut doc = lead.doc();
        'docs: while doc != TERMINATED {
            // The rarest word's own count bounds the phrase's too: a passage whose bound at
            // that count cannot pass is left before the other words are sought to it.
            let mut fewest = lead.term_freq();
            let extra = match optional.as_mut() {
                Some(s) => optional_score(s.as_mut(), doc),
                None => None,
            };
            let fieldnorm_id = fieldnorms.fieldnorm_id(doc);
            if sum(bm25.score(fieldnorm_id, fewest), extra) <= threshold {
                doc = lead.advance();
                continue;
            }
            for word in rest.iter_mut() {
                let at = if word.doc() < doc {
                    word.seek(doc)
                } else {
                    word.doc()
                };
                if at != doc {
                    doc = if at == TERMINATED {
                        TERMINATED
                    } else {
                        lead.seek(at)
                    };
                    continue 'docs;
                }
                fewest = fewest.min(word.term_freq());
            }
            let bound = sum(bm25.score(fieldnorm_id, fewest), extra);
            if bound > threshold
                && let Some(score) = phrase.score_at(doc)
            {
                let score = sum(score, extra);
                if score > threshold {
                    threshold = callback(doc, score);
                }
            }
            doc = lead.advance();
        }
        Ok(())
    }
}

/// A query of the shape `+(words) [optional clause]`, where the words are one term or two
/// or three required terms: the shapes whose top-k tantivy prunes with block-max WAND, and
/// whose pruned scores are bit-equal to its unpruned ones (with four terms and more, its
/// pruned path sums in another order).
#[derive(Debug)]
pub struct WordsTopK {
    /// The query as built: it matches, counts and explains.
    inner: BooleanQuery,
    required: Box<dyn Query>,
    optional: Option<Box<dyn Query>>,
}

impl WordsTopK {
    /// `query` with the faster top-k, or back unchanged when it has another shape.
    pub fn wrap(query: BooleanQuery) -> Result<WordsTopK, BooleanQuery> {
        let mut required = None;
        let mut optional = None;
        for (occur, clause) in query.clauses() {
            match occur {
                Occur::Must if required.is_none() && is_prunable_words(clause.as_ref()) => {
                    required = Some(clause.box_clone());
                }
                Occur::Should if optional.is_none() => optional = Some(clause.box_clone()),
                _ => return Err(query),
            }
        }
        match required {
            Some(required) => Ok(WordsTopK {
                inner: query,
                required,
                optional,
            }),
            None => Err(query),
        }
    }
}

/// One term, or a conjunction of two or three terms.
fn is_prunable_words(query: &dyn Query) -> bool {
    if query.downcast_ref::<TermQuery>().is_some() {
        return true;
    }
    query.downcast_ref::<BooleanQuery>().is_some_and(|b| {
        (2..=3).contains(&b.clauses().len())
            && b.clauses().iter().all(|(occur, q)| {
                *occur == Occur::Must && q.as_ref().downcast_ref::<TermQuery>().is_some()
            })
    })
}

impl Clone for WordsTopK {
    fn clone(&self) -> Self {
        WordsTopK {
            inner: self.inner.clone(),
            required: self.required.box_clone(),
            optional: self.optional.as_ref().map(|q| q.box_clone()),
        }
    }
}

impl Query for WordsTopK {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(TopKWeight {
            inner: self.inner.weight(enable_scoring)?,
            pruning: WordsPruning {
                required: self.required.weight(enable_scoring)?,
                optional: match &self.optional {
                    Some(q) => Some(q.weight(enable_scoring)?),
                    None => None,
                },
                scoring: enable_scoring.is_scoring_enabled(),
            },
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

/// The ranking part of [`WordsTopK`], prepared for a searcher.
struct WordsPruning {
    required: Box<dyn Weight>,
    optional: Option<Box<dyn Weight>>,
    scoring: bool,
}

impl Pruning for WordsPruning {
    /// Calls `callback` with every passage scoring above `threshold`, as tantivy's pruning
    /// loop does, but not in passage order: first those the optional clause matches, then
    /// the others.
    fn for_each_pruning(
        &self,
        inner: &dyn Weight,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        if !self.scoring {
            return inner.for_each_pruning(threshold, reader, callback);
        }
        // Passages both parts match, in increasing order, each scored whole.
        let mut both: Vec<DocId> = Vec::new();
        if let Some(optional) = &self.optional {
            let mut optional = optional.scorer(reader, 1.0)?;
            let mut required = self.required.scorer(reader, 1.0)?;
            let mut doc = optional.doc();
            while doc != TERMINATED {
                let at = if required.doc() < doc {
                    required.seek(doc)
                } else {
                    required.doc()
                };
                if at == TERMINATED {
                    break;
                }
                if at > doc {
                    doc = optional.seek(at);
                    continue;
                }
                both.push(doc);
                let score = sum(required.score(), Some(optional.score()));
                if score > threshold {
                    threshold = callback(doc, score);
                }
                doc = optional.advance();
            }
        }
        // Every other passage scores what its words score.
        self.required
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                if both.binary_search(&doc).is_err() {
                    let score = sum(score, None);
                    if score > threshold {
                        threshold = callback(doc, score);
                    }
                }
                threshold
            })
    }
}

/// A faster top-k for one shape of query: the part of a [`Weight`] that differs.
trait Pruning: Send + Sync + 'static {
    /// As [`Weight::for_each_pruning`]; `inner` is the whole query's weight, for the cases
    /// the pruning leaves to tantivy.
    fn for_each_pruning(
        &self,
        inner: &dyn Weight,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()>;
}

/// The whole query's weight for everything but the top-k, which goes to `pruning`.
struct TopKWeight<P> {
    inner: Box<dyn Weight>,
    pruning: P,
}

impl<P: Pruning> Weight for TopKWeight<P> {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.inner.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.inner.for_each_no_score(reader, callback)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.inner.for_each(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        self.pruning
            .for_each_pruning(self.inner.as_ref(), threshold, reader, callback)
    }
}

/// The score of the optional clause at `doc`, if it matches there. Calls come with
/// increasing `doc`.
fn optional_score(scorer: &mut dyn Scorer, doc: DocId) -> Option<Score> {
    let at = if scorer.doc() < doc {
        scorer.seek(doc)
    } else {
        scorer.doc()
    };
    (at == doc).then(|| scorer.score())
}

/// A required clause's score plus an optional one's, summed in the order and precision of
/// tantivy's `SumCombiner`, so equal inputs give bit-equal scores.
fn sum(required: Score, optional: Option<Score>) -> Score {
    let mut total: Score = 0.0;
    total += required;
    if let Some(extra) = optional {
        total += extra;
    }
    total
}

/// tantivy's phrase scorer asked about one passage at a time, in increasing order, with
/// `seek_danger`, which looks at the given passage only (a plain `seek` would check every
/// later passage until one matched).
struct PhraseCheck {
    scorer: Box<dyn Scorer>,
    /// Passages below this do not match. The scorer sits on it, and has checked it, when
    /// `on_match` is set.
    floor: DocId,
    on_match: bool,
}

impl PhraseCheck {
    /// A fresh scorer sits on its first match (or on `TERMINATED`).
    fn new(scorer: Box<dyn Scorer>) -> PhraseCheck {
        let floor = scorer.doc();
        PhraseCheck {
            scorer,
            floor,
            on_match: floor != TERMINATED,
        }
    }

    /// The phrase's score at `doc` if the phrase occurs there.
    fn score_at(&mut self, doc: DocId) -> Option<Score> {
        if doc < self.floor || self.floor == TERMINATED {
            return None;
        }
        if !(doc == self.floor && self.on_match) {
            match self.scorer.seek_danger(doc) {
                SeekDangerResult::Found => {
                    self.floor = doc;
                    self.on_match = true;
                }
                SeekDangerResult::SeekLowerBound(next) => {
                    self.floor = next;
                    self.on_match = false;
                    return None;
                }
            }
        }
        Some(self.scorer.score())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::indexer::NoMergePolicy;
    use tantivy::query::{QueryParser, TermQuery};
    use tantivy::schema::{STORED, STRING, Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, Searcher, TantivyDocument};

    /// An index of pseudo-random passages over a small vocabulary, in three segments,
    /// some passages deleted: phrases that occur 0-n times, words present but apart.
    fn index() -> (Index, Field, Field) {
        let mut sb = Schema::builder();
        let id = sb.add_text_field("id", STRING | STORED);
        let title = sb.add_text_field("title", TEXT);
        let body = sb.add_text_field("body", TEXT);
        let index = Index::create_in_ram(sb.build());
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let words = [
            "human", "rights", "council", "the", "of", "human", "rights", "sea",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for n in 0..1_500 {
            let len = 1 + next(30);
            let text: Vec<&str> = (0..len).map(|_| words[next(words.len())]).collect();
            let mut doc = TantivyDocument::default();
            doc.add_text(id, n.to_string());
            doc.add_text(body, text.join(" "));
            if next(4) == 0 {
                doc.add_text(title, words[next(words.len())..].join(" "));
            }
            writer.add_document(doc).expect("add");
            if n % 500 == 499 {
                writer.commit().expect("commit");
            }
        }
        for n in (0..1_500).step_by(7) {
            writer.delete_term(Term::from_field_text(id, &n.to_string()));
        }
        writer.commit().expect("commit");
        (index, title, body)
    }

    /// The query search builds: the words must all match the body, the title adds.
    fn query(index: &Index, title: Field, body: Field, text: &str) -> BooleanQuery {
        let mut parser = QueryParser::for_index(index, vec![body]);
        parser.set_conjunction_by_default();
        let required = parser.parse_query(text).expect("body query");
        let mut title_parser = QueryParser::for_index(index, vec![title]);
        title_parser.set_field_boost(title, 0.3);
        let (optional, _) = title_parser.parse_query_lenient(text);
        BooleanQuery::new(vec![(Occur::Must, required), (Occur::Should, optional)])
    }

    /// Top k of `query` as (score bits, address), best first. With `untie`, the addresses
    /// of the group tied at the k-th score, which a top-k may take in any order, are left
    /// out; without, the order is tantivy's.
    fn top(searcher: &Searcher, q: &dyn Query, k: usize, untie: bool) -> Vec<(u32, DocAddress)> {
        let mut top: Vec<(u32, DocAddress)> = searcher
            .search(q, &TopDocs::with_limit(k).order_by_score())
            .expect("search")
            .into_iter()
            .map(|(score, addr): (Score, DocAddress)| (score.to_bits(), addr))
            .collect();
        if untie {
            top.sort_by(|a, b| {
                f32::from_bits(b.0)
                    .total_cmp(&f32::from_bits(a.0))
                    .then(a.1.cmp(&b.1))
            });
            if top.len() == k
                && let Some(&(last, _)) = top.last()
            {
                for hit in top.iter_mut().filter(|h| h.0 == last) {
                    hit.1 = DocAddress::new(0, 0);
                }
            }
        }
        top
    }

    /// Runs each `(query text, wrapped)` case: the query is wrapped as `Fast` when
    /// `wrapped` says so, and its top 1 … 2,000 and count are the plain query's.
    fn assert_ranks_as_tantivy<Fast: Query>(cases: &[(&str, bool)], untie: bool) {
        let (index, title, body) = index();
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        for &(text, fast) in cases {
            let plain = query(&index, title, body, text);
            let wrapped = fast_top_k(plain.clone(), text);
            let wrapped = wrapped.as_ref();
            assert_eq!(wrapped.downcast_ref::<Fast>().is_some(), fast, "{text}");
            for k in [1, 3, 10, 60, 2_000] {
                let expected = top(&searcher, &plain, k, untie);
                assert_eq!(
                    top(&searcher, wrapped, k, untie),
                    expected,
                    "{text}, top {k}"
                );
                if k == 2_000 && !text.contains("nowhere") {
                    assert!(expected.len() > 10, "{text} matches too little to test");
                }
            }
            let count = |q: &dyn Query| searcher.search(q, &Count).expect("count");
            assert_eq!(count(wrapped), count(&plain), "{text}");
        }
    }

    #[test]
    fn phrases_rank_exactly_as_tantivy() {
        // The phrase pruning keeps tantivy's order, ties included.
        assert_ranks_as_tantivy::<PhraseTopK>(
            &[
                ("\"human rights\"", true),
                ("\"rights human\"", true),
                ("\"the sea\"", true),
                ("\"human rights council\"", true),
                ("\"of the sea\"", true),
                ("\"human human\"", true),
                ("\"human rights\"~1", false),
                ("\"human nowhere\"", true),
            ],
            false,
        );
    }

    #[test]
    fn words_rank_as_tantivy() {
        assert_ranks_as_tantivy::<WordsTopK>(
            &[
                ("sea", true),
                ("human rights", true),
                ("human rights council", true),
                ("council sea", true),
                ("human rights council of the", false),
                ("\"human rights\"", false),
            ],
            true,
        );
    }

    #[test]
    fn other_shapes_run_unchanged() {
        let (index, title, body) = index();
        let phrase = || {
            QueryParser::for_index(&index, vec![body])
                .parse_query("\"human rights\"")
                .expect("phrase")
        };
        let word = || -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(title, "sea"),
                IndexRecordOption::Basic,
            ))
        };
        type Clauses = Vec<(Occur, Box<dyn Query>)>;
        let cases: Vec<(&str, Clauses, bool)> = vec![
            ("phrase alone", vec![(Occur::Must, phrase())], true),
            (
                "phrase and optional",
                vec![(Occur::Must, phrase()), (Occur::Should, word())],
                true,
            ),
            (
                "two required",
                vec![(Occur::Must, phrase()), (Occur::Must, word())],
                false,
            ),
            (
                "excluded",
                vec![(Occur::Must, phrase()), (Occur::MustNot, word())],
                false,
            ),
            (
                "two optional",
                vec![
                    (Occur::Must, phrase()),
                    (Occur::Should, word()),
                    (Occur::Should, word()),
                ],
                false,
            ),
            ("word only", vec![(Occur::Must, word())], false),
        ];
        for (name, clauses, fast) in cases {
            let wrapped = PhraseTopK::wrap(BooleanQuery::new(clauses), "\"human rights\"");
            assert_eq!(wrapped.is_ok(), fast, "{name}");
        }
    }
}
