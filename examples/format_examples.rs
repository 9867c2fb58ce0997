//! Prints the example encodings of docs/FORMAT.md (the tests check the same bytes).
//! `cargo run --example format_examples`
// Native only: on wasm32 this target compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

use codewallet::{
    Credential, CredentialId, IdBinding, IssuerEntry, SecretKey, Status, TrustList, hex,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issuer = SecretKey::from_seed(&[0x11; 32]);
    let root = SecretKey::from_seed(&[0x22; 32]);
    let t0 = 1_767_254_400; // 2026-01-01T08:00:00Z
    let id1 = CredentialId(*b"\x01\x23\x45\x67\x89\xab\xcd\xef");
    let c1 = Credential {
        issuer: "SH".into(),
        id: id1,
        issued_at: t0,
        not_before: t0,
        expires_at: t0 + 48 * 3600,
        status: Status::Green,
        decided_at: t0 - 6 * 3600,
        display_name: "张*丰".into(),
        id_binding: IdBinding::new(&id1, "11010519491231002X"),
        holder_key: None,
    };
    let id2 = CredentialId([0xfe; 8]);
    let c2 = Credential {
        issuer: "Demo CDC".into(),
        id: id2,
        issued_at: t0,
        not_before: t0,
        expires_at: t0 + 24 * 3600,
        status: Status::Red,
        decided_at: t0,
        display_name: "W*******g".into(),
        id_binding: IdBinding::new(&id2, "E12345678"),
        holder_key: Some(SecretKey::from_seed(&[0x33; 32]).public_key().to_bytes()),
    };
    println!(
        "issuer pk {} kid {}",
        hex::encode(&issuer.public_key().to_bytes()),
        issuer.public_key().key_id()
    );
    println!(
        "root pk {} kid {}",
        hex::encode(&root.public_key().to_bytes()),
        root.public_key().key_id()
    );
    for c in [&c1, &c2] {
        let text = c.sign(&issuer)?;
        let cose = codewallet::base45::decode(&text[4..])?;
        println!("claims {}", hex::encode(&c.to_claims()));
        println!("cose {} ({} bytes)", hex::encode(&cose), cose.len());
        println!("text {} ({} chars)", text, text.len());
        let qr = codewallet::QrMatrix::encode(&text)?;
        println!("qr version {}", qr.version);
        let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&cose, 9);
        println!("zlib level 9: {} bytes", deflated.len());
    }
    let entry = IssuerEntry {
        key: issuer.public_key(),
        name: "SH".into(),
        not_before: t0 - 86_400,
        expires_at: t0 + 365 * 86_400,
        statuses: Status::ALL.to_vec(),
    };
    let list = TrustList::new(1, t0, t0 + 7 * 86_400, vec![entry], vec![id2]);
    let signed = list.sign(&root)?;
    println!(
        "trust list {} ({} bytes)",
        hex::encode(&signed),
        signed.len()
    );
    // Capacity of versions 9 to 12 at level Q for credential text (alphanumeric).
    for version in 9..=12 {
        let longest = (1..600)
            .take_while(|&n| {
                codewallet::QrMatrix::encode(&"A".repeat(n)).is_ok_and(|qr| qr.version <= version)
            })
            .last()
            .unwrap_or(0);
        println!("version {version} at Q holds {longest} characters");
    }
    Ok(())
}
