//! Regexes with Unicode word boundaries that search at the speed of their DFA.
//!
//! The `regex` crate's lazy DFA cannot evaluate a Unicode `\b`: it gives up at the first
//! non-ASCII byte and the search falls back to the PikeVM, 10 to 30 times slower. News text
//! is full of non-ASCII bytes (curly quotes, dashes, umlauts, Cyrillic), so a whole-text
//! `find_iter` of a pattern with `\b` pays that price on almost every article.
//!
//! [`WordRegex`] keeps the exact pattern's results and finds them cheaply. It holds the
//! pattern twice: as written, and with every `\b` removed. Dropping a zero-width assertion
//! only admits more matches, so every exact match starts where a loose match starts. The
//! loose regex (DFA-friendly) finds the leftmost candidate start; the exact regex then
//! searches a window of [`WINDOW`] bytes from there, with the whole text as context for
//! the boundaries. A candidate the exact pattern rejects moves the search one character on.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, OnceLock};

use regex::{Captures, Match, Regex};

/// Bytes after a candidate start the exact pattern may use. Every pattern in this module's
/// users matches far less (a name, a date, a verb phrase); a longer match is searched
/// again over the whole rest of the text, so the window never changes a result.
const WINDOW: usize = 512;

/// A regex (or [`WordRegex`]) compiled once for the process, searched through a clone of each
/// thread's own, so that its search caches belong to the thread and go when the thread ends
/// or calls [`release_thread_caches`].
///
/// A regex keeps the caches of its searches (lazy-DFA states, backtracking and PikeVM
/// scratch) for as long as it lives: for a static regex, the process. Extraction's regexes
/// held about 55 MB of them per thread on the scale corpus with the `regex` crate's default
/// lazy-DFA capacity (less now, see [`DFA_CACHE_BYTES`]), live in every phase after
/// extraction (the index run's merge among them). A clone shares the compiled program and
/// starts with no caches.
pub struct Local<T: 'static> {
    shared: LazyLock<T>,
    /// This regex's place in every thread's [`LOCALS`], taken at its first use.
    slot: OnceLock<usize>,
}

/// Capacity of each regex's lazy-DFA cache, per thread: half of the `regex` crate's 2 MB.
/// Extraction's regexes fill their caches on the scale corpus, and the caches live as long
/// as the thread: at 1 MB the indexing run's peak RSS is about 20 MB lower (245 → 225 MB,
/// three runs each) in the same time; at 512 KB the DFAs rebuild their states often enough
/// to cost 10 % more CPU, at 256 KB 40 %.
const DFA_CACHE_BYTES: usize = 1 << 20;

/// Compiles `pattern` as [`Regex::new`] does, with a [`DFA_CACHE_BYTES`] lazy-DFA cache, for
/// searching whole texts. A pattern with a Unicode `\b` is a bug here (a debug assertion
/// says so): its searches would run on the PikeVM. Write `(?-u:\b)`, use a [`WordRegex`],
/// or, for a pattern only ever searched over a few bytes, [`compile_short`].
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    debug_assert!(
        lazy_dfa_can_search(pattern),
        "rx::compile: the lazy DFA cannot search for {pattern:?} (a Unicode \\b?)"
    );
    build(pattern)
}

/// Compiles `pattern`, Unicode `\b` and all, for searches over a few bytes only (a short
/// look-back, a [`WordRegex`]'s window), where the slower engine's cost stays small.
pub fn compile_short(pattern: &str) -> Result<Regex, regex::Error> {
    build(pattern)
}

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .dfa_size_limit(DFA_CACHE_BYTES)
        .build()
}

/// Whether the lazy DFA can run a search for `pattern` over any text. It cannot when the
/// pattern has a Unicode word boundary: it gives up at the first non-ASCII byte, and the
/// `regex` crate then searches on with the PikeVM, ten to thirty times slower (a `\b` in
/// the speaker phrase of two whole-text regexes once made extraction 2.5 times slower).
fn lazy_dfa_can_search(pattern: &str) -> bool {
    regex_automata::hybrid::regex::Regex::new(pattern).is_ok()
}

/// The next free place in [`LOCALS`].
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread's clones of the [`Local`] regexes it has used, by their slot.
    static LOCALS: RefCell<Vec<Option<Rc<dyn Any>>>> = const { RefCell::new(Vec::new()) };
}

impl<T: Clone + 'static> Local<T> {
    /// A regex built by `init` at its first use in any thread.
    pub const fn new(init: fn() -> T) -> Local<T> {
        Local {
            shared: LazyLock::new(init),
            slot: OnceLock::new(),
        }
    }

    /// This thread's clone, made at the thread's first use.
    pub fn local(&'static self) -> Rc<T> {
        let slot = *self
            .slot
            .get_or_init(|| NEXT_SLOT.fetch_add(1, Ordering::Relaxed));
        LOCALS.with(|locals| {
            let mut locals = locals.borrow_mut();
            if locals.len() <= slot {
                locals.resize(slot + 1, None);
            }
            let any = locals[slot]
                .get_or_insert_with(|| Rc::new(T::clone(&self.shared)) as Rc<dyn Any>)
                .clone();
            // Each slot belongs to one `Local<T>`, so it holds a `T`; a mismatch could only
            // come from a bug here, and costs a fresh clone, not a wrong answer.
            any.downcast::<T>()
                .unwrap_or_else(|_| Rc::new(T::clone(&self.shared)))
        })
    }
}

/// Drops this thread's clones of the [`Local`] regexes and with them their search caches;
/// the next use makes a new clone. For a thread that is done extracting but lives on.
pub fn release_thread_caches() {
    LOCALS.with(|locals| locals.borrow_mut().clear());
}

/// A regex whose `\b` assertions are Unicode word boundaries, searched through a
/// boundary-free twin. Offers the subset of [`Regex`]'s API this crate uses.
#[derive(Clone, Debug)]
pub struct WordRegex {
    exact: Regex,
    loose: Regex,
}

impl WordRegex {
    /// Compiles `pattern`. Fails as [`Regex::new`] does.
    pub fn new(pattern: &str) -> Result<WordRegex, regex::Error> {
        Ok(WordRegex {
            exact: compile_short(pattern)?,
            loose: compile(&without_word_boundaries(pattern))?,
        })
    }

    /// The leftmost-first result starting at or after `pos`, as the exact regex would give it.
    /// `at` is `Regex::find_at` or `Regex::captures_at`; `whole` gives a result's whole match.
    fn search_from<'h, T>(
        &self,
        text: &'h str,
        mut pos: usize,
        at: Search<'h, T>,
        whole: Whole<'h, T>,
    ) -> Option<T> {
        while pos <= text.len() {
            let start = self.loose.find_at(text, pos)?.start();
            let end = window_end(text, start);
            // `text[..end]` borrows from the same text: the offsets are the text's.
            let found = at(&self.exact, &text[..end], start);
            match found.as_ref().and_then(whole) {
                // A match that reaches the window's edge may be cut short: search again.
                Some(m) if m.end() == end && end < text.len() => {
                    return at(&self.exact, text, start);
                }
                // A match found further on in the window may have lost an optional tail
                // to its edge ("do not believe " for "do not believe that "): search again
                // with a window of its own.
                Some(m) if m.start() > start => pos = m.start(),
                Some(_) => return found,
                None => pos = next_char(text, start),
            }
        }
        None
    }

    /// Every non-overlapping result, as `Regex::find_iter` and `captures_iter` give them.
    fn search_iter<'r, 'h: 'r, T: 'r>(
        &'r self,
        text: &'h str,
        at: Search<'h, T>,
        whole: Whole<'h, T>,
    ) -> impl Iterator<Item = T> + 'r {
        let mut pos = 0;
        let mut last_end: Option<usize> = None;
        std::iter::from_fn(move || {
            loop {
                let t = self.search_from(text, pos, at, whole)?;
                let m = whole(&t)?;
                // As `Regex::find_iter`: an empty match right after the previous match is skipped.
                if m.is_empty() && last_end == Some(m.end()) {
                    pos = next_char(text, m.end());
                    if pos > text.len() {
                        return None;
                    }
                    continue;
                }
                pos = if m.is_empty() {
                    next_char(text, m.end())
                } else {
                    m.end()
                };
                last_end = Some(m.end());
                return Some(t);
            }
        })
    }

    /// The leftmost-first match in `text`.
    pub fn find<'h>(&self, text: &'h str) -> Option<Match<'h>> {
        self.search_from(text, 0, |re, h, i| re.find_at(h, i), |m| Some(*m))
    }

    /// The capture groups of the leftmost-first match in `text`.
    pub fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        self.search_from(text, 0, |re, h, i| re.captures_at(h, i), |c| c.get(0))
    }

    /// Whether `text` holds a match.
    pub fn is_match(&self, text: &str) -> bool {
        self.find(text).is_some()
    }

    /// Every non-overlapping match, as `Regex::find_iter` gives them.
    pub fn find_iter<'r, 'h: 'r>(&'r self, text: &'h str) -> impl Iterator<Item = Match<'h>> + 'r {
        self.search_iter(text, |re, h, i| re.find_at(h, i), |m| Some(*m))
    }

    /// The capture groups of every non-overlapping match.
    pub fn captures_iter<'r, 'h: 'r>(
        &'r self,
        text: &'h str,
    ) -> impl Iterator<Item = Captures<'h>> + 'r {
        self.search_iter(text, |re, h, i| re.captures_at(h, i), |c| c.get(0))
    }
}

/// A search of the exact regex from a position: `Regex::find_at` or `Regex::captures_at`.
type Search<'h, T> = fn(&Regex, &'h str, usize) -> Option<T>;

/// The whole match of a search result.
type Whole<'h, T> = fn(&T) -> Option<Match<'h>>;

/// `pattern` with every `\b` assertion removed (an escaped backslash before a `b` stays).
fn without_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => {}
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The end of the search window for a candidate at `start`, on a char boundary.
fn window_end(text: &str, start: usize) -> usize {
    let mut end = start.saturating_add(WINDOW).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// The byte offset of the character after the one at `i` (`len + 1` past the end).
fn next_char(text: &str, i: usize) -> usize {
    text.get(i..)
        .and_then(|s| s.chars().next())
        .map_or(text.len() + 1, |c| i + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Spans = Vec<(usize, usize)>;

    static VERB: Local<WordRegex> =
        Local::new(|| WordRegex::new(r"\b(said|told)\b").expect("test pattern"));
    static DIGITS: Local<Regex> = Local::new(|| Regex::new(r"[0-9]+").expect("test pattern"));

    /// Where this thread's clone of `VERB` lives.
    fn verb_clone() -> usize {
        Rc::as_ptr(&VERB.local()) as usize
    }

    #[test]
    fn whole_text_patterns_need_ascii_word_boundaries() {
        let cases = [
            (r"said|told", true),
            (r"(?-u:\b)said(?-u:\b)", true),
            (
                r",[\ \t]+((?:(?-u:\b)[A-Z]\.|[^,.;\n])+?)[\ \t]+said[.;]",
                true,
            ),
            (r"\bsaid\b", false),
            (
                r",[\ \t]+((?:\b\p{Lu}\.|[^,.;\n]){1,60}?)[\ \t]+said[.;]",
                false,
            ),
            (r"(?i)\bzufolge", false),
        ];
        for (pattern, searchable) in cases {
            assert_eq!(lazy_dfa_can_search(pattern), searchable, "{pattern}");
        }
    }

    #[test]
    fn each_thread_searches_with_a_clone_of_its_own_until_it_releases_it() {
        let first = verb_clone();
        assert_eq!(verb_clone(), first, "the same clone within a thread");
        let other = std::thread::spawn(verb_clone).join().expect("thread");
        assert_ne!(other, first, "another thread has its own");
        // The clones search as the shared regex does.
        let text = "He said so, and they told him; 2024 and 7.";
        let spans = |m: Match| (m.start(), m.end());
        let want = WordRegex::new(r"\b(said|told)\b").expect("test pattern");
        let want: Spans = want.find_iter(text).map(spans).collect();
        assert_eq!(
            VERB.local().find_iter(text).map(spans).collect::<Spans>(),
            want
        );
        let digits: Spans = DIGITS.local().find_iter(text).map(spans).collect();
        assert_eq!(digits, vec![(31, 35), (40, 41)]);
        // Released, the next use makes a new clone; a handle still held keeps its own.
        let held = VERB.local();
        release_thread_caches();
        assert!(
            !Rc::ptr_eq(&held, &VERB.local()),
            "a new clone after release"
        );
        assert_eq!(held.find_iter(text).map(spans).collect::<Spans>(), want);
        assert_eq!(
            VERB.local().find_iter(text).map(spans).collect::<Spans>(),
            want
        );
    }

    /// Matches of `pattern` as `(start, end)` pairs, by `Regex` and by `WordRegex`.
    fn both(pattern: &str, text: &str) -> (Spans, Spans) {
        let exact = Regex::new(pattern).expect("test pattern");
        let word = WordRegex::new(pattern).expect("test pattern");
        let want = exact
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        let got = word.find_iter(text).map(|m| (m.start(), m.end())).collect();
        (want, got)
    }

    #[test]
    fn matches_equal_the_plain_regex() {
        // (pattern, text)
        let cases: &[(&str, &str)] = &[
            (r"\bsaid\b", "unsaid said saidso “said” — said."),
            (r"\b(?:Mai|Mainz)\b", "Mainz im Mai, Maiß, Mailand"),
            (r"\bмая\b", "14 мая 2022 года, маяк, «мая»"),
            (r"\bmorgen\b", "übermorgen und morgen, Morgen"),
            (r"\b(?:is|was)?\s*said", "this said, it was said, unsaid"),
            (
                r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",
                "am 14.05.2022 und 114.05.20221",
            ),
            (r"\b", "ab cd"),
            (r"x*", "axxb"),
            (r"\bfür\b", "Dafür für Fürth für"),
            (
                r"(?i)\btold\s+(\p{Lu}\w+)",
                "he told Europetime; untold Stories; TOLD Reuters",
            ),
            (r"\bend\b", "the end"),
            (r"\ba\\b", r"a\b a\\b"),
        ];
        for (pattern, text) in cases {
            let (want, got) = both(pattern, text);
            assert_eq!(got, want, "{pattern:?} on {text:?}");
        }
    }

    #[test]
    fn captures_equal_the_plain_regex() {
        let pattern = r"\b(?P<d>\d{1,2})\s+(?P<m>мая|Mai|May)\b";
        let text = "14 мая, 3 Mai, 22 Mayday, 5 May. 7 маяк";
        let exact = Regex::new(pattern).expect("test pattern");
        let word = WordRegex::new(pattern).expect("test pattern");
        let want: Vec<(String, String)> = exact
            .captures_iter(text)
            .map(|c| (c["d"].to_string(), c["m"].to_string()))
            .collect();
        let got: Vec<(String, String)> = word
            .captures_iter(text)
            .map(|c| (c["d"].to_string(), c["m"].to_string()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn a_match_longer_than_the_window_is_found_whole() {
        let text = format!("x {} y", "a".repeat(WINDOW * 3));
        let (want, got) = both(r"\ba+\b", &text);
        assert_eq!(got, want);
        assert_eq!(got[0].1 - got[0].0, WINDOW * 3);
    }

    #[test]
    fn a_rejected_candidate_far_from_the_next_match_does_not_end_the_search() {
        let text = format!("unsaid{}said", " ".repeat(WINDOW * 2));
        let (want, got) = both(r"\bsaid\b", &text);
        assert_eq!(got, want);
        assert_eq!(got.len(), 1);
        let word = WordRegex::new(r"\b(s)aid\b").expect("test pattern");
        assert_eq!(word.captures_iter(&text).count(), 1);
    }

    #[test]
    fn a_match_near_the_window_edge_keeps_its_optional_tail() {
        // The candidate "unsaid" is rejected; the exact search from it finds "said" near
        // its window's edge, where " that" would be cut off.
        for gap in [WINDOW - 12, WINDOW - 10, WINDOW - 8] {
            let text = format!("unsaid{}said that", " ".repeat(gap));
            let (want, got) = both(r"\bsaid(?: that)?\b", &text);
            assert_eq!(got, want, "gap {gap}");
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].1, text.len(), "gap {gap}");
        }
    }

    #[test]
    fn escaped_backslashes_are_kept() {
        assert_eq!(without_word_boundaries(r"\bx\\b\b"), r"x\\b");
        assert_eq!(without_word_boundaries(r"\d\s(?-u:\b)"), r"\d\s(?-u:)");
    }

    proptest! {
        #[test]
        fn random_texts_match_alike(text in "[a-cäж \\.,«»-]{0,60}") {
            for pattern in [r"\b[a-c]+\b", r"\bж\w*", r"(?:a|ab)\b", r"\b", r"[äa]\b\s*"] {
                let (want, got) = both(pattern, &text);
                prop_assert_eq!(got, want, "{:?}", pattern);
            }
        }
    }
}
