//! The error type of `myna-vc-core`: one small top-level [`Error`] over one enum per area.
//!
//! Every variant says what went wrong and why, precisely enough that a verifier can show a
//! cashier "expired" rather than "invalid", and that a test can tell a duplicate digest from an
//! unreferenced disclosure. Nothing in this crate panics on bad input; it returns one of these.
//!
//! Every variant also has a stable machine-readable [`Error::code`], listed in the table on
//! [`Error`]. Codes are public API (the npm package throws them as `error.code`): a test checks
//! that the table lists every code exactly once, so changing one is a visible, reviewed change.

mod calendar;
mod claim_path;
mod compact;
mod consent;
mod dcql;
mod did;
mod input;
mod jose;
mod jwe;
mod jwt;
mod municipal;
mod oid4vci;
mod oid4vp;
mod sdjwt;
mod sdjwt_vc;
mod status_list;
mod trust_list;

pub use calendar::CalendarError;
pub use claim_path::ClaimPathError;
pub use compact::CompactError;
pub use consent::ConsentError;
pub use dcql::DcqlError;
pub use did::DidError;
pub use input::InputError;
pub use jose::JoseError;
pub use jwe::JweError;
pub use jwt::JwtError;
pub use municipal::MunicipalError;
pub use oid4vci::Oid4vciError;
pub use oid4vp::Oid4vpError;
pub use sdjwt::SdJwtError;
pub use sdjwt_vc::SdJwtVcError;
pub use status_list::StatusListError;
pub use trust_list::TrustListError;

/// What went wrong in `myna-vc-core`: the area, and inside it the precise reason.
///
/// ```
/// use myna_vc_core::{jws::Jws, Error, JoseError};
/// // `none` is never accepted, whatever the payload says.
/// let err = Jws::parse("eyJhbGciOiJub25lIn0.e30.").unwrap_err();
/// assert_eq!(err, Error::Jose(JoseError::AlgNone));
/// assert_eq!(err.code(), "alg_none");
/// ```
///
/// # Codes
///
/// [`Error::code`] gives each variant a stable `snake_case` code, unique across all areas. The
/// codes are part of the public API: a code is never reused for another meaning and changes
/// only with a major version.
///
/// | code | variant | meaning |
/// |------|---------|---------|
/// | `input_too_large` | [`InputError::TooLarge`] | The input is larger than this crate accepts for that kind of object. |
/// | `nesting_too_deep` | [`InputError::NestingTooDeep`] | JSON nested deeper than this crate follows (a guard against stack exhaustion). |
/// | `base64` | [`InputError::Base64`] | Not valid base64url (unpadded, URL-safe alphabet). |
/// | `json` | [`InputError::Json`] | Not valid JSON, or JSON of the wrong shape. |
/// | `not_utf8` | [`InputError::NotUtf8`] | Bytes that must be UTF-8 text are not. |
/// | `too_many` | [`InputError::TooMany`] | More items than this crate accepts for that kind of object. |
/// | `not_an_object` | [`InputError::NotAnObject`] | A JSON value that must be an object is something else. |
/// | `missing_member` | [`InputError::MissingMember`] | A required member of a JSON object is absent. |
/// | `member_type` | [`InputError::MemberType`] | A member of a JSON object has a value of the wrong kind or form. |
/// | `unknown_member` | [`InputError::UnknownMember`] | A JSON object has a member this version does not know: a rule an old reader ignored would fail open, so unknown members are refused where the format is closed. |
/// | `repeated_member` | [`InputError::Repeated`] | A member names the same thing twice where each may appear once (a repeated id, a repeated form parameter, …). |
/// | `one_of` | [`InputError::OneOf`] | Both of two members that exclude each other, or neither of two of which one is required. |
/// | `form` | [`InputError::Form`] | An `application/x-www-form-urlencoded` body or query that does not decode. |
/// | `unknown_value` | [`InputError::UnknownValue`] | A name or keyword that is not one of those its format knows (a policy spec, …). |
/// | `invalid_key` | [`JoseError::InvalidKey`] | A JWK or key encoding is not usable (wrong length, point not on the curve, …). |
/// | `unsupported_key_type` | [`JoseError::UnsupportedKeyType`] | A key type or curve this crate does not support (P-384, secp256k1, BLS, …). |
/// | `private_key_in_public_jwk` | [`JoseError::PrivateKeyInPublicJwk`] | A JWK meant to be public carries private key material (`d`, `p`, …). |
/// | `not_compact_jws` | [`JoseError::NotCompact`] | Not a compact JWS: it must be three base64url parts separated by dots. |
/// | `unsupported_algorithm` | [`JoseError::UnsupportedAlgorithm`] | The JWS algorithm is not one this crate implements. |
/// | `alg_none` | [`JoseError::AlgNone`] | `alg: none`: unsigned tokens are never accepted. |
/// | `algorithm_key_mismatch` | [`JoseError::AlgorithmKeyMismatch`] | The JWS algorithm does not belong to the verification key's type. |
/// | `unsupported_critical` | [`JoseError::UnsupportedCritical`] | The header lists a `crit` parameter this crate does not understand. |
/// | `unencoded_payload` | [`JoseError::UnencodedPayload`] | `b64: false` (RFC 7797, unencoded payload) is not supported. |
/// | `signature_invalid` | [`JoseError::SignatureInvalid`] | The signature does not verify with the given key. |
/// | `crypto` | [`JoseError::Crypto`] | The crypto backend failed while signing or generating a key. |
/// | `randomness` | [`JoseError::Randomness`] | The operating system's random source failed. |
/// | `wrong_type` | [`JwtError::WrongType`] | The `typ` header is not the one this token kind requires. |
/// | `missing_claim` | [`JwtError::MissingClaim`] | A required claim is missing. |
/// | `invalid_claim` | [`JwtError::InvalidClaim`] | A claim has the wrong type or an unacceptable value. |
/// | `expired` | [`JwtError::Expired`] | `exp` has passed (beyond the leeway). |
/// | `not_yet_valid` | [`JwtError::NotYetValid`] | `nbf` is still in the future (beyond the leeway). |
/// | `issued_in_future` | [`JwtError::IssuedInFuture`] | `iat` is in the future (beyond the leeway). |
/// | `malformed_disclosure` | [`SdJwtError::MalformedDisclosure`] | A disclosure is not a base64url JSON array of 2 or 3 elements with string salt and name. |
/// | `duplicate_digest` | [`SdJwtError::DuplicateDigest`] | The same digest appears more than once in the payload and the disclosures. |
/// | `unreferenced_disclosure` | [`SdJwtError::UnreferencedDisclosure`] | A disclosure is not referenced by any digest in the payload or another disclosure. |
/// | `reserved_claim_name` | [`SdJwtError::ReservedClaimName`] | A disclosure uses the reserved claim name `_sd` or `...`. |
/// | `reserved_claim_in_payload` | [`SdJwtError::ReservedClaimInPayload`] | An object of the issuer-signed payload (or of a disclosed value) has a claim named `...`, a name RFC 9901 §4.1 reserves for array element digests. The string is where: `the top level`, or the claim path of the object holding it. |
/// | `claim_name_collision` | [`SdJwtError::ClaimNameCollision`] | A disclosed claim name already exists at the same level of the object. |
/// | `disclosure_kind_mismatch` | [`SdJwtError::DisclosureKindMismatch`] | An object-property disclosure sits in an array, or an array-element one in `_sd`. |
/// | `invalid_sd_array` | [`SdJwtError::InvalidSdArray`] | `_sd` is not an array of digest strings. |
/// | `invalid_array_digest` | [`SdJwtError::InvalidArrayDigest`] | An array element object with `...` has other keys or a non-string digest. |
/// | `unsupported_sd_alg` | [`SdJwtError::UnsupportedSdAlg`] | `_sd_alg` names a hash algorithm this crate does not support. |
/// | `misplaced_sd_alg` | [`SdJwtError::MisplacedSdAlg`] | `_sd_alg` appears somewhere other than the top level of the payload. |
/// | `not_an_sd_jwt` | [`SdJwtError::NotAnSdJwt`] | The SD-JWT string does not have the `<jwt>~<disclosures>~[<kb-jwt>]` shape. |
/// | `key_binding_missing` | [`SdJwtError::KeyBindingMissing`] | Key binding was required but the presentation has no KB-JWT. |
/// | `nonce_mismatch` | [`SdJwtError::NonceMismatch`] | The KB-JWT `nonce` is not the verifier's nonce. |
/// | `audience_mismatch` | [`SdJwtError::AudienceMismatch`] | The KB-JWT `aud` is not the verifier. |
/// | `sd_hash_mismatch` | [`SdJwtError::SdHashMismatch`] | The KB-JWT `sd_hash` does not match the presented SD-JWT. |
/// | `key_binding_stale` | [`SdJwtError::KeyBindingStale`] | The KB-JWT `iat` is outside the verifier's acceptance window. |
/// | `no_holder_key` | [`SdJwtError::NoHolderKey`] | The SD-JWT has no `cnf` key to check a KB-JWT against. |
/// | `not_disclosable` | [`SdJwtError::NotDisclosable`] | A claim that must never be selectively disclosed was marked disclosable. |
/// | `unknown_claim_path` | [`ClaimPathError::Unknown`] | A claim path asked to be disclosed or presented does not exist in the claims. |
/// | `claim_path_empty` | [`ClaimPathError::Empty`] | A claims path pointer that is not a JSON array or is an empty one. |
/// | `claim_path_invalid_segment` | [`ClaimPathError::InvalidSegment`] | A claims path pointer segment that is not a string, a non-negative integer or `null`. |
/// | `claim_path_type_mismatch` | [`ClaimPathError::TypeMismatch`] | A claims path pointer met a value of the wrong kind while being processed (a key applied to a non-object, an index or `null` to a non-array; §7.1.1 says abort). |
/// | `wrong_vct` | [`SdJwtVcError::WrongVct`] | The credential's `vct` is not the one the caller expected. |
/// | `schema_violation` | [`SdJwtVcError::SchemaViolation`] | The claims do not satisfy the credential type's declaration or schema. |
/// | `unsupported_status_bits` | [`StatusListError::UnsupportedBits`] | A Status List `bits` value other than 1, 2, 4 or 8. |
/// | `status_too_wide` | [`StatusListError::TooWide`] | A status value that needs more bits than the list has per entry. |
/// | `status_index_out_of_range` | [`StatusListError::IndexOutOfRange`] | An index at or beyond the end of the Status List (the draft says: reject the token). |
/// | `status_list_too_large` | [`StatusListError::TooLarge`] | A Status List whose byte array is larger than this crate holds (a zlib-bomb guard). |
/// | `status_list_compression` | [`StatusListError::Compression`] | The Status List's `lst` is not one complete, valid zlib (RFC 1950) stream. |
/// | `status_list_invalid_uri` | [`StatusListError::InvalidUri`] | A status list URI (`uri`, `aggregation_uri`, a token's `sub`) that is not an RFC 3986 URI. The input is not echoed. |
/// | `status_list_uri_mismatch` | [`StatusListError::UriMismatch`] | The Status List Token's `sub` is not the `uri` the Referenced Token points to. |
/// | `invalid_did` | [`DidError::InvalidDid`] | Not a DID or DID URL under DID Core syntax (§3.1, §3.2), or not a valid DID of its method (a did:web with an IP address, a path segment `..`, …). The detail never echoes the input. |
/// | `invalid_multikey` | [`DidError::InvalidMultikey`] | A did:key (or `publicKeyMultibase`) value that is not multibase base58btc of a multicodec-prefixed key: wrong multibase prefix, bad base58, malformed varint, no key. |
/// | `unsupported_did_method` | [`DidError::UnsupportedMethod`] | A DID method this crate does not resolve (anything but key, jwk and web). |
/// | `did_web_not_configured` | [`DidError::WebNotConfigured`] | A did:web DID was given to a resolver built without a did:web cache. |
/// | `did_foreign_method` | [`DidError::ForeignMethod`] | A verification method added to a DID document under another DID's name. |
/// | `did_duplicate_method_id` | [`DidError::DuplicateMethodId`] | Two verification methods of one DID document have the same id. |
/// | `verification_method_not_found` | [`DidError::VerificationMethodNotFound`] | The DID URL names no verification method of the DID document. |
/// | `verification_relationship_missing` | [`DidError::VerificationRelationshipMissing`] | The verification method exists but is not authorized for the relationship asked for (for example a key listed only for `authentication` used to check an issuer signature). |
/// | `did_document_id_mismatch` | [`DidError::DocumentIdMismatch`] | A fetched or cached DID document describes another DID than the one requested. |
/// | `did_web_fetch` | [`DidError::WebFetch`] | Fetching a did:web document failed (made by `DidWebFetcher` implementations). |
/// | `did_document_stale` | [`DidError::DocumentStale`] | The did:web document could not be refetched and the cached copy is older than the configured maximum staleness. |
/// | `invalid_date` | [`CalendarError::InvalidDate`] | Not an ISO 8601 calendar date `YYYY-MM-DD`, or not a real day. Never echoes the input (dates of birth are personal data). |
/// | `date_out_of_range` | [`CalendarError::OutOfRange`] | A date, or date arithmetic, outside the supported years 0001–9999. |
/// | `born_after_reference_date` | [`CalendarError::BornAfterReferenceDate`] | A birth date later than the day an age was asked for. |
/// | `code_length` | [`MunicipalError::CodeLength`] | A fixed-length digit code or number has the wrong number of characters. |
/// | `code_not_digit` | [`MunicipalError::CodeNotDigit`] | A digit code or number contains something other than an ASCII digit. |
/// | `check_digit_mismatch` | [`MunicipalError::CheckDigitMismatch`] | The check digit of a code or number does not match its other digits. |
/// | `unknown_prefecture` | [`MunicipalError::UnknownPrefecture`] | A prefecture code outside 01–47. |
/// | `prefecture_mismatch` | [`MunicipalError::PrefectureMismatch`] | A municipality's prefecture name that is not the prefecture of its code (the first two digits): a typo in the code or in the name. |
/// | `invalid_municipality_name` | [`MunicipalError::InvalidMunicipalityName`] | A municipality name that a certified address cannot contain (see `Municipality::new`). |
/// | `trust_list_rollback` | [`TrustListError::Rollback`] | A trust list older than one already seen: a replay of a list that may still trust a revoked issuer. |
/// | `unknown_issuer_kind` | [`TrustListError::UnknownIssuerKind`] | An issuer `kind` other than `municipality` and `operator`. |
/// | `invalid_issuer_id` | [`TrustListError::InvalidIssuerId`] | An issuer `id` that is neither a did:web DID nor an https URL. |
/// | `trust_list_invalid_text` | [`TrustListError::InvalidText`] | An id or name that is empty, too long or has control characters. |
/// | `trust_list_empty_period` | [`TrustListError::EmptyPeriod`] | A validity period that ends before (or when) it begins. |
/// | `duplicate_trusted_issuer` | [`TrustListError::DuplicateTrustedIssuer`] | Two trust list entries for the same issuer id. |
/// | `duplicate_issuer_key_id` | [`TrustListError::DuplicateIssuerKeyId`] | Two keys of one trusted issuer share a `kid`. |
/// | `invalid_issuer_keys` | [`TrustListError::InvalidIssuerKeys`] | A trusted issuer key without a `kid`, or an issuer with no keys at all. |
/// | `empty_vct_list` | [`TrustListError::EmptyVctList`] | A trusted issuer allowed to issue no credential type at all. |
/// | `municipality_code_missing` | [`TrustListError::MunicipalityCodeMissing`] | A municipality issuer without its municipality code. |
/// | `untrusted_issuer` | [`TrustListError::UntrustedIssuer`] | The issuer is not in the trust list: "not issued by a trusted municipality". |
/// | `unknown_issuer_key` | [`TrustListError::UnknownIssuerKey`] | The trusted issuer has no key with the `kid` asked for. |
/// | `issuer_key_id_required` | [`TrustListError::IssuerKeyIdRequired`] | No `kid` was given and the trusted issuer has more than one key, so which one signed is ambiguous (trying them all would hide a key-rotation mistake). |
/// | `vct_not_allowed` | [`TrustListError::VctNotAllowed`] | The trusted issuer may not issue this credential type. |
/// | `issuer_not_yet_valid` | [`TrustListError::IssuerNotYetValid`] | The issuer's trust starts later than the instant asked about. |
/// | `issuer_expired` | [`TrustListError::IssuerExpired`] | The issuer's trust ended before the instant asked about. |
/// | `trust_entry_not_self_signed` | [`TrustListError::EntryNotSelfSigned`] | A signed trust-list entry that does not list exactly one key, or whose header `kid` does not name that key: it proves possession of no key it lists. |
/// | `proof_audience_mismatch` | [`Oid4vciError::ProofAudienceMismatch`] | An OpenID4VCI key proof's `aud` is not this Credential Issuer's identifier. |
/// | `proof_nonce_mismatch` | [`Oid4vciError::ProofNonceMismatch`] | An OpenID4VCI key proof's `nonce` is not the `c_nonce` the issuer handed out (the `invalid_nonce` error code: the wallet should fetch a new one). |
/// | `proof_stale` | [`Oid4vciError::ProofStale`] | An OpenID4VCI key proof's `iat` is older than the issuer's acceptance window. |
/// | `proof_key_not_jwk` | [`Oid4vciError::ProofKeyNotJwk`] | A key proof names its key other than by a `jwk` header (`kid`, `x5c`, …), which this profile does not resolve, or names it in more than one way. |
/// | `proof_algorithm_not_allowed` | [`Oid4vciError::ProofAlgorithmNotAllowed`] | The key proof's `alg` is not one the issuer lists in `proof_signing_alg_values_supported`. |
/// | `duplicate_proof_key` | [`Oid4vciError::DuplicateProofKey`] | Two key proofs of one Credential Request prove the same key; every credential of a batch must be bound to its own key so the credentials cannot be linked. |
/// | `too_many_proofs` | [`Oid4vciError::TooManyProofs`] | A Credential Request carries more key proofs than the issuer's `batch_size` allows. |
/// | `unsupported_proof_type` | [`Oid4vciError::UnsupportedProofType`] | A `proofs` member of a type this crate does not verify (`di_vp`, `attestation`, …). |
/// | `draft_request_member` | [`Oid4vciError::DraftRequestMember`] | A Credential Request member of a pre-1.0 draft (`proof`, `format`): 1.0 wallets send `proofs` and a configuration id, and a silently ignored `proof` would bind nothing. |
/// | `invalid_credential_issuer_id` | [`Oid4vciError::InvalidIssuerId`] | A Credential Issuer Identifier that is not an https URL without query and fragment. |
/// | `unsupported_authorization_detail` | [`Oid4vciError::UnsupportedAuthorizationDetail`] | An `authorization_details` entry of a type other than `openid_credential`. |
/// | `unsupported_grant_type` | [`Oid4vciError::UnsupportedGrantType`] | A Token Request whose `grant_type` is not the pre-authorized code grant. |
/// | `dcql_invalid_id` | [`DcqlError::InvalidId`] | A DCQL Credential Query or Claims Query `id` that is empty or has characters other than ASCII letters, digits, `_` and `-` (OpenID4VP 1.0 §6.1, §6.3). |
/// | `dcql_duplicate_id` | [`DcqlError::DuplicateId`] | The same Credential Query id twice in a query, or the same Claims Query id twice in one Credential Query. |
/// | `dcql_empty` | [`DcqlError::Empty`] | A DCQL member the spec makes a non-empty array is empty. |
/// | `dcql_claim_sets_without_claims` | [`DcqlError::ClaimSetsWithoutClaims`] | `claim_sets` in a Credential Query without `claims` (§6.4.1). |
/// | `dcql_claim_without_id` | [`DcqlError::ClaimWithoutId`] | `claim_sets` is present but a Claims Query has no `id` (§6.3). |
/// | `dcql_unknown_claim_id` | [`DcqlError::UnknownClaimId`] | A `claim_sets` option names a claim id that is not in `claims`. |
/// | `dcql_unknown_credential_id` | [`DcqlError::UnknownCredentialId`] | A `credential_sets` option names a Credential Query id that is not in `credentials`. |
/// | `dcql_invalid_value` | [`DcqlError::InvalidValue`] | A Claims Query `values` entry that is not a string, an integer or a boolean. |
/// | `dcql_duplicate_claim_path` | [`DcqlError::DuplicateClaimPath`] | Two Claims Queries of one Credential Query point at the same claim (§6.1: Verifiers MUST NOT; we refuse rather than guess which one was meant). |
/// | `dcql_missing_meta` | [`DcqlError::MissingMeta`] | A format-specific `meta` member the spec requires is missing or malformed (`vct_values` for `dc+sd-jwt`). |
/// | `dcql_unsupported_format` | [`DcqlError::UnsupportedFormat`] | A Credential Query for a format this crate cannot match or present (`mso_mdoc`, `jwt_vc_json`, …). Such queries parse; this error arises only when one is evaluated. |
/// | `dcql_unsatisfied` | [`DcqlError::Unsatisfied`] | A credential (or none of the wallet's credentials) does not satisfy a Credential Query. |
/// | `dcql_missing_presentation` | [`DcqlError::MissingPresentation`] | A VP Token lacks the presentation a required Credential Query (or credential set) needs. |
/// | `dcql_presentation_count` | [`DcqlError::PresentationCount`] | More than one presentation for a Credential Query without `multiple: true`, or an empty presentation array. |
/// | `dcql_unexpected_presentation` | [`DcqlError::UnexpectedPresentation`] | A VP Token entry for an id that is not a Credential Query of the request. |
/// | `unsupported_client_id_prefix` | [`Oid4vpError::UnsupportedClientIdPrefix`] | A `client_id` Client Identifier Prefix this crate does not support (`openid_federation`, `verifier_attestation`, the reserved `origin`, or an unknown one). |
/// | `invalid_client_id` | [`Oid4vpError::InvalidClientId`] | A `client_id` that does not fit its prefix (not an https URL, not a DID, not a DNS name). |
/// | `unsupported_response_type` | [`Oid4vpError::UnsupportedResponseType`] | A `response_type` other than `vp_token`. |
/// | `unsupported_response_mode` | [`Oid4vpError::UnsupportedResponseMode`] | A `response_mode` other than `direct_post` and `fragment`. |
/// | `request_without_query` | [`Oid4vpError::NoQuery`] | An authorization request URL without a query (so without any parameter). |
/// | `missing_parameter` | [`Oid4vpError::MissingParameter`] | A request or response parameter the protocol requires is missing. |
/// | `conflicting_parameters` | [`Oid4vpError::ConflictingParameters`] | Parameters that must not appear together do (`redirect_uri` with `direct_post`, `dcql_query` with `scope`, …). |
/// | `invalid_parameter` | [`Oid4vpError::InvalidParameter`] | A parameter value outside its allowed form (`nonce` and `state` are URL-safe ASCII, …). |
/// | `unsupported_transaction_data` | [`Oid4vpError::UnsupportedTransactionData`] | `transaction_data` is present; a Wallet that does not support it MUST reject the request. |
/// | `request_client_id_mismatch` | [`Oid4vpError::RequestClientIdMismatch`] | The Request Object's `client_id` differs from the `client_id` of the request URL. |
/// | `request_audience_mismatch` | [`Oid4vpError::RequestAudienceMismatch`] | The Request Object's `aud` is not the wallet (`https://self-issued.me/v2` or its issuer). |
/// | `wallet_nonce_mismatch` | [`Oid4vpError::WalletNonceMismatch`] | The Request Object does not carry the `wallet_nonce` the wallet sent. |
/// | `unsupported_protocol` | [`Oid4vpError::UnsupportedProtocol`] | A Digital Credentials API protocol this crate does not speak (`openid4vp-v1-multisigned`, another version, another protocol). |
/// | `response_mode_downgrade` | [`Oid4vpError::ResponseModeDowngrade`] | A plain response where the request asked for an encrypted one (`direct_post.jwt`, `dc_api.jwt`). |
/// | `origin_not_expected` | [`Oid4vpError::OriginNotExpected`] | The Origin the browser reported is not in the signed request's `expected_origins`. |
/// | `untrusted_request_signer` | [`Oid4vpError::UntrustedRequestSigner`] | A signed request whose certificate chain does not lead to a trusted anchor, or is not valid now. |
/// | `client_id_certificate_mismatch` | [`Oid4vpError::ClientIdCertificateMismatch`] | The signed request's `client_id` does not fit its certificate (`x509_hash` of another certificate, `x509_san_dns` name not in the leaf). |
/// | `no_usable_encryption_key` | [`Oid4vpError::NoUsableEncryptionKey`] | An encrypted response was asked for but no key or `enc` value of `client_metadata` is usable, or an encrypted response came without a key. |
/// | `invalid_origin` | [`Oid4vpError::InvalidOrigin`] | Not a web origin `https://host[:port]` (`http` only for loopback hosts). |
/// | `response_mode_wrong_channel` | [`Oid4vpError::ResponseModeWrongChannel`] | `dc_api`/`dc_api.jwt` in a request by URL, or a URL response mode over the Digital Credentials API. |
/// | `jwe_malformed` | [`JweError::Malformed`] | Not a compact JWE of this profile (five parts, `epk` on P-256, no encrypted key, 96-bit IV, 128-bit tag), or too large. |
/// | `jwe_unsupported_algorithm` | [`JweError::UnsupportedAlgorithm`] | `alg` other than `ECDH-ES`, an `enc` not allowed, `zip`, or any `crit` parameter. |
/// | `jwe_key_mismatch` | [`JweError::KeyMismatch`] | The JWE names another key (`kid`) or another curve than the recipient's key. |
/// | `jwe_decryption_failed` | [`JweError::DecryptionFailed`] | The authentication tag does not verify: encrypted to another key, or altered. |
/// | `compact_prefix` | [`CompactError::Prefix`] | Text that does not start with the compact presentation prefix and a known version. |
/// | `compact_base45` | [`CompactError::Base45`] | The compact presentation's body is not valid base45 (RFC 9285). |
/// | `compact_compression` | [`CompactError::Compression`] | The compact presentation's body does not inflate as one complete raw DEFLATE stream. |
/// | `compact_truncated` | [`CompactError::Truncated`] | The packed presentation ends in the middle of a field. |
/// | `compact_trailing_data` | [`CompactError::TrailingData`] | Bytes remain after the packed presentation. |
/// | `compact_unknown_flags` | [`CompactError::UnknownFlags`] | The packed presentation sets flag bits this version does not know. |
/// | `compact_bad_length` | [`CompactError::BadLength`] | A length prefix in the packed presentation that is not a minimal varint of at most 3 bytes (one presentation must have one packed form). |
/// | `challenge_without_audience` | [`CompactError::ChallengeWithoutAudience`] | An in-person challenge `MVC1:<nonce>:<audience>` without the `:` before the audience. |
/// | `challenge_policy_invalid` | [`CompactError::ChallengePolicy`] | An in-person challenge's policy spec (after the one space) that is empty, too long, or not printable ASCII without spaces. |
/// | `compact_text_count` | [`CompactError::TextCount`] | A different number of compact presentations (QR texts) than credentials requested. |
/// | `compact_repeated_type` | [`CompactError::RepeatedType`] | Two compact presentations of the same credential type where the request asks for it once (the same QR code scanned twice, or two of one kind instead of two kinds). |
/// | `compact_unrequested_type` | [`CompactError::UnrequestedType`] | A compact presentation of a credential type the request does not ask for. |
/// | `compact_untyped` | [`CompactError::Untyped`] | A compact presentation whose credential names no type (`vct`), so it answers no requested credential. |
/// | `compact_not_canonical` | [`CompactError::NotCanonical`] | A presentation part whose base64url is not canonical, so it would not round-trip exactly. |
/// | `gate_nonce_mismatch` | [`CompactError::GateNonceMismatch`] | The KB-JWT nonce is not the gate's nonce for the current or the previous time window. |
/// | `consent_not_yet_valid` | [`ConsentError::NotYetValid`] | The consent's period has not begun. |
/// | `consent_expired` | [`ConsentError::Expired`] | The consent's period has ended. |
/// | `consent_withdrawn` | [`ConsentError::Withdrawn`] | The holder withdrew the consent. |
/// | `consent_paused` | [`ConsentError::Paused`] | The holder paused the consent; it may be resumed. |
/// | `consent_used` | [`ConsentError::Used`] | A one-time consent whose single use was already reported. |
/// | `consent_transition` | [`ConsentError::Transition`] | An action that the consent's state does not allow (resume a withdrawn consent, …). |
/// | `consent_action_replayed` | [`ConsentError::ActionReplayed`] | A holder's status change whose `seq` is not above the last applied one: a replay. |
/// | `invalid_consent_id` | [`ConsentError::InvalidId`] | A consent id that is not 16 bytes of base64url. |
/// | `unsupported_consent_recipient` | [`ConsentError::UnsupportedRecipient`] | A consent recipient whose DID method is not `key` or `jwk` (the only methods whose key is in the DID itself, so a consent names its recipient's key offline). |
/// | `invalid_consent_purpose` | [`ConsentError::InvalidPurpose`] | A purpose that is empty, too long or has control characters. |
/// | `unknown_consent_usage` | [`ConsentError::UnknownUsage`] | A `usage` other than `one_time` and `ongoing`. |
/// | `consent_claim_count` | [`ConsentError::ClaimCount`] | A consent that names no claim path, or more than the limit. |
/// | `consent_root_claim` | [`ConsentError::RootClaim`] | A consent claim path that names the whole credential (an empty path). |
/// | `consent_duplicate_claim` | [`ConsentError::DuplicateClaim`] | A consent that names the same claim path twice. |
/// | `consent_empty_period` | [`ConsentError::EmptyPeriod`] | A consent whose `not_after` is not later than its `not_before`. |
/// | `unknown_consent_state` | [`ConsentError::UnknownState`] | A status list value that is not one of the consent states (0 to 3). |
/// | `unknown_consent_action` | [`ConsentError::UnknownAction`] | An `action` other than `withdraw`, `pause`, `resume` and `use`. |
/// | `consent_use_by_holder` | [`ConsentError::UseByHolder`] | A holder's status change that reports a use: only the recipient reports a use, with a use report. |
/// | `consent_mismatch` | [`ConsentError::Mismatch`] | A receipt that does not belong to the record it came with. |
/// | `consent_holder_proof` | [`ConsentError::HolderProof`] | A registration's holder proof that does not prove the holder for this record here (another record or registry, too old or from the future). |
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Errors of input shape: sizes, nesting, base64url, JSON syntax and JSON members.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Errors of keys, JWK, JWS algorithms and signatures, the crypto provider.
    #[error(transparent)]
    Jose(#[from] JoseError),
    /// Errors of JWT type, claims and validity period.
    #[error(transparent)]
    Jwt(#[from] JwtError),
    /// Errors of SD-JWT (RFC 9901): disclosures, digests and key binding.
    #[error(transparent)]
    SdJwt(#[from] SdJwtError),
    /// Errors of claim paths (OpenID4VP claims path pointers).
    #[error(transparent)]
    ClaimPath(#[from] ClaimPathError),
    /// Errors of SD-JWT VC: credential types and their schemas.
    #[error(transparent)]
    SdJwtVc(#[from] SdJwtVcError),
    /// Errors of Token Status Lists.
    #[error(transparent)]
    StatusList(#[from] StatusListError),
    /// Errors of DIDs, DID documents and their resolution.
    #[error(transparent)]
    Did(#[from] DidError),
    /// Errors of calendar dates and ages.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// Errors of digit codes, prefectures and municipalities.
    #[error(transparent)]
    Municipal(#[from] MunicipalError),
    /// Errors of the trust list of issuers.
    #[error(transparent)]
    TrustList(#[from] TrustListError),
    /// Errors of OpenID4VCI offers, tokens, key proofs and credential requests.
    #[error(transparent)]
    Oid4vci(#[from] Oid4vciError),
    /// Errors of DCQL queries and their evaluation.
    #[error(transparent)]
    Dcql(#[from] DcqlError),
    /// Errors of OpenID4VP requests, request objects and responses.
    #[error(transparent)]
    Oid4vp(#[from] Oid4vpError),
    /// Errors of compact presentations for QR codes and in-person gates.
    #[error(transparent)]
    Compact(#[from] CompactError),
    /// Errors of consent records, receipts and status changes.
    #[error(transparent)]
    Consent(#[from] ConsentError),
    /// Errors of compact JWE: encrypted OpenID4VP responses.
    #[error(transparent)]
    Jwe(#[from] JweError),
}

impl Error {
    /// The stable code of this error, from the table above.
    ///
    /// ```
    /// use myna_vc_core::{Error, SdJwtError};
    /// assert_eq!(Error::from(SdJwtError::SdHashMismatch).code(), "sd_hash_mismatch");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Input(e) => e.code(),
            Error::Jose(e) => e.code(),
            Error::Jwt(e) => e.code(),
            Error::SdJwt(e) => e.code(),
            Error::ClaimPath(e) => e.code(),
            Error::SdJwtVc(e) => e.code(),
            Error::StatusList(e) => e.code(),
            Error::Did(e) => e.code(),
            Error::Calendar(e) => e.code(),
            Error::Municipal(e) => e.code(),
            Error::TrustList(e) => e.code(),
            Error::Oid4vci(e) => e.code(),
            Error::Dcql(e) => e.code(),
            Error::Oid4vp(e) => e.code(),
            Error::Compact(e) => e.code(),
            Error::Consent(e) => e.code(),
            Error::Jwe(e) => e.code(),
        }
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    /// An [`InputError::Json`] from a serde_json error, without echoing input bytes.
    pub(crate) fn json(what: &'static str, err: &serde_json::Error) -> Self {
        Error::Input(InputError::Json {
            what,
            detail: format!(
                "{} at line {} column {}",
                classify(err),
                err.line(),
                err.column()
            ),
        })
    }

    /// An [`InputError::NotAnObject`].
    pub(crate) fn not_an_object(what: &'static str) -> Self {
        Error::Input(InputError::NotAnObject { what })
    }

    /// An [`InputError::MissingMember`]; the name is shortened for the message.
    pub(crate) fn missing_member(what: &'static str, member: &str) -> Self {
        Error::Input(InputError::MissingMember {
            what,
            member: shown(member),
        })
    }

    /// An [`InputError::MemberType`]; the name is shortened for the message.
    pub(crate) fn member_type(what: &'static str, member: &str, expected: &'static str) -> Self {
        Error::Input(InputError::MemberType {
            what,
            member: shown(member),
            expected,
        })
    }

    /// An [`InputError::Repeated`]; the repeated text is shortened for the message.
    pub(crate) fn repeated(what: &'static str, member: &str) -> Self {
        Error::Input(InputError::Repeated {
            what,
            member: shown(member),
        })
    }

    /// An [`InputError::OneOf`].
    pub(crate) fn one_of(what: &'static str, first: &'static str, second: &'static str) -> Self {
        Error::Input(InputError::OneOf {
            what,
            first,
            second,
        })
    }
}

/// At most 256 bytes of caller-supplied text, for error messages: an attacker's megabyte must
/// not end up in a log line.
pub(crate) fn shown(text: &str) -> String {
    const LIMIT: usize = 256;
    if text.len() <= LIMIT {
        return text.to_owned();
    }
    let end = (0..=LIMIT)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    format!("{}…", text.get(..end).unwrap_or_default())
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

#[cfg(test)]
mod tests {
    //! The code table is public API: these tests make every change to it visible.

    use std::collections::BTreeSet;

    use super::*;

    /// Each area enum with the source that declares it and its `code()`.
    const AREAS: [(&str, &str); 17] = [
        ("InputError", include_str!("input.rs")),
        ("JoseError", include_str!("jose.rs")),
        ("JwtError", include_str!("jwt.rs")),
        ("SdJwtError", include_str!("sdjwt.rs")),
        ("ClaimPathError", include_str!("claim_path.rs")),
        ("SdJwtVcError", include_str!("sdjwt_vc.rs")),
        ("StatusListError", include_str!("status_list.rs")),
        ("DidError", include_str!("did.rs")),
        ("CalendarError", include_str!("calendar.rs")),
        ("MunicipalError", include_str!("municipal.rs")),
        ("TrustListError", include_str!("trust_list.rs")),
        ("Oid4vciError", include_str!("oid4vci.rs")),
        ("DcqlError", include_str!("dcql.rs")),
        ("Oid4vpError", include_str!("oid4vp.rs")),
        ("CompactError", include_str!("compact.rs")),
        ("ConsentError", include_str!("consent.rs")),
        ("JweError", include_str!("jwe.rs")),
    ];

    /// The `Ty::Variant` names declared in the body of `pub enum Ty`.
    fn declared(ty: &str, source: &str) -> Vec<String> {
        let start = format!("pub enum {ty} {{");
        source
            .lines()
            .skip_while(|line| !line.starts_with(&start))
            .skip(1)
            .take_while(|line| *line != "}")
            .filter(|line| line.starts_with("    ") && !line.starts_with("     "))
            .filter_map(|line| line.trim().split(['(', ' ', ',']).next())
            .filter(|name| name.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(|name| format!("{ty}::{name}"))
            .collect()
    }

    /// The (`Ty::Variant`, code) pairs of the arms of `Ty::code`.
    fn arms(ty: &str, source: &str) -> Vec<(String, String)> {
        let prefix = format!("{ty}::");
        source
            .lines()
            .map(str::trim)
            .filter(|line| line.starts_with(&prefix) && line.contains("=> \""))
            .filter_map(|line| {
                let variant = line.split(['(', ' ']).next()?;
                let code = line.split('"').nth(1)?;
                Some((variant.to_owned(), code.to_owned()))
            })
            .collect()
    }

    /// The (`Ty::Variant`, code) rows of the table in the documentation of [`Error`].
    fn table() -> Vec<(String, String)> {
        include_str!("mod.rs")
            .lines()
            .filter(|line| line.starts_with("/// | `"))
            .filter_map(|line| {
                let mut cells = line.split('|').map(str::trim);
                let code = cells.nth(1)?.trim_matches('`');
                let variant = cells
                    .next()?
                    .trim_start_matches("[`")
                    .trim_end_matches("`]");
                Some((variant.to_owned(), code.to_owned()))
            })
            .collect()
    }

    #[test]
    fn every_variant_has_one_code_and_the_codes_are_unique() {
        let mut codes = BTreeSet::new();
        for (ty, source) in AREAS {
            let declared = declared(ty, source);
            let arms = arms(ty, source);
            assert!(!declared.is_empty(), "{ty} declares no variant");
            let named: Vec<&String> = arms.iter().map(|(variant, _)| variant).collect();
            assert_eq!(
                named.iter().copied().collect::<BTreeSet<_>>(),
                declared.iter().collect::<BTreeSet<_>>(),
                "{ty}::code must name every variant, one arm each"
            );
            assert_eq!(
                named.len(),
                declared.len(),
                "{ty}::code has an arm per variant"
            );
            for (variant, code) in arms {
                assert!(
                    !code.is_empty()
                        && code
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "{variant}: `{code}` is not snake_case"
                );
                assert!(
                    codes.insert(code.clone()),
                    "{variant}: code `{code}` is used twice"
                );
            }
        }
    }

    #[test]
    fn the_documented_table_lists_exactly_the_codes() {
        let mut from_code: Vec<(String, String)> = AREAS
            .iter()
            .flat_map(|(ty, source)| arms(ty, source))
            .collect();
        let mut documented = table();
        from_code.sort();
        documented.sort();
        assert_eq!(documented, from_code);
    }

    #[test]
    fn the_top_level_code_is_the_area_code() {
        let cases = [
            (
                Error::from(JoseError::SignatureInvalid),
                "signature_invalid",
            ),
            (Error::from(JwtError::MissingClaim("exp")), "missing_claim"),
            (
                Error::from(StatusListError::TooLarge { limit: 1 }),
                "status_list_too_large",
            ),
            (Error::from(ConsentError::Paused), "consent_paused"),
            (
                Error::from(InputError::NotAnObject { what: "x" }),
                "not_an_object",
            ),
            (Error::from(DcqlError::Empty("credentials")), "dcql_empty"),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code, "{error:?}");
        }
    }
}
