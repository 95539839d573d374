//! Metadata that travels with an article rather than inside its prose: a front-matter
//! block at the top of the file (`---` … `---`) and `manifest.jsonl` files beside the
//! articles. Parsing only; reading the manifest file is the caller's job.

use std::collections::HashMap;

use crate::extract::CalDate;

/// What metadata says about one article. Every field is optional; present fields win
/// over what extraction finds in the text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    pub date: Option<CalDate>,
    pub source: Option<String>,
    pub url: Option<String>,
}

impl Meta {
    /// Fills the fields that `self` lacks from `other`.
    pub fn or(mut self, other: &Meta) -> Meta {
        if self.title.is_none() {
            self.title = other.title.clone();
        }
        if self.date.is_none() {
            self.date = other.date;
        }
        if self.source.is_none() {
            self.source = other.source.clone();
        }
        if self.url.is_none() {
            self.url = other.url.clone();
        }
        self
    }

    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Meta::default()
    }
}

/// A front-matter block found at the top of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatter {
    pub meta: Meta,
    /// Byte offset where the article proper starts (just after the closing `---` line).
    pub body_start: usize,
}

/// Parses a `---` block of `key: value` lines at the very top of `text` (a UTF-8 byte-order
/// mark before it is allowed). Returns `None` when the text does not start with one or the
/// block is never closed.
pub fn parse_front_matter(text: &str) -> Option<FrontMatter> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_end = rest.find('\n')?;
    if rest[..first_end].trim_end() != "---" {
        return None;
    }
    let mut meta = Meta::default();
    let mut pos = start + first_end + 1;
    // A front matter block is short; give up on a file that merely starts with a rule.
    for _ in 0..200 {
        if pos >= text.len() {
            return None;
        }
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end_matches('\r');
        let next = (line_end + 1).min(text.len());
        if line.trim_end() == "---" || line.trim_end() == "..." {
            return Some(FrontMatter {
                meta,
                body_start: next,
            });
        }
        if let Some((key, value)) = line.split_once(':') {
            let value = unquote(value.trim());
            if !value.is_empty() {
                apply_field(&mut meta, key.trim(), value);
            }
        }
        pos = next;
    }
    None
}

/// Strips one pair of matching quotes around a YAML-ish scalar.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(q) && value.ends_with(q) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// Sets the field named `key` (case-insensitive, with common synonyms).
fn apply_field(meta: &mut Meta, key: &str, value: &str) {
    match key.to_ascii_lowercase().as_str() {
        "title" | "headline" => meta.title = Some(value.to_string()),
        "date" | "published" | "pubdate" | "published_at" => meta.date = parse_meta_date(value),
        "source" | "outlet" | "publisher" => meta.source = Some(value.to_string()),
        "url" | "link" => meta.url = Some(value.to_string()),
        _ => {}
    }
}

/// Reads a date from metadata: `YYYY-MM-DD`, optionally followed by a time
/// (`1987-02-26T15:01:01.79`, `2022-05-14 10:00`), or `YYYY-MM` / `YYYY`. Placeholder
/// dates before the year 1000 (`0001-01-01`) count as no date.
pub fn parse_meta_date(value: &str) -> Option<CalDate> {
    let value = value.trim();
    let head = value.split(['T', ' ']).next().unwrap_or(value);
    CalDate::parse(head).filter(|d| d.year >= 1000)
}

/// One manifest: metadata for the files of a folder, keyed by the path relative to the
/// manifest's folder as written in its `file` field ("articles/x.txt").
pub type Manifest = HashMap<String, Meta>;

/// Parses `manifest.jsonl` text. Lines that are not objects with a `file` string are
/// counted in the second value and otherwise ignored.
pub fn parse_manifest(text: &str) -> (Manifest, usize) {
    let mut out = Manifest::new();
    let mut bad = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Ok(serde_json::Value::Object(obj)) = serde_json::from_str::<serde_json::Value>(line)
        else {
            bad += 1;
            continue;
        };
        let Some(file) = obj.get("file").and_then(|v| v.as_str()) else {
            bad += 1;
            continue;
        };
        let mut meta = Meta::default();
        for (key, value) in &obj {
            if let Some(s) = value.as_str()
                && !s.trim().is_empty()
                && key != "file"
            {
                apply_field(&mut meta, key, s.trim());
            }
        }
        out.insert(file.trim_start_matches("./").to_string(), meta);
    }
    (out, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected title, date, source and body start of a front-matter block.
    type Want<'a> = Option<(&'a str, &'a str, &'a str, usize)>;

    #[test]
    fn front_matter_cases() {
        let cases: &[(&str, Want)] = &[
            (
                "---\ntitle: Talks resume\ndate: 2023-05-14\nsource: Caspian Courier\n---\nHead\n\nBody\n",
                Some(("Talks resume", "2023-05-14", "Caspian Courier", 69)),
            ),
            (
                "---\r\ntitle: \"Quoted: title\"\r\ndate: 2023-05-14T10:00:00Z\r\n---\r\nHead",
                Some(("Quoted: title", "2023-05-14", "", 62)),
            ),
            ("Head line\n\n---\ntitle: x\n---\n", None),
            ("---\ntitle: never closed\n", None),
            ("---", None),
            ("", None),
        ];
        for (text, want) in cases {
            let got = parse_front_matter(text);
            match (got, want) {
                (None, None) => {}
                (Some(fm), Some((title, date, source, body_start))) => {
                    assert_eq!(fm.meta.title.as_deref(), Some(*title), "{text:?}");
                    assert_eq!(fm.meta.date.map(|d| d.to_string()).as_deref(), Some(*date));
                    assert_eq!(fm.meta.source.as_deref().unwrap_or(""), *source);
                    assert_eq!(fm.body_start, *body_start, "{text:?}");
                    assert!(text.is_char_boundary(fm.body_start));
                }
                (got, want) => panic!("{text:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn meta_dates() {
        let cases = [
            ("1987-02-26T15:01:01.790000", Some("1987-02-26")),
            ("2005-08-20", Some("2005-08-20")),
            ("2022-05", Some("2022-05")),
            ("2022-13-45", None),
            ("0001-01-01", None),
            ("yesterday", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_meta_date(input).map(|d| d.to_string()).as_deref(),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn manifest_lines() {
        let text = concat!(
            r#"{"file": "articles/a.txt", "title": "A", "date": "1997-04-01", "source": "Agence X"}"#,
            "\n",
            r#"{"file": "articles/b.txt", "title": null, "date": null}"#,
            "\nnot json\n",
            r#"{"title": "no file"}"#,
            "\n"
        );
        let (m, bad) = parse_manifest(text);
        assert_eq!(bad, 2);
        assert_eq!(m.len(), 2);
        let a = &m["articles/a.txt"];
        assert_eq!(a.title.as_deref(), Some("A"));
        assert_eq!(a.source.as_deref(), Some("Agence X"));
        assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("1997-04-01"));
        assert!(m["articles/b.txt"].is_empty());
    }
}
