//! Counting matching passages by speaker, outlet, year or month, straight from tantivy's
//! fast fields (no stored document is read), and filling a timeline's empty periods.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// What to group by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FacetBy {
    Speaker,
    Source,
    Year,
    Month,
}

impl FacetBy {
    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FacetBy::Speaker => "speaker",
            FacetBy::Source => "source",
            FacetBy::Year => "year",
            FacetBy::Month => "month",
        }
    }
}

/// Counts of matching passages.
#[derive(Clone, Debug, Default)]
pub struct FacetResults {
    /// (value, passages): names most frequent first, periods in calendar order.
    pub counts: Vec<(String, u64)>,
    /// Matching passages in all (a passage may count under several speakers, or none).
    pub total: usize,
    pub warnings: Vec<String>,
}

/// A tantivy collector that counts matching documents by the values of one fast field.
pub struct FacetCollector {
    pub by: FacetBy,
    /// Name of the fast field: a string field for speaker/source, the date field else.
    pub field: String,
}

/// Per-segment state: counts by term ordinal, or by period.
pub enum FacetSegment {
    Names {
        column: Option<StrColumn>,
        counts: Vec<u64>,
    },
    Periods {
        column: Column<DateTime>,
        month: bool,
        counts: HashMap<String, u64>,
    },
}

impl Collector for FacetCollector {
    type Fruit = HashMap<String, u64>;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let ff = segment.fast_fields();
        Ok(match self.by {
            FacetBy::Speaker | FacetBy::Source => {
                let column = ff.str(&self.field)?;
                let n = column.as_ref().map_or(0, |c| c.num_terms());
                FacetSegment::Names {
                    column,
                    counts: vec![0; n],
                }
            }
            FacetBy::Year | FacetBy::Month => FacetSegment::Periods {
                column: ff.date(&self.field)?,
                month: self.by == FacetBy::Month,
                counts: HashMap::new(),
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<String, u64>>,
    ) -> tantivy::Result<HashMap<String, u64>> {
        let mut out = HashMap::new();
        for fruit in fruits {
            for (k, v) in fruit {
                *out.entry(k).or_insert(0) += v;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        match self {
            FacetSegment::Names { column, counts } => {
                if let Some(column) = column {
                    for ord in column.term_ords(doc) {
                        if let Some(c) = counts.get_mut(ord as usize) {
                            *c += 1;
                        }
                    }
                }
            }
            FacetSegment::Periods {
                column,
                month,
                counts,
            } => {
                if let Some(dt) = column.first(doc) {
                    let days = dt.into_timestamp_secs().div_euclid(86_400);
                    let (y, m, _) = civil_from_days(days);
                    let key = if *month {
                        format!("{y:04}-{m:02}")
                    } else {
                        format!("{y:04}")
                    };
                    *counts.entry(key).or_insert(0) += 1;
                }
            }
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        match self {
            FacetSegment::Names { column, counts } => {
                let mut out = HashMap::new();
                let Some(column) = column else {
                    return out;
                };
                let mut name = String::new();
                for (ord, n) in counts.into_iter().enumerate() {
                    if n > 0 && column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                        out.insert(name.clone(), n);
                    }
                }
                out
            }
            FacetSegment::Periods { counts, .. } => counts,
        }
    }
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Fills the periods between the first and the last with zero counts, so a timeline
/// shows the gaps. Keys are `YYYY` or `YYYY-MM`, sorted.
pub fn fill_periods(counts: &[(String, u64)]) -> Vec<(String, u64)> {
    let parse = |k: &str| -> Option<(i64, Option<u32>)> {
        let mut it = k.split('-');
        let y = it.next()?.parse().ok()?;
        let m = it.next().map(|m| m.parse().ok()).unwrap_or(None);
        Some((y, m))
    };
    let (Some(first), Some(last)) = (counts.first(), counts.last()) else {
        return Vec::new();
    };
    let (Some(a), Some(b)) = (parse(&first.0), parse(&last.0)) else {
        return counts.to_vec();
    };
    let known: HashMap<&str, u64> = counts.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let mut out = Vec::new();
    let mut cur = a;
    // A timeline over more than 2,000 periods is not drawn with gaps.
    for _ in 0..2_000 {
        let key = match cur.1 {
            Some(m) => format!("{:04}-{m:02}", cur.0),
            None => format!("{:04}", cur.0),
        };
        out.push((key.clone(), known.get(key.as_str()).copied().unwrap_or(0)));
        if cur == b {
            return out;
        }
        cur = match cur.1 {
            Some(12) => (cur.0 + 1, Some(1)),
            Some(m) => (cur.0, Some(m + 1)),
            None => (cur.0 + 1, None),
        };
    }
    counts.to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        let cases = [
            (0, (1970, 1, 1)),
            (-1, (1969, 12, 31)),
            (19_126, (2022, 5, 14)),
            (11_016, (2000, 2, 29)),
        ];
        for (days, want) in cases {
            assert_eq!(civil_from_days(days), want, "{days}");
        }
    }

    #[test]
    fn periods_are_filled() {
        let counts = |v: &[(&str, u64)]| {
            v.iter()
                .map(|(k, n)| (k.to_string(), *n))
                .collect::<Vec<_>>()
        };
        type Counts<'a> = &'a [(&'a str, u64)];
        let cases: &[(Counts, Counts)] = &[
            (
                &[("2022-11", 2), ("2023-02", 1)],
                &[
                    ("2022-11", 2),
                    ("2022-12", 0),
                    ("2023-01", 0),
                    ("2023-02", 1),
                ],
            ),
            (
                &[("2019", 1), ("2021", 3)],
                &[("2019", 1), ("2020", 0), ("2021", 3)],
            ),
            (&[("2020", 4)], &[("2020", 4)]),
            (&[], &[]),
        ];
        for (input, want) in cases {
            assert_eq!(fill_periods(&counts(input)), counts(want), "{input:?}");
        }
    }
}
