//! The kinds of certified fact a credential depends on (residence, birth date, guardian, the
//! card certificate), and sets of them. A leaf of the module graph: records and status
//! changes name them.

use core::fmt;

/// A kind of certified fact a credential rests on. When the fact changes for a person (a move,
/// a corrected birth date, a guardianship ending), every credential depending on it is revoked.
/// ```
/// use myna_issuer::record::Fact;
/// assert_eq!(Fact::ALL.len(), 4);
/// assert_eq!(Fact::Residence.to_string(), "residence");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fact {
    /// The registered address / municipality of residence.
    Residence,
    /// The date of birth (age credentials).
    BirthDate,
    /// A guardian–child relation (child medical subsidy).
    Guardian,
    /// The card's signature certificate is in force: the credential rests on it until the
    /// certificate expires, a limit kept on the record and enforced through the status list
    /// ([`lapse`](crate::lapse)), never written into the credential.
    CardCertificate,
}

impl Fact {
    /// Every fact, in bit order.
    pub const ALL: [Fact; 4] = [
        Fact::Residence,
        Fact::BirthDate,
        Fact::Guardian,
        Fact::CardCertificate,
    ];

    const fn bit(self) -> u8 {
        match self {
            Fact::Residence => 1,
            Fact::BirthDate => 2,
            Fact::Guardian => 4,
            Fact::CardCertificate => 8,
        }
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fact::Residence => "residence",
            Fact::BirthDate => "birth date",
            Fact::Guardian => "guardian",
            Fact::CardCertificate => "card certificate",
        })
    }
}

/// A set of [`Fact`]s.
/// ```
/// use myna_issuer::record::{Fact, FactSet};
/// let facts = FactSet::of(&[Fact::Residence, Fact::Guardian]);
/// assert!(facts.contains(Fact::Guardian));
/// assert!(!facts.contains(Fact::BirthDate));
/// assert_eq!(facts.iter().count(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FactSet(pub(crate) u8);

impl FactSet {
    /// The set of these facts.
    /// ```
    /// use myna_issuer::record::{Fact, FactSet};
    /// assert_eq!(FactSet::of(&[]), FactSet::default());
    /// ```
    pub fn of(facts: &[Fact]) -> Self {
        FactSet(facts.iter().fold(0, |bits, fact| bits | fact.bit()))
    }

    /// Whether `fact` is in the set.
    /// ```
    /// use myna_issuer::record::{Fact, FactSet};
    /// assert!(FactSet::of(&[Fact::BirthDate]).contains(Fact::BirthDate));
    /// ```
    pub const fn contains(self, fact: Fact) -> bool {
        self.0 & fact.bit() != 0
    }

    /// The facts in the set.
    /// ```
    /// use myna_issuer::record::{Fact, FactSet};
    /// let all: Vec<Fact> = FactSet::of(&Fact::ALL).iter().collect();
    /// assert_eq!(all, Fact::ALL);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = Fact> {
        Fact::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    /// The set stored as `bits`; `None` if a bit names no fact this version knows.
    pub(crate) fn from_bits(bits: u8) -> Option<Self> {
        let known = FactSet::of(&Fact::ALL).0;
        (bits & !known == 0).then_some(FactSet(bits))
    }
}
