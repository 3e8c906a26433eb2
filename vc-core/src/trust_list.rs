//! The signed trust list: which issuer may issue which credential type for which municipality,
//! with which keys. A verifier (shop, gate, clinic) pins one authority key and decides "not
//! issued by a trusted municipality" from the list alone, offline.
//!
//! The list travels as a JWT with `typ` [`TYP`], signed by the authority. Verification uses
//! only the pinned authority key (never a key named by the token), requires `exp`, and refuses
//! a structurally doubtful list (duplicate issuers or key ids, an issuer allowed no `vct`, a
//! municipality without its code, members this version does not know) rather than guessing.
//! [`TrustList::verify_newer_than`] also refuses a list older than one already seen, so an
//! attacker cannot replay a list that still trusted a since-removed issuer.
//!
//! ```
//! use myna_vc_core::crypto::{default_provider, SecretKey};
//! use myna_vc_core::sdjwt_vc::Vct;
//! use myna_vc_core::time::NumericDate;
//! use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
//! use myna_vc_core::Error;
//! let provider = default_provider();
//! let (authority, kobe_key) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
//! let now = NumericDate::from_unix(1_800_000_000);
//! let age = Vct::parse("https://vc.example.jp/age")?;
//!
//! let list = TrustList::new("jp-trust", 7, now, now.plus_seconds(86_400)).with_issuer(
//!     TrustedIssuer::municipality("did:web:city.kobe.example", "神戸市", "281000".parse()?)
//!         .with_key("key-1", kobe_key.public_key())
//!         .allowing(age.clone()),
//! );
//! let token = list.sign(&*provider.signer(&authority)?)?;
//!
//! let trusted = TrustList::verify(&token, provider, &authority.public_key(), now)?;
//! assert_eq!(trusted.issuer_key("did:web:city.kobe.example", Some("key-1"))?, &kobe_key.public_key());
//! assert!(trusted.authorize("did:web:city.kobe.example", &age, now).is_ok());
//! assert!(matches!(trusted.authorize("https://evil.example", &age, now),
//!                  Err(Error::TrustList(myna_vc_core::TrustListError::UntrustedIssuer(_)))));
//! # Ok::<(), myna_vc_core::Error>(())
//! ```

use serde_json::{Map, Value};

use crate::crypto::{CryptoProvider, PublicKey, Signer};
use crate::did::{Did, DidWeb};
use crate::error::{Error, JwtError, Result, TrustListError};
use crate::json;
use crate::jwk::Jwk;
use crate::jws::{Jws, JwsHeader};
use crate::jwt::{self, TimeRules, DEFAULT_LEEWAY_SECS};
use crate::municipality::MunicipalityCode;
use crate::sdjwt_vc::Vct;
use crate::time::NumericDate;

/// The `typ` header of a trust list JWT.
pub const TYP: &str = "myna-trust-list+jwt";

/// The longest issuer id, list id or display name accepted.
pub const MAX_ID_LEN: usize = 2048;

const WHAT: &str = "trust list";
const LIST_MEMBERS: [&str; 5] = ["list_id", "version", "iat", "exp", "issuers"];
const ISSUER_MEMBERS: [&str; 8] = [
    "id",
    "name",
    "kind",
    "municipality",
    "keys",
    "vcts",
    "valid_from",
    "valid_until",
];

/// What kind of body a trusted issuer is.
///
/// ```
/// use myna_vc_core::trust_list::IssuerKind;
/// assert_eq!(IssuerKind::parse("municipality")?, IssuerKind::Municipality);
/// assert_eq!(IssuerKind::Operator.as_str(), "operator");
/// assert!(IssuerKind::parse("bank").is_err());
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssuerKind {
    /// A municipality (市区町村); it must carry its [`MunicipalityCode`].
    Municipality,
    /// A non-municipal operator (tourism DMO, shelter operator).
    Operator,
}

impl IssuerKind {
    /// Parses the JSON form (`municipality` or `operator`).
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "municipality" => Ok(IssuerKind::Municipality),
            "operator" => Ok(IssuerKind::Operator),
            _ => Err(Error::TrustList(TrustListError::UnknownIssuerKind)),
        }
    }

    /// The JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            IssuerKind::Municipality => "municipality",
            IssuerKind::Operator => "operator",
        }
    }
}

/// One trusted issuer: its `iss` value, keys, allowed credential types and period of trust.
///
/// ```
/// use myna_vc_core::{crypto::SecretKey, sdjwt_vc::Vct, trust_list::{IssuerKind, TrustedIssuer}};
/// let dmo = TrustedIssuer::operator("https://dmo.example.jp", "観光協会")
///     .with_key("k1", SecretKey::generate_p256()?.public_key())
///     .allowing(Vct::parse("https://vc.example.jp/membership")?);
/// assert_eq!(dmo.kind, IssuerKind::Operator);
/// assert!(dmo.allows(&Vct::parse("https://vc.example.jp/membership")?));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedIssuer {
    /// The `iss` value of its credentials: a did:web DID or an https URL.
    pub id: String,
    /// Display name (Japanese is fine).
    pub name: String,
    /// Municipality or operator.
    pub kind: IssuerKind,
    /// The municipality it issues for (required for [`IssuerKind::Municipality`]).
    pub municipality: Option<MunicipalityCode>,
    /// Its public signing keys, each with a distinct `kid`.
    pub keys: Vec<Jwk>,
    /// The credential types it may issue (at least one).
    pub vcts: Vec<Vct>,
    /// Trusted from this instant (inclusive); `None` means from the start.
    pub valid_from: Option<NumericDate>,
    /// Trusted until this instant (exclusive); `None` means while the list is valid.
    pub valid_until: Option<NumericDate>,
}

impl TrustedIssuer {
    /// A municipality issuer with no keys or types yet.
    ///
    /// ```
    /// use myna_vc_core::trust_list::TrustedIssuer;
    /// let kobe = TrustedIssuer::municipality("did:web:city.kobe.example", "神戸市", "281000".parse()?);
    /// assert_eq!(kobe.municipality.map(|c| c.to_string()).as_deref(), Some("281000"));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn municipality(id: &str, name: &str, code: MunicipalityCode) -> Self {
        TrustedIssuer {
            municipality: Some(code),
            ..Self::empty(id, name, IssuerKind::Municipality)
        }
    }

    /// An operator issuer with no keys or types yet.
    ///
    /// ```
    /// use myna_vc_core::trust_list::TrustedIssuer;
    /// assert!(TrustedIssuer::operator("https://shelter.example.jp", "避難所").municipality.is_none());
    /// ```
    pub fn operator(id: &str, name: &str) -> Self {
        Self::empty(id, name, IssuerKind::Operator)
    }

    fn empty(id: &str, name: &str, kind: IssuerKind) -> Self {
        TrustedIssuer {
            id: id.to_owned(),
            name: name.to_owned(),
            kind,
            municipality: None,
            keys: Vec::new(),
            vcts: Vec::new(),
            valid_from: None,
            valid_until: None,
        }
    }

    /// Adds a key under `kid`.
    ///
    /// ```
    /// use myna_vc_core::{crypto::SecretKey, trust_list::TrustedIssuer};
    /// let i = TrustedIssuer::operator("https://a.example", "A").with_key("k1", SecretKey::generate_ed25519()?.public_key());
    /// assert_eq!(i.keys[0].kid.as_deref(), Some("k1"));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn with_key(mut self, kid: &str, key: PublicKey) -> Self {
        let mut jwk = Jwk::new(key);
        jwk.kid = Some(kid.to_owned());
        self.keys.push(jwk);
        self
    }

    /// Allows a credential type.
    ///
    /// ```
    /// use myna_vc_core::{sdjwt_vc::Vct, trust_list::TrustedIssuer};
    /// let i = TrustedIssuer::operator("https://a.example", "A").allowing(Vct::parse("urn:t")?);
    /// assert_eq!(i.vcts.len(), 1);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn allowing(mut self, vct: Vct) -> Self {
        self.vcts.push(vct);
        self
    }

    /// Limits the period of trust to `[from, until)`.
    ///
    /// ```
    /// use myna_vc_core::{time::NumericDate, trust_list::TrustedIssuer};
    /// let t = NumericDate::from_unix;
    /// let i = TrustedIssuer::operator("https://a.example", "A").valid_between(Some(t(10)), Some(t(20)));
    /// assert!(i.check_valid_at(t(15)).is_ok());
    /// assert!(i.check_valid_at(t(20)).is_err());
    /// ```
    pub fn valid_between(mut self, from: Option<NumericDate>, until: Option<NumericDate>) -> Self {
        self.valid_from = from;
        self.valid_until = until;
        self
    }

    /// Whether it may issue `vct`.
    ///
    /// ```
    /// use myna_vc_core::{sdjwt_vc::Vct, trust_list::TrustedIssuer};
    /// let i = TrustedIssuer::operator("https://a.example", "A").allowing(Vct::parse("urn:a")?);
    /// assert!(!i.allows(&Vct::parse("urn:b")?));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn allows(&self, vct: &Vct) -> bool {
        self.vcts.contains(vct)
    }

    /// Checks that it is trusted at `now` (`valid_from <= now < valid_until`).
    ///
    /// ```
    /// use myna_vc_core::{time::NumericDate, trust_list::TrustedIssuer, Error};
    /// let t = NumericDate::from_unix;
    /// let i = TrustedIssuer::operator("https://a.example", "A").valid_between(Some(t(10)), None);
    /// assert!(matches!(i.check_valid_at(t(9)), Err(Error::TrustList(myna_vc_core::TrustListError::IssuerNotYetValid { .. }))));
    /// ```
    pub fn check_valid_at(&self, now: NumericDate) -> Result<()> {
        if let Some(valid_from) = self.valid_from.filter(|from| now < *from) {
            return Err(Error::TrustList(TrustListError::IssuerNotYetValid {
                issuer: self.id.clone(),
                valid_from,
                now,
            }));
        }
        if let Some(valid_until) = self.valid_until.filter(|until| now >= *until) {
            return Err(Error::TrustList(TrustListError::IssuerExpired {
                issuer: self.id.clone(),
                valid_until,
                now,
            }));
        }
        Ok(())
    }

    /// The key with `kid`; without a `kid`, the only key (an issuer with several keys requires
    /// one). `kid` is compared exactly.
    ///
    /// ```
    /// use myna_vc_core::{crypto::SecretKey, trust_list::TrustedIssuer, Error};
    /// let (a, b) = (SecretKey::generate_p256()?.public_key(), SecretKey::generate_p256()?.public_key());
    /// let i = TrustedIssuer::operator("https://a.example", "A").with_key("a", a.clone()).with_key("b", b);
    /// assert_eq!(i.key(Some("a"))?, &a);
    /// assert!(matches!(i.key(None), Err(Error::TrustList(myna_vc_core::TrustListError::IssuerKeyIdRequired { keys: 2, .. }))));
    /// assert!(matches!(i.key(Some("c")), Err(Error::TrustList(myna_vc_core::TrustListError::UnknownIssuerKey { .. }))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn key(&self, kid: Option<&str>) -> Result<&PublicKey> {
        let Some(kid) = kid else {
            return match self.keys.as_slice() {
                [only] => Ok(&only.key),
                keys => Err(Error::TrustList(TrustListError::IssuerKeyIdRequired {
                    issuer: self.id.clone(),
                    keys: keys.len(),
                })),
            };
        };
        self.keys
            .iter()
            .find(|jwk| jwk.kid.as_deref() == Some(kid))
            .map(|jwk| &jwk.key)
            .ok_or_else(|| {
                Error::TrustList(TrustListError::UnknownIssuerKey {
                    issuer: self.id.clone(),
                    kid: shown(kid),
                })
            })
    }

    /// The structural rules of one entry.
    pub(crate) fn check(&self) -> Result<()> {
        check_issuer_id(&self.id)?;
        check_text(&self.name, "name")?;
        if self.kind == IssuerKind::Municipality && self.municipality.is_none() {
            return Err(Error::TrustList(TrustListError::MunicipalityCodeMissing(
                self.id.clone(),
            )));
        }
        if self.vcts.is_empty() {
            return Err(Error::TrustList(TrustListError::EmptyVctList(
                self.id.clone(),
            )));
        }
        if let (Some(from), Some(until)) = (self.valid_from, self.valid_until) {
            if from >= until {
                return Err(Error::TrustList(TrustListError::EmptyPeriod {
                    what: "an issuer's trust (`valid_from`, `valid_until`)",
                }));
            }
        }
        self.check_keys()
    }

    fn check_keys(&self) -> Result<()> {
        let invalid = |detail| {
            Error::TrustList(TrustListError::InvalidIssuerKeys {
                issuer: self.id.clone(),
                detail,
            })
        };
        if self.keys.is_empty() {
            return Err(invalid("it has no keys"));
        }
        let mut kids = std::collections::BTreeSet::new();
        for jwk in &self.keys {
            let kid = jwk
                .kid
                .as_deref()
                .ok_or_else(|| invalid("a key has no `kid`"))?;
            if !kids.insert(kid) {
                return Err(Error::TrustList(TrustListError::DuplicateIssuerKeyId {
                    issuer: self.id.clone(),
                    kid: shown(kid),
                }));
            }
        }
        Ok(())
    }

    /// The JSON form of one entry (a member of the list's `issuers`).
    pub(crate) fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("id".into(), self.id.clone().into());
        obj.insert("name".into(), self.name.clone().into());
        obj.insert("kind".into(), self.kind.as_str().into());
        if let Some(code) = self.municipality {
            obj.insert("municipality".into(), code.to_string().into());
        }
        let keys = self.keys.iter().map(Jwk::to_json).collect();
        obj.insert("keys".into(), Value::Array(keys));
        let vcts = self.vcts.iter().map(|v| Value::from(v.as_str())).collect();
        obj.insert("vcts".into(), Value::Array(vcts));
        for (name, date) in [
            ("valid_from", self.valid_from),
            ("valid_until", self.valid_until),
        ] {
            if let Some(date) = date {
                obj.insert(name.into(), date.as_unix().into());
            }
        }
        Value::Object(obj)
    }

    /// Parses the JSON form of one entry (unknown members refused; structure not checked).
    pub(crate) fn from_json(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| Error::not_an_object("trust list issuer entry"))?;
        check_members(obj, &ISSUER_MEMBERS)?;
        let municipality = match obj.get("municipality") {
            None => None,
            Some(v) => Some(MunicipalityCode::parse(string(v, "municipality")?)?),
        };
        Ok(TrustedIssuer {
            id: required_string(obj, "id")?.to_owned(),
            name: required_string(obj, "name")?.to_owned(),
            kind: IssuerKind::parse(required_string(obj, "kind")?)?,
            municipality,
            keys: array(obj, "keys")?
                .iter()
                .map(Jwk::from_json)
                .collect::<Result<_>>()?,
            vcts: array(obj, "vcts")?
                .iter()
                .map(|v| Vct::parse(string(v, "vcts")?))
                .collect::<Result<_>>()?,
            valid_from: optional_date(obj, "valid_from")?,
            valid_until: optional_date(obj, "valid_until")?,
        })
    }
}

/// A trust list as the authority writes it. Build it, [`sign`](Self::sign) it; verifiers get
/// a [`VerifiedTrustList`] from [`verify`](Self::verify).
///
/// ```
/// use myna_vc_core::{time::NumericDate, trust_list::TrustList};
/// let t = NumericDate::from_unix(1_800_000_000);
/// let list = TrustList::new("jp-trust", 1, t, t.plus_seconds(3600));
/// assert_eq!(list.to_claims()["version"], 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    /// Which list this is (one authority may publish several).
    pub list_id: String,
    /// Monotonically increasing: a verifier refuses a lower version than one it has seen.
    pub version: u64,
    /// When the authority issued it (`iat`).
    pub issued_at: NumericDate,
    /// When it stops being valid (`exp`, required).
    pub expires_at: NumericDate,
    /// The trusted issuers (ids distinct).
    pub entries: Vec<TrustedIssuer>,
}

impl TrustList {
    /// An empty list.
    ///
    /// ```
    /// use myna_vc_core::{time::NumericDate, trust_list::TrustList};
    /// let t = NumericDate::from_unix(0);
    /// assert!(TrustList::new("l", 1, t, t.plus_seconds(1)).entries.is_empty());
    /// ```
    pub fn new(
        list_id: &str,
        version: u64,
        issued_at: NumericDate,
        expires_at: NumericDate,
    ) -> Self {
        TrustList {
            list_id: list_id.to_owned(),
            version,
            issued_at,
            expires_at,
            entries: Vec::new(),
        }
    }

    /// Adds an issuer entry.
    ///
    /// ```
    /// use myna_vc_core::{time::NumericDate, trust_list::{TrustList, TrustedIssuer}};
    /// let t = NumericDate::from_unix(0);
    /// let list = TrustList::new("l", 1, t, t.plus_seconds(1))
    ///     .with_issuer(TrustedIssuer::operator("https://a.example", "A"));
    /// assert_eq!(list.entries.len(), 1);
    /// ```
    pub fn with_issuer(mut self, issuer: TrustedIssuer) -> Self {
        self.entries.push(issuer);
        self
    }

    /// Checks the structural rules: a list id, `iat` before `exp`, distinct issuer ids, valid
    /// ids, keys with distinct `kid`s, at least one `vct` per issuer, a code for every
    /// municipality.
    ///
    /// ```
    /// use myna_vc_core::{crypto::SecretKey, sdjwt_vc::Vct, time::NumericDate, Error};
    /// use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
    /// let t = NumericDate::from_unix(0);
    /// let no_vct = TrustedIssuer::operator("https://a.example", "A")
    ///     .with_key("k", SecretKey::generate_p256()?.public_key());
    /// let list = TrustList::new("l", 1, t, t.plus_seconds(1)).with_issuer(no_vct);
    /// assert!(matches!(list.check(), Err(Error::TrustList(myna_vc_core::TrustListError::EmptyVctList(_)))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn check(&self) -> Result<()> {
        check_text(&self.list_id, "list_id")?;
        if self.issued_at >= self.expires_at {
            return Err(Error::TrustList(TrustListError::EmptyPeriod {
                what: "the trust list (`iat`, `exp`)",
            }));
        }
        let mut ids = std::collections::BTreeSet::new();
        for entry in &self.entries {
            entry.check()?;
            if !ids.insert(entry.id.as_str()) {
                return Err(Error::TrustList(TrustListError::DuplicateTrustedIssuer(
                    entry.id.clone(),
                )));
            }
        }
        Ok(())
    }

    /// The JSON form: the JWT claim set.
    ///
    /// ```
    /// use myna_vc_core::{time::NumericDate, trust_list::TrustList};
    /// let t = NumericDate::from_unix(100);
    /// let claims = TrustList::new("l", 3, t, t.plus_seconds(1)).to_claims();
    /// assert_eq!((claims["iat"].as_i64(), claims["exp"].as_i64()), (Some(100), Some(101)));
    /// ```
    pub fn to_claims(&self) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("list_id".into(), self.list_id.clone().into());
        claims.insert("version".into(), self.version.into());
        claims.insert("iat".into(), self.issued_at.as_unix().into());
        claims.insert("exp".into(), self.expires_at.as_unix().into());
        let issuers = self.entries.iter().map(TrustedIssuer::to_json).collect();
        claims.insert("issuers".into(), Value::Array(issuers));
        claims
    }

    /// Parses the JSON form and checks its structure (see [`check`](Self::check)). This does
    /// not verify anything: use it for tooling, never to decide trust.
    ///
    /// ```
    /// use myna_vc_core::{time::NumericDate, trust_list::TrustList};
    /// let t = NumericDate::from_unix(100);
    /// let list = TrustList::new("l", 3, t, t.plus_seconds(1));
    /// assert_eq!(TrustList::from_claims(&list.to_claims())?, list);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Self> {
        check_members(claims, &LIST_MEMBERS)?;
        let version = claims
            .get("version")
            .ok_or(Error::Jwt(JwtError::MissingClaim("version")))?
            .as_u64()
            .ok_or_else(|| {
                Error::Jwt(JwtError::InvalidClaim {
                    claim: "version",
                    detail: "must be a non-negative integer".into(),
                })
            })?;
        let list = TrustList {
            list_id: required_string(claims, "list_id")?.to_owned(),
            version,
            issued_at: jwt::date_claim(claims, "iat")?
                .ok_or(Error::Jwt(JwtError::MissingClaim("iat")))?,
            expires_at: jwt::date_claim(claims, "exp")?
                .ok_or(Error::Jwt(JwtError::MissingClaim("exp")))?,
            entries: array(claims, "issuers")?
                .iter()
                .map(TrustedIssuer::from_json)
                .collect::<Result<_>>()?,
        };
        list.check()?;
        Ok(list)
    }

    /// [`from_claims`](Self::from_claims) on JSON bytes (size- and depth-guarded).
    ///
    /// ```
    /// use myna_vc_core::{trust_list::TrustList, Error};
    /// assert!(matches!(TrustList::from_json(b"[1]"), Err(Error::Input(myna_vc_core::InputError::Json { .. }))));
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        Self::from_claims(&json::parse_object(bytes, WHAT)?)
    }

    /// Checks the structure, then signs the list as a JWT with `typ` [`TYP`].
    ///
    /// ```
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, jws::Jws, time::NumericDate};
    /// use myna_vc_core::trust_list::{TrustList, TYP};
    /// let authority = default_provider().signer(&SecretKey::generate_ed25519()?)?;
    /// let t = NumericDate::from_unix(0);
    /// let token = TrustList::new("l", 1, t, t.plus_seconds(60)).sign(&*authority)?;
    /// assert_eq!(Jws::parse(&token)?.header().typ.as_deref(), Some(TYP));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn sign(&self, authority: &dyn Signer) -> Result<String> {
        self.check()?;
        let header = JwsHeader::new(authority.algorithm()).with_typ(TYP);
        jwt::sign(&header, &self.to_claims(), authority)
    }

    /// Verifies a signed list: `typ`, the signature with the pinned authority key (a key
    /// named in the token is never used), `iat`/`exp` at `now` (with the default leeway;
    /// `exp` required), then the structure.
    ///
    /// ```
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, time::NumericDate, Error};
    /// use myna_vc_core::trust_list::TrustList;
    /// let (authority, other) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
    /// let t = NumericDate::from_unix(1_000);
    /// let token = TrustList::new("l", 1, t, t.plus_seconds(600))
    ///     .sign(&*default_provider().signer(&other)?)?;
    /// assert!(matches!(TrustList::verify(&token, default_provider(), &authority.public_key(), t),
    ///                  Err(Error::Jose(myna_vc_core::JoseError::SignatureInvalid))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn verify(
        compact: &str,
        provider: &dyn CryptoProvider,
        pinned_authority_key: &PublicKey,
        now: NumericDate,
    ) -> Result<VerifiedTrustList> {
        let jws = Jws::parse(compact)?;
        let typ = jws.header().typ.as_deref().unwrap_or_default();
        if typ != TYP {
            return Err(Error::Jwt(JwtError::WrongType {
                expected: TYP.into(),
                found: shown(typ),
            }));
        }
        jws.verify(provider, pinned_authority_key)?;
        let claims = jws.payload_object("trust list claims")?;
        let rules = TimeRules {
            require_exp: true,
            ..TimeRules::at(now)
        };
        rules.check(&claims)?;
        Ok(VerifiedTrustList {
            list: Self::from_claims(&claims)?,
        })
    }

    /// [`verify`](Self::verify), then refuses a list whose version is lower than
    /// `last_seen_version` (the same version is accepted: a re-fetch). Store the accepted
    /// version and pass it next time.
    ///
    /// ```
    /// use myna_vc_core::{crypto::{default_provider, SecretKey}, time::NumericDate, Error};
    /// use myna_vc_core::trust_list::TrustList;
    /// let authority = SecretKey::generate_p256()?;
    /// let t = NumericDate::from_unix(1_000);
    /// let old = TrustList::new("l", 4, t, t.plus_seconds(600))
    ///     .sign(&*default_provider().signer(&authority)?)?;
    /// let err = TrustList::verify_newer_than(&old, default_provider(), &authority.public_key(), t, 5);
    /// assert!(matches!(err, Err(Error::TrustList(myna_vc_core::TrustListError::Rollback { seen: 5, found: 4 }))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn verify_newer_than(
        compact: &str,
        provider: &dyn CryptoProvider,
        pinned_authority_key: &PublicKey,
        now: NumericDate,
        last_seen_version: u64,
    ) -> Result<VerifiedTrustList> {
        let verified = Self::verify(compact, provider, pinned_authority_key, now)?;
        if verified.version() < last_seen_version {
            return Err(Error::TrustList(TrustListError::Rollback {
                seen: last_seen_version,
                found: verified.version(),
            }));
        }
        Ok(verified)
    }
}

/// A trust list whose signature, times and structure have been checked: the only form that
/// answers trust questions.
///
/// ```
/// use myna_vc_core::{crypto::{default_provider, SecretKey}, time::NumericDate};
/// use myna_vc_core::trust_list::TrustList;
/// let authority = SecretKey::generate_p256()?;
/// let t = NumericDate::from_unix(1_000);
/// let token = TrustList::new("l", 9, t, t.plus_seconds(600))
///     .sign(&*default_provider().signer(&authority)?)?;
/// let list = TrustList::verify(&token, default_provider(), &authority.public_key(), t)?;
/// assert_eq!((list.version(), list.list().list_id.as_str()), (9, "l"));
/// # Ok::<(), myna_vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTrustList {
    list: TrustList,
}

impl VerifiedTrustList {
    /// The verified list.
    pub fn list(&self) -> &TrustList {
        &self.list
    }

    /// Its version (store it for [`TrustList::verify_newer_than`]).
    pub fn version(&self) -> u64 {
        self.list.version
    }

    /// The entry for `iss`.
    ///
    /// ```
    /// # use myna_vc_core::{crypto::{default_provider, SecretKey}, time::NumericDate, Error};
    /// # use myna_vc_core::trust_list::TrustList;
    /// # let authority = SecretKey::generate_p256()?;
    /// # let t = NumericDate::from_unix(1_000);
    /// # let token = TrustList::new("l", 1, t, t.plus_seconds(600)).sign(&*default_provider().signer(&authority)?)?;
    /// let list = TrustList::verify(&token, default_provider(), &authority.public_key(), t)?;
    /// assert!(matches!(list.issuer("https://a.example"), Err(Error::TrustList(myna_vc_core::TrustListError::UntrustedIssuer(_)))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn issuer(&self, iss: &str) -> Result<&TrustedIssuer> {
        self.list
            .entries
            .iter()
            .find(|entry| entry.id == iss)
            .ok_or_else(|| Error::TrustList(TrustListError::UntrustedIssuer(shown(iss))))
    }

    /// The key of `iss` to verify its credential with, chosen by the credential header's
    /// `kid` (see [`TrustedIssuer::key`]).
    ///
    /// ```
    /// # use myna_vc_core::{crypto::{default_provider, SecretKey}, sdjwt_vc::Vct, time::NumericDate, Error};
    /// # use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
    /// # let (authority, key) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
    /// # let t = NumericDate::from_unix(1_000);
    /// let token = TrustList::new("l", 1, t, t.plus_seconds(600))
    ///     .with_issuer(TrustedIssuer::operator("https://a.example", "A")
    ///         .with_key("k1", key.public_key()).allowing(Vct::parse("urn:t")?))
    ///     .sign(&*default_provider().signer(&authority)?)?;
    /// let list = TrustList::verify(&token, default_provider(), &authority.public_key(), t)?;
    /// assert_eq!(list.issuer_key("https://a.example", None)?, &key.public_key());
    /// assert!(matches!(list.issuer_key("https://a.example", Some("k2")), Err(Error::TrustList(myna_vc_core::TrustListError::UnknownIssuerKey { .. }))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn issuer_key(&self, iss: &str, kid: Option<&str>) -> Result<&PublicKey> {
        self.issuer(iss)?.key(kid)
    }

    /// Whether `iss` may have issued a `vct` credential at `now`: the list is not expired,
    /// the issuer is in it, trusted at `now`, and allowed that type.
    ///
    /// ```
    /// # use myna_vc_core::{crypto::{default_provider, SecretKey}, sdjwt_vc::Vct, time::NumericDate, Error};
    /// # use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
    /// # let (authority, key) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
    /// # let t = NumericDate::from_unix(1_000);
    /// let token = TrustList::new("l", 1, t, t.plus_seconds(600))
    ///     .with_issuer(TrustedIssuer::operator("https://a.example", "A")
    ///         .with_key("k1", key.public_key()).allowing(Vct::parse("urn:a")?))
    ///     .sign(&*default_provider().signer(&authority)?)?;
    /// let list = TrustList::verify(&token, default_provider(), &authority.public_key(), t)?;
    /// assert!(list.authorize("https://a.example", &Vct::parse("urn:a")?, t).is_ok());
    /// assert!(matches!(list.authorize("https://a.example", &Vct::parse("urn:b")?, t),
    ///                  Err(Error::TrustList(myna_vc_core::TrustListError::VctNotAllowed { .. }))));
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn authorize(&self, iss: &str, vct: &Vct, now: NumericDate) -> Result<&TrustedIssuer> {
        let exp = self.list.expires_at;
        if exp <= now.minus_seconds(DEFAULT_LEEWAY_SECS) {
            return Err(Error::Jwt(JwtError::Expired { exp, now }));
        }
        let issuer = self.issuer(iss)?;
        issuer.check_valid_at(now)?;
        if !issuer.allows(vct) {
            return Err(Error::TrustList(TrustListError::VctNotAllowed {
                issuer: issuer.id.clone(),
                vct: shown(vct.as_str()),
            }));
        }
        Ok(issuer)
    }

    /// The municipality `iss` issues for, if it is trusted and has one.
    ///
    /// ```
    /// # use myna_vc_core::{crypto::{default_provider, SecretKey}, sdjwt_vc::Vct, time::NumericDate};
    /// # use myna_vc_core::trust_list::{TrustList, TrustedIssuer};
    /// # let (authority, key) = (SecretKey::generate_p256()?, SecretKey::generate_p256()?);
    /// # let t = NumericDate::from_unix(1_000);
    /// let token = TrustList::new("l", 1, t, t.plus_seconds(600))
    ///     .with_issuer(TrustedIssuer::municipality("did:web:city.kobe.example", "神戸市", "281000".parse()?)
    ///         .with_key("k1", key.public_key()).allowing(Vct::parse("urn:a")?))
    ///     .sign(&*default_provider().signer(&authority)?)?;
    /// let list = TrustList::verify(&token, default_provider(), &authority.public_key(), t)?;
    /// assert_eq!(list.municipality_of("did:web:city.kobe.example"), Some("281000".parse()?));
    /// assert_eq!(list.municipality_of("https://other.example"), None);
    /// # Ok::<(), myna_vc_core::Error>(())
    /// ```
    pub fn municipality_of(&self, iss: &str) -> Option<MunicipalityCode> {
        self.issuer(iss).ok().and_then(|entry| entry.municipality)
    }
}

/// An issuer id must be a did:web DID or an https URL: the two forms an `iss` takes here.
fn check_issuer_id(id: &str) -> Result<()> {
    check_text(id, "id")?;
    if id.starts_with("did:") {
        return DidWeb::from_did(&Did::parse(id)?).map(|_| ());
    }
    let host = id.strip_prefix("https://").unwrap_or_default();
    if host.is_empty() || host.starts_with('/') || id.chars().any(char::is_whitespace) {
        return Err(Error::TrustList(TrustListError::InvalidIssuerId));
    }
    Ok(())
}

/// Non-empty, at most [`MAX_ID_LEN`] bytes, no control characters.
fn check_text(text: &str, what: &'static str) -> Result<()> {
    if text.is_empty() || text.len() > MAX_ID_LEN || text.chars().any(char::is_control) {
        return Err(Error::TrustList(TrustListError::InvalidText {
            member: what,
            limit: MAX_ID_LEN,
        }));
    }
    Ok(())
}

fn check_members(obj: &Map<String, Value>, known: &[&str]) -> Result<()> {
    json::check_members(obj, known, WHAT)
}

fn string<'a>(value: &'a Value, what: &'static str) -> Result<&'a str> {
    json::as_str(value, what, WHAT)
}

fn required_string<'a>(obj: &'a Map<String, Value>, name: &'static str) -> Result<&'a str> {
    json::required_str(obj, name, WHAT)
}

fn array<'a>(obj: &'a Map<String, Value>, name: &'static str) -> Result<&'a Vec<Value>> {
    obj.get(name)
        .and_then(Value::as_array)
        .ok_or_else(|| Error::member_type(WHAT, name, "an array"))
}

fn optional_date(obj: &Map<String, Value>, name: &'static str) -> Result<Option<NumericDate>> {
    json::optional_date(obj, name, WHAT)
}

fn shown(text: &str) -> String {
    json::shown(text)
}
