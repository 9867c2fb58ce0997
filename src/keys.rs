//! Ed25519 keys, key ids and strict signature verification.
//!
//! Signing is deterministic (RFC 8032), so nothing here needs randomness except
//! key generation, which takes the 32 secret bytes from the caller.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;

use crate::error::DecodeError;

/// Length of a [`KeyId`] in bytes.
pub const KEY_ID_LEN: usize = 8;

/// A short key identifier: the first 8 bytes of SHA-256 of the raw public key.
///
/// It selects the key in a trust list; it is not trusted on its own, the
/// signature is still checked with the key it selects.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(pub [u8; KEY_ID_LEN]);

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::hex::encode(&self.0))
    }
}

/// An Ed25519 public key that decompresses to a curve point.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", crate::hex::encode(self.0.as_bytes()))
    }
}

/// The one thing a failed signature check says: it failed. No detail, so no oracle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidSignature;

impl fmt::Display for InvalidSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid signature")
    }
}

impl std::error::Error for InvalidSignature {}

impl PublicKey {
    /// Parses the 32-byte encoding of RFC 8032.
    ///
    /// # Errors
    /// [`DecodeError::InvalidKey`] if the bytes are not a point on the curve.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, DecodeError> {
        VerifyingKey::from_bytes(bytes)
            .map(PublicKey)
            .map_err(|_| DecodeError::InvalidKey)
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// This key's [`KeyId`].
    pub fn key_id(&self) -> KeyId {
        let digest = Sha256::digest(self.0.as_bytes());
        let mut id = [0; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        KeyId(id)
    }

    /// Checks `signature` over `message` with `verify_strict`: besides the
    /// RFC 8032 equation it refuses small-order public keys and non-canonical
    /// `R`, so one message has one valid signature encoding per key and a weak
    /// key cannot make forged signatures verify.
    ///
    /// # Errors
    /// [`InvalidSignature`], and nothing more specific.
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> Result<(), InvalidSignature> {
        let signature = Signature::from_bytes(signature);
        self.0
            .verify_strict(message, &signature)
            .map_err(|_| InvalidSignature)
    }
}

/// An Ed25519 signing key, with its key id computed once.
#[derive(Clone)]
pub struct SecretKey {
    key: SigningKey,
    kid: KeyId,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey(kid {})", self.kid)
    }
}

impl SecretKey {
    /// The key with the given 32-byte seed (RFC 8032 "private key"). Pass fresh
    /// random bytes from the operating system to generate a key.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let key = SigningKey::from_bytes(seed);
        let kid = PublicKey(key.verifying_key()).key_id();
        SecretKey { key, kid }
    }

    /// The key id of the matching public key.
    pub fn key_id(&self) -> KeyId {
        self.kid
    }

    /// The 32-byte seed, for storing the key.
    pub fn seed(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key())
    }

    /// Signs `message` (deterministic, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_8032_test_1_signs_and_verifies() {
        // RFC 8032 section 7.1, TEST 1 (empty message).
        let seed = crate::hex::decode_array(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        )
        .unwrap();
        let key = SecretKey::from_seed(&seed);
        let sig = key.sign(b"");
        assert_eq!(
            crate::hex::encode(&sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        assert_eq!(key.public_key().verify(b"", &sig), Ok(()));
        assert_eq!(key.public_key().verify(b"x", &sig), Err(InvalidSignature));
    }
}
