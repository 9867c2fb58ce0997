//! Writes the seed corpus: `cargo run --example seeds` from fuzz/.
//!
//! Valid inputs that reach deep into each decoder, one per verdict, and a few
//! broken ones. Deterministic (fixed seeds and times), so a rerun rewrites the
//! same files.

use std::fs;
use std::path::Path;

use codewallet::envelope::Envelope;
use codewallet::{CredentialId, IssuerEntry, Status, TrustList, base45};
use codewallet_fuzz::{NOW, REVOKED_ID, World};

const DAY: u64 = 86_400;

fn main() -> std::io::Result<()> {
    let world = World::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let write = |target: &str, name: &str, bytes: &[u8]| -> std::io::Result<()> {
        let d = dir.join(target);
        fs::create_dir_all(&d)?;
        fs::write(d.join(format!("seed-{name}")), bytes)
    };
    let sign = |c: &codewallet::Credential, key: &codewallet::SecretKey| {
        c.sign(key).expect("seed credentials are in format")
    };

    // credential_decode: text, one per verdict.
    let valid = world.credential(CredentialId([0x42; 8]), Status::Green, NOW - 3600);
    let valid_text = sign(&valid, &world.issuer);
    let mut with_key = world.credential(CredentialId([0x43; 8]), Status::Yellow, NOW - 60);
    with_key.holder_key = Some([9; 32]);
    let mut tampered = valid_text.clone();
    tampered.replace_range(tampered.len() - 3.., "000");
    let texts = [
        ("valid", valid_text.clone()),
        ("holder-key", sign(&with_key, &world.issuer)),
        (
            "red-by-green-only",
            sign(
                &world.credential(CredentialId([1; 8]), Status::Red, NOW),
                &world.green_only,
            ),
        ),
        (
            "retired-key",
            sign(
                &world.credential(CredentialId([2; 8]), Status::Green, NOW),
                &world.retired,
            ),
        ),
        ("rogue", sign(&valid, &world.rogue)),
        (
            "expired",
            sign(
                &world.credential(CredentialId([3; 8]), Status::Green, NOW - 3 * DAY),
                &world.issuer,
            ),
        ),
        (
            "not-yet-valid",
            sign(
                &world.credential(CredentialId([4; 8]), Status::Green, NOW + DAY),
                &world.issuer,
            ),
        ),
        (
            "revoked",
            sign(
                &world.credential(REVOKED_ID, Status::Green, NOW),
                &world.issuer,
            ),
        ),
        ("tampered", tampered),
        ("newline", format!("{valid_text}\r\n")),
        ("prefix-only", "CW1:".into()),
        ("bad-base45", "CW1:AB#CD".into()),
        ("version-2", "CW2:6BFOXN".into()),
    ];
    for (name, text) in &texts {
        write("credential_decode", name, text.as_bytes())?;
    }
    // The raw claims: the target also signs its input as claims.
    write("credential_decode", "claims", &valid.to_claims())?;
    write(
        "credential_decode",
        "claims-holder-key",
        &with_key.to_claims(),
    )?;

    // trust_list_open: the published list, binary and text, its bare payload
    // (the target also signs its input as a payload), and broken ones.
    let published = &world.published;
    write("trust_list_open", "binary", published)?;
    write(
        "trust_list_open",
        "text",
        TrustList::to_text(published).as_bytes(),
    )?;
    let payload = Envelope::decode(published).expect("profile").payload;
    write("trust_list_open", "payload", payload)?;
    let small = TrustList::new(
        1,
        NOW,
        NOW + DAY,
        vec![IssuerEntry {
            key: world.issuer.public_key(),
            name: "Demo CDC".into(),
            not_before: NOW - DAY,
            expires_at: NOW + DAY,
            statuses: vec![Status::Green],
        }],
        vec![],
    )
    .sign(&world.root)
    .expect("in format");
    write(
        "trust_list_open",
        "payload-small",
        Envelope::decode(&small).expect("profile").payload,
    )?;
    write(
        "trust_list_open",
        "truncated",
        &published[..published.len() / 2],
    )?;
    let wrong_root = world.trust.sign(&world.issuer).expect("in format");
    write("trust_list_open", "wrong-root", &wrong_root)?;
    write("trust_list_open", "bad-prefix", b"CWL2:ABC")?;

    // envelope_decode: both kinds of envelope, and variations on the profile.
    let cose = base45::decode(&valid_text[4..]).expect("base45");
    write("envelope_decode", "credential", &cose)?;
    write("envelope_decode", "trust-list", &small)?;
    write("envelope_decode", "untagged", &cose[1..])?;
    write("envelope_decode", "truncated", &cose[..cose.len() - 1])?;
    let mut trailing = cose.clone();
    trailing.push(0);
    write("envelope_decode", "trailing", &trailing)?;
    // ["", {}, h'', h''] tagged: empty protected header, empty payload and signature.
    write(
        "envelope_decode",
        "empty-parts",
        &[0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40],
    )?;

    // scan_decode: the target's own code untouched (mode 1, no flips), with
    // a few modules flipped, and a small striped image (mode 0, width 24).
    write("scan_decode", "clean-code", &[1])?;
    write("scan_decode", "flipped", &[1, 9, 9, 10, 12, 20, 3])?;
    let stripes: Vec<u8> = [0, 23]
        .into_iter()
        .chain((0..24 * 24).map(|i| if (i % 24) % 7 < 3 { 0 } else { 255 }))
        .collect();
    write("scan_decode", "stripes", &stripes)?;
    Ok(())
}
