//! The limits of what the phone records, and the check of a text against them: the base every
//! recorded fact's validation stands on (events, the sign-off's data).

/// The longest note, in characters.
pub const MAX_NOTE: usize = 2000;
/// The longest reason (for not completing, skipping a step, escalating), in characters.
pub const MAX_REASON: usize = 500;
/// The most of one part used or returned in one event.
pub const MAX_QTY: u32 = 999;
/// The longest part code, serial number or receipt number, in characters.
pub const MAX_CODE: usize = 64;
/// The largest fee, in fen (分): ¥10,000,000.
pub const MAX_FEE_FEN: i64 = 1_000_000_000;

/// The longest step id, in characters.
pub const MAX_STEP_ID: usize = 64;

pub(crate) fn check_text(
    field: &'static str,
    value: &str,
    required: bool,
    max: usize,
) -> Result<(), EventError> {
    if required && value.trim().is_empty() {
        return Err(EventError::Empty(field));
    }
    if value.chars().count() > max {
        return Err(EventError::TooLong(field, max));
    }
    Ok(())
}

/// Why an event is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("{0} is longer than {1} characters")]
    TooLong(&'static str, usize),
    #[error("the sequence number must start at 1")]
    ZeroSequence,
    #[error("{0} must be from {1} to {2}")]
    OutOfRange(&'static str, i64, i64),
    #[error("a part with a serial number is recorded one at a time")]
    SerialNeedsOne,
    #[error("the signature is empty")]
    EmptySignature,
    #[error("the signature is too large ({0})")]
    SignatureTooLarge(&'static str),
    #[error("the sign-off hash is not a SHA-256 in hex")]
    BadHash,
}
