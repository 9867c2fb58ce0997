//! The fixed world the fuzz targets check inputs against: a root key, three
//! issuers and a trust list, all from constant seeds so that the committed seed
//! corpus (written by `examples/seeds.rs`) verifies the same way on every run.

use codewallet::envelope::{Envelope, Sign1};
use codewallet::{
    Credential, CredentialId, IdBinding, IssuerEntry, SecretKey, Status, TrustList, mask_name,
};

/// The time every target verifies at: 2026-01-01T00:00:00Z.
pub const NOW: u64 = 1_767_225_600;
/// The `external_aad` of trust lists.
pub const TRUST_LIST_AAD: &[u8] = codewallet::trust_list::EXTERNAL_AAD;
/// The `external_aad` of credentials.
pub const CREDENTIAL_AAD: &[u8] = codewallet::credential::EXTERNAL_AAD;
/// The id of the credential the trust list revokes.
pub const REVOKED_ID: CredentialId = CredentialId([0xee; 8]);

const DAY: u64 = 86_400;

/// Keys and the signed trust list.
pub struct World {
    /// The root key that signs the trust list.
    pub root: SecretKey,
    /// An issuer trusted for every status.
    pub issuer: SecretKey,
    /// An issuer trusted for green only.
    pub green_only: SecretKey,
    /// An issuer whose key expired before [`NOW`].
    pub retired: SecretKey,
    /// A key in no trust list.
    pub rogue: SecretKey,
    /// The opened trust list.
    pub trust: TrustList,
    /// Its signed bytes.
    pub published: Vec<u8>,
}

impl World {
    /// Builds the world; panics if the library's format constants moved.
    pub fn new() -> World {
        let root = SecretKey::from_seed(&[1; 32]);
        let issuer = SecretKey::from_seed(&[2; 32]);
        let green_only = SecretKey::from_seed(&[3; 32]);
        let retired = SecretKey::from_seed(&[4; 32]);
        let rogue = SecretKey::from_seed(&[5; 32]);
        let entry = |key: &SecretKey, name: &str, not_before, expires_at, statuses: &[Status]| {
            IssuerEntry {
                key: key.public_key(),
                name: name.into(),
                not_before,
                expires_at,
                statuses: statuses.to_vec(),
            }
        };
        let list = TrustList::new(
            7,
            NOW - DAY,
            NOW + 6 * DAY,
            vec![
                entry(
                    &issuer,
                    "Demo CDC",
                    NOW - 365 * DAY,
                    NOW + 365 * DAY,
                    &Status::ALL,
                ),
                entry(
                    &green_only,
                    "Clinic",
                    NOW - 30 * DAY,
                    NOW + 30 * DAY,
                    &[Status::Green],
                ),
                entry(
                    &retired,
                    "Old CDC",
                    NOW - 400 * DAY,
                    NOW - 30 * DAY,
                    &Status::ALL,
                ),
            ],
            (0..16u8)
                .map(|i| CredentialId([i; 8]))
                .chain([REVOKED_ID])
                .collect(),
        );
        let published = list
            .sign(&root)
            .expect("the fixture trust list is in format");
        let trust = TrustList::open(&published, &root.public_key()).expect("it opens");
        assert_eq!(trust, list);
        let payload = Envelope::decode(&published).expect("profile").payload;
        assert_eq!(
            seal(&root, TRUST_LIST_AAD, payload),
            published,
            "TRUST_LIST_AAD differs from the library's"
        );
        let world = World {
            root,
            issuer,
            green_only,
            retired,
            rogue,
            trust,
            published,
        };
        let text = world.credential(CredentialId([0x42; 8]), Status::Green, NOW);
        let signed = text.sign(&world.issuer).expect("in format");
        let cose = codewallet::base45::decode(&signed[4..]).expect("base45");
        let payload = Sign1::decode(&cose).expect("cose").payload;
        assert_eq!(
            format!(
                "CW1:{}",
                codewallet::base45::encode(&seal(&world.issuer, CREDENTIAL_AAD, payload))
            ),
            signed,
            "CREDENTIAL_AAD differs from the library's"
        );
        world
    }

    /// A typical credential issued at `issued_at`, valid for 48 hours.
    pub fn credential(&self, id: CredentialId, status: Status, issued_at: u64) -> Credential {
        Credential {
            issuer: "Demo CDC".into(),
            id,
            issued_at,
            not_before: issued_at,
            expires_at: issued_at + 2 * DAY,
            status,
            decided_at: issued_at - 3600,
            display_name: mask_name("张三丰"),
            id_binding: IdBinding::new(&id, "11010519491231002X"),
            holder_key: None,
        }
    }
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

/// Signs `payload` in this project's COSE_Sign1 profile with `key`.
pub fn seal(key: &SecretKey, aad: &[u8], payload: &[u8]) -> Vec<u8> {
    Envelope::seal(&key.public_key().key_id(), aad, payload, |tbs| {
        key.sign(tbs)
    })
}
