//! What an article says beyond its words: title, publication date, outlets, quotations
//! with their speakers, and the calendar dates it mentions. Everything here is pure
//! (`&str` in, data out): no files, no tantivy, no terminal.

pub mod dates;
pub mod quotes;

pub use dates::{CalDate, DateMention, Dateline};
pub use quotes::{Outlet, Quote, QuoteKind};

use crate::meta::{Meta, parse_front_matter};
use crate::passage::headline;

/// Raise when extraction finds different things in the same text: `attache index` then
/// analyses every file again (the version is part of each file's fingerprint).
pub const EXTRACT_VERSION: u32 = 2;

/// Where an article's publication date came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// Front matter or a manifest.
    Metadata,
    /// A wire dateline at the top of the body ("KUALA LUMPUR, April 1, 1997 (AFP) -").
    Dateline,
    /// A date line near the top of the text ("December 10, 2013").
    Text,
    /// No publication date is known; none is invented.
    None,
}

impl DateSource {
    /// The lowercase name used in JSON and in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Metadata => "metadata",
            DateSource::Dateline => "dateline",
            DateSource::Text => "text",
            DateSource::None => "none",
        }
    }

    /// The inverse of [`DateSource::as_str`].
    pub fn from_name(name: &str) -> DateSource {
        match name {
            "metadata" => DateSource::Metadata,
            "dateline" => DateSource::Dateline,
            "text" => DateSource::Text,
            _ => DateSource::None,
        }
    }
}

/// Everything extraction found in one article. Offsets are UTF-8 byte offsets into the
/// text that was analysed (the whole file as read, front matter included).
#[derive(Clone, Debug)]
pub struct Article {
    pub title: String,
    /// Where the article proper starts: after front matter and a byte-order mark.
    pub body_start: usize,
    pub published: Option<CalDate>,
    pub date_source: DateSource,
    /// The publisher first (metadata, else the dateline's agency), then every outlet a
    /// statement was given to, each once.
    pub sources: Vec<String>,
    pub quotes: Vec<Quote>,
    pub dates: Vec<DateMention>,
}

/// Analyses one article. `meta` is what a manifest says about the file (front matter in
/// the text wins over it); `reference` resolves partial and relative dates and defaults
/// to the publication date.
pub fn analyze(text: &str, meta: &Meta, reference: Option<CalDate>) -> Article {
    let (meta, body_start) = match parse_front_matter(text) {
        Some(fm) => (fm.meta.or(meta), fm.body_start),
        None => (meta.clone(), usize::from(text.starts_with('\u{feff}')) * 3),
    };
    let body = &text[body_start..];

    let dateline = dates::find_dateline(body, reference);
    let (published, date_source) = if let Some(d) = meta.date {
        (Some(d), DateSource::Metadata)
    } else if let Some(d) = dateline
        .as_ref()
        .and_then(|d| d.date)
        .filter(|d| d.day.is_some())
    {
        (Some(d), DateSource::Dateline)
    } else if let Some((d, _, _)) = dates::find_published(body) {
        (Some(d), DateSource::Text)
    } else {
        (None, DateSource::None)
    };

    let title = meta.title.clone().unwrap_or_else(|| {
        headline(body, 0)
            .map(|h| body[h.start..h.end].to_string())
            .unwrap_or_default()
    });

    let mut quotes = quotes::find_quotes(body);
    for q in &mut quotes {
        q.start += body_start;
        q.end += body_start;
        q.outlet = q
            .outlet
            .take()
            .map(|o| clean_name(&o))
            .filter(|o| !o.is_empty());
    }
    let day_reference = reference.or(published.filter(|d| d.day.is_some()));
    let mut dates = dates::find_dates(body, day_reference);
    for d in &mut dates {
        d.start += body_start;
        d.end += body_start;
    }

    let mut sources = Vec::new();
    let publisher = meta
        .source
        .clone()
        .or_else(|| dateline.as_ref().and_then(|d| d.agency.clone()));
    let outlets = quotes::find_outlets(body);
    let named = publisher
        .into_iter()
        .chain(outlets.into_iter().map(|o| clean_name(&o.name)))
        .chain(quotes.iter().filter_map(|q| q.outlet.clone()));
    for name in named {
        push_unique(&mut sources, name);
    }

    Article {
        title,
        body_start,
        published,
        date_source,
        sources,
        quotes,
        dates,
    }
}

/// An outlet or speaker name without the punctuation a sentence left on it.
fn clean_name(name: &str) -> String {
    name.trim()
        .trim_end_matches(['.', ',', ';', ':', ')', '»', '“', '”', '"'])
        .trim()
        .to_string()
}

/// Pushes `name` unless an entry equal to it up to case is already there.
pub fn push_unique(list: &mut Vec<String>, name: String) {
    let name = name.trim();
    if !name.is_empty() && !list.iter().any(|s| s.eq_ignore_ascii_case(name)) {
        list.push(name.to_string());
    }
}
