//! Benchmarks of the core operations on one typical credential.
//!
//! `ed25519_sign_raw` is the baseline: signing a 150-byte message with no
//! encoding around it. `issue_one` against it shows what CBOR, COSE and
//! Base45 add; `verify_one` runs the full check against a trust list with
//! 3 issuers and 10,000 revoked ids.
//!
//! Run with `cargo bench --bench core` (or `scripts/bench`).
// Native only: on wasm32 this target compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use std::hint::black_box;
use std::time::Duration;

use codewallet::credential;
use codewallet::{
    Credential, CredentialId, IdBinding, IssuerEntry, Policy, QrMatrix, SecretKey, Status,
    TrustList, mask_name, verify,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// 2026-01-01T00:00:00Z.
const NOW: u64 = 1_767_225_600;
const DAY: u64 = 86_400;
const REVOKED: usize = 10_000;

struct Fixture {
    issuer: SecretKey,
    credential: Credential,
    text: String,
    trust: TrustList,
}

/// Deterministic pseudo-random ids (SplitMix64), so every run measures the same list.
fn revoked_ids(n: usize) -> Vec<CredentialId> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            CredentialId((z ^ (z >> 31)).to_be_bytes())
        })
        .collect()
}

// Setup failures are bugs to see at once, not conditions to handle.
#[allow(clippy::expect_used)]
fn fixture() -> Fixture {
    let root = SecretKey::from_seed(&[1; 32]);
    let issuer = SecretKey::from_seed(&[2; 32]);
    let entry = |key: &SecretKey, name: &str| IssuerEntry {
        key: key.public_key(),
        name: name.into(),
        not_before: NOW - 365 * DAY,
        expires_at: NOW + 365 * DAY,
        statuses: Status::ALL.to_vec(),
    };
    let issuers = vec![
        entry(&SecretKey::from_seed(&[3; 32]), "Provincial CDC"),
        entry(&SecretKey::from_seed(&[4; 32]), "City Hospital"),
        entry(&issuer, "Demo CDC"),
    ];
    let list = TrustList::new(1, NOW, NOW + 7 * DAY, issuers, revoked_ids(REVOKED));
    let published = list.sign(&root).expect("the trust list is in format");
    let trust = TrustList::open(&published, &root.public_key()).expect("the trust list opens");

    let id = CredentialId([0x5c, 0x21, 0x9a, 0x04, 0xe7, 0x3b, 0x80, 0x16]);
    let credential = Credential {
        issuer: "Demo CDC".into(),
        id,
        issued_at: NOW,
        not_before: NOW,
        expires_at: NOW + 2 * DAY,
        status: Status::Green,
        decided_at: NOW - 6 * 3600,
        display_name: mask_name("张三丰"),
        id_binding: IdBinding::new(&id, "11010519491231002X"),
        holder_key: None,
    };
    let text = credential
        .sign(&issuer)
        .expect("the credential is in format");
    assert!(
        !trust.is_revoked(&id),
        "the typical credential is not revoked"
    );
    assert!(verify(&text, &trust, NOW + 60, &Policy::default()).is_valid());
    Fixture {
        issuer,
        credential,
        text,
        trust,
    }
}

// A typical credential that does not fit a QR code is a bug to see at once.
#[allow(clippy::expect_used)]
fn benches(c: &mut Criterion) {
    let f = fixture();
    let qr = QrMatrix::encode(&f.text).expect("a typical credential fits a QR code");
    eprintln!(
        "typical credential: {} characters of text, QR version {} ({}x{} modules); trust list: {} issuers, {} revoked",
        f.text.len(),
        qr.version,
        qr.size,
        qr.size,
        f.trust.issuers.len(),
        f.trust.revoked().len()
    );

    let mut g = c.benchmark_group("verify_one");
    g.throughput(Throughput::Elements(1));
    g.bench_function("typical", |b| {
        b.iter(|| verify(black_box(&f.text), &f.trust, NOW + 60, &Policy::default()))
    });
    g.finish();

    let mut g = c.benchmark_group("issue_one");
    g.throughput(Throughput::Elements(1));
    g.bench_function("typical", |b| {
        b.iter(|| black_box(&f.credential).sign(&f.issuer))
    });
    g.finish();

    let message = [0x5a_u8; 150];
    let mut g = c.benchmark_group("ed25519_sign_raw");
    g.throughput(Throughput::Elements(1));
    g.bench_function("150_bytes", |b| {
        b.iter(|| f.issuer.sign(black_box(&message)))
    });
    g.finish();

    let mut g = c.benchmark_group("decode_one");
    g.throughput(Throughput::Elements(1));
    g.bench_function("typical", |b| {
        b.iter(|| credential::decode(black_box(&f.text)))
    });
    g.finish();

    let mut g = c.benchmark_group("qr_encode");
    g.throughput(Throughput::Elements(1));
    g.bench_function("typical_svg", |b| {
        b.iter(|| QrMatrix::encode(black_box(&f.text)).map(|m| m.to_svg()))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = core;
    config = config();
    targets = benches
}
criterion_main!(core);
