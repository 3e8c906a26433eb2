//! The one error type of `myna-vc-core`.
//!
//! Every variant says what went wrong and why, precisely enough that a verifier can show a
//! cashier "expired" rather than "invalid", and that a test can tell a duplicate digest from an
//! unreferenced disclosure. Nothing in this crate panics on bad input; it returns one of these.

use crate::time::NumericDate;

/// What went wrong in `myna-vc-core`.
///
/// ```
/// use myna_vc_core::{jws::Jws, Error};
/// // `none` is never accepted, whatever the payload says.
/// let err = Jws::parse("eyJhbGciOiJub25lIn0.e30.").unwrap_err();
/// assert!(matches!(err, Error::AlgNone));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- input shape -------------------------------------------------------------------
    /// The input is larger than this crate accepts for that kind of object.
    #[error("{what} is {size} bytes, more than the {limit}-byte limit")]
    InputTooLarge {
        /// What was being parsed.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// JSON nested deeper than this crate follows (a guard against stack exhaustion).
    #[error("{what} is nested more than {limit} levels deep")]
    NestingTooDeep {
        /// What was being parsed.
        what: &'static str,
        /// The depth limit.
        limit: usize,
    },
    /// Not valid base64url (unpadded, URL-safe alphabet).
    #[error("{what} is not valid base64url")]
    Base64 {
        /// What was being decoded.
        what: &'static str,
    },
    /// Not valid JSON, or JSON of the wrong shape.
    #[error("{what} is not valid JSON: {detail}")]
    Json {
        /// What was being parsed.
        what: &'static str,
        /// The parser's explanation.
        detail: String,
    },
    /// A structure is missing a part or has a part of the wrong kind.
    #[error("{what} is malformed: {detail}")]
    Malformed {
        /// What was being parsed.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },

    // ---- keys and signatures -------------------------------------------------------------
    /// A JWK or key encoding is not usable (wrong length, point not on the curve, …).
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A key type or curve this crate does not support (P-384, secp256k1, BLS, …).
    #[error("unsupported key type: {0}")]
    UnsupportedKeyType(String),
    /// A JWK meant to be public carries private key material (`d`, `p`, …).
    #[error("a public JWK must not carry private key material")]
    PrivateKeyInPublicJwk,
    /// The JWS algorithm is not one this crate implements.
    #[error("unsupported JWS algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// `alg: none`: unsigned tokens are never accepted.
    #[error("unsigned JWS (`alg: none`) is never accepted")]
    AlgNone,
    /// The JWS algorithm does not belong to the verification key's type.
    #[error("algorithm {alg} is not allowed with a {key_type} key")]
    AlgorithmKeyMismatch {
        /// The `alg` of the header.
        alg: &'static str,
        /// The type of key it was to be checked with.
        key_type: &'static str,
    },
    /// The header lists a `crit` parameter this crate does not understand.
    #[error("critical header parameter `{0}` is not understood")]
    UnsupportedCritical(String),
    /// `b64: false` (RFC 7797, unencoded payload) is not supported.
    #[error("unencoded JWS payloads (`b64: false`) are not supported")]
    UnencodedPayload,
    /// The signature does not verify with the given key.
    #[error("signature does not verify")]
    SignatureInvalid,
    /// The crypto backend failed while signing or generating a key.
    #[error("crypto provider error: {0}")]
    Crypto(String),
    /// The operating system's random source failed.
    #[error("random source unavailable")]
    Randomness,

    // ---- tokens --------------------------------------------------------------------------
    /// The `typ` header is not the one this token kind requires.
    #[error("token type `{found}` where `{expected}` is required")]
    WrongType {
        /// The required `typ`.
        expected: String,
        /// The `typ` found (empty when absent).
        found: String,
    },
    /// A required claim is missing.
    #[error("required claim `{0}` is missing")]
    MissingClaim(&'static str),
    /// A claim has the wrong type or an unacceptable value.
    #[error("claim `{claim}` is invalid: {detail}")]
    InvalidClaim {
        /// The claim name.
        claim: &'static str,
        /// Why it is invalid.
        detail: String,
    },
    /// `exp` has passed (beyond the leeway).
    #[error("expired at {exp} (now {now})")]
    Expired {
        /// The token's `exp`.
        exp: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },
    /// `nbf` is still in the future (beyond the leeway).
    #[error("not valid before {nbf} (now {now})")]
    NotYetValid {
        /// The token's `nbf`.
        nbf: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },
    /// `iat` is in the future (beyond the leeway).
    #[error("issued in the future at {iat} (now {now})")]
    IssuedInFuture {
        /// The token's `iat`.
        iat: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },

    // ---- SD-JWT (RFC 9901) ---------------------------------------------------------------
    /// A disclosure is not a base64url JSON array of 2 or 3 elements with string salt and name.
    #[error("malformed disclosure: {0}")]
    MalformedDisclosure(String),
    /// The same digest appears more than once in the payload and the disclosures.
    #[error("digest {0} appears more than once")]
    DuplicateDigest(String),
    /// A disclosure is not referenced by any digest in the payload or another disclosure.
    #[error("disclosure with digest {0} is not referenced by the SD-JWT")]
    UnreferencedDisclosure(String),
    /// A disclosure uses the reserved claim name `_sd` or `...`.
    #[error("disclosure uses the reserved claim name `{0}`")]
    ReservedClaimName(String),
    /// An object of the issuer-signed payload (or of a disclosed value) has a claim named
    /// `...`, a name RFC 9901 §4.1 reserves for array element digests. The string is where:
    /// `the top level`, or the claim path of the object holding it.
    #[error(
        "the claim name `...` is reserved for array element digests but names a claim in the object at {0}"
    )]
    ReservedClaimInPayload(String),
    /// A disclosed claim name already exists at the same level of the object.
    #[error("disclosed claim `{0}` collides with a claim already present")]
    ClaimNameCollision(String),
    /// An object-property disclosure sits in an array, or an array-element one in `_sd`.
    #[error(
        "disclosure {digest} is a {found} disclosure where an {expected} disclosure is required"
    )]
    DisclosureKindMismatch {
        /// The digest of the offending disclosure.
        digest: String,
        /// `"object property"` or `"array element"`.
        expected: &'static str,
        /// What it is instead.
        found: &'static str,
    },
    /// `_sd` is not an array of digest strings.
    #[error("`_sd` must be an array of digest strings")]
    InvalidSdArray,
    /// An array element object with `...` has other keys or a non-string digest.
    #[error("array element digest object must be exactly {{\"...\": \"<digest>\"}}")]
    InvalidArrayDigest,
    /// `_sd_alg` names a hash algorithm this crate does not support.
    #[error("unsupported `_sd_alg` `{0}`")]
    UnsupportedSdAlg(String),
    /// `_sd_alg` appears somewhere other than the top level of the payload.
    #[error("`_sd_alg` is only allowed at the top level of the payload")]
    MisplacedSdAlg,
    /// The SD-JWT string does not have the `<jwt>~<disclosures>~[<kb-jwt>]` shape.
    #[error("not an SD-JWT: {0}")]
    NotAnSdJwt(String),
    /// Key binding was required but the presentation has no KB-JWT.
    #[error("key binding is required but the presentation has no KB-JWT")]
    KeyBindingMissing,
    /// The KB-JWT `nonce` is not the verifier's nonce.
    #[error("KB-JWT nonce does not match")]
    NonceMismatch,
    /// The KB-JWT `aud` is not the verifier.
    #[error("KB-JWT audience does not match")]
    AudienceMismatch,
    /// The KB-JWT `sd_hash` does not match the presented SD-JWT.
    #[error("KB-JWT sd_hash does not match the presentation")]
    SdHashMismatch,
    /// The KB-JWT `iat` is outside the verifier's acceptance window.
    #[error("KB-JWT issued at {iat}, outside the window around {now}")]
    KeyBindingStale {
        /// The KB-JWT's `iat`.
        iat: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },
    /// The SD-JWT has no `cnf` key to check a KB-JWT against.
    #[error("the SD-JWT has no usable `cnf` holder key")]
    NoHolderKey,
    /// A claim path asked to be disclosed or presented does not exist in the claims.
    #[error("claim path {0} does not exist")]
    UnknownClaimPath(String),
    /// A claim that must never be selectively disclosed was marked disclosable.
    #[error("claim `{0}` must not be selectively disclosable")]
    NotDisclosable(String),

    // ---- SD-JWT VC -----------------------------------------------------------------------
    /// The credential's `vct` is not the one the caller expected.
    #[error("credential type `{found}` where `{expected}` was expected")]
    WrongVct {
        /// The expected vct.
        expected: String,
        /// The vct found.
        found: String,
    },
    /// The claims do not satisfy the credential type's declaration or schema.
    #[error("claims do not fit credential type `{vct}`: {detail}")]
    SchemaViolation {
        /// The credential type.
        vct: String,
        /// What does not fit.
        detail: String,
    },
    // ---- status_list ----------------------------------------------------------------------
    /// A Status List `bits` value other than 1, 2, 4 or 8.
    #[error("status list `bits` must be 1, 2, 4 or 8, not {0}")]
    UnsupportedStatusBits(u64),
    /// A status value that needs more bits than the list has per entry.
    #[error("status {status:#04x} does not fit in {bits} bit(s) per entry")]
    StatusTooWide {
        /// The status value.
        status: u8,
        /// The list's bits per entry.
        bits: u8,
    },
    /// An index at or beyond the end of the Status List (the draft says: reject the token).
    #[error("status index {index} is out of range for a list of {len} entries")]
    StatusIndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The number of entries in the list.
        len: u64,
    },
    /// A Status List whose byte array is larger than this crate holds (a zlib-bomb guard).
    #[error("status list byte array exceeds the {limit}-byte limit")]
    StatusListTooLarge {
        /// The limit in bytes of the uncompressed byte array.
        limit: usize,
    },
    /// The Status List's `lst` is not one complete, valid zlib (RFC 1950) stream.
    #[error("status list zlib error: {0}")]
    StatusListCompression(&'static str),
    /// The Status List Token's `sub` is not the `uri` the Referenced Token points to.
    #[error("status list token is for `{found}`, but `{expected}` was referenced")]
    StatusListUriMismatch {
        /// The URI the caller or the Referenced Token expected.
        expected: String,
        /// The `sub` of the Status List Token.
        found: String,
    },
    // ---- did ----------------------------------------------------------------------------
    /// Not a DID or DID URL under DID Core syntax (§3.1, §3.2), or not a valid DID of its
    /// method (a did:web with an IP address, a path segment `..`, …). The detail never echoes
    /// the input.
    #[error("invalid DID: {0}")]
    InvalidDid(String),
    /// A did:key (or `publicKeyMultibase`) value that is not multibase base58btc of a
    /// multicodec-prefixed key: wrong multibase prefix, bad base58, malformed varint, no key.
    #[error("invalid multibase key: {0}")]
    InvalidMultikey(String),
    /// A DID method this crate does not resolve (anything but key, jwk and web).
    #[error("unsupported DID method `{0}`")]
    UnsupportedDidMethod(String),
    /// A did:web DID was given to a resolver built without a did:web cache.
    #[error("this resolver has no did:web fetcher configured")]
    DidWebNotConfigured,
    /// The DID URL names no verification method of the DID document.
    #[error("verification method `{0}` is not in the DID document")]
    VerificationMethodNotFound(String),
    /// The verification method exists but is not authorized for the relationship asked for
    /// (for example a key listed only for `authentication` used to check an issuer signature).
    #[error("verification method `{method}` is not authorized for {relationship}")]
    VerificationRelationshipMissing {
        /// The verification method's DID URL.
        method: String,
        /// The relationship it lacks (`assertionMethod`, …).
        relationship: &'static str,
    },
    /// A fetched or cached DID document describes another DID than the one requested.
    #[error("the DID document is for `{found}`, not for the requested `{expected}`")]
    DidDocumentIdMismatch {
        /// The DID that was resolved.
        expected: String,
        /// The `id` of the document (shortened).
        found: String,
    },
    /// Fetching a did:web document failed (made by [`DidWebFetcher`] implementations).
    ///
    /// [`DidWebFetcher`]: crate::did::DidWebFetcher
    #[error("fetching the did:web document failed: {0}")]
    DidWebFetch(String),
    /// The did:web document could not be refetched and the cached copy is older than the
    /// configured maximum staleness.
    #[error("cached DID document expired at {expired_at}, too stale at {now}: {cause}")]
    DidDocumentStale {
        /// When the cached copy stopped being fresh.
        expired_at: NumericDate,
        /// The resolution instant.
        now: NumericDate,
        /// Why refetching failed.
        #[source]
        cause: Box<Error>,
    },
    // ---- calendar, age, public_expense, municipality (Japanese domain rules) -------------
    /// Not an ISO 8601 calendar date `YYYY-MM-DD`, or not a real day. Never echoes the input
    /// (dates of birth are personal data).
    #[error("invalid date: {0}")]
    InvalidDate(&'static str),
    /// A date, or date arithmetic, outside the supported years 0001–9999.
    #[error("date out of range: {0}")]
    DateOutOfRange(&'static str),
    /// A birth date later than the day an age was asked for.
    #[error("the birth date is later than the reference date")]
    BornAfterReferenceDate,
    /// A fixed-length digit code or number has the wrong number of characters.
    #[error("{what} must be {expected} digits, not {found} characters")]
    CodeLength {
        /// What was being parsed.
        what: &'static str,
        /// The required number of digits.
        expected: usize,
        /// The number of characters found.
        found: usize,
    },
    /// A digit code or number contains something other than an ASCII digit.
    #[error("{what} has a non-digit character at position {position}")]
    CodeNotDigit {
        /// What was being parsed.
        what: &'static str,
        /// The 0-based character position of the first offending character.
        position: usize,
    },
    /// The check digit of a code or number does not match its other digits.
    #[error("{what} has a wrong check digit")]
    CheckDigitMismatch {
        /// What was being parsed.
        what: &'static str,
    },
    /// A prefecture code outside 01–47.
    #[error("prefecture code {0:02} is not one of 01-47")]
    UnknownPrefecture(u8),
    /// A municipality's prefecture name that is not the prefecture of its code (the first two
    /// digits): a typo in the code or in the name.
    #[error(
        "prefecture `{found}` does not match municipality code {code}, which is in {expected}"
    )]
    PrefectureMismatch {
        /// The municipality code.
        code: crate::municipality::MunicipalityCode,
        /// The name of the code's prefecture.
        expected: &'static str,
        /// The prefecture name given (at most 32 characters of it).
        found: String,
    },
    /// A municipality name that a certified address cannot contain (see
    /// [`Municipality::new`](crate::municipality::Municipality::new)).
    #[error("municipality name `{name}` {problem}")]
    InvalidMunicipalityName {
        /// The name given (at most 32 characters of it).
        name: String,
        /// What is wrong with it.
        problem: crate::municipality::MunicipalityNameProblem,
    },
    // ---- trust_list ----------------------------------------------------------------------
    /// A trust list older than one already seen: a replay of a list that may still trust a
    /// revoked issuer.
    #[error("trust list version {found} is older than the version {seen} already seen")]
    TrustListRollback {
        /// The highest version the verifier has accepted before.
        seen: u64,
        /// The version of the offered list.
        found: u64,
    },
    /// Two trust list entries for the same issuer id.
    #[error("issuer `{0}` appears more than once in the trust list")]
    DuplicateTrustedIssuer(String),
    /// Two keys of one trusted issuer share a `kid`.
    #[error("issuer `{issuer}` lists key id `{kid}` more than once")]
    DuplicateIssuerKeyId {
        /// The issuer id.
        issuer: String,
        /// The repeated `kid`.
        kid: String,
    },
    /// A trusted issuer key without a `kid`, or an issuer with no keys at all.
    #[error("issuer `{issuer}` in the trust list: {detail}")]
    InvalidIssuerKeys {
        /// The issuer id.
        issuer: String,
        /// What is wrong with its keys.
        detail: &'static str,
    },
    /// A trusted issuer allowed to issue no credential type at all.
    #[error("issuer `{0}` in the trust list allows no credential type")]
    EmptyVctList(String),
    /// A municipality issuer without its municipality code.
    #[error("municipality issuer `{0}` has no municipality code")]
    MunicipalityCodeMissing(String),
    /// The issuer is not in the trust list: "not issued by a trusted municipality".
    #[error("issuer `{0}` is not in the trust list")]
    UntrustedIssuer(String),
    /// The trusted issuer has no key with the `kid` asked for.
    #[error("issuer `{issuer}` has no key `{kid}` in the trust list")]
    UnknownIssuerKey {
        /// The issuer id.
        issuer: String,
        /// The `kid` asked for.
        kid: String,
    },
    /// No `kid` was given and the trusted issuer has more than one key, so which one signed is
    /// ambiguous (trying them all would hide a key-rotation mistake).
    #[error("issuer `{issuer}` has {keys} keys in the trust list; a `kid` is required")]
    IssuerKeyIdRequired {
        /// The issuer id.
        issuer: String,
        /// How many keys it has.
        keys: usize,
    },
    /// The trusted issuer may not issue this credential type.
    #[error("issuer `{issuer}` is not trusted to issue `{vct}`")]
    VctNotAllowed {
        /// The issuer id.
        issuer: String,
        /// The credential type asked about.
        vct: String,
    },
    /// The issuer's trust starts later than the instant asked about.
    #[error("issuer `{issuer}` is trusted only from {valid_from} (now {now})")]
    IssuerNotYetValid {
        /// The issuer id.
        issuer: String,
        /// Start of its trust.
        valid_from: NumericDate,
        /// The instant asked about.
        now: NumericDate,
    },
    /// The issuer's trust ended before the instant asked about.
    #[error("issuer `{issuer}` was trusted only until {valid_until} (now {now})")]
    IssuerExpired {
        /// The issuer id.
        issuer: String,
        /// End of its trust.
        valid_until: NumericDate,
        /// The instant asked about.
        now: NumericDate,
    },
    // ---- oid4vci ----
    /// An OpenID4VCI key proof's `aud` is not this Credential Issuer's identifier.
    #[error("key proof audience is not this credential issuer")]
    ProofAudienceMismatch,
    /// An OpenID4VCI key proof's `nonce` is not the `c_nonce` the issuer handed out
    /// (the `invalid_nonce` error code: the wallet should fetch a new one).
    #[error("key proof nonce is not the expected c_nonce")]
    ProofNonceMismatch,
    /// An OpenID4VCI key proof's `iat` is older than the issuer's acceptance window.
    #[error("key proof issued at {iat}, too old at {now}")]
    ProofStale {
        /// The proof's `iat`.
        iat: NumericDate,
        /// The verification instant.
        now: NumericDate,
    },
    /// A key proof names its key other than by a `jwk` header (`kid`, `x5c`, …), which this
    /// profile does not resolve, or names it in more than one way.
    #[error("key proof must carry exactly one `jwk` header key: {0}")]
    ProofKeyNotJwk(&'static str),
    /// The key proof's `alg` is not one the issuer lists in `proof_signing_alg_values_supported`.
    #[error("key proof algorithm {0} is not allowed by the issuer")]
    ProofAlgorithmNotAllowed(&'static str),
    /// Two key proofs of one Credential Request prove the same key; every credential of a batch
    /// must be bound to its own key so the credentials cannot be linked.
    #[error("key proofs {first} and {second} prove the same key")]
    DuplicateProofKey {
        /// 0-based index of the first proof with that key.
        first: usize,
        /// 0-based index of the repeat.
        second: usize,
    },
    /// A Credential Request carries more key proofs than the issuer's `batch_size` allows.
    #[error("{count} key proofs, more than the batch size {limit}")]
    TooManyProofs {
        /// The number of proofs in the request.
        count: usize,
        /// The issuer's limit.
        limit: usize,
    },
    /// A `proofs` member of a type this crate does not verify (`di_vp`, `attestation`, …).
    #[error("unsupported key proof type `{0}`")]
    UnsupportedProofType(String),
    /// A Token Request whose `grant_type` is not the pre-authorized code grant.
    #[error("unsupported grant type `{0}`")]
    UnsupportedGrantType(String),
    // ---- dcql / oid4vp / compact (OpenID4VP 1.0 and the in-person QR form) ----
    /// A DCQL Credential Query or Claims Query `id` that is empty or has characters other
    /// than ASCII letters, digits, `_` and `-` (OpenID4VP 1.0 §6.1, §6.3).
    #[error("DCQL {kind} id `{id}` must be non-empty ASCII letters, digits, `_` or `-`")]
    DcqlInvalidId {
        /// `"credential"` or `"claim"`.
        kind: &'static str,
        /// The id (at most 32 characters of it).
        id: String,
    },
    /// The same Credential Query id twice in a query, or the same Claims Query id twice in
    /// one Credential Query.
    #[error("DCQL {kind} id `{id}` is used more than once")]
    DcqlDuplicateId {
        /// `"credential"` or `"claim"`.
        kind: &'static str,
        /// The repeated id.
        id: String,
    },
    /// A DCQL member the spec makes a non-empty array is empty.
    #[error("DCQL `{0}` must be a non-empty array")]
    DcqlEmpty(&'static str),
    /// `claim_sets` in a Credential Query without `claims` (§6.4.1).
    #[error("DCQL credential `{0}` has `claim_sets` but no `claims`")]
    DcqlClaimSetsWithoutClaims(String),
    /// `claim_sets` is present but a Claims Query has no `id` (§6.3).
    #[error("DCQL credential `{0}` has `claim_sets`, so every claim needs an `id`")]
    DcqlClaimWithoutId(String),
    /// A `claim_sets` option names a claim id that is not in `claims`.
    #[error("DCQL credential `{credential}`: claim set refers to unknown claim `{claim}`")]
    DcqlUnknownClaimId {
        /// The Credential Query id.
        credential: String,
        /// The unknown claim id.
        claim: String,
    },
    /// A `credential_sets` option names a Credential Query id that is not in `credentials`.
    #[error("DCQL credential set refers to unknown credential `{0}`")]
    DcqlUnknownCredentialId(String),
    /// A Claims Query `values` entry that is not a string, an integer or a boolean.
    #[error("DCQL credential `{0}`: `values` may only hold strings, integers and booleans")]
    DcqlInvalidValue(String),
    /// Two Claims Queries of one Credential Query point at the same claim (§6.1: Verifiers
    /// MUST NOT; we refuse rather than guess which one was meant).
    #[error("DCQL credential `{credential}` asks for claim {path} more than once")]
    DcqlDuplicateClaimPath {
        /// The Credential Query id.
        credential: String,
        /// The repeated claims path pointer.
        path: String,
    },
    /// A format-specific `meta` member the spec requires is missing or malformed
    /// (`vct_values` for `dc+sd-jwt`).
    #[error("DCQL credential `{credential}`: `meta.{member}` is missing or malformed")]
    DcqlMissingMeta {
        /// The Credential Query id.
        credential: String,
        /// The `meta` member.
        member: &'static str,
    },
    /// A Credential Query for a format this crate cannot match or present (`mso_mdoc`,
    /// `jwt_vc_json`, …). Such queries parse; this error arises only when one is evaluated.
    #[error("DCQL credential `{credential}` asks for unsupported format `{format}`")]
    DcqlUnsupportedFormat {
        /// The Credential Query id.
        credential: String,
        /// The format identifier.
        format: String,
    },
    /// A claims path pointer met a value of the wrong kind while being processed (a key
    /// applied to a non-object, an index or `null` to a non-array; §7.1.1 says abort).
    #[error("claims path {0} does not fit the credential's structure")]
    ClaimPathTypeMismatch(String),
    /// A credential (or none of the wallet's credentials) does not satisfy a Credential Query.
    #[error("DCQL credential query `{query}` is not satisfied: {reason}")]
    DcqlUnsatisfied {
        /// The Credential Query id (or, for a credential set, its first option's first id).
        query: String,
        /// Why.
        reason: String,
    },
    /// A VP Token lacks the presentation a required Credential Query (or credential set) needs.
    #[error("the VP Token has no presentation for required credential query `{0}`")]
    DcqlMissingPresentation(String),
    /// More than one presentation for a Credential Query without `multiple: true`, or an
    /// empty presentation array.
    #[error("{count} presentations for credential query `{query}`, which allows {allowed}")]
    DcqlPresentationCount {
        /// The Credential Query id.
        query: String,
        /// How many presentations came.
        count: usize,
        /// `"exactly one"` or `"one or more"`.
        allowed: &'static str,
    },
    /// A VP Token entry for an id that is not a Credential Query of the request.
    #[error("the VP Token answers `{0}`, which the query did not ask for")]
    DcqlUnexpectedPresentation(String),
    /// A `client_id` Client Identifier Prefix this crate does not support (`openid_federation`,
    /// `verifier_attestation`, the reserved `origin`, or an unknown one).
    #[error("unsupported client identifier prefix `{0}`")]
    UnsupportedClientIdPrefix(String),
    /// A `client_id` that does not fit its prefix (not an https URL, not a DID, not a DNS name).
    #[error("invalid client_id: {0}")]
    InvalidClientId(String),
    /// A `response_type` other than `vp_token`.
    #[error("unsupported response_type `{0}`")]
    UnsupportedResponseType(String),
    /// A `response_mode` other than `direct_post` and `fragment`.
    #[error("unsupported response_mode `{0}`")]
    UnsupportedResponseMode(String),
    /// A request or response parameter the protocol requires is missing.
    #[error("required parameter `{0}` is missing")]
    MissingParameter(&'static str),
    /// Parameters that must not appear together do (`redirect_uri` with `direct_post`,
    /// `dcql_query` with `scope`, …).
    #[error("conflicting parameters: {0}")]
    ConflictingParameters(&'static str),
    /// A parameter value outside its allowed form (`nonce` and `state` are URL-safe ASCII, …).
    #[error("parameter `{name}` is invalid: {detail}")]
    InvalidParameter {
        /// The parameter name.
        name: &'static str,
        /// Why it is invalid.
        detail: String,
    },
    /// `transaction_data` is present; a Wallet that does not support it MUST reject the request.
    #[error("transaction_data is not supported")]
    UnsupportedTransactionData,
    /// The Request Object's `client_id` differs from the `client_id` of the request URL.
    #[error("request object client_id does not match the request's client_id")]
    RequestClientIdMismatch,
    /// The Request Object's `aud` is not the wallet (`https://self-issued.me/v2` or its issuer).
    #[error("request object audience does not name this wallet")]
    RequestAudienceMismatch,
    /// The Request Object does not carry the `wallet_nonce` the wallet sent.
    #[error("request object wallet_nonce does not match")]
    WalletNonceMismatch,
    /// Text that does not start with the compact presentation prefix and a known version.
    #[error("not a compact presentation: {0}")]
    CompactPrefix(&'static str),
    /// The compact presentation's body is not valid base45 (RFC 9285).
    #[error("compact presentation is not valid base45")]
    CompactBase45,
    /// The compact presentation's body does not inflate as one complete raw DEFLATE stream.
    #[error("compact presentation does not inflate: {0}")]
    CompactCompression(&'static str),
    /// The packed presentation ends in the middle of a field.
    #[error("compact presentation is truncated in {0}")]
    CompactTruncated(&'static str),
    /// Bytes remain after the packed presentation.
    #[error("compact presentation has {0} trailing byte(s)")]
    CompactTrailingData(usize),
    /// A presentation part whose base64url is not canonical, so it would not round-trip exactly.
    #[error("{0} is not canonical base64url and cannot be packed exactly")]
    CompactNotCanonical(&'static str),
    /// The KB-JWT nonce is not the gate's nonce for the current or the previous time window.
    #[error("nonce is not this gate's nonce for the current or previous window")]
    GateNonceMismatch,
    // ---- consent ---------------------------------------------------------------------------
    /// The consent's period has not begun.
    #[error("the consent is not valid before {not_before} (now {now})")]
    ConsentNotYetValid {
        /// Its `not_before`.
        not_before: crate::time::NumericDate,
        /// The time of the check.
        now: crate::time::NumericDate,
    },
    /// The consent's period has ended.
    #[error("the consent ended at {not_after} (now {now})")]
    ConsentExpired {
        /// Its `not_after`.
        not_after: crate::time::NumericDate,
        /// The time of the check.
        now: crate::time::NumericDate,
    },
    /// The holder withdrew the consent.
    #[error("the holder withdrew this consent")]
    ConsentWithdrawn,
    /// The holder paused the consent; it may be resumed.
    #[error("the holder paused this consent")]
    ConsentPaused,
    /// A one-time consent whose single use was already reported.
    #[error("this one-time consent was already used")]
    ConsentUsed,
    /// An action that the consent's state does not allow (resume a withdrawn consent, …).
    #[error("a {from} consent cannot take the action `{action}`")]
    ConsentTransition {
        /// The current state.
        from: &'static str,
        /// The refused action.
        action: &'static str,
    },
    /// A holder's status change whose `seq` is not above the last applied one: a replay.
    #[error("consent action seq {seq} is not above the last applied seq {last}")]
    ConsentActionReplayed {
        /// The last applied `seq`.
        last: u64,
        /// The refused `seq`.
        seq: u64,
    },
    /// A receipt that does not belong to the record it came with.
    #[error("consent receipt mismatch: {0}")]
    ConsentMismatch(&'static str),
    // ---- modules below append their variants here ----------------------------------------
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    /// A [`Error::Json`] from a serde_json error, without echoing input bytes.
    pub(crate) fn json(what: &'static str, err: &serde_json::Error) -> Self {
        Error::Json {
            what,
            detail: format!(
                "{} at line {} column {}",
                classify(err),
                err.line(),
                err.column()
            ),
        }
    }

    /// A [`Error::Malformed`] with a message.
    pub(crate) fn malformed(what: &'static str, detail: impl Into<String>) -> Self {
        Error::Malformed {
            what,
            detail: detail.into(),
        }
    }
}

fn classify(err: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match err.classify() {
        Category::Io => "I/O error",
        Category::Syntax => "syntax error",
        Category::Data => "unexpected shape",
        Category::Eof => "unexpected end of input",
    }
}
