//! Which bytes of a passage to highlight for a query: every occurrence of a query word,
//! and every occurrence of a query phrase as one range (tantivy's snippet generator marks
//! phrase words one by one, wherever they are). Words are compared after the index's own
//! tokenizer, so stemming applies ("talks" marks "talking").

use tantivy::tokenizer::TextAnalyzer;

/// One thing the query looks for in passage text: a single token or a phrase of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern(pub Vec<String>);

/// Fields whose words appear in the passage text (a `title:` word is not highlighted).
const TEXT_FIELDS: [&str; 2] = ["body", "text"];

/// Reads the positive words and phrases out of a query string in tantivy's syntax,
/// leaving out excluded ones (`-word`, `NOT word`), operators, boosts and words aimed at
/// other fields. Each is run through `analyzer`; a word that becomes several tokens
/// (`NATO-Georgia`) is a phrase, as it is for tantivy's parser.
pub fn patterns(query: &str, analyzer: &mut TextAnalyzer) -> Vec<Pattern> {
    let mut out: Vec<Pattern> = Vec::new();
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    let mut negate_next = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '(' || c == ')' {
            i += 1;
            continue;
        }
        let mut negated = std::mem::take(&mut negate_next);
        let mut j = i;
        if chars[j] == '-' || chars[j] == '+' {
            negated |= chars[j] == '-';
            j += 1;
        }
        // An optional `field:` prefix.
        let mut field: Option<String> = None;
        let mut k = j;
        while k < chars.len() && (chars[k].is_alphanumeric() || chars[k] == '_') {
            k += 1;
        }
        if k < chars.len() && chars[k] == ':' && k > j {
            field = Some(chars[j..k].iter().collect());
            j = k + 1;
        }
        let (text, next) = if j < chars.len() && chars[j] == '"' {
            let close = chars[j + 1..]
                .iter()
                .position(|&c| c == '"')
                .map(|p| j + 1 + p);
            let end = close.unwrap_or(chars.len());
            (
                chars[j + 1..end].iter().collect::<String>(),
                (end + 1).min(chars.len()),
            )
        } else {
            let mut e = j;
            while e < chars.len() && !chars[e].is_whitespace() && chars[e] != '(' && chars[e] != ')'
            {
                e += 1;
            }
            (chars[j..e].iter().collect::<String>(), e)
        };
        i = next.max(i + 1);
        if field.is_none() && matches!(text.as_str(), "AND" | "OR") {
            continue;
        }
        if field.is_none() && text == "NOT" {
            negate_next = true;
            continue;
        }
        if negated || field.as_deref().is_some_and(|f| !TEXT_FIELDS.contains(&f)) {
            continue;
        }
        // Drop a boost or slop suffix (`word^2`, `"a b"~1`).
        let text = text.split(['^', '~']).next().unwrap_or("");
        let tokens = tokens(analyzer, text);
        if !tokens.is_empty() && !out.iter().any(|p| p.0 == tokens) {
            out.push(Pattern(tokens));
        }
    }
    out
}

/// The token texts of `text` under `analyzer`.
fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |t| out.push(t.text.clone()));
    out
}

/// Byte ranges of `text` that match any pattern, sorted, and merged where they touch or
/// only white space stands between them.
pub fn highlight(
    text: &str,
    patterns: &[Pattern],
    analyzer: &mut TextAnalyzer,
) -> Vec<(usize, usize)> {
    if patterns.is_empty() {
        return Vec::new();
    }
    let mut toks: Vec<(String, usize, usize)> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |t| toks.push((t.text.clone(), t.offset_from, t.offset_to)));
    let mut ranges = Vec::new();
    for p in patterns {
        let n = p.0.len();
        if n == 0 || n > toks.len() {
            continue;
        }
        for w in 0..=toks.len() - n {
            if (0..n).all(|k| toks[w + k].0 == p.0[k]) {
                ranges.push((toks[w].1, toks[w + n - 1].2));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            // Touching, or apart by white space only: one range, so that the words of
            // "Substantial NATO-Georgia Package" read as one highlight.
            Some(last)
                if s <= last.1 || text.get(last.1..s).is_some_and(|gap| gap.trim().is_empty()) =>
            {
                last.1 = last.1.max(e)
            }
            _ => merged.push((s, e)),
        }
    }
    merged.retain(|&(s, e)| {
        s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
    });
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenizerManager;

    fn analyzer() -> TextAnalyzer {
        TokenizerManager::default()
            .get("en_stem")
            .unwrap_or_else(|| panic!("en_stem is built in"))
    }

    #[test]
    fn query_patterns() {
        let cases: &[(&str, &[&[&str]])] = &[
            (
                "Substantial NATO-Georgia Package",
                &[&["substanti"], &["nato", "georgia"], &["packag"]],
            ),
            ("\"north atlantic\" -treaty", &[&["north", "atlant"]]),
            ("nato AND georgia OR NOT russia", &[&["nato"], &["georgia"]]),
            ("title:nato body:talks speaker:darchiashvili", &[&["talk"]]),
            (
                "+sanctions^2 \"grain corridor\"~1 (un",
                &[&["sanction"], &["grain", "corridor"], &["un"]],
            ),
            ("\"unclosed phrase", &[&["unclos", "phrase"]]),
            ("", &[]),
        ];
        let mut a = analyzer();
        for (q, want) in cases {
            let got = patterns(q, &mut a);
            let got: Vec<Vec<String>> = got.into_iter().map(|p| p.0).collect();
            let want: Vec<Vec<String>> = want
                .iter()
                .map(|p| p.iter().map(|s| s.to_string()).collect())
                .collect();
            assert_eq!(got, want, "{q}");
        }
    }

    #[test]
    fn highlights_phrases_whole_and_words_everywhere() {
        let mut a = analyzer();
        let text = "The Substantial NATO-Georgia Package, NATO said; Georgia talks. NATO-Georgia.";
        let pats = patterns("\"substantial NATO-Georgia package\" talking", &mut a);
        let got: Vec<&str> = highlight(text, &pats, &mut a)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(got, ["Substantial NATO-Georgia Package", "talks"]);
        let pats = patterns("substantial NATO-Georgia package", &mut a);
        let got: Vec<&str> = highlight(text, &pats, &mut a)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(got, ["Substantial NATO-Georgia Package", "NATO-Georgia"]);
        let pats = patterns("NATO-Georgia", &mut a);
        let got: Vec<&str> = highlight(text, &pats, &mut a)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(got, ["NATO-Georgia", "NATO-Georgia"]);
        // Multi-byte text: ranges stay on char boundaries.
        let text = "Минист„р“ сказал: «переговоры» — Переговоры.";
        let pats = patterns("переговоры", &mut a);
        let got: Vec<&str> = highlight(text, &pats, &mut a)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(got, ["переговоры", "Переговоры"]);
    }
}
