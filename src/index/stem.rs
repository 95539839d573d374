//! tantivy's `en_stem` analyzer with a memo of stems. Snowball stemming was the largest single
//! cost of indexing (about a sixth of the CPU time on the scale corpus), and news text repeats
//! the same few thousand words: each writer thread keeps the stems it has computed and looks
//! them up instead. The tokens are exactly those of tantivy's `en_stem` (a test compares
//! them), so an index written with either reads with the other.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Stems remembered per analyzer. Frequent words come early and stay; past this, new words
/// are stemmed without being remembered, which bounds memory on text with an unbounded
/// vocabulary (numbers, names, typos).
const MEMO_CAPACITY: usize = 20_000;

/// Longest word, in bytes, the memo keeps; a longer one is stemmed each time it comes.
const MEMO_WORD: usize = 23;

/// The memo: word → stem, hashed with [`WordHasher`].
type Memo = HashMap<Word, Word, BuildHasherDefault<WordHasher>>;

/// A short word held inline: the memo compares and copies it without following a pointer
/// into the heap, where each lookup of a `String` key cost a cache miss (the comparison was
/// a third of the memo's time on an indexing run).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Word {
    len: u8,
    bytes: [u8; MEMO_WORD],
}

impl Word {
    /// `text` inline, or `None` when it is longer than [`MEMO_WORD`] bytes.
    fn new(text: &str) -> Option<Word> {
        let len = text.len();
        if len > MEMO_WORD {
            return None;
        }
        let mut bytes = [0; MEMO_WORD];
        bytes[..len].copy_from_slice(text.as_bytes());
        Some(Word {
            len: len as u8,
            bytes,
        })
    }

    /// The word. Its bytes were a whole `&str`, so they are UTF-8.
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

/// A multiply-rotate hash over 8-byte words (the scheme of rustc's FxHasher), for the memo's
/// short lower-case keys: about a third of the time of the default SipHash on an indexing
/// run. Not resistant to chosen collisions, which costs at worst speed, never correctness;
/// the keys come from the user's own files.
#[derive(Clone, Copy, Debug, Default)]
pub struct WordHasher(u64);

impl WordHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            // The length keeps "ab" and "ab\0" apart.
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The analyzer attache registers as `en_stem`: simple tokens, at most 40 bytes, lower-cased,
/// English stems.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(MemoStemmer)
        .filter(Repeat)
        .build()
}

/// Longest text whose tokens [`Repeat`] keeps for the next time it comes.
const REPEAT_TEXT: usize = 1024;

/// A token filter that replays the tokens of the text it saw last when the same text comes
/// again. tantivy keeps one analyzer per field and writer thread, and attache gives every
/// passage of a file the file's publisher (and, until the headline moved to the file
/// document, its title: then about 40 % of the tokens indexed in the UN debates of the
/// scale corpus), the same words analysed once per passage.
/// A text seen twice in a row is analysed once more and its tokens kept; from its third
/// time on they are copied. Texts longer than [`REPEAT_TEXT`] bytes are never kept.
#[derive(Clone, Copy, Debug, Default)]
pub struct Repeat;

impl TokenFilter for Repeat {
    type Tokenizer<T: Tokenizer> = RepeatFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RepeatFilter<T> {
        RepeatFilter {
            inner: tokenizer,
            last: String::new(),
            kept: None,
        }
    }
}

/// The tokenizer [`Repeat`] wraps around another.
#[derive(Clone)]
pub struct RepeatFilter<T> {
    inner: T,
    /// The last text analysed, when it was short enough to keep.
    last: String,
    /// Its tokens, once it came twice in a row.
    kept: Option<Vec<Token>>,
}

impl<T: Tokenizer> Tokenizer for RepeatFilter<T> {
    type TokenStream<'a> = RepeatStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let RepeatFilter { inner, last, kept } = self;
        if text.len() > REPEAT_TEXT || text != last.as_str() {
            last.clear();
            if text.len() <= REPEAT_TEXT {
                last.push_str(text);
            }
            *kept = None;
            return RepeatStream::Fresh(inner.token_stream(text));
        }
        let tokens = kept.get_or_insert_with(|| {
            let mut stream = inner.token_stream(text);
            let mut tokens = Vec::new();
            while stream.advance() {
                tokens.push(stream.token().clone());
            }
            tokens
        });
        RepeatStream::Replay {
            tokens,
            next: 0,
            current: Token::default(),
        }
    }
}

/// The wrapped tokenizer's stream, or a copy of kept tokens.
pub enum RepeatStream<'a, S> {
    Fresh(S),
    Replay {
        tokens: &'a [Token],
        next: usize,
        /// The token handed out, a copy: a consumer may change it, the kept ones stay.
        current: Token,
    },
}

impl<S: TokenStream> TokenStream for RepeatStream<'_, S> {
    fn advance(&mut self) -> bool {
        match self {
            RepeatStream::Fresh(stream) => stream.advance(),
            RepeatStream::Replay {
                tokens,
                next,
                current,
            } => match tokens.get(*next) {
                Some(token) => {
                    current.clone_from(token);
                    *next += 1;
                    true
                }
                None => false,
            },
        }
    }

    fn token(&self) -> &Token {
        match self {
            RepeatStream::Fresh(stream) => stream.token(),
            RepeatStream::Replay { current, .. } => current,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self {
            RepeatStream::Fresh(stream) => stream.token_mut(),
            RepeatStream::Replay { current, .. } => current,
        }
    }
}

/// A token filter that stems English words, remembering each word's stem.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoStemmer;

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            inner: tokenizer,
            memo: Memo::default(),
            stem: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

/// The tokenizer [`MemoStemmer`] wraps around another.
#[derive(Clone)]
pub struct MemoStemmerFilter<T> {
    inner: T,
    memo: Memo,
    /// Stems one word (the raw tokenizer keeps it whole).
    stem: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
            stem: &mut self.stem,
        }
    }
}

/// Tokens of the wrapped stream, stemmed.
pub struct MemoStemmerStream<'a, S> {
    tail: S,
    memo: &'a mut Memo,
    stem: &'a mut TextAnalyzer,
}

impl<S: TokenStream> TokenStream for MemoStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let word = Word::new(&token.text);
        if let Some(stem) = word.and_then(|w| self.memo.get(&w)) {
            token.text.clear();
            token.text.push_str(stem.as_str());
            return true;
        }
        let stem = {
            let mut stream = self.stem.token_stream(&token.text);
            if stream.advance() {
                stream.token().text.clone()
            } else {
                token.text.clone()
            }
        };
        if self.memo.len() < MEMO_CAPACITY
            && let (Some(word), Some(inline)) = (word, Word::new(&stem))
        {
            self.memo.insert(word, inline);
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenizerManager;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn tokens_equal_tantivys_en_stem() {
        let Some(mut reference) = TokenizerManager::default().get("en_stem") else {
            panic!("tantivy's en_stem is built in");
        };
        let mut memo = analyzer();
        let texts = [
            "Substantial NATO-Georgia Package: the ministers were meeting and met again.",
            "Running runners ran; generously, generalisation GENERALIZATIONS.",
            "„Der Minister sagte“ «Москва» 2023-05-13 don't — it's",
            "",
            "a-very-long-token-that-goes-on-and-on-past-the-forty-byte-limit here",
            // The same words again: now answered from the memo.
            "Substantial NATO-Georgia Package: the ministers were meeting and met again.",
            // Longer than a memo word (23 bytes): stemmed every time, twice here.
            "internationalisationalists государственности internationalisationalists",
            // 23 bytes exactly, then 24: the last that fits and the first that does not.
            "abcdefghijklmnopqrstuvw abcdefghijklmnopqrstuvwx abcdefghijklmnopqrstuvw",
            "государственности государственность",
            // The same title three times in a row (kept on the second, copied on the third),
            // then another text, then the first again.
            "Statement by the Minister for Foreign Affairs of Georgia",
            "Statement by the Minister for Foreign Affairs of Georgia",
            "Statement by the Minister for Foreign Affairs of Georgia",
            "United Nations General Assembly",
            "Statement by the Minister for Foreign Affairs of Georgia",
            "Statement by the Minister for Foreign Affairs of Georgia",
            "",
            "",
        ];
        for text in texts {
            assert_eq!(
                tokens(&mut memo, text),
                tokens(&mut reference, text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn repeated_texts_give_the_same_tokens() {
        let Some(mut reference) = TokenizerManager::default().get("en_stem") else {
            panic!("tantivy's en_stem is built in");
        };
        let mut memo = analyzer();
        let long = "Ministers met in Tbilisi. ".repeat(REPEAT_TEXT / 20);
        assert!(long.len() > REPEAT_TEXT);
        let title = "Substantial NATO-Georgia Package";
        for text in [&long, &long, &long, title, title, title, title] {
            assert_eq!(tokens(&mut memo, text), tokens(&mut reference, text));
        }
        // A consumer that changes a replayed token changes its copy only.
        let mut stream = memo.token_stream(title);
        assert!(stream.advance());
        stream.token_mut().text = "changed".into();
        drop(stream);
        assert_eq!(tokens(&mut memo, title), tokens(&mut reference, title));
    }

    #[test]
    fn word_hashes_tell_apart_close_keys() {
        let hash = |s: &str| {
            let mut h = WordHasher::default();
            std::hash::Hash::hash(s, &mut h);
            h.finish()
        };
        let keys = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "ab\0",
            "nation",
            "nations",
            "national",
            "12345678",
            "123456789",
            "1234567800",
        ];
        let mut seen = std::collections::HashSet::new();
        for k in keys {
            assert!(seen.insert(hash(k)), "{k:?} collides");
        }
    }

    #[test]
    fn a_full_memo_stays_correct() {
        let Some(mut reference) = TokenizerManager::default().get("en_stem") else {
            panic!("tantivy's en_stem is built in");
        };
        let mut memo = analyzer();
        let text: String = (0..MEMO_CAPACITY + 50)
            .map(|i| format!("word{i}ing "))
            .collect();
        let tail = "nations nationalities national";
        assert_eq!(tokens(&mut memo, &text).len(), MEMO_CAPACITY + 50);
        assert_eq!(tokens(&mut memo, tail), tokens(&mut reference, tail));
    }
}
