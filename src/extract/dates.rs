//! Date extraction: calendar dates mentioned in news text, wire datelines and the
//! publication date an article states about itself.
//!
//! This module owns the recognition of date expressions in English, German and
//! Russian ("14 May 2022", "May 14 , 1997", "14. Mai 2022", "14 мая 2022 года",
//! "2022-05-14", "14.05.2022", "May 2022", "1997") and their resolution against a
//! reference date ("May 14", "yesterday", "last Tuesday", "this past February",
//! "next year", "gestern", "вчера").
//!
//! Only calendar values are produced: a year, a month of a year or a day. Weeks,
//! quarters, seasons, decades, durations and vague references ("now", "recently")
//! are never reported.
//!
//! Resolution conventions (those of TimeML news annotation): a bare weekday is the
//! latest such day on or before the reference unless the clause speaks of the future
//! ("will meet Tuesday"); a month or day without a year is the latest one not more
//! than about two months (months) or 100 days (days) after the reference; "last",
//! "next", "this past" move strictly back or forward. Without a reference nothing
//! that lacks its own year is reported. The date inside a wire dateline at the top
//! belongs to [`find_dateline`], not to [`find_dates`].
//!
//! Invariants: pure functions from `&str` to data, no I/O, no panics on any input,
//! linear time in the length of the text (every pattern is a `regex` automaton,
//! every context look-up reads a bounded window, and overlapping candidates are
//! settled in `O(n log n)` of their number), and every offset returned lies on
//! a UTF-8 character boundary of the input.

use regex::{Captures, Regex};
use std::collections::BTreeMap;
use std::fmt;

use super::rx::{self, Local, WordRegex};

/// A calendar value at year, month or day precision (month/day are 1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CalDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl CalDate {
    /// A full date, or `None` when the day does not exist (leap years included).
    pub fn ymd(year: i32, month: u8, day: u8) -> Option<CalDate> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(CalDate {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    /// A month of a year, or `None` for a month outside 1..=12.
    fn ym(year: i32, month: u8) -> Option<CalDate> {
        if !(1..=12).contains(&month) {
            return None;
        }
        Some(CalDate {
            year,
            month: Some(month),
            day: None,
        })
    }

    /// A whole year.
    fn y(year: i32) -> CalDate {
        CalDate {
            year,
            month: None,
            day: None,
        }
    }

    /// Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (four-digit year, zero-padded
    /// month and day), validating the calendar; `None` for anything else.
    pub fn parse(s: &str) -> Option<CalDate> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| -> Option<u32> {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok()
            } else {
                None
            }
        };
        match parts.as_slice() {
            [y] => Some(CalDate::y(num(y, 4)? as i32)),
            [y, m] => CalDate::ym(num(y, 4)? as i32, num(m, 2)? as u8),
            [y, m, d] => CalDate::ymd(num(y, 4)? as i32, num(m, 2)? as u8, num(d, 2)? as u8),
            _ => None,
        }
    }

    /// True when the value has day precision.
    fn is_full(&self) -> bool {
        self.month.is_some() && self.day.is_some()
    }
}

impl fmt::Display for CalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// One date expression found in a text: its byte span and its calendar value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub value: CalDate,
}

/// A wire dateline at the start of an article body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dateline {
    pub start: usize,
    pub end: usize,
    pub place: Option<String>,
    pub date: Option<CalDate>,
    pub agency: Option<String>,
}

// ---------------------------------------------------------------------------
// Calendar arithmetic
// ---------------------------------------------------------------------------

/// True for Gregorian leap years.
fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in a month (0 for an invalid month).
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a valid civil date (H. Hinnant's algorithm).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01; `None` outside the `i32` year range.
fn civil_from_days(days: i64) -> Option<CalDate> {
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    CalDate::ymd(i32::try_from(year).ok()?, month, day)
}

/// Day count of a full date.
fn day_number(d: CalDate) -> Option<i64> {
    Some(days_from_civil(d.year, d.month?, d.day?))
}

/// Adds a number of days to a full date.
fn add_days(d: CalDate, n: i64) -> Option<CalDate> {
    civil_from_days(day_number(d)?.checked_add(n)?)
}

/// Adds a number of months to the month of `d`, giving month precision.
fn add_months(d: CalDate, n: i32) -> Option<CalDate> {
    let total = d.year.checked_mul(12)? + i32::from(d.month?) - 1 + n;
    CalDate::ym(total.div_euclid(12), (total.rem_euclid(12) + 1) as u8)
}

/// Weekday of a full date, 0 = Monday .. 6 = Sunday.
fn weekday(d: CalDate) -> Option<i64> {
    // 1970-01-01 was a Thursday (3).
    Some((day_number(d)? + 3).rem_euclid(7))
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

const MON_EN_FULL: &str =
    "January|February|March|April|May|June|July|August|September|October|November|December";
const MON_EN_ABBR: &str = "Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec";
const MON_DE: &str =
    "Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember";
const MON_RU: &str = "[Яя]нвар[ьяе]|[Фф]еврал[ьяе]|[Мм]арта|[Мм]арте|[Мм]арт|[Аа]прел[ьяе]|[Мм]а[йяе]|[Ии]юн[ьяе]|[Ии]юл[ьяе]|[Аа]вгуста|[Аа]вгусте|[Аа]вгуст|[Сс]ентябр[ьяе]|[Оо]ктябр[ьяе]|[Нн]оябр[ьяе]|[Дд]екабр[ьяе]";
const WD_EN: &str = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";
const WD_DE: &str = "Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag";

/// Whether `word` is an English or German month name as written ("December", "Dezember").
pub fn is_month_word(word: &str) -> bool {
    MON_EN_FULL
        .split('|')
        .chain(MON_DE.split('|'))
        .any(|m| m == word)
}

/// Month number of a month word in any of the supported languages.
fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_lowercase();
    let en = [
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
        ("jän", 1),
        ("mär", 3),
        ("mai", 5),
        ("okt", 10),
        ("dez", 12),
    ];
    if w.is_ascii() || w.starts_with("jän") || w.starts_with("mär") {
        let p: String = w.chars().take(3).collect();
        return en.iter().find(|(k, _)| *k == p).map(|&(_, m)| m);
    }
    let ru = [
        ("январ", 1),
        ("феврал", 2),
        ("март", 3),
        ("апрел", 4),
        ("июн", 6),
        ("июл", 7),
        ("август", 8),
        ("сентябр", 9),
        ("октябр", 10),
        ("ноябр", 11),
        ("декабр", 12),
    ];
    if matches!(w.as_str(), "май" | "мая" | "мае") {
        return Some(5);
    }
    ru.iter().find(|(k, _)| w.starts_with(k)).map(|&(_, m)| m)
}

/// Weekday number (0 = Monday) of a weekday word in any supported language.
fn weekday_number(word: &str) -> Option<i64> {
    let w = word.to_lowercase();
    let table: [(&str, i64); 22] = [
        ("monday", 0),
        ("tuesday", 1),
        ("wednesday", 2),
        ("thursday", 3),
        ("friday", 4),
        ("saturday", 5),
        ("sunday", 6),
        ("montag", 0),
        ("dienstag", 1),
        ("mittwoch", 2),
        ("donnerstag", 3),
        ("freitag", 4),
        ("samstag", 5),
        ("sonnabend", 5),
        ("sonntag", 6),
        ("понедельник", 0),
        ("вторник", 1),
        ("среду", 2),
        ("четверг", 3),
        ("пятницу", 4),
        ("субботу", 5),
        ("воскресенье", 6),
    ];
    table.iter().find(|(k, _)| *k == w).map(|&(_, n)| n)
}

/// Value of a small count word ("two", "3").
fn count_number(word: &str) -> Option<i64> {
    let w = word.to_lowercase();
    let words = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    if w == "a" || w == "an" {
        return Some(1);
    }
    if let Some(i) = words.iter().position(|x| *x == w) {
        return Some(i as i64);
    }
    w.parse().ok()
}

// ---------------------------------------------------------------------------
// Context helpers (bounded windows, char-boundary safe)
// ---------------------------------------------------------------------------

/// The largest char boundary of `s` not above `i`.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` not below `i`.
fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Up to `n` bytes of text before `pos`.
fn before(text: &str, pos: usize, n: usize) -> &str {
    let pos = floor_boundary(text, pos);
    &text[ceil_boundary(text, pos.saturating_sub(n))..pos]
}

/// Up to `n` bytes of text after `pos`.
fn after(text: &str, pos: usize, n: usize) -> &str {
    let pos = ceil_boundary(text, pos);
    &text[pos..floor_boundary(text, pos.saturating_add(n))]
}

/// The word (letters and apostrophes) immediately before `pos`, skipping spaces, lowercased.
fn prev_word(text: &str, pos: usize) -> String {
    let w = before(text, pos, 40).trim_end();
    let rev: String = w
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '\'' || *c == '-')
        .collect();
    rev.chars().rev().collect::<String>().to_lowercase()
}

/// The word immediately after `pos`, skipping spaces (case kept).
fn next_word(text: &str, pos: usize) -> &str {
    let w = after(text, pos, 40);
    let w = w.trim_start();
    let end = w
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '\''))
        .map_or(w.len(), |(i, _)| i);
    &w[..end]
}

/// Nouns after a genitive deictic that make it stand for an era rather than a day or a
/// year ("today's world", "tomorrow's generations"), as TimeML reads them.
const GENERIC_AFTER_GENITIVE: &[&str] = &[
    "world",
    "globalized",
    "globalised",
    "interdependent",
    "interconnected",
    "changing",
    "complex",
    "modern",
    "society",
    "societies",
    "standards",
    "generation",
    "generations",
    "youth",
    "young",
    "children",
    "kids",
    "leaders",
    "culture",
    "age",
    "era",
    "realities",
    "reality",
    "challenges",
    "threats",
    "problems",
    "conditions",
    "circumstances",
    "terms",
    "economy",
    "international",
    "global",
    "geopolitical",
    "security",
    "conflicts",
    "crises",
    "and",
];

/// True when a deictic ending at `pos` is a genitive of an era ("today's world") rather
/// than of a day or a year ("today's vote", "last month's explosion").
fn generic_genitive(text: &str, pos: usize) -> bool {
    let rest = &text[ceil_boundary(text, pos)..];
    let Some(rest) = rest.strip_prefix("'s").or_else(|| rest.strip_prefix("’s")) else {
        return false;
    };
    let next = next_word(rest, 0).to_lowercase();
    GENERIC_AFTER_GENITIVE.contains(&next.as_str())
}

/// The clause before `pos` (up to 100 bytes, cut at the last sentence end), lowercased.
fn clause_before(text: &str, pos: usize) -> String {
    let w = before(text, pos, 100);
    let cut = w.rfind(['.', '!', '?', '\n', ';']).map_or(0, |i| i + 1);
    w[cut..].to_lowercase()
}

/// Direction in which a partial date is resolved against the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    /// On or before the reference.
    Past,
    /// On or after the reference.
    Future,
    /// The latest candidate not more than a little (`slack` units) after the reference:
    /// news mostly reports what has happened, sometimes what is just ahead.
    Recent(i64),
}

/// Words that, met first when reading back from a date, put it in the future.
const FUTURE_CUES: &[&str] = &[
    "will",
    "'ll",
    "shall",
    "would",
    "planned",
    "postponed",
    "scheduled",
    "expected",
    "due",
    "next",
    "wird",
    "werden",
    "soll",
    "sollen",
    "bis",
    "будет",
    "будут",
    "состоится",
    "планирует",
];

/// Words that, met first when reading back from a date, put it in the past.
const PAST_CUES: &[&str] = &[
    "said",
    "says",
    "told",
    "announced",
    "reported",
    "was",
    "were",
    "had",
    "did",
    "ago",
    "last",
    "earlier",
    "since",
    "predicted",
    "began",
    "ended",
    "closed",
    "met",
    "sagte",
    "teilte",
    "war",
    "waren",
    "hatte",
    "заявил",
    "сообщил",
    "был",
    "была",
    "были",
];

/// Reads the clause before `start` backwards (at most eight words) and decides whether a
/// partial date there lies ahead of the reference ("will meet Tuesday", "until Monday").
fn future_context(text: &str, start: usize) -> bool {
    let clause = clause_before(text, start);
    if clause.trim_end().ends_with("as soon as") || clause.trim_end().ends_with("as early as") {
        return true;
    }
    let words: Vec<&str> = clause
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    for w in words.iter().rev().take(8) {
        if PAST_CUES.contains(w) || w.ends_with("n't") && *w != "won't" {
            return false;
        }
        if FUTURE_CUES.contains(w) || *w == "won't" || w.ends_with("'ll") {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------
// Resolution of partial dates
// ---------------------------------------------------------------------------

/// Resolves a month and day without a year against the reference.
fn resolve_month_day(month: u8, day: u8, reference: CalDate, dir: Dir) -> Option<CalDate> {
    let rn = day_number(reference)?;
    let cands: Vec<(CalDate, i64)> = [reference.year - 1, reference.year, reference.year + 1]
        .iter()
        .filter_map(|&y| CalDate::ymd(y, month, day))
        .filter_map(|d| Some((d, day_number(d)? - rn)))
        .collect();
    pick(cands, dir)
}

/// Resolves a month without a year against the reference.
fn resolve_month(month: u8, reference: CalDate, dir: Dir) -> Option<CalDate> {
    let rm = i64::from(reference.year) * 12 + i64::from(reference.month?);
    let cands: Vec<(CalDate, i64)> = [reference.year - 1, reference.year, reference.year + 1]
        .iter()
        .filter_map(|&y| CalDate::ym(y, month))
        .map(|d| (d, i64::from(d.year) * 12 + i64::from(month) - rm))
        .collect();
    pick(cands, dir)
}

/// Picks among candidates given with their signed distance to the reference.
fn pick(cands: Vec<(CalDate, i64)>, dir: Dir) -> Option<CalDate> {
    let ok = |d: i64| match dir {
        Dir::Past => d <= 0,
        Dir::Future => d >= 0,
        Dir::Recent(slack) => d <= slack,
    };
    let ok_cands = cands.into_iter().filter(|&(_, d)| ok(d));
    match dir {
        Dir::Recent(_) => ok_cands.max_by_key(|&(_, d)| d).map(|(c, _)| c),
        _ => ok_cands.min_by_key(|&(_, d)| d.abs()).map(|(c, _)| c),
    }
}

/// Resolves a weekday against the reference: the most recent one on or before it
/// (`Past`) or the first one on or after it (`Future`); `strict` ("last", "next")
/// excludes the reference day itself.
fn resolve_weekday(wd: i64, reference: CalDate, dir: Dir, strict: bool) -> Option<CalDate> {
    let rw = weekday(reference)?;
    let offset = match dir {
        Dir::Future => {
            let d = (wd - rw).rem_euclid(7);
            if d == 0 && strict { 7 } else { d }
        }
        _ => {
            let d = (rw - wd).rem_euclid(7);
            if d == 0 && strict { -7 } else { -d }
        }
    };
    add_days(reference, offset)
}

// ---------------------------------------------------------------------------
// Candidates
// ---------------------------------------------------------------------------

/// A candidate mention before overlaps are settled.
#[derive(Clone, Copy, Debug)]
struct Cand {
    start: usize,
    end: usize,
    value: CalDate,
}

/// Span of a capture group, or the whole match.
fn span(c: &Captures, name: &str) -> Option<(usize, usize)> {
    c.name(name).map(|m| (m.start(), m.end()))
}

/// A four-digit year capture as a plausible year (1000..=2100).
fn year_of(c: &Captures, name: &str) -> Option<i32> {
    let y: i32 = c.name(name)?.as_str().parse().ok()?;
    (1000..=2100).contains(&y).then_some(y)
}

/// A one- or two-digit day capture.
fn day_of(c: &Captures, name: &str) -> Option<u8> {
    c.name(name)?.as_str().parse().ok()
}

/// Builds a day value: with the written year, or resolved against the reference.
fn day_value(
    text: &str,
    year: Option<i32>,
    month: u8,
    day: u8,
    reference: Option<CalDate>,
    s: usize,
) -> Option<CalDate> {
    match year {
        Some(y) => CalDate::ymd(y, month, day),
        None => {
            let r = reference?;
            // The day must exist in some year (29 February included).
            CalDate::ymd(2000, month, day)?;
            let dir = if future_context(text, s) {
                Dir::Future
            } else {
                Dir::Recent(100)
            };
            resolve_month_day(month, day, r, dir)
        }
    }
}

/// Day before month: "14 May 2022", "14. Mai", "14 мая 2022 года", "14 and 15 May", "14th of May".
static RE_DMY: Local<WordRegex> = Local::new(|| {
    WordRegex::new(&format!(
        r"\b(?P<d1>\d{{1,2}})(?:\.|st|nd|rd|th)?(?:\s*(?:-|–|and|und|bis|to|или|и)\s*(?P<d2>\d{{1,2}})(?:\.|st|nd|rd|th)?)?\s+(?:of\s+)?(?P<mon>(?:{MON_EN_FULL}|{MON_DE}|{MON_RU})\b|(?:{MON_EN_ABBR})\b\.?)(?:\s*,?\s*(?P<y>\d{{4}})\b(?:\s*(?:года|году|г\.))?)?"
    ))
    .expect("valid regex")
});

/// Month before day: "May 14, 2022", "May 14 , 1997", "Sept. 11", "May 14-15".
static RE_MDY: Local<WordRegex> = Local::new(|| {
    WordRegex::new(&format!(
        r"\b(?P<mon>{MON_EN_FULL}|{MON_EN_ABBR})\b\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s*(?:-|–|and|to|through)\s*(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)?(?:\s*,?\s*(?P<y>\d{{4}})\b)?"
    ))
    .expect("valid regex")
});

/// Month and year: "May 2022", "Mai 2022", "мае 2022 года".
static RE_MY: Local<WordRegex> = Local::new(|| {
    WordRegex::new(&format!(
        r"\b(?P<mon>(?:{MON_EN_FULL}|{MON_DE}|{MON_RU})\b|(?:{MON_EN_ABBR})\b\.?)\s*,?\s+(?:of\s+)?(?P<y>\d{{4}})\b(?:\s*(?:года|году|г\.))?"
    ))
    .expect("valid regex")
});

/// A bare English or German month name; accepted only with cues (see `bare_month_ok`).
static RE_MONTH: Local<WordRegex> = Local::new(|| {
    WordRegex::new(&format!(r"\b(?P<mon>{MON_EN_FULL}|{MON_DE})\b")).expect("valid regex")
});

/// A Russian month after a preposition: "в мае", "с января", "в прошлом мае".
static RE_MONTH_RU: Local<WordRegex> = Local::new(|| {
    WordRegex::new(
        r"\b(?:[Вв]о?|[Сс]|[Дд]о|[Кк])\s+(?:(?P<mod>прошлом|этом|следующем)\s+)?(?P<mon>[Яя]нваре|[Фф]еврале|[Мм]арте|[Аа]преле|[Мм]ае|[Ии]юне|[Ии]юле|[Аа]вгусте|[Сс]ентябре|[Оо]ктябре|[Нн]оябре|[Дд]екабре|[Яя]нвар[ья]|[Фф]еврал[ья]|[Мм]арта|[Аа]прел[ья]|[Мм]ая|[Ии]юн[ья]|[Ии]юл[ья]|[Аа]вгуста|[Сс]ентябр[ья]|[Оо]ктябр[ья]|[Нн]оябр[ья]|[Дд]екабр[ья])\b",
    )
    .expect("valid regex")
});

/// All-digit dates: ISO "2022-05-14", dotted "14.05.2022", US slashed "5/14/2022".
static RE_NUMERIC: Local<Regex> = Local::new(|| {
    rx::compile(
        r"(?-u:\b)(?:(?P<iy>[0-9]{4})-(?P<im>[0-9]{2})-(?P<id>[0-9]{2})|(?P<dd>[0-9]{1,2})\.(?P<dm>[0-9]{1,2})\.(?P<dy>[0-9]{4})|(?P<sm>[0-9]{1,2})/(?P<sd>[0-9]{1,2})/(?P<sy>[0-9]{4}))(?-u:\b)",
    )
    .expect("valid regex")
});

/// A four-digit number, filtered into years by `years`.
static RE_YEAR: Local<Regex> =
    Local::new(|| rx::compile(r"(?-u:\b)(?P<y>[0-9]{4})(?-u:\b)").expect("valid regex"));

/// Days named relative to the reference: "today", "yesterday", "gestern", "вчера".
static RE_DEICTIC: Local<WordRegex> = Local::new(|| {
    WordRegex::new(
        r"\b(?P<w>[Tt]oday|TODAY|[Tt]onight|[Yy]esterday|[Tt]omorrow|[Tt]his\s+(?:morning|afternoon|evening)|[Ll]ast\s+night|[Hh]eute|[Gg]estern|[Vv]orgestern|morgen|übermorgen|[Сс]егодня|[Вв]чера|[Пп]озавчера|[Зз]автра|[Пп]ослезавтра)\b",
    )
    .expect("valid regex")
});

/// A modifier ending the text before a weekday ("last ", "this coming ", "vergangenen ").
static RE_WEEKDAY_MOD: Local<Regex> = Local::new(|| {
    rx::compile(
        r"(?:^|[^\p{L}])(?P<mod>[Ll]ast|[Nn]ext|[Tt]his\s+past|[Tt]his\s+coming|[Tt]his|[Vv]ergangenen|[Ll]etzten|[Kk]ommenden|[Nn]ächsten|[Пп]рошл(?:ый|ую|ое)|[Сс]ледующ(?:ий|ую|ее))\s+$",
    )
    .expect("valid regex")
});

/// A weekday name; its modifier is read by `RE_WEEKDAY_MOD`.
static RE_WEEKDAY: Local<WordRegex> = Local::new(|| {
    WordRegex::new(&format!(
        r"\b(?P<wd>{WD_EN}|{WD_DE}|[Пп]онедельник|[Вв]торник|[Сс]реду|[Чч]етверг|[Пп]ятницу|[Сс]убботу|[Вв]оскресенье)(?P<pl>s)?\b"
    ))
    .expect("valid regex")
});

/// A date right after a weekday ("Friday, May 14"), anchored at the start of a window.
static RE_DATE_AHEAD: Local<WordRegex> = Local::new(|| {
    WordRegex::new(&format!(
        r"^,?\s+(?:(?:{MON_EN_FULL}|{MON_EN_ABBR}|{MON_DE})\b\.?\s+\d{{1,2}}\b|\d{{1,2}}(?:\.|st|nd|rd|th)?\s+(?:of\s+)?(?:{MON_EN_FULL}|{MON_EN_ABBR}|{MON_DE}|{MON_RU})\b|den\s+\d{{1,2}}\.)"
    ))
    .expect("valid regex")
});

/// A month with a relative year: "June last year", "Mai vergangenen Jahres", "мае прошлого года".
static RE_MONTH_REL_YEAR: Local<WordRegex> = Local::new(|| {
    WordRegex::new(&format!(
        r"\b(?P<mon>{MON_EN_FULL}|{MON_DE}|{MON_RU})\s+(?:of\s+)?(?P<mod>this|last|next|vergangenen|letzten|vorigen|dieses|nächsten|kommenden|прошлого|этого|следующего|текущего)\s+(?:year|Jahres|года)\b"
    ))
    .expect("valid regex")
});

/// Years in words: "nineteen ninety-six", "the year two thousand".
static RE_SPELLED_YEAR: Local<WordRegex> = Local::new(|| {
    WordRegex::new(
        r"\b(?:[Nn]ineteen[\s-]+(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?P<ones>one|two|three|four|five|six|seven|eight|nine))?|[Nn]ineteen[\s-]+(?P<teen>ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)|[Tt]he\s+year\s+two\s+thousand(?:\s+(?:and\s+)?(?P<ones2>one|two|three|four|five|six|seven|eight|nine))?)\b",
    )
    .expect("valid regex")
});

/// Holidays with a fixed rule: Thanksgiving, Christmas Day/Eve, New Year's Day/Eve.
static RE_HOLIDAY: Local<WordRegex> = Local::new(|| {
    WordRegex::new(
        r"\b(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<h>Thanksgiving(?:\s+Day)?|Christmas\s+(?:Day|Eve)|New\s+Year['’]s\s+(?:Day|Eve))\b",
    )
    .expect("valid regex")
});

/// A relative year or month: "last year", "this month", "im vergangenen Jahr", "в прошлом году".
static RE_REL_UNIT: Local<WordRegex> = Local::new(|| {
    WordRegex::new(
        r"\b(?P<mod>[Tt]his|[Ll]ast|[Nn]ext|[Ee]arlier\s+this|[Ll]ater\s+this|[Ee]arly\s+(?:this|next|last)|[Ll]ate\s+(?:this|next|last)|[Tt]he\s+(?:previous|past|last|next|coming|current|prior)|(?:[Ii]m\s+)?(?:[Vv]ergangene[nms]?|[Ll]etzte[nms]?|[Vv]orige[nms]?|[Kk]ommende[nms]?|[Nn]ächste[nms]?|[Dd]iese[nms]?|[Ll]aufende[nms]?)|(?:[Вв]\s+)?(?:прошлом|этом|следующем|текущем|позапрошлом))\s+(?P<unit>year|month|Jahr(?:es|s)?|Monat(?:s)?|году|месяце)\b",
    )
    .expect("valid regex")
});

/// The year of the story, named without a number: "for the year", "the full year",
/// "the end of the year", "earlier in the year", "by year end", "by year's end".
static RE_THE_YEAR: Local<Regex> = Local::new(|| {
    rx::compile(
        r"(?-u:\b)(?:[Tt]he\s+end\s+of\s+the\s+year|[Tt]he\s+(?:(?:full|entire|whole)\s+)?year|year[\s-]end|year['’]s\s+end)(?-u:\b)",
    )
    .expect("valid regex")
});

/// A count ending the text before "years ago" ("two ", "a ", "3 ").
static RE_AGO_COUNT: Local<Regex> = Local::new(|| {
    rx::compile(
        r"(?:^|[^\p{L}\p{N}])(?P<n>[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine|[Tt]en|[Ee]leven|[Tt]welve|\d{1,2})\s+$",
    )
    .expect("valid regex")
});

/// "years ago", "months earlier" (the count is read by `RE_AGO_COUNT`), "year-ago".
static RE_AGO: Local<WordRegex> = Local::new(|| {
    WordRegex::new(
        r"\b(?P<unit>years?|months?|weeks?|days?)\s+(?:ago|earlier)\b|\b(?P<adj>[Yy]ear-(?:earlier|ago))\b",
    )
    .expect("valid regex")
});

/// A month with a modifier: "last October", "this past February", "next March".
static RE_REL_MONTH: Local<WordRegex> = Local::new(|| {
    WordRegex::new(&format!(
        r"\b(?P<mod>[Tt]his\s+past|[Tt]his\s+coming|[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<mon>{MON_EN_FULL})\b"
    ))
    .expect("valid regex")
});

/// Pushes one mention per day of "14 and 15 May" / "May 14-15" style matches.
fn push_days(
    out: &mut Vec<Cand>,
    text: &str,
    c: &Captures,
    reference: Option<CalDate>,
    day_first: bool,
) {
    let Some(month) = c.name("mon").and_then(|m| month_number(m.as_str())) else {
        return;
    };
    let Some(whole) = c.get(0) else { return };
    let year = year_of(c, "y");
    if c.name("y").is_some() && year.is_none() {
        return;
    }
    let (s, e) = (whole.start(), whole.end());
    let d1 = day_of(c, "d1");
    let d2 = day_of(c, "d2");
    match (d1, d2) {
        (Some(a), Some(b)) if a < b => {
            let (as_, ae) = span(c, "d1").unwrap_or((s, e));
            let (bs, be) = span(c, "d2").unwrap_or((s, e));
            let (first, second) = if day_first {
                ((as_, ae), (bs, e))
            } else {
                ((s, ae), (bs, be.max(e)))
            };
            if let Some(v) = day_value(text, year, month, a, reference, s) {
                out.push(Cand {
                    start: first.0,
                    end: first.1,
                    value: v,
                });
            }
            if let Some(v) = day_value(text, year, month, b, reference, s) {
                out.push(Cand {
                    start: second.0,
                    end: second.1,
                    value: v,
                });
            }
        }
        (Some(a), _) => {
            if let Some(v) = day_value(text, year, month, a, reference, s) {
                out.push(Cand {
                    start: s,
                    end: e,
                    value: v,
                });
            }
        }
        _ => {}
    }
}

/// Day-month-year and month-day-year written with month names.
fn named_days(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    for c in RE_DMY.local().captures_iter(text) {
        push_days(out, text, &c, reference, true);
    }
    for c in RE_MDY.local().captures_iter(text) {
        push_days(out, text, &c, reference, false);
    }
}

/// "May 2022", "Mai 2022", "мае 2022 года".
fn month_years(text: &str, out: &mut Vec<Cand>) {
    for c in RE_MY.local().captures_iter(text) {
        let (Some(m), Some(y), Some(w)) = (
            c.name("mon").and_then(|m| month_number(m.as_str())),
            year_of(&c, "y"),
            c.get(0),
        ) else {
            continue;
        };
        if let Some(v) = CalDate::ym(y, m) {
            out.push(Cand {
                start: w.start(),
                end: w.end(),
                value: v,
            });
        }
    }
}

/// Words before a bare month name that make it a month ("in March", "Ende Mai").
const MONTH_CUES: &[&str] = &[
    "in", "since", "until", "till", "by", "of", "early", "late", "mid", "mid-", "from", "through",
    "before", "after", "during", "last", "next", "this", "past", "and", "or", "to", "between",
    "im", "anfang", "ende", "mitte", "seit", "bis", "ab", "vom", "zum", "monat", "des", "für",
    "bereits", "noch", "schon", "und", "oder", "zwischen",
];

/// True when a bare English or German month name is really a month at `s..e`.
fn bare_month_ok(text: &str, s: usize, e: usize, word: &str) -> bool {
    let pw = prev_word(text, s);
    let nw = next_word(text, e);
    let german = matches!(
        word,
        "Januar" | "Jänner" | "Februar" | "März" | "Mai" | "Juni" | "Juli" | "Oktober" | "Dezember"
    );
    let cue = MONTH_CUES.contains(&pw.as_str())
        || pw.ends_with("mid-")
        || matches!(word, "April" | "June") && (pw == "a" || pw == "the");
    let ambiguous = matches!(word, "May" | "March" | "August" | "April" | "June") || german;
    if word == "March" {
        let nl = nw.to_lowercase();
        if [
            "on", "to", "through", "against", "in", "past", "into", "from",
        ]
        .contains(&nl.as_str())
            || [
                "will", "would", "could", "can", "should", "must", "they", "we", "who", "a",
            ]
            .contains(&pw.as_str())
        {
            return false;
        }
    }
    // A following capitalised word suggests a name ("August Strindberg", "April Smith").
    let name_follows = nw.chars().next().is_some_and(|c| c.is_uppercase())
        && !nw.chars().all(|c| c.is_ascii_digit());
    if ambiguous {
        cue && !(name_follows && word != "March")
    } else {
        !name_follows || cue
    }
}

/// Bare month names resolved against the reference ("in March", "im Mai", "в мае").
fn bare_months(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    let Some(r) = reference else { return };
    for c in RE_MONTH.local().captures_iter(text) {
        let Some(m) = c.name("mon") else { continue };
        if !bare_month_ok(text, m.start(), m.end(), m.as_str()) {
            continue;
        }
        let Some(month) = month_number(m.as_str()) else {
            continue;
        };
        let pw = prev_word(text, m.start());
        let dir = match pw.as_str() {
            "last" | "past" => Dir::Past,
            "next" | "by" | "through" | "until" | "till" | "bis" => Dir::Future,
            _ if future_context(text, m.start()) => Dir::Future,
            _ => Dir::Recent(2),
        };
        let strict = matches!(pw.as_str(), "last" | "past" | "next");
        let v = if strict {
            resolve_month_strict(month, r, dir)
        } else {
            resolve_month(month, r, dir)
        };
        if let Some(v) = v {
            out.push(Cand {
                start: m.start(),
                end: m.end(),
                value: v,
            });
        }
    }
    for c in RE_MONTH_RU.local().captures_iter(text) {
        let (Some(m), Some(w)) = (c.name("mon"), c.get(0)) else {
            continue;
        };
        let Some(month) = month_number(m.as_str()) else {
            continue;
        };
        let v = match c.name("mod").map(|x| x.as_str().to_lowercase()) {
            Some(x) if x == "прошлом" => resolve_month_strict(month, r, Dir::Past),
            Some(x) if x == "следующем" => resolve_month_strict(month, r, Dir::Future),
            _ => resolve_month(month, r, Dir::Recent(2)),
        };
        if let Some(v) = v {
            out.push(Cand {
                start: w.start(),
                end: w.end(),
                value: v,
            });
        }
    }
}

/// Month strictly before (`Past`) or strictly after (`Future`) the reference month.
fn resolve_month_strict(month: u8, reference: CalDate, dir: Dir) -> Option<CalDate> {
    let rm = reference.month?;
    let year = match dir {
        Dir::Past if month >= rm => reference.year - 1,
        Dir::Future if month <= rm => reference.year + 1,
        _ => reference.year,
    };
    CalDate::ym(year, month)
}

/// "last October", "this past February", "next March".
fn relative_months(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    let Some(r) = reference else { return };
    for c in RE_REL_MONTH.local().captures_iter(text) {
        let (Some(md), Some(m), Some(w)) = (c.name("mod"), c.name("mon"), c.get(0)) else {
            continue;
        };
        let Some(month) = month_number(m.as_str()) else {
            continue;
        };
        let modifier = md.as_str().to_lowercase();
        let v = if modifier.starts_with("next") || modifier.contains("coming") {
            resolve_month_strict(month, r, Dir::Future)
        } else if modifier == "this" {
            CalDate::ym(r.year, month)
        } else {
            resolve_month_strict(month, r, Dir::Past)
        };
        if let Some(v) = v {
            out.push(Cand {
                start: w.start(),
                end: w.end(),
                value: v,
            });
        }
    }
}

/// "2022-05-14", "14.05.2022", "5/14/2022".
fn numeric_dates(text: &str, out: &mut Vec<Cand>) {
    for c in RE_NUMERIC.local().captures_iter(text) {
        let Some(w) = c.get(0) else { continue };
        // Skip parts of longer number runs ("1.2.2022.5", "2022-05-14-7").
        let nb = after(text, w.end(), 2);
        let pb = before(text, w.start(), 1);
        if (nb.starts_with(['.', '-', '/']) && nb[1..].starts_with(|ch: char| ch.is_ascii_digit()))
            || pb.ends_with(['.', '-', '/'])
        {
            continue;
        }
        let num = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<u32>().ok());
        let v = if let (Some(y), Some(m), Some(d)) = (num("iy"), num("im"), num("id")) {
            CalDate::ymd(y as i32, m as u8, d as u8)
        } else if let (Some(y), Some(m), Some(d)) = (num("dy"), num("dm"), num("dd")) {
            CalDate::ymd(y as i32, m as u8, d as u8)
        } else if let (Some(y), Some(m), Some(d)) = (num("sy"), num("sm"), num("sd")) {
            CalDate::ymd(y as i32, m as u8, d as u8)
                .or_else(|| CalDate::ymd(y as i32, d as u8, m as u8))
        } else {
            None
        };
        if let Some(v) = v.filter(|v| (1000..=2100).contains(&v.year)) {
            out.push(Cand {
                start: w.start(),
                end: w.end(),
                value: v,
            });
        }
    }
}

/// Words before a year below 1900 that make it a year ("in 1815").
const OLD_YEAR_CUES: &[&str] = &[
    "in", "since", "of", "from", "until", "till", "by", "year", "around", "circa", "c", "before",
    "after", "and", "im", "seit", "jahr", "jahre", "bis", "von", "ab", "в", "с", "до", "году",
];

/// Words after a number that make it a quantity rather than a year.
const UNIT_WORDS: &[&str] = &[
    "people",
    "persons",
    "troops",
    "soldiers",
    "tons",
    "tonnes",
    "feet",
    "meters",
    "metres",
    "miles",
    "kilometers",
    "kilometres",
    "km",
    "dollars",
    "euros",
    "pounds",
    "yen",
    "votes",
    "members",
    "men",
    "women",
    "children",
    "workers",
    "employees",
    "jobs",
    "cars",
    "units",
    "barrels",
    "shares",
    "points",
    "percent",
    "per",
    "hours",
    "minutes",
    "acres",
    "homes",
    "students",
    "deaths",
    "cases",
    "delegates",
    "hectares",
    "kg",
    "mw",
    "menschen",
    "personen",
    "euro",
    "dollar",
    "prozent",
    "человек",
    "рублей",
    "долларов",
    "тонн",
    "процентов",
];

/// Bare four-digit years ("in 1997", "в 2022 году").
fn years(text: &str, out: &mut Vec<Cand>) {
    for c in RE_YEAR.local().captures_iter(text) {
        let Some(m) = c.name("y") else { continue };
        let Some(y) = year_of(&c, "y") else { continue };
        let pb = before(text, m.start(), 2);
        let nb = after(text, m.end(), 3);
        let prev_char = pb.chars().last();
        if matches!(
            prev_char,
            Some('$' | '€' | '£' | '#' | '.' | ',' | '/' | ':' | '+' | '№')
        ) || pb.ends_with("-") && pb.chars().next().is_some_and(|ch| ch.is_ascii_digit())
        {
            continue;
        }
        if nb.starts_with('%')
            || nb.starts_with("'s")
            || nb.starts_with("’s")
            || (nb.starts_with([',', '.', ':'])
                && nb[1..].starts_with(|ch: char| ch.is_ascii_digit()))
        {
            continue;
        }
        let nw = next_word(text, m.end()).to_lowercase();
        if UNIT_WORDS.contains(&nw.as_str()) {
            continue;
        }
        let pw = prev_word(text, m.start());
        if y < 1900 && !OLD_YEAR_CUES.contains(&pw.as_str()) {
            continue;
        }
        if pw == "number" || pw == "no" || pw == "nr" || pw == "flight" || pw == "route" {
            continue;
        }
        out.push(Cand {
            start: m.start(),
            end: m.end(),
            value: CalDate::y(y),
        });
    }
}

/// "today", "yesterday", "tonight", "gestern", "вчера" and similar.
fn deictic_days(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    let Some(r) = reference else { return };
    for c in RE_DEICTIC.local().captures_iter(text) {
        let Some(w) = c.name("w") else { continue };
        let word = w.as_str().to_lowercase();
        let first = word.split_whitespace().next().unwrap_or("");
        let offset = match first {
            "today" | "tonight" | "this" | "heute" | "сегодня" => 0,
            "yesterday" | "last" | "gestern" | "вчера" => -1,
            "tomorrow" | "завтра" => 1,
            "morgen" => {
                // "heute morgen" is "this morning"; only lowercase "morgen" is "tomorrow".
                if w.as_str() != "morgen" || prev_word(text, w.start()) == "heute" {
                    continue;
                }
                1
            }
            "vorgestern" | "позавчера" => -2,
            "übermorgen" | "послезавтра" => 2,
            _ => continue,
        };
        // "today's world" is generic, not a day; "today's editions" is the day.
        if generic_genitive(text, w.end()) {
            continue;
        }
        // "USA Today", "Today show".
        if first == "today" && (before(text, w.start(), 4) == "USA " || w.as_str() == "TODAY") {
            continue;
        }
        if let Some(v) = add_days(r, offset) {
            out.push(Cand {
                start: w.start(),
                end: w.end(),
                value: v,
            });
        }
    }
}

/// Weekday names ("Tuesday", "last Friday", "am Montag", "в среду").
fn weekdays(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    let Some(r) = reference else { return };
    for c in RE_WEEKDAY.local().captures_iter(text) {
        let (Some(wdm), Some(w)) = (c.name("wd"), c.get(0)) else {
            continue;
        };
        if c.name("pl").is_some() {
            continue; // "Tuesdays", "montags": a recurring day
        }
        let Some(wd) = weekday_number(wdm.as_str()) else {
            continue;
        };
        // The modifier, if any, is read from a short window before the weekday.
        let window = before(text, w.start(), 32);
        let found = RE_WEEKDAY_MOD
            .local()
            .captures(window)
            .and_then(|mc| mc.name("mod"));
        let start = found.map_or(w.start(), |m| w.start() - window.len() + m.start());
        let modifier = found.map(|m| m.as_str().to_lowercase());
        let (dir, strict) = match modifier.as_deref() {
            Some(m)
                if m.starts_with("next")
                    || m.contains("coming")
                    || m.starts_with("kommend")
                    || m.starts_with("nächst")
                    || m.starts_with("следующ") =>
            {
                (Dir::Future, true)
            }
            Some(m)
                if m.starts_with("last")
                    || m.contains("past")
                    || m.starts_with("vergangen")
                    || m.starts_with("letzt")
                    || m.starts_with("прошл") =>
            {
                (Dir::Past, true)
            }
            _ if future_context(text, w.start()) => (Dir::Future, false),
            _ => (Dir::Past, false),
        };
        // A weekday heading a date ("Friday, May 14") takes the date's value: leave it to the date.
        if RE_DATE_AHEAD.local().is_match(after(text, w.end(), 24)) {
            continue;
        }
        if let Some(v) = resolve_weekday(wd, r, dir, strict) {
            out.push(Cand {
                start,
                end: w.end(),
                value: v,
            });
        }
    }
}

/// "this year", "last month", "im vergangenen Jahr", "в прошлом году".
fn relative_units(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    let Some(r) = reference else { return };
    for c in RE_REL_UNIT.local().captures_iter(text) {
        let (Some(md), Some(unit), Some(w)) = (c.name("mod"), c.name("unit"), c.get(0)) else {
            continue;
        };
        // "last year's election" names the year; "tomorrow's world" does not.
        if generic_genitive(text, w.end()) {
            continue;
        }
        let m = md.as_str().to_lowercase();
        let m = m.split_whitespace().last().unwrap_or("");
        let step = if ["last", "previous", "past", "prior"].contains(&m)
            || m.starts_with("vergangen")
            || m.starts_with("letzt")
            || m.starts_with("vorig")
            || m == "прошлом"
        {
            -1
        } else if m == "позапрошлом" {
            -2
        } else if ["next", "coming"].contains(&m)
            || m.starts_with("kommend")
            || m.starts_with("nächst")
            || m == "следующем"
        {
            1
        } else {
            0
        };
        let u = unit.as_str().to_lowercase();
        let v = if u.starts_with("year") || u.starts_with("jahr") || u == "году" {
            Some(CalDate::y(r.year + step))
        } else {
            add_months(r, step)
        };
        if let Some(v) = v {
            out.push(Cand {
                start: w.start(),
                end: w.end(),
                value: v,
            });
        }
    }
}

/// The reference's year, named as "the year" of the story (see [`RE_THE_YEAR`]); not "the
/// year before", "the year 1989", "the year-earlier figure", "the year when …".
fn the_year(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    const NOT_THIS_YEAR: &[&str] = &[
        "before",
        "after",
        "earlier",
        "later",
        "ago",
        "prior",
        "previous",
        "following",
        "when",
        "in",
        "since",
        "that",
        "which",
        "of",
        "to",
        "he",
        "she",
        "they",
        "i",
        "we",
    ];
    let Some(r) = reference else { return };
    for m in RE_THE_YEAR.local().find_iter(text) {
        let rest = &text[m.end()..];
        let next = next_word(rest, 0).to_lowercase();
        let follows_digit = rest.trim_start().starts_with(|c: char| c.is_ascii_digit());
        if rest.starts_with(['-', '\u{2010}', '\u{2011}'])
            || follows_digit
            || NOT_THIS_YEAR.contains(&next.as_str())
        {
            continue;
        }
        out.push(Cand {
            start: m.start(),
            end: m.end(),
            value: CalDate::y(r.year),
        });
    }
}

/// "two years ago", "three months ago", "two weeks ago", "a year earlier", "year-ago".
fn ago(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    let Some(r) = reference else { return };
    for c in RE_AGO.local().captures_iter(text) {
        let Some(w) = c.get(0) else { continue };
        if c.name("adj").is_some() {
            out.push(Cand {
                start: w.start(),
                end: w.end(),
                value: CalDate::y(r.year - 1),
            });
            continue;
        }
        let window = before(text, w.start(), 16);
        let (Some(nm), Some(unit)) = (
            RE_AGO_COUNT
                .local()
                .captures(window)
                .and_then(|nc| nc.name("n")),
            c.name("unit"),
        ) else {
            continue;
        };
        let Some(n) = count_number(nm.as_str()) else {
            continue;
        };
        let start = w.start() - window.len() + nm.start();
        let u = unit.as_str().to_lowercase();
        let v = if u.starts_with("year") {
            Some(CalDate::y(r.year - n as i32))
        } else if u.starts_with("month") {
            add_months(r, -(n as i32))
        } else if u.starts_with("week") {
            add_days(r, -7 * n)
        } else {
            add_days(r, -n)
        };
        if let Some(v) = v {
            out.push(Cand {
                start,
                end: w.end(),
                value: v,
            });
        }
    }
}

/// "June last year", "im Mai vergangenen Jahres", "в мае прошлого года".
fn month_relative_years(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    let Some(r) = reference else { return };
    for c in RE_MONTH_REL_YEAR.local().captures_iter(text) {
        let (Some(m), Some(md), Some(w)) = (c.name("mon"), c.name("mod"), c.get(0)) else {
            continue;
        };
        let Some(month) = month_number(m.as_str()) else {
            continue;
        };
        let md = md.as_str().to_lowercase();
        let step = if md == "last"
            || md.starts_with("vergangen")
            || md.starts_with("letzt")
            || md.starts_with("vorig")
            || md == "прошлого"
        {
            -1
        } else if md == "next"
            || md.starts_with("nächst")
            || md.starts_with("kommend")
            || md == "следующего"
        {
            1
        } else {
            0
        };
        if let Some(v) = CalDate::ym(r.year + step, month) {
            out.push(Cand {
                start: w.start(),
                end: w.end(),
                value: v,
            });
        }
    }
}

/// Value of a spelled digit word ("one" = 1 .. "nineteen" = 19, "twenty" = 20 .. "ninety" = 90).
fn spelled_number(word: &str) -> Option<i32> {
    const SMALL: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let w = word.to_lowercase();
    if let Some(i) = SMALL.iter().position(|x| *x == w) {
        return Some(i as i32);
    }
    TENS.iter()
        .position(|x| *x == w)
        .map(|i| (i as i32 + 2) * 10)
}

/// Years spelled out as in broadcast transcripts ("nineteen ninety-six", "the year two thousand").
fn spelled_years(text: &str, out: &mut Vec<Cand>) {
    for c in RE_SPELLED_YEAR.local().captures_iter(text) {
        let Some(w) = c.get(0) else { continue };
        let word = |n: &str| c.name(n).and_then(|m| spelled_number(m.as_str()));
        let year = if let Some(t) = word("tens") {
            1900 + t + word("ones").unwrap_or(0)
        } else if let Some(t) = word("teen") {
            1900 + t
        } else {
            2000 + word("ones2").unwrap_or(0)
        };
        out.push(Cand {
            start: w.start(),
            end: w.end(),
            value: CalDate::y(year),
        });
    }
}

/// The date of a fixed-date or rule-based holiday in a given year.
fn holiday_in(name: &str, year: i32) -> Option<CalDate> {
    if name.starts_with("Thanksgiving") {
        // Fourth Thursday of November.
        let first = CalDate::ymd(year, 11, 1)?;
        let offset = (3 - weekday(first)?).rem_euclid(7);
        return add_days(first, offset + 21);
    }
    if name.starts_with("Christmas") {
        return CalDate::ymd(year, 12, if name.ends_with("Eve") { 24 } else { 25 });
    }
    if name.ends_with("Eve") {
        return CalDate::ymd(year, 12, 31);
    }
    CalDate::ymd(year, 1, 1)
}

/// "Thanksgiving Day", "last Thanksgiving", "Christmas Eve", "New Year's Day".
fn holidays(text: &str, reference: Option<CalDate>, out: &mut Vec<Cand>) {
    let Some(r) = reference else { return };
    let rn = day_number(r);
    for c in RE_HOLIDAY.local().captures_iter(text) {
        let (Some(h), Some(w)) = (c.name("h"), c.get(0)) else {
            continue;
        };
        let name = h.as_str();
        let modifier = c.name("mod").map(|m| m.as_str().to_lowercase());
        let future = match modifier.as_deref() {
            Some("next") => true,
            Some("last") => false,
            _ => future_context(text, w.start()),
        };
        let cands: Vec<(CalDate, i64)> = [r.year - 1, r.year, r.year + 1]
            .iter()
            .filter_map(|&y| holiday_in(name, y))
            .filter_map(|d| Some((d, day_number(d)? - rn?)))
            .collect();
        let dir = if future { Dir::Future } else { Dir::Past };
        if let Some(v) = pick(cands, dir) {
            out.push(Cand {
                start: w.start(),
                end: w.end(),
                value: v,
            });
        }
    }
}

/// Dates mentioned in the text, resolved to calendar values against `reference`
/// (normally the published date, full day precision).
/// Without a reference, only mentions that carry their own year are returned
/// (never invent a year). The date inside a wire dateline at the top takes the value
/// [`find_dateline`] gives it.
pub fn find_dates(text: &str, reference: Option<CalDate>) -> Vec<DateMention> {
    // Arithmetic on the reference stays far from the ends of `i32`.
    let reference = reference.filter(|r| r.is_full() && (1..=9999).contains(&r.year));
    let mut cands = candidates(text, reference);
    // A wire dateline's date is the story's own date: a mention inside the dateline takes
    // the value `find_dateline` read for it ("JOHANNESBURG, August 7 (Xinhua) --").
    if let Some(dl) = find_dateline(text, reference) {
        for c in &mut cands {
            if c.start >= dl.start && c.end <= dl.end {
                c.value = dl.date.unwrap_or(c.value);
            }
        }
    }
    let times = clock_times(text);
    // "1830 GMT" is a time, not the year 1830.
    cands.retain(|c| !times.iter().any(|&(s, e)| s <= c.start && c.end <= e));
    let mut mentions = settle(cands);
    date_times(text, &times, reference, &mut mentions);
    mentions
}

/// A time of day that names its clock ("18:00 UTC", "0735 GMT", "10:35 a.m.", "6 p.m.",
/// "18.30 Uhr"), or noon or midnight after "at" or "by".
static RE_CLOCK: Local<Regex> = Local::new(|| {
    rx::compile(
        r"(?-u:\b)(?:(?:[01]?\d|2[0-3])[:.][0-5]\d\s?(?:UTC|GMT|[ECMP][SD]T|CES?T|BST|MSK|[aApP]\.?[mM](?-u:\b)\.?(?:\s?(?:UTC|GMT|[ECMP][SD]T))?|Uhr(?-u:\b))|(?:[01]\d|2[0-3])[0-5]\d\s?(?:UTC|GMT)|(?:1[0-2]|0?[1-9])\s?(?:[aApP]\.?[mM](?-u:\b)\.?(?:\s?(?:UTC|GMT|[ECMP][SD]T))?|Uhr(?-u:\b))|(?:at|by)\s+(?P<noon>noon|midday|midnight)(?-u:\b))",
    )
    .expect("valid regex")
});

/// Spans of the times of day in `text` (see [`RE_CLOCK`]).
fn clock_times(text: &str) -> Vec<(usize, usize)> {
    RE_CLOCK
        .local()
        .captures_iter(text)
        .filter_map(|c| c.name("noon").or_else(|| c.get(0)))
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// Adds each time of day as a mention of its day, as TimeML dates a TIME. A time next to
/// a date joins it ("9 a.m. EST Tuesday", "noon Thursday"); otherwise it takes the
/// nearest day-precise mention in its sentence, else the last one before it (the story's
/// day in focus), else the reference day ("The Dow was down 2.6 % at 16:08 UTC"). A time
/// with none of these is left out, as is one inside another mention.
fn date_times(
    text: &str,
    times: &[(usize, usize)],
    reference: Option<CalDate>,
    mentions: &mut Vec<DateMention>,
) {
    // A time joins a date across spaces and a comma ("5 p.m. EST, Nov. 6"), and another
    // time across brackets too ("10:35 a.m. (0735 GMT)"); not a date in brackets, which
    // TimeML reads as a mention of its own.
    let gap = |a: usize, b: usize, bytes: &[u8]| {
        b >= a && b - a <= 3 && text[a..b].bytes().all(|c| bytes.contains(&c))
    };
    let joins = |a: usize, b: usize| gap(a, b, b" ,");
    let mut times: Vec<(usize, usize)> = times
        .iter()
        .copied()
        .filter(|&(s, e)| !mentions.iter().any(|m| m.start < e && s < m.end))
        .collect();
    // Runs of times one after the other are one time.
    times.dedup_by(|next, prev| {
        let joined = gap(prev.1, next.0, b" ,()");
        if joined {
            // "(0735 GMT)" takes its closing bracket along.
            let closes = text[prev.1..next.0].contains('(') && text[next.1..].starts_with(')');
            prev.1 = next.1 + usize::from(closes);
        }
        joined
    });
    for (start, end) in times {
        let next = mentions.iter().position(|m| m.start >= end);
        if let Some(i) = next.filter(|&i| joins(end, mentions[i].start)) {
            mentions[i].start = start;
            continue;
        }
        let prev = next.unwrap_or(mentions.len()).checked_sub(1);
        if let Some(i) = prev.filter(|&i| joins(mentions[i].end, start)) {
            mentions[i].end = end;
            continue;
        }
        let (s0, s1) = sentence_around(text, start, end);
        let full = |m: &&DateMention| m.value.is_full();
        let in_sentence = mentions
            .iter()
            .filter(full)
            .filter(|m| s0 <= m.start && m.end <= s1)
            .min_by_key(|m| {
                if m.end <= start {
                    start - m.end
                } else {
                    m.start - end
                }
            });
        let before = || mentions.iter().filter(full).rev().find(|m| m.end <= start);
        let day = in_sentence.or_else(before).map(|m| m.value).or(reference);
        if let Some(value) = day {
            let at = mentions.partition_point(|m| m.start < start);
            mentions.insert(at, DateMention { start, end, value });
        }
    }
}

/// The sentence holding `start..end`: from after the last ". ", "! ", "? " or line break
/// before it to the first one after it.
fn sentence_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    // A dot ends a sentence before a capital or the end ("Nov. 9" goes on).
    let is_end = |i: usize| {
        bytes[i] == b'\n'
            || matches!(bytes[i], b'.' | b'!' | b'?')
                && text[i + 1..]
                    .trim_start_matches([' ', '"', '\''])
                    .chars()
                    .next()
                    .is_none_or(char::is_uppercase)
    };
    // A time's own dot ("a.m.") ends no sentence: search from its edges outward.
    let s0 = (0..start).rev().find(|&i| is_end(i)).map_or(0, |i| i + 1);
    let s1 = (end..bytes.len())
        .find(|&i| is_end(i))
        .unwrap_or(bytes.len());
    (s0, s1)
}

/// Every candidate mention from every recogniser, overlaps not yet settled.
fn candidates(text: &str, reference: Option<CalDate>) -> Vec<Cand> {
    let mut cands = Vec::new();
    named_days(text, reference, &mut cands);
    numeric_dates(text, &mut cands);
    month_years(text, &mut cands);
    relative_months(text, reference, &mut cands);
    bare_months(text, reference, &mut cands);
    years(text, &mut cands);
    deictic_days(text, reference, &mut cands);
    weekdays(text, reference, &mut cands);
    relative_units(text, reference, &mut cands);
    the_year(text, reference, &mut cands);
    ago(text, reference, &mut cands);
    month_relative_years(text, reference, &mut cands);
    spelled_years(text, &mut cands);
    holidays(text, reference, &mut cands);
    cands
}

/// Keeps the longest of overlapping candidates (earliest first on ties).
/// Kept spans live in a map keyed by start, so each check is `O(log n)`.
fn settle(mut cands: Vec<Cand>) -> Vec<DateMention> {
    cands.sort_by_key(|c| (std::cmp::Reverse(c.end - c.start), c.start));
    let mut kept: BTreeMap<usize, Cand> = BTreeMap::new();
    for c in cands {
        let clash_before = kept
            .range(..=c.start)
            .next_back()
            .is_some_and(|(_, k)| k.end > c.start);
        let clash_after = kept
            .range(c.start..)
            .next()
            .is_some_and(|(_, k)| k.start < c.end);
        if !clash_before && !clash_after {
            kept.insert(c.start, c);
        }
    }
    kept.into_values()
        .map(|c| DateMention {
            start: c.start,
            end: c.end,
            value: c.value,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Datelines and publication dates
// ---------------------------------------------------------------------------

/// A wire dateline at the start of a line: PLACE[, Region][, Month Day[, Year]] [(Agency)] dash.
static RE_DATELINE: Local<WordRegex> = Local::new(|| {
    WordRegex::new(&format!(
        r"^[ \t]*(?P<place>\p{{Lu}}[\p{{L}}.'’/\-]*(?:[ ]\p{{L}}[\p{{L}}.'’/\-]*){{0,4}}(?:,[ ]?\p{{Lu}}[\p{{L}}.]*(?:[ ]\p{{Lu}}[\p{{L}}.]*){{0,3}}){{0,2}})(?:,[ ]*(?:(?P<mon>(?i:{MON_EN_FULL}|{MON_EN_ABBR})|{MON_DE})\.?[ ]+(?P<d1>\d{{1,2}})|(?P<d2>\d{{1,2}})\.?[ ]+(?P<mon2>{MON_EN_FULL}|{MON_EN_ABBR}|{MON_DE}|{MON_RU}))\b(?:[ ]*,?[ ]*(?P<y>\d{{4}})\b(?:[ ]*,[ ]*\d{{4}}\b)?)?)?[ ]*,?[ ]*(?:\((?P<agency>[^()\n]{{1,40}})\))?(?:[ ]*(?P<dash>--?|–|—|_)(?:[ ]|$)|[ ]*(?P<eol>$))"
    ))
    .expect("valid regex")
});

/// A wire dateline at the start of the body, e.g. "TBILISI, May 13 (Europetime) -",
/// "KUALA LUMPUR, April 1 , 1997 (AFP) -", "SALVADOR, Feb 26 -", "MOSKAU (dpa) -".
/// `date` is resolved with `reference`'s year when the line has none and a
/// reference is given, else a date without a year gives date=None.
pub fn find_dateline(text: &str, reference: Option<CalDate>) -> Option<Dateline> {
    scan_datelines(text, reference, false).or_else(|| scan_datelines(text, reference, true))
}

/// Tries a dateline at the start of each of the first lines (first 2000 bytes).
fn scan_datelines(text: &str, reference: Option<CalDate>, weak_ok: bool) -> Option<Dateline> {
    let mut line_start = 0usize;
    for index in 0..8 {
        if line_start >= text.len() || line_start > 2000 {
            break;
        }
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        // A first line followed by a blank line is a headline ("MONEY RATES - ..."),
        // which only a dateline with a date or an agency may override.
        let headline = index == 0 && text[line_end..].starts_with("\n\n");
        let weak_ok = weak_ok && !headline;
        let window = &text[line_start..floor_boundary(text, line_end.min(line_start + 300))];
        if let Some(d) = dateline_at(window, line_start, reference, weak_ok) {
            return Some(d);
        }
        line_start = line_end + 1;
    }
    None
}

/// Matches a dateline at the start of `line`, which begins at byte `offset` of the text.
/// `weak_ok` admits a bare place with a dash ("LONDON -").
fn dateline_at(
    line: &str,
    offset: usize,
    reference: Option<CalDate>,
    weak_ok: bool,
) -> Option<Dateline> {
    let c = RE_DATELINE.local().captures(line)?;
    let whole = c.get(0)?;
    let place = c.name("place")?;
    let agency = c.name("agency").map(|a| a.as_str().trim().to_string());
    let mon = c.name("mon").or_else(|| c.name("mon2"));
    let month = mon.and_then(|m| month_number(m.as_str()));
    let day = day_of(&c, "d1").or_else(|| day_of(&c, "d2"));
    let at_eol = c.name("eol").is_some();
    // A line ending without a dash must carry an agency or a year and be the whole line.
    if at_eol && agency.is_none() && c.name("y").is_none() {
        return None;
    }
    if c.name("dash").is_none() && !at_eol {
        return None;
    }
    // A place alone ("LONDON -") is only taken when no line near the top has more.
    if !weak_ok && month.is_none() && agency.is_none() {
        return None;
    }
    // The city is written in capitals ("NEW YORK"), or in title case when a date follows.
    let city = place.as_str().split(',').next().unwrap_or("");
    let capitals = !city.chars().any(char::is_lowercase);
    if city.chars().filter(|ch| ch.is_alphabetic()).count() < 2 || !capitals && month.is_none() {
        return None;
    }
    // "LONDON - ..." needs neither date nor agency, but the line must go on.
    if month.is_none() && agency.is_none() && (at_eol || city.split(' ').count() > 3) {
        return None;
    }
    let date = match (month, day) {
        (Some(m), Some(d)) => match year_of(&c, "y") {
            Some(y) => CalDate::ymd(y, m, d),
            None => reference.and_then(|r| CalDate::ymd(r.year, m, d)),
        },
        _ => None,
    };
    let end = c.name("dash").map_or(whole.end(), |d| d.end());
    Some(Dateline {
        start: offset + place.start(),
        end: offset + end,
        place: Some(place.as_str().trim().to_string()),
        date,
        agency,
    })
}

/// A line announcing the publication date: "Published:", "Veröffentlicht", "Опубликовано".
static RE_PUBLISHED_CUE: Local<WordRegex> = Local::new(|| {
    WordRegex::new(
        r"(?i)^\s*(?:published|posted|updated|last updated|date|veröffentlicht|stand|aktualisiert|опубликовано|дата публикации|обновлено)\b",
    )
    .expect("valid regex")
});

/// The publication date stated in the article itself (a dateline with a year, or a
/// date line/byline near the top such as "December 10, 2013", "Published: 14 May 2022").
/// Full day precision only; `None` if the text does not state one. Never guessed from
/// dates deep in the body.
pub fn find_published(text: &str) -> Option<(CalDate, usize, usize)> {
    let head_end = floor_boundary(text, 1500);
    let head = &text[..head_end];
    if let Some(d) = find_dateline(head, None)
        && let Some(v) = d.date.filter(CalDate::is_full)
    {
        // The span of the date inside the dateline.
        let inner = settle(candidates(&text[d.start..d.end], None));
        return Some(match inner.iter().find(|m| m.value == v) {
            Some(m) => (v, d.start + m.start, d.start + m.end),
            None => (v, d.start, d.end),
        });
    }
    // A short line near the top that is a date, or starts with "Published:".
    let mut line_start = 0usize;
    for _ in 0..8 {
        if line_start >= head.len() {
            break;
        }
        let line_end = head[line_start..]
            .find('\n')
            .map_or(head.len(), |i| line_start + i);
        let line = &head[line_start..line_end];
        let content = line.trim();
        if !content.is_empty() && content.len() <= 80 {
            let cue = RE_PUBLISHED_CUE.local().is_match(line);
            for m in find_dates(line, None) {
                if !m.value.is_full() {
                    continue;
                }
                let rest = line[..m.start].trim().len() + line[m.end..].trim().len();
                if cue || rest <= 25 {
                    return Some((m.value, line_start + m.start, line_start + m.end));
                }
            }
        }
        line_start = line_end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> CalDate {
        CalDate::parse(s).expect("test date")
    }

    /// Values found in `text` against `reference`, with the text each one spans.
    fn found(text: &str, reference: Option<&str>) -> Vec<(String, String)> {
        find_dates(text, reference.map(d))
            .into_iter()
            .map(|m| (text[m.start..m.end].to_string(), m.value.to_string()))
            .collect()
    }

    /// Checks each text's mentions, span and value, against `reference`.
    fn assert_spans(cases: &[(&str, &[(&str, &str)])], reference: Option<&str>) {
        for (text, want) in cases {
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(found(text, reference), want, "in {text:?}");
        }
    }

    #[test]
    fn caldate_parse_and_display() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2022", Some("2022")),
            ("2022-05", Some("2022-05")),
            ("2022-05-14", Some("2022-05-14")),
            ("2024-02-29", Some("2024-02-29")),
            ("2023-02-29", None),
            ("1900-02-29", None),
            ("2000-02-29", Some("2000-02-29")),
            ("2022-13-45", None),
            ("2022-00", None),
            ("22-05-14", None),
            ("2022-5-14", None),
            ("", None),
            ("abcd", None),
            ("2022-05-14-01", None),
        ];
        for (input, want) in cases {
            let got = CalDate::parse(input).map(|c| c.to_string());
            assert_eq!(got.as_deref(), *want, "parse {input:?}");
        }
        assert_eq!(CalDate::ymd(2022, 4, 31), None);
        assert_eq!(
            CalDate::ymd(2022, 4, 30).map(|c| c.to_string()).as_deref(),
            Some("2022-04-30")
        );
    }

    #[test]
    fn dates_with_years_in_every_order_and_language() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "The treaty was signed on 3 June 2019 in Oslo.",
                &[("3 June 2019", "2019-06-03")],
            ),
            (
                "Talks began June 3, 2019, officials said.",
                &[("June 3, 2019", "2019-06-03")],
            ),
            (
                "Talks began June 3 , 2019 (AFP).",
                &[("June 3 , 2019", "2019-06-03")],
            ),
            (
                "OSLO, June 3 , 2019 (AFP) - Talks began.",
                &[("June 3 , 2019", "2019-06-03")],
            ),
            (
                "It opened Sept. 9, 2001.",
                &[("Sept. 9, 2001", "2001-09-09")],
            ),
            (
                "Filed on 2019-06-03 at noon.",
                &[("2019-06-03", "2019-06-03"), ("noon", "2019-06-03")],
            ),
            (
                "Stand: 03.06.2019, Berlin.",
                &[("03.06.2019", "2019-06-03")],
            ),
            (
                "By June 2019 the deal was dead.",
                &[("June 2019", "2019-06")],
            ),
            ("The war ended in 1995.", &[("1995", "1995")]),
            (
                "Der Vertrag wurde am 3. Juni 2019 unterzeichnet.",
                &[("3. Juni 2019", "2019-06-03")],
            ),
            ("Im Mai 2018 trat er zurück.", &[("Mai 2018", "2018-05")]),
            (
                "Договор подписан 3 июня 2019 года в Осло.",
                &[("3 июня 2019 года", "2019-06-03")],
            ),
            (
                "Это произошло в мае 2018 года.",
                &[("мае 2018 года", "2018-05")],
            ),
            ("Выборы прошли в 2016 году.", &[("2016", "2016")]),
            (
                "the 21st of March, 2011",
                &[("21st of March, 2011", "2011-03-21")],
            ),
        ];
        assert_spans(cases, None);
    }

    #[test]
    fn partial_and_relative_dates_resolve_against_reference() {
        // 2021-03-03 is a Wednesday.
        let r = Some("2021-03-03");
        let cases: &[(&str, Option<&str>, &[&str])] = &[
            (
                "The envoy arrived on June 2.",
                Some("2021-06-10"),
                &["2021-06-02"],
            ),
            ("She left on 2 June.", Some("2021-06-10"), &["2021-06-02"]),
            (
                "They met on 14th of May.",
                Some("2021-05-20"),
                &["2021-05-14"],
            ),
            ("Er kam am 2. Juni an.", Some("2021-06-10"), &["2021-06-02"]),
            ("Он прибыл 2 июня.", Some("2021-06-10"), &["2021-06-02"]),
            ("Ministers met today.", r, &["2021-03-03"]),
            ("Ministers met yesterday.", r, &["2021-03-02"]),
            ("Ministers meet tomorrow.", r, &["2021-03-04"]),
            ("Die Minister trafen sich gestern.", r, &["2021-03-02"]),
            ("Heute tagt der Rat.", r, &["2021-03-03"]),
            ("Министры встретились вчера.", r, &["2021-03-02"]),
            ("Сегодня совет заседает.", r, &["2021-03-03"]),
            ("The vote was held Monday.", r, &["2021-03-01"]),
            ("The vote was held last Wednesday.", r, &["2021-02-24"]),
            ("The vote will be held Friday.", r, &["2021-03-05"]),
            ("The vote is set for next Monday.", r, &["2021-03-08"]),
            ("Die Wahl fand am Montag statt.", r, &["2021-03-01"]),
            ("It happened this past February.", r, &["2021-02"]),
            ("It happened this past April.", r, &["2020-04"]),
            ("Prices rose last year.", r, &["2020"]),
            ("Prices rose this year.", r, &["2021"]),
            ("Prices will rise next month.", r, &["2021-04"]),
            ("Prices rose last month.", r, &["2021-02"]),
            ("The plant closed two years ago.", r, &["2019"]),
            ("Die Preise stiegen im vergangenen Jahr.", r, &["2020"]),
            ("Цены выросли в прошлом году.", r, &["2020"]),
            ("Talks resumed in January.", r, &["2021-01"]),
            ("Talks were held in December.", r, &["2020-12"]),
            ("Prices fell last week.", r, &[]),
            ("In June last year the talks failed.", r, &["2020-06"]),
            (
                "Die Gespräche scheiterten im Juni vergangenen Jahres.",
                r,
                &["2020-06"],
            ),
            (
                "Переговоры сорвались в июне прошлого года.",
                r,
                &["2020-06"],
            ),
            ("Output was higher a year earlier.", r, &["2020"]),
            ("The ship sank two weeks ago.", r, &["2021-02-17"]),
            (
                "The ministers met on Friday, February 26.",
                r,
                &["2021-02-26"],
            ),
            ("In today's world, talks matter.", r, &[]),
            ("Last year's budget was larger.", r, &["2020"]),
            ("Today's vote was close.", r, &["2021-03-03"]),
            (
                "JOHANNESBURG, March 2 (Xinhua) -- South Africa deplored it.",
                r,
                &["2021-03-02"],
            ),
            ("In today's globalized world, talks matter.", r, &[]),
            ("For the year, sales rose 4%.", r, &["2021"]),
            ("Sales for the full year were higher.", r, &["2021"]),
            ("The deal should close by year end.", r, &["2021"]),
            ("Cuts came by the end of the year.", r, &["2021"]),
            ("Sales had fallen the year before.", r, &[]),
            ("It was the year when talks failed.", r, &[]),
            ("In the year 1989 the wall fell.", r, &["1989"]),
            ("Tomorrow's generations will judge us.", r, &[]),
            ("Prices rose after last month’s strike.", r, &["2021-02"]),
            ("The law passed in nineteen ninety-six.", r, &["1996"]),
            (
                "The boy was rescued on Thanksgiving Day.",
                Some("2021-12-06"),
                &["2021-11-25"],
            ),
            (
                "Talks resume after Christmas Day.",
                Some("2021-12-06"),
                &["2020-12-25"],
            ),
            (
                "Talks will resume after Christmas Day.",
                Some("2021-12-06"),
                &["2021-12-25"],
            ),
            ("Prices fell vergangene Woche.", r, &[]),
        ];
        for (text, reference, want) in cases {
            let got: Vec<String> = found(text, *reference)
                .into_iter()
                .map(|(_, v)| v)
                .collect();
            assert_eq!(&got, want, "in {text:?}");
        }
    }

    #[test]
    fn weekday_and_day_arithmetic_cross_boundaries() {
        let cases: &[(&str, &str, &str)] = &[
            // 2021-01-01 is a Friday: last Tuesday falls in the previous year.
            ("The blast happened Tuesday.", "2021-01-01", "2020-12-29"),
            ("The blast happened yesterday.", "2021-01-01", "2020-12-31"),
            // Leap years: the day before 1 March.
            ("The blast happened yesterday.", "2024-03-01", "2024-02-29"),
            ("The blast happened yesterday.", "2023-03-01", "2023-02-28"),
            // 2021-03-01 is a Monday; next Sunday crosses nothing, last Sunday crosses the month.
            ("Protests erupted Sunday.", "2021-03-01", "2021-02-28"),
            ("Talks will resume Monday.", "2021-12-31", "2022-01-03"),
            ("They met tomorrow.", "2021-12-31", "2022-01-01"),
        ];
        for (text, reference, want) in cases {
            let got: Vec<String> = found(text, Some(reference))
                .into_iter()
                .map(|(_, v)| v)
                .collect();
            assert_eq!(
                got,
                vec![want.to_string()],
                "in {text:?} against {reference}"
            );
        }
    }

    #[test]
    fn ranges_give_one_mention_per_day() {
        let r = Some("2021-05-20");
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "The summit runs 14 and 15 May.",
                &[("14", "2021-05-14"), ("15 May", "2021-05-15")],
            ),
            (
                "The summit runs 14-15 May.",
                &[("14", "2021-05-14"), ("15 May", "2021-05-15")],
            ),
            (
                "The summit runs May 14-15.",
                &[("May 14", "2021-05-14"), ("15", "2021-05-15")],
            ),
            (
                "Der Gipfel am 14. und 15. Mai 2020.",
                &[("14", "2020-05-14"), ("15. Mai 2020", "2020-05-15")],
            ),
        ];
        assert_spans(cases, r);
    }

    #[test]
    fn times_of_day_date_their_day() {
        // 2021-03-03 is a Wednesday.
        let r = Some("2021-03-03");
        let cases: &[(&str, &[(&str, &str)])] = &[
            // No day in sight: the story's own day.
            (
                "The Dow was down 2.6% at 16:08 UTC.",
                &[("16:08 UTC", "2021-03-03")],
            ),
            // "1830" is the clock, not a year.
            (
                "The polls close at 1830 GMT.",
                &[("1830 GMT", "2021-03-03")],
            ),
            // A time beside its day is one mention with it.
            (
                "The vote opened at 9 a.m. EST Tuesday.",
                &[("9 a.m. EST Tuesday", "2021-03-02")],
            ),
            (
                "Polls close at 5 p.m. EST, March 1.",
                &[("5 p.m. EST, March 1", "2021-03-01")],
            ),
            // A run of times is one time; a day after the bracket stands alone.
            (
                "It struck at about 10:35 a.m. (0735 GMT) on Friday.",
                &[
                    ("10:35 a.m. (0735 GMT)", "2021-02-26"),
                    ("Friday", "2021-02-26"),
                ],
            ),
            // The nearest day in the sentence, else the last one before it.
            (
                "On Monday the talks broke off. They resumed at 18.30 Uhr.",
                &[("Monday", "2021-03-01"), ("18.30 Uhr", "2021-03-01")],
            ),
            (
                "The deadline is at midnight.",
                &[("midnight", "2021-03-03")],
            ),
            // Scores, sums and bare numbers are no clock.
            ("The vote was 10.30 in favour, 5 p against.", &[]),
            ("Noon is when it opens.", &[]),
        ];
        assert_spans(cases, r);
        // Without a reference and no day beside it, a time has nothing to date.
        assert_eq!(found("It ended at 16:08 UTC.", None), Vec::new());
    }

    #[test]
    fn lookalikes_are_rejected() {
        let r = Some("2021-03-03");
        let cases: &[&str] = &[
            "The talks may resume soon.",
            "May I ask a question?",
            "Protesters will March on the capital.",
            "They plan to march to the square.",
            "Veterans March through the city.",
            "The August Strindberg theatre reopened.",
            "He paid 1,997 dollars.",
            "The company employs 2000 people.",
            "Prices rose 12.2019 percent.",
            "Shares cost $1998 each.",
            "Sales rose 1998%.",
            "The 1990s were calm.",
            "Mai Linh, a taxi firm, grew.",
            "The vote happens on Tuesdays.",
        ];
        for text in cases {
            assert_eq!(found(text, r), vec![], "in {text:?}");
        }
        // Without a reference, nothing without a year is reported.
        assert_eq!(
            found("The envoy arrived on June 2, yesterday.", None),
            vec![]
        );
    }

    /// Text, reference, and the expected (place, date, agency).
    type DatelineCase<'a> = (
        &'a str,
        Option<&'a str>,
        Option<(&'a str, Option<&'a str>, Option<&'a str>)>,
    );

    #[test]
    fn datelines() {
        let cases: &[DatelineCase] = &[
            (
                "Headline\n\nTBILISI, May 13 (Europetime) - NATO said.",
                Some("2020-05-13"),
                Some(("TBILISI", Some("2020-05-13"), Some("Europetime"))),
            ),
            (
                "TBILISI, May 13 (Europetime) - NATO said.",
                None,
                Some(("TBILISI", None, Some("Europetime"))),
            ),
            (
                "KUALA LUMPUR, April 1 , 1997 (AFP) - Talks.",
                None,
                Some(("KUALA LUMPUR", Some("1997-04-01"), Some("AFP"))),
            ),
            (
                "SALVADOR, Feb 26 - Rain fell.",
                None,
                Some(("SALVADOR", None, None)),
            ),
            (
                "SALVADOR, Feb 26 - Rain fell.",
                Some("1987-03-01"),
                Some(("SALVADOR", Some("1987-02-26"), None)),
            ),
            (
                "MOSKAU (dpa) - Der Kreml teilte mit.",
                None,
                Some(("MOSKAU", None, Some("dpa"))),
            ),
            (
                "CANBERRA, Australia (AP)_ The vote.",
                None,
                Some(("CANBERRA, Australia", None, Some("AP"))),
            ),
            (
                "The minister said on Friday that talks went well.",
                None,
                None,
            ),
            (
                "Headline\n\nNew York, June 19 - Stocks fell.",
                Some("1987-06-20"),
                Some(("New York", Some("1987-06-19"), None)),
            ),
            (
                "Talks stall\n\nNICOSIA, April 24 , 1997 (AFP)\n\nTalks stalled.",
                None,
                Some(("NICOSIA", Some("1997-04-24"), Some("AFP"))),
            ),
            (
                "Talks stall\n\nLONDON - Talks stalled.",
                None,
                Some(("LONDON", None, None)),
            ),
            ("MONEY RATES - Talks\n\nRates held steady.", None, None),
            (
                "Headline\n\nWESTERN TELE-COMMUNICATIONS said it grew.",
                None,
                None,
            ),
        ];
        for (text, reference, want) in cases {
            let got = find_dateline(text, reference.map(d));
            let got = got.map(|g| {
                assert!(text.is_char_boundary(g.start) && text.is_char_boundary(g.end));
                (
                    g.place.unwrap_or_default(),
                    g.date.map(|v| v.to_string()),
                    g.agency,
                )
            });
            let want = want
                .map(|(p, dt, a)| (p.to_string(), dt.map(str::to_string), a.map(str::to_string)));
            assert_eq!(got, want, "in {text:?}");
        }
    }

    #[test]
    fn published_dates() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "Ministers agree on plan\n\nDecember 10, 2013\n\nMinisters agreed.",
                Some("2013-12-10"),
            ),
            (
                "Ministers agree\n\nPublished: 14 May 2022\n\nText.",
                Some("2022-05-14"),
            ),
            (
                "Headline\n\nKUALA LUMPUR, April 1 , 1997 (AFP) - Talks.",
                Some("1997-04-01"),
            ),
            ("Headline\n\nSALVADOR, Feb 26 - Rain.", None),
            (
                "Headline\n\nThe war ended on May 8, 1945, after years of fighting.",
                None,
            ),
            ("", None),
        ];
        for (text, want) in cases {
            let got = find_published(text).map(|(v, s, e)| {
                assert!(s <= e && text.is_char_boundary(s) && text.is_char_boundary(e));
                v.to_string()
            });
            assert_eq!(got.as_deref(), *want, "in {text:?}");
        }
        let deep = format!(
            "Headline\n\n{}On 3 May 2001 it rained.",
            "Words. ".repeat(400)
        );
        assert_eq!(find_published(&deep), None);
    }

    #[test]
    fn never_panics_and_offsets_are_char_boundaries() {
        let long = "9".repeat(10_000);
        let nested = "(((".repeat(500);
        let inputs = [
            "",
            " ",
            "\n\n\n",
            "May",
            "May 99, 99999",
            "31 февраля 2020 года",
            "29. Februar 2023",
            "0000-00-00 9999-99-99",
            "1.1.1 1/1/1 01.13.2020 32.01.2020",
            "ÄÖÜ Mai ÄÖÜ 2020ü März—2021 — 14—15 мая",
            "日本 2020年5月14日 May 14 , 2020",
            "🙂May 1🙂, 2020🙂 yesterday🙂",
            "last Tuesday, next Sunday, this past February, two years ago",
            long.as_str(),
            nested.as_str(),
            "\u{0}\u{1}May\u{FEFF}14",
            "ВЧЕРА СЕГОДНЯ 14 МАЯ",
        ];
        // Pseudo-random strings over date-ish pieces and multi-byte characters.
        let pieces = [
            "May", " ", "1", "14", "2020", ",", ".", "-", "ä", "мая", "🙂", "\n", "(AFP)",
            "Tuesday", "last", "ago", "года", "Mai", "/", "nineteen", "Day", "'s",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut random_texts = Vec::new();
        for _ in 0..300 {
            let mut t = String::new();
            for _ in 0..24 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            random_texts.push(t);
        }
        let inputs: Vec<&str> = inputs
            .iter()
            .copied()
            .chain(random_texts.iter().map(String::as_str))
            .collect();
        for reference in [
            None,
            Some(d("2020-02-29")),
            Some(d("2020")),
            CalDate::ymd(i32::MAX, 12, 31),
            CalDate::ymd(i32::MIN, 1, 1),
            Some(d("1000-01-01")),
        ] {
            for &text in &inputs {
                for m in find_dates(text, reference) {
                    assert!(m.start < m.end && m.end <= text.len(), "{text:?}");
                    assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
                }
                if let Some(dl) = find_dateline(text, reference) {
                    assert!(text.is_char_boundary(dl.start) && text.is_char_boundary(dl.end));
                }
                if let Some((_, s, e)) = find_published(text) {
                    assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
                }
            }
        }
    }
}
