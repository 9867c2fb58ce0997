//! codewallet: offline health-code credentials.
//!
//! An issuer signs each person's status credential with Ed25519 in a COSE_Sign1
//! envelope; the wallet shows it as a QR code; a checkpoint verifies it offline
//! against a signed trust list. Nothing on that path needs a server.
//!
//! One round trip, all in memory:
//!
//! ```
//! use codewallet::{Credential, CredentialId, IdBinding, IssuerEntry, Policy, QrMatrix,
//!                  SecretKey, Status, TrustList, mask_name, verify};
//!
//! // The health authority: a root key, an issuer key, and a trust list naming it.
//! let root = SecretKey::from_seed(&[1; 32]);
//! let issuer = SecretKey::from_seed(&[2; 32]);
//! let now = 1_767_225_600; // 2026-01-01T00:00:00Z
//! let entry = IssuerEntry {
//!     key: issuer.public_key(),
//!     name: "Demo CDC".into(),
//!     not_before: now - 86_400,
//!     expires_at: now + 365 * 86_400,
//!     statuses: Status::ALL.to_vec(),
//! };
//! let published = TrustList::new(1, now, now + 7 * 86_400, vec![entry], vec![]).sign(&root)?;
//!
//! // Issue one credential; its text goes into a QR code.
//! let id = CredentialId([7; 8]);
//! let credential = Credential {
//!     issuer: "DEMO".into(),
//!     id,
//!     issued_at: now,
//!     not_before: now,
//!     expires_at: now + 48 * 3600,
//!     status: Status::Green,
//!     decided_at: now - 3600,
//!     display_name: mask_name("张三丰"),
//!     id_binding: IdBinding::new(&id, "11010519491231002X"),
//!     holder_key: None,
//! };
//! let text = credential.sign(&issuer)?;
//! assert!(text.starts_with("CW1:"));
//! let qr = QrMatrix::encode(&text)?;
//! assert!(qr.version <= 11);
//!
//! // A checkpoint, offline: it pinned the root key and holds the trust list.
//! let trust = TrustList::open(&published, &root.public_key())?;
//! let verdict = verify(&text, &trust, now + 60, &Policy::default());
//! assert!(verdict.is_valid());
//! let shown = verdict.credential.unwrap();
//! assert_eq!(shown.display_name, "张*丰");
//! assert!(shown.id_binding.matches(&shown.id, "11010519491231002x"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Architecture invariant: this crate's core has no clock, randomness, storage
//! or JavaScript. Callers pass `now` and random bytes; only [`bindings`]
//! (compiled for `wasm32` alone) knows about JavaScript.

pub mod base45;
mod cbor;
pub mod credential;
pub mod envelope;
pub mod error;
pub mod grant;
pub mod hex;
pub mod keys;
pub mod qr;
#[cfg(feature = "reader")]
pub mod scan;
pub mod trust_list;
pub mod verify;
pub mod wallet;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

pub use credential::{Credential, CredentialId, Decoded, IdBinding, Status, mask_name};
pub use error::{CborProblem, DecodeError};
pub use grant::{GrantError, UploadGrant};
pub use keys::{InvalidSignature, KeyId, PublicKey, SecretKey};
pub use qr::QrMatrix;
pub use trust_list::{IssuerEntry, Successor, TrustList, TrustListError};
pub use verify::{
    Decision, Failure, Policy, TrustStatus, Verdict, Warning, check_time, trust_status, verify,
};
