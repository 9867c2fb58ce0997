//! Offline verification: one pure function from (text, trust list, now, policy) to a verdict.
//!
//! No clock, network or storage is touched: the caller passes `now`, and the
//! same inputs always give the same verdict.

use std::fmt;

use crate::credential::{self, Credential, Status};
use crate::error::DecodeError;
use crate::trust_list::{IssuerEntry, TrustList};

/// How strict a verifier is about time and the age of its trust list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// A trust list older than this many seconds (since it was signed) draws a
    /// [`Warning::TrustListStale`].
    pub stale_after: u64,
    /// Whether an expired trust list refuses every credential. Off by default:
    /// a checkpoint cut off from the network should keep working and say so,
    /// not stop the queue; a site that prefers to stop sets it.
    pub refuse_expired_trust_list: bool,
    /// Seconds a credential may appear to come from the future (a phone clock
    /// a little behind the issuer's) before it is refused as not yet valid.
    pub clock_tolerance: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            stale_after: 24 * 3600,
            refuse_expired_trust_list: false,
            clock_tolerance: 300,
        }
    }
}

/// Why a credential is refused. Exactly one is reported: the first check that fails.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// Not a credential of this format, or damaged.
    Malformed(DecodeError),
    /// A format version this build does not know.
    UnsupportedVersion {
        /// The version found.
        found: u64,
    },
    /// Signed by a key that is not in the trust list.
    UnknownIssuer,
    /// The signature does not verify: forged or altered.
    InvalidSignature,
    /// The issuer's key may not attest this status.
    IssuerNotAllowed {
        /// The status claimed.
        status: Status,
    },
    /// Signed at a time outside the issuer key's validity window.
    IssuerKeyNotValid,
    /// Past its expiry.
    Expired {
        /// Seconds since it expired.
        ago: u64,
    },
    /// Not valid yet.
    NotYetValid {
        /// Seconds until it becomes valid.
        in_secs: u64,
    },
    /// Revoked by the issuer.
    Revoked,
    /// The trust list has expired and the policy refuses to use it.
    TrustListExpired,
}

impl Failure {
    /// Every code [`Failure::code`] returns: what a front end needs a message for.
    pub const CODES: &'static [&'static str] = &[
        "malformed",
        "unsupported_version",
        "unknown_issuer",
        "invalid_signature",
        "issuer_not_allowed",
        "issuer_key_not_valid",
        "expired",
        "not_yet_valid",
        "revoked",
        "trust_list_expired",
    ];

    /// A short stable identifier for programs and translations.
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Malformed(_) => "malformed",
            Failure::UnsupportedVersion { .. } => "unsupported_version",
            Failure::UnknownIssuer => "unknown_issuer",
            Failure::InvalidSignature => "invalid_signature",
            Failure::IssuerNotAllowed { .. } => "issuer_not_allowed",
            Failure::IssuerKeyNotValid => "issuer_key_not_valid",
            Failure::Expired { .. } => "expired",
            Failure::NotYetValid { .. } => "not_yet_valid",
            Failure::Revoked => "revoked",
            Failure::TrustListExpired => "trust_list_expired",
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Malformed(e) => write!(f, "not a valid code: {e}"),
            Failure::UnsupportedVersion { found } => {
                write!(
                    f,
                    "code format version {found} is not supported; update the app"
                )
            }
            Failure::UnknownIssuer => f.write_str("unknown issuer: not in the trust list"),
            Failure::InvalidSignature => f.write_str("invalid signature: forged or altered"),
            Failure::IssuerNotAllowed { status } => {
                write!(f, "issuer is not allowed to issue {status} codes")
            }
            Failure::IssuerKeyNotValid => {
                f.write_str("signed outside the validity period of the issuer's key")
            }
            Failure::Expired { ago } => write!(f, "expired {} ago", human_duration(*ago)),
            Failure::NotYetValid { in_secs } => {
                write!(f, "not valid yet: valid in {}", human_duration(*in_secs))
            }
            Failure::Revoked => f.write_str("revoked by the issuer"),
            Failure::TrustListExpired => f.write_str("the trust list has expired; update it"),
        }
    }
}

/// Something the verifier should know that does not decide the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The trust list is older than the policy's `stale_after`.
    TrustListStale {
        /// Its age in seconds.
        age: u64,
    },
    /// The trust list is past its expiry (and the policy still uses it).
    TrustListExpired,
    /// The device clock is earlier than the trust list was signed: the clock is wrong.
    ClockBeforeTrustList,
    /// The credential was signed later than the device's "now": its clock is behind.
    ClockBehind {
        /// By at least this many seconds.
        by: u64,
    },
}

impl Warning {
    /// Every code [`Warning::code`] returns: what a front end needs a message for.
    pub const CODES: &'static [&'static str] = &[
        "trust_list_stale",
        "trust_list_expired",
        "clock_before_trust_list",
        "clock_behind",
    ];

    /// A short stable identifier for programs and translations.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::TrustListStale { .. } => "trust_list_stale",
            Warning::TrustListExpired => "trust_list_expired",
            Warning::ClockBeforeTrustList => "clock_before_trust_list",
            Warning::ClockBehind { .. } => "clock_behind",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::TrustListStale { age } => {
                write!(
                    f,
                    "trust list is {} old; update it when online",
                    human_duration(*age)
                )
            }
            Warning::TrustListExpired => {
                f.write_str("trust list has expired; update it when online")
            }
            Warning::ClockBeforeTrustList => {
                f.write_str("device clock is wrong: earlier than the trust list was signed")
            }
            Warning::ClockBehind { by } => {
                write!(f, "device clock seems {} behind", human_duration(*by))
            }
        }
    }
}

/// The admission decision: what a checkpoint's headline, colour, icon, sound
/// and log all say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// A valid green credential: the person may pass.
    Pass,
    /// A valid yellow credential: staff apply the site's rule for restricted status.
    Check,
    /// A valid red credential, or any refused one: the person may not pass.
    Refuse,
}

impl Decision {
    /// A short stable identifier: `pass`, `check` or `refuse`.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Pass => "pass",
            Decision::Check => "check",
            Decision::Refuse => "refuse",
        }
    }
}

/// The outcome of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The claims, present only once the signature has verified with a trusted
    /// key (so an expired or revoked credential still shows whose it is).
    pub credential: Option<Credential>,
    /// The trust list's name of the key that signed, present whenever
    /// `credential` is: the issuer a checkpoint can vouch for. The credential's
    /// own `iss` claim is whatever the signer wrote.
    pub signed_by: Option<String>,
    /// Why it is refused; `None` means valid.
    pub failure: Option<Failure>,
    /// Things to show beside the verdict.
    pub warnings: Vec<Warning>,
}

impl Verdict {
    /// Whether the credential is accepted.
    pub fn is_valid(&self) -> bool {
        self.failure.is_none()
    }

    /// The admission decision: refused credentials and red ones may not pass,
    /// yellow ones are checked, green ones pass.
    pub fn decision(&self) -> Decision {
        match (&self.failure, &self.credential) {
            (None, Some(c)) => match c.status {
                Status::Green => Decision::Pass,
                Status::Yellow => Decision::Check,
                Status::Red => Decision::Refuse,
            },
            _ => Decision::Refuse,
        }
    }
}

/// A trust list's state at a moment, under a policy: what a screen shows beside
/// it, by the same rules [`verify`] warns with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustStatus {
    /// Seconds since it was signed (0 if the clock is earlier).
    pub age: u64,
    /// The clock is earlier than the list was signed, beyond the tolerance:
    /// the clock is wrong.
    pub clock_before: bool,
    /// At or past its expiry.
    pub expired: bool,
    /// Seconds since it expired (0 if it has not).
    pub expired_for: u64,
    /// Older than the policy's `stale_after`.
    pub stale: bool,
}

/// The state of `trust` at `now` under `policy`.
pub fn trust_status(trust: &TrustList, now: u64, policy: &Policy) -> TrustStatus {
    let age = now.saturating_sub(trust.issued_at);
    TrustStatus {
        age,
        clock_before: now < trust.issued_at.saturating_sub(policy.clock_tolerance),
        expired: now >= trust.expires_at,
        expired_for: now.saturating_sub(trust.expires_at),
        stale: age > policy.stale_after,
    }
}

/// Verifies credential text against a trust list at time `now` (Unix seconds).
///
/// The checks, in order: decode (strict, trailing bytes and oversize input
/// refused), trust-list expiry if the policy refuses it, issuer key in the
/// trust list, `verify_strict` over the exact bytes received, the key's right
/// to this status and its validity window, not-before and expiry, revocation.
/// Claims are looked at only after the signature has verified.
pub fn verify(text: &str, trust: &TrustList, now: u64, policy: &Policy) -> Verdict {
    let mut warnings = Vec::new();
    let status = trust_status(trust, now, policy);
    if status.clock_before {
        warnings.push(Warning::ClockBeforeTrustList);
    } else if status.expired {
        warnings.push(Warning::TrustListExpired);
    } else if status.stale {
        warnings.push(Warning::TrustListStale { age: status.age });
    }
    let (credential, signed_by, failure) = match authenticate(text, trust, now, policy) {
        Err(failure) => (None, None, Some(failure)),
        Ok((credential, issuer)) => {
            let failure = judge(&credential, issuer, trust, now, policy);
            (Some(credential), Some(issuer.name.clone()), failure)
        }
    };
    if let Some(c) = &credential {
        if c.issued_at > now.saturating_add(policy.clock_tolerance) {
            warnings.push(Warning::ClockBehind {
                by: c.issued_at - now,
            });
        }
    }
    Verdict {
        credential,
        signed_by,
        failure,
        warnings,
    }
}

/// Decodes the credential and checks that a trusted key signed these exact bytes.
fn authenticate<'t>(
    text: &str,
    trust: &'t TrustList,
    now: u64,
    policy: &Policy,
) -> Result<(Credential, &'t IssuerEntry), Failure> {
    let malformed = |e| match e {
        DecodeError::UnsupportedVersion { found } => Failure::UnsupportedVersion { found },
        e => Failure::Malformed(e),
    };
    let sealed = credential::unseal(text).map_err(malformed)?;
    if policy.refuse_expired_trust_list && now >= trust.expires_at {
        return Err(Failure::TrustListExpired);
    }
    let issuer = trust.issuer(&sealed.kid).ok_or(Failure::UnknownIssuer)?;
    issuer
        .key
        .verify(&sealed.to_be_signed, &sealed.signature)
        .map_err(|_| Failure::InvalidSignature)?;
    // Only now, with the signature checked, are the claims read.
    let credential = sealed.claims().map_err(malformed)?;
    Ok((credential, issuer))
}

/// Checks an authentic credential's claims: the issuer's rights, time, revocation.
fn judge(
    c: &Credential,
    issuer: &IssuerEntry,
    trust: &TrustList,
    now: u64,
    policy: &Policy,
) -> Option<Failure> {
    if !issuer.may_issue(c.status) {
        Some(Failure::IssuerNotAllowed { status: c.status })
    } else if c.issued_at < issuer.not_before || c.issued_at >= issuer.expires_at {
        Some(Failure::IssuerKeyNotValid)
    } else if let Some(failure) = check_time(c, now, policy) {
        Some(failure)
    } else if trust.is_revoked(&c.id) {
        Some(Failure::Revoked)
    } else {
        None
    }
}

/// The time rule alone: [`Failure::NotYetValid`] (beyond the clock tolerance)
/// or [`Failure::Expired`] at `now`, or `None` inside the validity window. A
/// wallet without a trust list at hand judges a stored code by this rule.
pub fn check_time(c: &Credential, now: u64, policy: &Policy) -> Option<Failure> {
    if now.saturating_add(policy.clock_tolerance) < c.not_before {
        Some(Failure::NotYetValid {
            in_secs: c.not_before - now,
        })
    } else if now >= c.expires_at {
        Some(Failure::Expired {
            ago: now - c.expires_at,
        })
    } else {
        None
    }
}

/// A duration in words a person reads at a glance: "45 s", "12 min", "3 h", "2 d".
pub fn human_duration(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min", secs / 60),
        3600..=172_799 => format!("{} h", secs / 3600),
        _ => format!("{} d", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_lists_name_every_variant() {
        let failures = [
            Failure::Malformed(DecodeError::MissingPrefix),
            Failure::UnsupportedVersion { found: 9 },
            Failure::UnknownIssuer,
            Failure::InvalidSignature,
            Failure::IssuerNotAllowed {
                status: Status::Green,
            },
            Failure::IssuerKeyNotValid,
            Failure::Expired { ago: 1 },
            Failure::NotYetValid { in_secs: 1 },
            Failure::Revoked,
            Failure::TrustListExpired,
        ];
        // No wildcard: a new variant does not compile until it is listed above.
        for f in &failures {
            match f {
                Failure::Malformed(_)
                | Failure::UnsupportedVersion { .. }
                | Failure::UnknownIssuer
                | Failure::InvalidSignature
                | Failure::IssuerNotAllowed { .. }
                | Failure::IssuerKeyNotValid
                | Failure::Expired { .. }
                | Failure::NotYetValid { .. }
                | Failure::Revoked
                | Failure::TrustListExpired => {}
            }
        }
        let codes: Vec<_> = failures.iter().map(Failure::code).collect();
        assert_eq!(codes, Failure::CODES);

        let warnings = [
            Warning::TrustListStale { age: 1 },
            Warning::TrustListExpired,
            Warning::ClockBeforeTrustList,
            Warning::ClockBehind { by: 1 },
        ];
        for w in &warnings {
            match w {
                Warning::TrustListStale { .. }
                | Warning::TrustListExpired
                | Warning::ClockBeforeTrustList
                | Warning::ClockBehind { .. } => {}
            }
        }
        let codes: Vec<_> = warnings.iter().map(Warning::code).collect();
        assert_eq!(codes, Warning::CODES);
    }
}
