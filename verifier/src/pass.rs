//! Passes and coupons: an entitlement granted to a context pseudonym, valid for a period and
//! for a number of uses (or unlimited), used up one use at a time at a gate or a desk (消込).
//!
//! Sources: Kobe's 地下鉄海岸線 free pass "有効期間6か月のフリーパスを交付するための条件判定"
//! (`../shared/seeds/002_330378ace3b016db.txt:78`), and its online coupons: "オンラインクーポンを
//! 発行する。…施設職員が消込を行う" (`../shared/seeds/002_330378ace3b016db.txt:15`) with "利用回数
//! 制限を設ける場合" (`../shared/seeds/002_330378ace3b016db.txt:19`).
//!
//! The eligibility check happens once, when the person applies
//! ([`PassApplication`](crate::policy::pass::PassApplication)); the [`PassBook`] then holds a
//! [`Grant`] under the applicant's pseudonym for the pass (the pass id is also the pseudonym's
//! context). Every later use presents only that pseudonym
//! ([`PassGate`](crate::policy::pass::PassGate)), so a gate learns nothing but "this pseudonym
//! holds a valid pass", and pseudonyms of different passes are unlinkable. The book records
//! no history of where or when a pass was used — only how many uses are left.
//!
//! [`PassBook::use_once`] is one atomic step: two gates racing for the last use cannot both
//! succeed. [`MemoryPassBook`] serves one process; [`RedbPassBook`] persists to a redb file.
//!
//! ```
//! use myna_verifier::pass::{MemoryPassBook, PassBook, PassId, PassTerms, PassUse, Uses};
//! use myna_verifier::core::time::NumericDate;
//! let book = MemoryPassBook::new();
//! let coupon = PassId::parse("pool-coupon-2026")?;
//! let terms = PassTerms::parse("2026-04-01..2027-03-31", "2")?;
//! let now = NumericDate::from_unix(1_780_000_000); // 2026-05-28
//! book.grant(&coupon, "pseudo-A", &terms.grant_at(now)?)?;
//! assert_eq!(book.use_once(&coupon, "pseudo-A", now)?, PassUse::Used { uses_left: Uses::Limited(1) });
//! assert_eq!(book.use_once(&coupon, "pseudo-A", now)?, PassUse::Used { uses_left: Uses::Limited(0) });
//! assert_eq!(book.use_once(&coupon, "pseudo-A", now)?, PassUse::Exhausted);
//! assert_eq!(book.use_once(&coupon, "pseudo-B", now)?, PassUse::NoPass);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use redb::ReadableTable;

use myna_vc_core::calendar::CalendarDate;
use myna_vc_core::time::NumericDate;
use myna_vc_core::{Error, InputError, Result};

/// The id of a pass or coupon offer (also the context of the holders' pseudonyms for it):
/// 1–64 characters of `a-z`, `0-9`, `-`, `_`, `.`.
///
/// ```
/// use myna_verifier::pass::PassId;
/// assert_eq!(PassId::parse("kobe-kaigan-free-pass")?.as_str(), "kobe-kaigan-free-pass");
/// assert!(PassId::parse("").is_err());
/// assert!(PassId::parse("Kobe Pass").is_err());
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PassId(String);

impl PassId {
    /// Parses a pass id.
    pub fn parse(text: &str) -> Result<Self> {
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.');
        if text.is_empty() || text.len() > 64 || !text.chars().all(allowed) {
            return Err(unknown(
                "pass id (1-64 characters of a-z, 0-9, '-', '_', '.')",
                text,
            ));
        }
        Ok(PassId(text.to_owned()))
    }

    /// The id as text.
    ///
    /// ```
    /// # use myna_verifier::pass::PassId;
    /// assert_eq!(PassId::parse("c-1")?.as_str(), "c-1");
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Display for PassId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

fn unknown(what: &'static str, value: &str) -> Error {
    Error::Input(InputError::UnknownValue {
        what,
        value: value.chars().take(64).collect(),
    })
}

/// When a granted pass is valid.
///
/// ```
/// use myna_verifier::pass::Validity;
/// assert_eq!(Validity::parse("6m")?, Validity::MonthsFromGrant(6));
/// assert!(matches!(Validity::parse("2026-04-01..2026-09-30")?, Validity::Dates { .. }));
/// assert!(Validity::parse("0m").is_err());
/// assert!(Validity::parse("2026-09-30..2026-04-01").is_err());
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// From the day of the grant through the day before the same date this many months
    /// later (Japan time), e.g. granted 1 September → valid through the last day of February.
    MonthsFromGrant(u8),
    /// From the first through the last day, inclusive (Japan time).
    Dates {
        /// The first valid day.
        first: CalendarDate,
        /// The last valid day.
        last: CalendarDate,
    },
}

/// The longest period counted in months: ten years.
const MAX_MONTHS: u8 = 120;

impl Validity {
    /// Parses `<n>m` (1 ≤ n ≤ 120 months from the grant) or `YYYY-MM-DD..YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self> {
        const WHAT: &str = "pass validity (`<months>m`, 1-120, or `YYYY-MM-DD..YYYY-MM-DD`)";
        if let Some((first, last)) = text.split_once("..") {
            let (first, last) = (CalendarDate::parse(first)?, CalendarDate::parse(last)?);
            if last < first {
                return Err(unknown(WHAT, text));
            }
            return Ok(Validity::Dates { first, last });
        }
        let months = text
            .strip_suffix('m')
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| (1..=MAX_MONTHS).contains(n))
            .ok_or_else(|| unknown(WHAT, text))?;
        Ok(Validity::MonthsFromGrant(months))
    }

    /// The valid window `[from, until)` of a pass granted at `granted`.
    ///
    /// ```
    /// use myna_verifier::pass::Validity;
    /// use myna_verifier::core::calendar::CalendarDate;
    /// let granted = CalendarDate::from_ymd(2026, 8, 31)?.start_jst();
    /// let (from, until) = Validity::MonthsFromGrant(6).window(granted)?;
    /// assert_eq!(from, granted);
    /// assert_eq!(until, CalendarDate::from_ymd(2027, 2, 28)?.start_jst());
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn window(&self, granted: NumericDate) -> Result<(NumericDate, NumericDate)> {
        match *self {
            Validity::MonthsFromGrant(months) => {
                let day = CalendarDate::from_numeric_date_jst(granted)?;
                Ok((day.start_jst(), add_months(day, months)?.start_jst()))
            }
            Validity::Dates { first, last } => {
                Ok((first.start_jst(), last.next_day()?.start_jst()))
            }
        }
    }
}

/// `day` plus `months` calendar months, the day clamped to the end of a shorter month.
fn add_months(day: CalendarDate, months: u8) -> Result<CalendarDate> {
    let index = i32::from(day.month()) - 1 + i32::from(months);
    let (year, month) = (day.year() + index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = u8::try_from(month).map_err(|_| unknown("month", ""))?;
    let mut last_error = None;
    for d in (28..=day.day()).rev() {
        match CalendarDate::from_ymd(year, month, d) {
            Ok(date) => return Ok(date),
            Err(e) => last_error = Some(e),
        }
    }
    match last_error {
        Some(e) => Err(e),
        None => CalendarDate::from_ymd(year, month, day.day()),
    }
}

/// How many uses a pass has (left).
///
/// ```
/// use myna_verifier::pass::Uses;
/// assert_eq!(Uses::parse("unlimited")?, Uses::Unlimited);
/// assert_eq!(Uses::parse("10")?, Uses::Limited(10));
/// assert!(Uses::parse("0").is_err());
/// assert!(Uses::parse("ten").is_err());
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uses {
    /// No limit (a season pass).
    Unlimited,
    /// This many uses (a coupon book).
    Limited(u32),
}

/// The most uses a pass can be granted.
const MAX_USES: u32 = 100_000;

impl Uses {
    /// Parses `unlimited` or a number of uses, 1 to 100000.
    pub fn parse(text: &str) -> Result<Self> {
        if text == "unlimited" {
            return Ok(Uses::Unlimited);
        }
        text.parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_USES).contains(n))
            .map(Uses::Limited)
            .ok_or_else(|| unknown("number of uses (`unlimited` or 1-100000)", text))
    }

    /// As stored: -1 for unlimited.
    fn to_stored(self) -> i64 {
        match self {
            Uses::Unlimited => -1,
            Uses::Limited(n) => i64::from(n),
        }
    }

    /// From storage; a negative count is unlimited.
    fn from_stored(value: i64) -> Self {
        u32::try_from(value).map_or(Uses::Unlimited, Uses::Limited)
    }
}

impl core::fmt::Display for Uses {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Uses::Unlimited => f.write_str("unlimited"),
            Uses::Limited(n) => write!(f, "{n}"),
        }
    }
}

/// The terms of an offer: how long a granted pass is valid and how many uses it has.
///
/// ```
/// use myna_verifier::pass::{PassTerms, Uses, Validity};
/// let kobe = PassTerms::parse("6m", "unlimited")?;
/// assert_eq!(kobe.validity, Validity::MonthsFromGrant(6));
/// assert_eq!(kobe.uses, Uses::Unlimited);
/// # Ok::<(), myna_verifier::core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassTerms {
    /// When a granted pass is valid.
    pub validity: Validity,
    /// How many uses it has.
    pub uses: Uses,
}

impl PassTerms {
    /// Parses the terms from their spec parts (see [`Validity::parse`], [`Uses::parse`]).
    pub fn parse(validity: &str, uses: &str) -> Result<Self> {
        Ok(PassTerms {
            validity: Validity::parse(validity)?,
            uses: Uses::parse(uses)?,
        })
    }

    /// The grant these terms give a person at `now`.
    ///
    /// ```
    /// use myna_verifier::pass::{PassTerms, Uses};
    /// use myna_verifier::core::time::NumericDate;
    /// let grant = PassTerms::parse("1m", "3")?.grant_at(NumericDate::from_unix(1_780_000_000))?;
    /// assert_eq!(grant.uses_left, Uses::Limited(3));
    /// assert!(grant.valid_until > grant.valid_from);
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn grant_at(&self, now: NumericDate) -> Result<Grant> {
        let (valid_from, valid_until) = self.validity.window(now)?;
        Ok(Grant {
            valid_from,
            valid_until,
            uses_left: self.uses,
            granted_at: now,
        })
    }
}

/// A pass held by one pseudonym: its valid window `[valid_from, valid_until)` and the uses left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The first valid instant.
    pub valid_from: NumericDate,
    /// The first instant no longer valid.
    pub valid_until: NumericDate,
    /// The uses left.
    pub uses_left: Uses,
    /// When it was granted.
    pub granted_at: NumericDate,
}

impl Grant {
    /// Whether `now` is inside the valid window.
    ///
    /// ```
    /// use myna_verifier::pass::PassTerms;
    /// use myna_verifier::core::time::NumericDate;
    /// let grant = PassTerms::parse("2026-04-01..2026-04-30", "1")?.grant_at(NumericDate::from_unix(0))?;
    /// assert!(!grant.valid_at(NumericDate::from_unix(0)));
    /// assert!(grant.valid_at(grant.valid_from));
    /// assert!(!grant.valid_at(grant.valid_until));
    /// # Ok::<(), myna_verifier::core::Error>(())
    /// ```
    pub fn valid_at(&self, now: NumericDate) -> bool {
        self.valid_from <= now && now < self.valid_until
    }

    /// Uses the pass once at `now`: the outcome, and the grant as it is afterwards.
    fn consume(mut self, now: NumericDate) -> (PassUse, Grant) {
        if !self.valid_at(now) {
            return (PassUse::OutsidePeriod, self);
        }
        self.uses_left = match self.uses_left {
            Uses::Unlimited => Uses::Unlimited,
            Uses::Limited(0) => return (PassUse::Exhausted, self),
            Uses::Limited(n) => Uses::Limited(n - 1),
        };
        (
            PassUse::Used {
                uses_left: self.uses_left,
            },
            self,
        )
    }
}

/// Whether a grant was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granted {
    /// Recorded now.
    New(Grant),
    /// The pseudonym already held this pass: the grant is unchanged (an application from a
    /// second phone neither renews the period nor restores uses).
    Existing(Grant),
}

/// The outcome of one use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassUse {
    /// One use consumed; this many are left.
    Used {
        /// Uses left after this one.
        uses_left: Uses,
    },
    /// No pass of this offer was granted to the pseudonym.
    NoPass,
    /// The pass has no uses left.
    Exhausted,
    /// The pass is not valid at this time (before or after its period).
    OutsidePeriod,
}

/// The pass book's storage failed; nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassBookError(pub String);

impl core::fmt::Display for PassBookError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "pass book: {}", self.0)
    }
}

impl std::error::Error for PassBookError {}

/// Who holds which pass, and how many uses are left.
pub trait PassBook: Send + Sync {
    /// Records `grant` for `pseudonym` under `pass`, unless the pseudonym already holds it.
    fn grant(
        &self,
        pass: &PassId,
        pseudonym: &str,
        grant: &Grant,
    ) -> core::result::Result<Granted, PassBookError>;

    /// Uses the pass of `pseudonym` once at `now` (atomically: one use, one success).
    fn use_once(
        &self,
        pass: &PassId,
        pseudonym: &str,
        now: NumericDate,
    ) -> core::result::Result<PassUse, PassBookError>;

    /// The grants of `pass`, by pseudonym (sorted), for the operator's overview.
    fn grants(&self, pass: &PassId) -> core::result::Result<Vec<(String, Grant)>, PassBookError>;
}

/// An in-memory pass book for one process.
#[derive(Debug, Default)]
pub struct MemoryPassBook {
    grants: Mutex<HashMap<(String, String), Grant>>,
}

impl MemoryPassBook {
    /// An empty book.
    ///
    /// ```
    /// use myna_verifier::pass::{MemoryPassBook, PassBook, PassId};
    /// assert!(MemoryPassBook::new().grants(&PassId::parse("p")?)?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl PassBook for MemoryPassBook {
    fn grant(
        &self,
        pass: &PassId,
        pseudonym: &str,
        grant: &Grant,
    ) -> core::result::Result<Granted, PassBookError> {
        let mut grants = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        let key = (pass.as_str().to_owned(), pseudonym.to_owned());
        if let Some(existing) = grants.get(&key) {
            return Ok(Granted::Existing(*existing));
        }
        grants.insert(key, *grant);
        Ok(Granted::New(*grant))
    }

    fn use_once(
        &self,
        pass: &PassId,
        pseudonym: &str,
        now: NumericDate,
    ) -> core::result::Result<PassUse, PassBookError> {
        let mut grants = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        let key = (pass.as_str().to_owned(), pseudonym.to_owned());
        let Some(grant) = grants.get_mut(&key) else {
            return Ok(PassUse::NoPass);
        };
        let (outcome, after) = grant.consume(now);
        *grant = after;
        Ok(outcome)
    }

    fn grants(&self, pass: &PassId) -> core::result::Result<Vec<(String, Grant)>, PassBookError> {
        let grants = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        let mut list: Vec<(String, Grant)> = grants
            .iter()
            .filter(|((p, _), _)| p == pass.as_str())
            .map(|((_, person), grant)| (person.clone(), *grant))
            .collect();
        list.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(list)
    }
}

/// (pass, pseudonym) → (valid_from, valid_until, uses_left (-1: unlimited), granted_at).
const GRANTS: redb::TableDefinition<(&str, &str), (i64, i64, i64, i64)> =
    redb::TableDefinition::new("pass_grants");

/// A redb-backed pass book: survives restarts and serves every gate given the same instance.
///
/// ```
/// use myna_verifier::pass::{PassBook, PassId, PassTerms, PassUse, RedbPassBook, Uses};
/// use myna_verifier::core::time::NumericDate;
/// let dir = tempfile::tempdir()?;
/// let pass = PassId::parse("kobe-kaigan-free-pass")?;
/// let now = NumericDate::from_unix(1_780_000_000);
/// {
///     let book = RedbPassBook::open(&dir.path().join("passes.redb"))?;
///     book.grant(&pass, "pseudo-A", &PassTerms::parse("6m", "unlimited")?.grant_at(now)?)?;
/// }
/// let reopened = RedbPassBook::open(&dir.path().join("passes.redb"))?;
/// assert_eq!(reopened.use_once(&pass, "pseudo-A", now)?, PassUse::Used { uses_left: Uses::Unlimited });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RedbPassBook {
    db: redb::Database,
}

impl RedbPassBook {
    /// Opens (or creates) the pass book file.
    pub fn open(path: &Path) -> core::result::Result<Self, PassBookError> {
        let db = redb::Database::create(path).map_err(storage)?;
        let tx = db.begin_write().map_err(storage)?;
        tx.open_table(GRANTS).map_err(storage)?;
        tx.commit().map_err(storage)?;
        Ok(RedbPassBook { db })
    }
}

fn storage(error: impl core::fmt::Display) -> PassBookError {
    PassBookError(error.to_string())
}

fn to_row(grant: &Grant) -> (i64, i64, i64, i64) {
    (
        grant.valid_from.as_unix(),
        grant.valid_until.as_unix(),
        grant.uses_left.to_stored(),
        grant.granted_at.as_unix(),
    )
}

fn from_row((from, until, uses, at): (i64, i64, i64, i64)) -> Grant {
    Grant {
        valid_from: NumericDate::from_unix(from),
        valid_until: NumericDate::from_unix(until),
        uses_left: Uses::from_stored(uses),
        granted_at: NumericDate::from_unix(at),
    }
}

impl RedbPassBook {
    /// Reads the grant of (`pass`, `pseudonym`) and stores what `step` makes of it, in one
    /// write transaction: redb serialises writers, so the read and the write are atomic (two
    /// gates racing for the last use cannot both win).
    fn update<T>(
        &self,
        pass: &PassId,
        pseudonym: &str,
        step: impl FnOnce(Option<Grant>) -> (T, Option<Grant>),
    ) -> core::result::Result<T, PassBookError> {
        let tx = self.db.begin_write().map_err(storage)?;
        let outcome = {
            let mut table = tx.open_table(GRANTS).map_err(storage)?;
            let key = (pass.as_str(), pseudonym);
            let existing = table
                .get(key)
                .map_err(storage)?
                .map(|v| from_row(v.value()));
            let (outcome, changed) = step(existing);
            if let Some(grant) = changed.filter(|g| Some(*g) != existing) {
                table.insert(key, to_row(&grant)).map_err(storage)?;
            }
            outcome
        };
        tx.commit().map_err(storage)?;
        Ok(outcome)
    }
}

impl PassBook for RedbPassBook {
    fn grant(
        &self,
        pass: &PassId,
        pseudonym: &str,
        grant: &Grant,
    ) -> core::result::Result<Granted, PassBookError> {
        self.update(pass, pseudonym, |existing| match existing {
            Some(existing) => (Granted::Existing(existing), None),
            None => (Granted::New(*grant), Some(*grant)),
        })
    }

    fn use_once(
        &self,
        pass: &PassId,
        pseudonym: &str,
        now: NumericDate,
    ) -> core::result::Result<PassUse, PassBookError> {
        self.update(pass, pseudonym, |existing| match existing {
            None => (PassUse::NoPass, None),
            Some(grant) => {
                let (outcome, after) = grant.consume(now);
                (outcome, Some(after))
            }
        })
    }

    fn grants(&self, pass: &PassId) -> core::result::Result<Vec<(String, Grant)>, PassBookError> {
        let tx = self.db.begin_read().map_err(storage)?;
        let table = tx.open_table(GRANTS).map_err(storage)?;
        let mut list = Vec::new();
        for row in table.iter().map_err(storage)? {
            let (key, value) = row.map_err(storage)?;
            let (p, person) = key.value();
            if p == pass.as_str() {
                list.push((person.to_owned(), from_row(value.value())));
            }
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> CalendarDate {
        CalendarDate::from_ymd(y, m, d).unwrap()
    }

    #[test]
    fn six_months_from_grant_ends_the_day_before_the_same_date() {
        let granted = day(2026, 9, 1).start_jst();
        let (from, until) = Validity::MonthsFromGrant(6).window(granted).unwrap();
        assert_eq!(from, granted);
        assert_eq!(until, day(2027, 3, 1).start_jst());
        // A grant late in the day (Japan time) still starts that day.
        let (from, _) = Validity::MonthsFromGrant(6)
            .window(NumericDate::from_unix(granted.as_unix() + 86_399))
            .unwrap();
        assert_eq!(from, granted);
    }

    #[test]
    fn month_ends_clamp() {
        assert_eq!(add_months(day(2027, 1, 31), 1).unwrap(), day(2027, 2, 28));
        assert_eq!(add_months(day(2028, 1, 31), 1).unwrap(), day(2028, 2, 29));
        assert_eq!(
            add_months(day(2026, 12, 15), 120).unwrap(),
            day(2036, 12, 15)
        );
    }

    #[test]
    fn unlimited_pass_outside_its_period_is_refused() {
        let grant = PassTerms::parse("2026-04-01..2026-04-30", "unlimited")
            .unwrap()
            .grant_at(day(2026, 3, 1).start_jst())
            .unwrap();
        assert_eq!(
            grant.consume(day(2026, 3, 31).start_jst()).0,
            PassUse::OutsidePeriod
        );
        assert_eq!(
            grant.consume(day(2026, 4, 30).start_jst()).0,
            PassUse::Used {
                uses_left: Uses::Unlimited
            }
        );
        assert_eq!(
            grant.consume(day(2026, 5, 1).start_jst()).0,
            PassUse::OutsidePeriod
        );
    }

    #[test]
    fn stored_uses_round_trip() {
        for uses in [Uses::Unlimited, Uses::Limited(0), Uses::Limited(MAX_USES)] {
            assert_eq!(Uses::from_stored(uses.to_stored()), uses);
        }
    }
}
