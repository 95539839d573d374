//! Cutting an article into passages: the paragraphs after the headline line, with long
//! paragraphs cut at sentence boundaries. Pure: `&str` in, byte ranges out.

/// A passage as a byte range into the article text (trimmed of surrounding white space,
/// on char boundaries, never empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Passage {
    pub start: usize,
    pub end: usize,
}

/// Paragraphs longer than this many characters are cut at sentence boundaries.
pub const MAX_PASSAGE_CHARS: usize = 1500;

/// The headline: the first non-blank line at or after `body_start`, as a byte range.
pub fn headline(text: &str, body_start: usize) -> Option<Passage> {
    lines(text, body_start)
        .map(|(s, e)| trim(text, s, e))
        .find(|p| p.start < p.end)
}

/// Splits `text[body_start..]` into passages: the paragraphs (runs of non-blank lines)
/// after the headline line, long ones cut to at most `max_chars` characters at sentence
/// ends (or, for a sentence longer than that, at a space). If the article has nothing but
/// a headline, the headline is the one passage.
pub fn split_passages(text: &str, body_start: usize, max_chars: usize) -> Vec<Passage> {
    let head = headline(text, body_start);
    let from = head.map_or(body_start, |h| line_end(text, h.end));
    let mut out = Vec::new();
    let mut para: Option<(usize, usize)> = None;
    for (s, e) in lines(text, from) {
        let blank = text[s..e].trim().is_empty();
        match (&mut para, blank) {
            (Some((_, end)), false) => *end = e,
            (None, false) => para = Some((s, e)),
            (Some((ps, pe)), true) => {
                cut_paragraph(text, *ps, *pe, max_chars, &mut out);
                para = None;
            }
            (None, true) => {}
        }
    }
    if let Some((ps, pe)) = para {
        cut_paragraph(text, ps, pe, max_chars, &mut out);
    }
    if out.is_empty()
        && let Some(h) = head
    {
        cut_paragraph(text, h.start, h.end, max_chars, &mut out);
    }
    out
}

/// The byte offset just past the line that contains `pos` (its terminator included).
fn line_end(text: &str, pos: usize) -> usize {
    lines(text, pos).next().map_or(text.len(), |(_, e)| {
        let b = text.as_bytes();
        match b.get(e) {
            Some(b'\r') if b.get(e + 1) == Some(&b'\n') => e + 2,
            Some(b'\r') | Some(b'\n') => e + 1,
            _ => e,
        }
    })
}

/// Lines from `from` on, as (start, end) byte ranges without terminators. `\n`, `\r\n`
/// and a lone `\r` all end a line.
fn lines(text: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = from.min(text.len());
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let mut i = pos;
        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        let end = i;
        if i < bytes.len() {
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
        }
        pos = i;
        Some((start, end))
    })
}

/// Shrinks `start..end` to exclude surrounding white space.
fn trim(text: &str, start: usize, end: usize) -> Passage {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return Passage { start, end: start };
    }
    Passage {
        start: start + lead,
        end: end - trail,
    }
}

/// Pushes `text[start..end]` as one or more passages of at most `max_chars` characters.
fn cut_paragraph(text: &str, start: usize, end: usize, max_chars: usize, out: &mut Vec<Passage>) {
    let max_chars = max_chars.max(1);
    let mut push = |s: usize, e: usize| {
        let p = trim(text, s, e);
        if p.start < p.end {
            out.push(p);
        }
    };
    let para = &text[start..end];
    if para.len() <= max_chars {
        // No more characters than bytes: nothing to cut, and most paragraphs are short
        // (the walk below was 70 % of passage splitting on the bench corpus).
        push(start, end);
        return;
    }
    let mut piece = 0; // piece start, relative to para
    let mut count = 0; // chars since piece start
    // Best cut points seen in the current piece, with the char count up to them.
    let mut sentence_cut: Option<(usize, usize)> = None;
    let mut space_cut: Option<(usize, usize)> = None;
    let mut prev: Option<char> = None;
    let mut prev2: Option<char> = None;
    for (i, c) in para.char_indices() {
        if c.is_whitespace()
            && let Some(p) = prev
        {
            let closes = matches!(p, '"' | '”' | '“' | '»' | '’' | '\'' | ')' | '«');
            let ender = matches!(p, '.' | '!' | '?' | '…' | '。')
                || (closes && matches!(prev2, Some('.' | '!' | '?' | '…')));
            if ender {
                sentence_cut = Some((i, count));
            } else if !p.is_whitespace() {
                space_cut = Some((i, count));
            }
        }
        if count >= max_chars {
            let (cut, used) = sentence_cut
                .filter(|&(at, _)| at > piece)
                .or(space_cut.filter(|&(at, _)| at > piece))
                .unwrap_or((i, count));
            push(start + piece, start + cut);
            piece = cut;
            count -= used;
            sentence_cut = None;
            space_cut = None;
        }
        count += 1;
        prev2 = prev;
        prev = Some(c);
    }
    push(start + piece, end);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, max: usize) -> Vec<&str> {
        split_passages(text, 0, max)
            .into_iter()
            .map(|p| &text[p.start..p.end])
            .collect()
    }

    #[test]
    fn a_paragraph_is_cut_only_past_the_limit_in_characters() {
        // (paragraph, limit, passages): at the limit in bytes, in characters, one past it.
        let cases: &[(&str, usize, &[&str])] = &[
            ("Head\n\nabcd efgh", 9, &["abcd efgh"]),
            ("Head\n\nabcd efghi", 9, &["abcd", "efghi"]),
            ("Head\n\nääää öööö", 9, &["ääää öööö"]),
            ("Head\n\nääää ööööö", 9, &["ääää", "ööööö"]),
            // The white space around a paragraph counts towards the limit, as it always has.
            ("Head\n\n  abcd efgh  ", 9, &["abcd", "efgh"]),
            ("Head\n\n  abcd efgh  ", 13, &["abcd efgh"]),
        ];
        for (text, max, want) in cases {
            assert_eq!(texts(text, *max), *want, "{text:?} at {max}");
        }
    }

    #[test]
    fn paragraphs_after_headline() {
        let cases: &[(&str, &[&str])] = &[
            ("Head\n\nOne.\n\nTwo.\n", &["One.", "Two."]),
            ("Head\r\n\r\nOne.\r\n\r\nTwo.", &["One.", "Two."]),
            ("Head\r\rOne.\r\rTwo.", &["One.", "Two."]),
            (
                "Head\n\n  One\nstill one.  \n \n\n\nTwo.",
                &["One\nstill one.", "Two."],
            ),
            (
                "Head\nbody right under it\n\nNext",
                &["body right under it", "Next"],
            ),
            ("\n\n  Head only  \n", &["Head only"]),
            ("", &[]),
            ("\n \n", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(texts(text, MAX_PASSAGE_CHARS), *want, "{text:?}");
        }
    }

    #[test]
    fn long_paragraphs_cut_at_sentences() {
        let text = "H\n\nFirst sentence here. Second one is here. Third “quoted.” Fourth.";
        assert_eq!(
            texts(text, 30),
            [
                "First sentence here.",
                "Second one is here.",
                "Third “quoted.” Fourth."
            ]
        );
        // One sentence longer than the limit is cut at spaces.
        let text = "H\n\naaaa bbbb cccc dddd eeee";
        assert_eq!(texts(text, 10), ["aaaa bbbb", "cccc dddd", "eeee"]);
        // No space at all: cut at a char boundary.
        let text = "H\n\nжжжжжжжжжж";
        assert_eq!(texts(text, 4), ["жжжж", "жжжж", "жж"]);
    }

    #[test]
    fn passages_are_in_bounds_and_short() {
        let body = "Lorem ipsum dolor sit amet. ".repeat(500);
        let text = format!("Title\n\n{body}\n\n„Zitat“ — ende.");
        let ps = split_passages(&text, 0, MAX_PASSAGE_CHARS);
        assert!(ps.len() > 5);
        for p in &ps {
            assert!(p.start < p.end && p.end <= text.len());
            let s = &text[p.start..p.end];
            assert!(s.chars().count() <= MAX_PASSAGE_CHARS, "{}", s.len());
            assert!(s.ends_with('.'), "{s:?}");
        }
    }

    #[test]
    fn body_start_skips_front_matter() {
        let text = "---\ntitle: x\n---\nHead\n\nBody.";
        let start = text.find("Head").unwrap_or(0);
        assert_eq!(
            headline(text, start).map(|p| &text[p.start..p.end]),
            Some("Head")
        );
        let ps = split_passages(text, start, MAX_PASSAGE_CHARS);
        assert_eq!(ps.len(), 1);
        assert_eq!(&text[ps[0].start..ps[0].end], "Body.");
    }
}
