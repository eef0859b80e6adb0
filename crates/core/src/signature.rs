//! The customer's sign-off as recorded (用户签字确认与评价): the signature as vector strokes,
//! the ratings, what it covers, and the checks of each; the data only. Sealing and verifying the
//! record it signs is [`crate::signoff`].

use crate::ids::DeviceId;
use crate::limits::{EventError, MAX_NOTE, check_text};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The most strokes in a signature.
pub const MAX_STROKES: usize = 200;
/// The most points in a signature, all strokes together.
pub const MAX_POINTS: usize = 6000;
/// The largest pad side, in CSS pixels.
pub const MAX_PAD: u16 = 4000;
/// The longest signer's name, in characters.
pub const MAX_SIGNER: usize = 100;
/// The most devices a sign-off covers.
pub const MAX_COVERS: usize = 50;

/// A drawn signature as vector strokes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Signature {
    /// The pad's size when signed, in CSS pixels.
    pub w: u16,
    pub h: u16,
    /// Each stroke: first point, then moves (`[x0, y0, dx1, dy1, ...]`).
    pub strokes: Vec<Vec<i32>>,
}

impl Signature {
    /// Encodes strokes drawn as absolute points (from pointer events), rounding to whole pixels
    /// and dropping moves of zero.
    pub fn from_points(w: u16, h: u16, strokes: &[Vec<(f64, f64)>]) -> Signature {
        let encoded = strokes
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| {
                let mut out = Vec::with_capacity(s.len() * 2);
                let mut last: Option<(i32, i32)> = None;
                for &(x, y) in s {
                    let p = (x.round() as i32, y.round() as i32);
                    match last {
                        None => out.extend([p.0, p.1]),
                        Some(l) if l == p => continue,
                        Some(l) => out.extend([p.0 - l.0, p.1 - l.1]),
                    }
                    last = Some(p);
                }
                out
            })
            .collect();
        Signature { w, h, strokes: encoded }
    }

    pub fn points(&self) -> usize {
        self.strokes.iter().map(|s| s.len() / 2).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.strokes.iter().all(|s| s.len() < 2)
    }

    /// The strokes as an SVG path (`M x y l dx dy ...`); a single dot becomes a tiny line so
    /// that it still shows with round caps.
    pub fn svg_path(&self) -> String {
        let mut d = String::new();
        for s in self.strokes.iter().filter(|s| s.len() >= 2) {
            d.push_str(&format!("M{} {}", s[0], s[1]));
            if s.len() == 2 {
                d.push_str("l0 0.1");
            } else {
                d.push('l');
                let moves: Vec<String> = s[2..].iter().map(i32::to_string).collect();
                d.push_str(&moves.join(" "));
            }
        }
        d
    }

    pub fn validate(&self) -> Result<(), EventError> {
        if self.w == 0 || self.h == 0 || self.w > MAX_PAD || self.h > MAX_PAD {
            return Err(EventError::SignatureTooLarge("pad size"));
        }
        if self.strokes.len() > MAX_STROKES {
            return Err(EventError::SignatureTooLarge("strokes"));
        }
        if self.points() > MAX_POINTS || self.strokes.iter().any(|s| s.len() % 2 != 0) {
            return Err(EventError::SignatureTooLarge("points"));
        }
        if self.is_empty() {
            return Err(EventError::EmptySignature);
        }
        Ok(())
    }
}

/// The customer's ratings, 1 (poor) to 5 (excellent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Ratings {
    /// 响应速度
    pub speed: u8,
    /// 服务态度
    pub attitude: u8,
    /// 处理结果
    pub result: u8,
}

/// "Everything this device recorded or held on the job up to `through_seq`."
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Coverage {
    #[cfg_attr(feature = "openapi", schema(value_type = uuid::Uuid))]
    pub device: DeviceId,
    pub through_seq: u64,
}

/// The sign-off's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SignOff {
    /// The engineer's result (处理结果).
    pub result: String,
    /// The customer's name as they wrote it.
    pub signer: String,
    pub signature: Signature,
    pub ratings: Ratings,
    #[serde(default)]
    pub comment: String,
    /// The events signed for.
    pub covers: Vec<Coverage>,
    /// SHA-256, hex, of the canonical record (see the module docs).
    pub hash: String,
}

impl SignOff {
    pub fn validate(&self) -> Result<(), EventError> {
        check_text("signer", &self.signer, true, MAX_SIGNER)?;
        check_text("result", &self.result, false, MAX_NOTE)?;
        check_text("comment", &self.comment, false, MAX_NOTE)?;
        for (name, r) in [
            ("speed", self.ratings.speed),
            ("attitude", self.ratings.attitude),
            ("result", self.ratings.result),
        ] {
            if !(1..=5).contains(&r) {
                return Err(EventError::OutOfRange(name, 1, 5));
            }
        }
        if self.covers.len() > MAX_COVERS {
            return Err(EventError::SignatureTooLarge("covers"));
        }
        if self.hash.len() != 64
            || !self.hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(EventError::BadHash);
        }
        self.signature.validate()
    }

    /// The first 8 hex digits, for the report.
    pub fn short_hash(&self) -> &str {
        self.hash.get(..8).unwrap_or(&self.hash)
    }
}
