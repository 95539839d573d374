//! Folding near-duplicate hits (the same wire copy in several files, a paragraph repeated
//! in one) into the best-ranked copy, which then lists the other places.
//!
//! Two passages are near-duplicates when the sets of their word pairs (lowercased
//! adjacent words) overlap with a Jaccard index of at least [`NEAR_DUPLICATE`]. Word
//! pairs, not single words, so that two different paragraphs on the same subject, which
//! share many words but few word sequences, stay apart. Cost: only the ranked candidates
//! of a search are compared (about 3 × limit + 20 of them, each with the hits kept so
//! far), no index space and no work at indexing time.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64;

use crate::search::{Hit, Place};

/// Jaccard index of word-pair sets at or above which two passages are one.
pub const NEAR_DUPLICATE: f64 = 0.5;

/// Hashes of the lowercased adjacent word pairs of `text` (single words when it has
/// only one).
pub fn shingles(text: &str) -> HashSet<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() == 1 {
        return std::iter::once(xxh3_64(words[0].as_bytes())).collect();
    }
    words
        .windows(2)
        .map(|w| xxh3_64(format!("{} {}", w[0], w[1]).as_bytes()))
        .collect()
}

/// Jaccard index of two shingle sets (1.0 for two empty ones).
pub fn similarity(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(b).count();
    common as f64 / (a.len() + b.len() - common) as f64
}

/// Keeps the first `limit` hits that are not near-duplicates of a better-ranked one;
/// every near-duplicate among `hits` is listed in the `duplicates` of the hit it copies.
/// `hits` must be in rank order.
pub fn collapse(hits: Vec<Hit>, limit: usize) -> Vec<Hit> {
    let mut kept = Collapser::new(limit, true);
    for hit in hits {
        kept.push(hit);
    }
    kept.into_hits()
}

/// Hits fed in rank order, folded as they come.
pub struct Collapser {
    limit: usize,
    collapse: bool,
    kept: Vec<(Hit, HashSet<u64>)>,
}

impl Collapser {
    /// Keeps up to `limit` hits; folds near-duplicates when `collapse` is set.
    pub fn new(limit: usize, collapse: bool) -> Collapser {
        Collapser {
            limit,
            collapse,
            kept: Vec::with_capacity(limit.min(1024)),
        }
    }

    /// True when it folds near-duplicates.
    pub fn collapsing(&self) -> bool {
        self.collapse
    }

    /// True when `limit` hits are kept.
    pub fn is_full(&self) -> bool {
        self.kept.len() >= self.limit
    }

    /// The lowest score among the kept hits (`f32::MAX` when there are none).
    pub fn min_score(&self) -> f32 {
        self.kept
            .iter()
            .map(|(h, _)| h.score)
            .fold(f32::INFINITY, f32::min)
            .clamp(0.0, f32::MAX)
    }

    /// Takes the next hit in rank order: folded into a kept copy, kept, or dropped when
    /// the limit is reached.
    pub fn push(&mut self, hit: Hit) {
        if !self.collapse {
            if !self.is_full() {
                self.kept.push((hit, HashSet::new()));
            }
            return;
        }
        let sig = shingles(&hit.passage);
        let twin = self
            .kept
            .iter()
            .position(|(_, s)| similarity(s, &sig) >= NEAR_DUPLICATE);
        match twin {
            Some(i) => self.kept[i].0.duplicates.push(Place {
                path: hit.path,
                passage_index: hit.passage_index,
            }),
            None if !self.is_full() => self.kept.push((hit, sig)),
            None => {}
        }
    }

    /// The kept hits in rank order, each with its copies sorted.
    pub fn into_hits(self) -> Vec<Hit> {
        self.kept
            .into_iter()
            .map(|(mut h, _)| {
                h.duplicates.sort();
                h
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(path: &str, passage: &str) -> Hit {
        Hit {
            rank: 0,
            score: 1.0,
            path: path.into(),
            title: String::new(),
            passage: passage.into(),
            passage_index: 0,
            start: 0,
            end: 0,
            highlights: vec![],
            speakers: vec![],
            sources: vec![],
            published: None,
            date_source: "none".into(),
            dates: vec![],
            duplicates: vec![],
            context: vec![],
        }
    }

    const WIRE: &str = "Ministers of the five coastal states agreed on Tuesday to set up a joint \
        working group on fishing quotas, which will meet for the first time in the autumn \
        and report back to governments before the end of the year.";

    #[test]
    fn near_duplicates_fold_and_different_paragraphs_do_not() {
        let edited = WIRE
            .replace("Tuesday", "Wednesday")
            .replace("five", "six")
            .replace("autumn", "spring");
        // Same words as WIRE in a different order, on the same subject.
        let shuffled = "The working group on fishing quotas of the coastal states will first \
            meet in the autumn; five ministers agreed on Tuesday that governments should get \
            a report before the end of the year, and to set up a joint group.";
        let other = "Talks on the border crossing resumed after a pause of two months.";
        let cases: &[(&str, bool)] = &[
            (WIRE, true),
            (&edited, true),
            (shuffled, false),
            (other, false),
        ];
        let a = shingles(WIRE);
        for (text, dup) in cases {
            let s = similarity(&a, &shingles(text));
            assert_eq!(s >= NEAR_DUPLICATE, *dup, "{s:.2} for {text:?}");
        }
    }

    #[test]
    fn collapse_lists_other_places_and_keeps_the_limit() {
        let edited = WIRE.replace("Tuesday", "Monday");
        let hits = vec![
            hit("a.txt", WIRE),
            hit("c.txt", &edited),
            hit(
                "b.txt",
                "Something else entirely was said at the press conference.",
            ),
            hit("d.txt", WIRE),
            hit(
                "e.txt",
                "A third topic: the grain corridor and its inspections.",
            ),
        ];
        let out = collapse(hits, 2);
        let paths: Vec<&str> = out.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(paths, ["a.txt", "b.txt"]);
        let dups: Vec<&str> = out[0].duplicates.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(dups, ["c.txt", "d.txt"]);
        assert!(out[1].duplicates.is_empty());
    }
}
