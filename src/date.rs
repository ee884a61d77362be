//! Calendar dates and months as the content model writes them
//! (`YYYY-MM-DD`, `YYYY-MM`), with helpful errors for impossible dates and
//! for Japanese era dates (令和8年4月1日) given where ISO dates are expected.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::i18n::Text;
use crate::tr;

/// A calendar date (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A calendar month (`YYYY-MM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`; the error says what is wrong, in both languages.
    pub fn parse(text: &str) -> Result<Date, Text> {
        let t = text.trim();
        // YYYY-MM-DD, as nearly every date is written: read without
        // splitting (a ledger of a million records holds millions).
        if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *t.as_bytes()
            && [y0, y1, y2, y3, m0, m1, d0, d1]
                .iter()
                .all(u8::is_ascii_digit)
        {
            let n = |a: &[u8]| a.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
            let y = i32::try_from(n(&[y0, y1, y2, y3])).unwrap_or(0);
            if let Some(d) = NaiveDate::from_ymd_opt(y, n(&[m0, m1]), n(&[d0, d1])) {
                return Ok(Date(d));
            }
        }
        if let Some(iso) = era_to_iso(t) {
            return Err(tr!(
                "和暦の日付「{}」は使えません。ISO 形式で {} と書いてください",
                "Japanese era date '{}' is not accepted; write it as {}";
                t, iso
            ));
        }
        let parts: Vec<&str> = t.split('-').collect();
        let shape_ok = parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !shape_ok {
            return Err(tr!(
                "日付「{}」は YYYY-MM-DD 形式ではありません",
                "date '{}' is not in YYYY-MM-DD form";
                t
            ));
        }
        let (y, m, d) = (
            parts[0].parse().unwrap_or(0),
            parts[1].parse().unwrap_or(0),
            parts[2].parse().unwrap_or(0),
        );
        NaiveDate::from_ymd_opt(y, m, d).map(Date).ok_or_else(|| {
            tr!(
                "日付「{}」は存在しない日付です",
                "date '{}' does not exist";
                t
            )
        })
    }

    /// The date `months` months later (clamped to the month's end).
    pub fn plus_months(self, months: u32) -> Date {
        Date(
            self.0
                .checked_add_months(Months::new(months))
                .unwrap_or(NaiveDate::MAX),
        )
    }

    /// The date `months` months earlier (clamped to the month's end).
    pub fn minus_months(self, months: u32) -> Date {
        Date(
            self.0
                .checked_sub_months(Months::new(months))
                .unwrap_or(NaiveDate::MIN),
        )
    }

    /// The date `days` days later (or earlier, when negative).
    pub fn plus_days(self, days: i64) -> Date {
        Date(
            self.0
                .checked_add_signed(chrono::TimeDelta::days(days))
                .unwrap_or(if days < 0 {
                    NaiveDate::MIN
                } else {
                    NaiveDate::MAX
                }),
        )
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        (later.0 - self.0).num_days()
    }

    /// The month this date falls in.
    pub fn month(self) -> Month {
        Month {
            year: self.0.year(),
            month: self.0.month(),
        }
    }

    /// Today's date from the system clock (the default as-of date).
    pub fn today() -> Date {
        Date(chrono::Local::now().date_naive())
    }

    /// The date in 和暦 (e.g. 令和8年4月1日), for dates from 令和 on; ISO otherwise.
    pub fn wareki(self) -> String {
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        let reiwa = NaiveDate::from_ymd_opt(2019, 5, 1).expect("valid date");
        let heisei = NaiveDate::from_ymd_opt(1989, 1, 8).expect("valid date");
        if self.0 >= reiwa {
            let n = y - 2018;
            let year = if n == 1 {
                "元".to_string()
            } else {
                n.to_string()
            };
            format!("令和{year}年{m}月{d}日")
        } else if self.0 >= heisei {
            let n = y - 1988;
            let year = if n == 1 {
                "元".to_string()
            } else {
                n.to_string()
            };
            format!("平成{year}年{m}月{d}日")
        } else {
            self.to_string()
        }
    }
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Month, Text> {
        let t = text.trim();
        let bad =
            || tr!("月「{}」は YYYY-MM 形式ではありません", "month '{}' is not in YYYY-MM form"; t);
        let (y, m) = t.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    /// The following month.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The given day of this month, clamped to the month's last day.
    pub fn day(self, day: u32) -> Date {
        let mut d = day.max(1);
        loop {
            if let Some(date) = NaiveDate::from_ymd_opt(self.year, self.month, d) {
                return Date(date);
            }
            d -= 1;
        }
    }
}

/// Converts a Japanese era date (令和8年4月1日, R8.4.1, 平成31年4月30日) to ISO,
/// if `text` is one.
pub fn era_to_iso(text: &str) -> Option<String> {
    let eras = [
        ("令和", 2018),
        ("R", 2018),
        ("平成", 1988),
        ("H", 1988),
        ("昭和", 1925),
        ("S", 1925),
    ];
    for (name, offset) in eras {
        let Some(rest) = text.strip_prefix(name) else {
            continue;
        };
        let nums: Vec<u32> = rest
            .replace('元', "1")
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        if nums.len() == 3 {
            let year = offset + nums[0] as i32;
            if let Some(d) = NaiveDate::from_ymd_opt(year, nums[1], nums[2]) {
                return Some(d.format("%Y-%m-%d").to_string());
            }
        }
    }
    None
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(crate::yaml::text_error)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Month::parse(&s).map_err(crate::yaml::text_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_date_is_rejected() {
        assert!(Date::parse("2026-02-30").is_err());
        assert!(Date::parse("2026-2-3").is_err());
        assert_eq!(Date::parse("2026-02-28").unwrap().to_string(), "2026-02-28");
    }

    #[test]
    fn every_iso_shaped_date_reads_as_chrono_reads_it() {
        // The direct reading of YYYY-MM-DD against chrono's parser, over
        // every month and day number written with two digits (0 and 13+
        // included) and years at the edges of leap rules.
        for y in [0, 1, 1900, 2000, 2024, 2026, 2100, 9999] {
            for m in 0..=99 {
                for d in [0, 1, 9, 10, 28, 29, 30, 31, 32, 99] {
                    let text = format!("{y:04}-{m:02}-{d:02}");
                    let want = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
                    assert_eq!(Date::parse(&text).ok().map(|d| d.0), want, "{text}");
                }
            }
        }
        assert_eq!(
            Date::parse(" 2026-04-01 ").unwrap().to_string(),
            "2026-04-01"
        );
        for bad in [
            "2026-04-1",
            "2026/04/01",
            "２０２６-04-01",
            "2026-04-01x",
            "+026-04-01",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn era_date_suggests_iso() {
        let e = Date::parse("令和8年4月1日").unwrap_err();
        assert!(e.ja.contains("2026-04-01"), "{}", e.ja);
        assert_eq!(era_to_iso("R8.4.1").as_deref(), Some("2026-04-01"));
        assert_eq!(era_to_iso("令和元年5月1日").as_deref(), Some("2019-05-01"));
    }

    #[test]
    fn months_step_and_clamp() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(
            Month::parse("2027-02").unwrap().day(31).to_string(),
            "2027-02-28"
        );
        assert!(Month::parse("2026-13").is_err());
        let d = Date::parse("2026-03-31").unwrap();
        assert_eq!(d.minus_months(1).to_string(), "2026-02-28");
    }

    #[test]
    fn wareki_renders_reiwa() {
        assert_eq!(Date::parse("2026-04-01").unwrap().wareki(), "令和8年4月1日");
        assert_eq!(
            Date::parse("2019-05-01").unwrap().wareki(),
            "令和元年5月1日"
        );
    }
}
