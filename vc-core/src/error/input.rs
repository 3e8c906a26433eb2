//! Errors of input shape: sizes, nesting, base64url, JSON syntax and JSON members.

/// What went wrong with input shape: sizes, nesting, base64url, JSON syntax and JSON members.
///
/// Every variant has a stable [`code`](Self::code), listed in the table of [`crate::Error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The input is larger than this crate accepts for that kind of object.
    #[error("{what} is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
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
    /// Bytes that must be UTF-8 text are not.
    #[error("{what} is not valid UTF-8")]
    NotUtf8 {
        /// What was being read.
        what: &'static str,
    },
    /// More items than this crate accepts for that kind of object.
    #[error("{count} {what}, more than the limit of {limit}")]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// How many there are.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A JSON value that must be an object is something else.
    #[error("{what} must be a JSON object")]
    NotAnObject {
        /// What was being parsed.
        what: &'static str,
    },
    /// A required member of a JSON object is absent.
    #[error("{what} has no `{member}`")]
    MissingMember {
        /// What was being parsed.
        what: &'static str,
        /// The member's name (at most 256 bytes of it).
        member: String,
    },
    /// A member of a JSON object has a value of the wrong kind or form.
    #[error("`{member}` in {what} must be {expected}")]
    MemberType {
        /// What was being parsed.
        what: &'static str,
        /// The member's name (at most 256 bytes of it).
        member: String,
        /// What its value must be ("a string", "a non-empty array", …).
        expected: &'static str,
    },
    /// A JSON object has a member this version does not know: a rule an old reader ignored
    /// would fail open, so unknown members are refused where the format is closed.
    #[error("{what} has the unknown member `{member}`")]
    UnknownMember {
        /// What was being parsed.
        what: &'static str,
        /// The member's name (at most 256 bytes of it).
        member: String,
    },
    /// A member names the same thing twice where each may appear once (a repeated id, a
    /// repeated form parameter, …).
    #[error("{what} repeats `{member}`")]
    Repeated {
        /// What was being parsed.
        what: &'static str,
        /// The repeated member, parameter or value (at most 256 bytes of it).
        member: String,
    },
    /// Both of two members that exclude each other, or neither of two of which one is
    /// required.
    #[error("{what} must have exactly one of `{first}` and `{second}`")]
    OneOf {
        /// What was being parsed.
        what: &'static str,
        /// One member.
        first: &'static str,
        /// The other member.
        second: &'static str,
    },
    /// An `application/x-www-form-urlencoded` body or query that does not decode.
    #[error("{what} is not a valid form: {problem}")]
    Form {
        /// What was being decoded.
        what: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A name or keyword that is not one of those its format knows (a policy spec, …).
    #[error("unknown {what} `{value}`")]
    UnknownValue {
        /// What it names.
        what: &'static str,
        /// The value (at most 256 bytes of it).
        value: String,
    },
}

impl InputError {
    /// The stable code of this error (see the table of [`crate::Error`]).
    pub fn code(&self) -> &'static str {
        match self {
            InputError::TooLarge { .. } => "input_too_large",
            InputError::NestingTooDeep { .. } => "nesting_too_deep",
            InputError::Base64 { .. } => "base64",
            InputError::Json { .. } => "json",
            InputError::NotUtf8 { .. } => "not_utf8",
            InputError::TooMany { .. } => "too_many",
            InputError::NotAnObject { .. } => "not_an_object",
            InputError::MissingMember { .. } => "missing_member",
            InputError::MemberType { .. } => "member_type",
            InputError::UnknownMember { .. } => "unknown_member",
            InputError::Repeated { .. } => "repeated_member",
            InputError::OneOf { .. } => "one_of",
            InputError::Form { .. } => "form",
            InputError::UnknownValue { .. } => "unknown_value",
        }
    }
}
