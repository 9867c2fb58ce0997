//! The `codewallet` command line, run as a process: outputs, exit codes, files.
//!
//! Stable outputs (help, verdicts, error messages) are golden cases: each folder
//! `tests/cmd/<case>/` holds its command beside its `stdout`, `stderr` and
//! `status`, all run by `cases::golden_cases`. Run with `UPDATE_GOLDEN=1` to
//! rewrite the outputs after an intended change, and review the diff.
//! The tests here check what a golden file cannot: files, keys, the library's
//! reading of what the CLI wrote, servers.
//! Every command runs inside a temporary directory with relative paths, so
//! messages that name files are the same on every machine.

mod cases;

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use codewallet::{PublicKey, SecretKey, Status, TrustList, credential, verify};

const BIN: &str = env!("CARGO_BIN_EXE_codewallet");
/// 2026-01-01T08:00:00Z: "now" of every command here.
const T0: u64 = 1_767_254_400;
const NOW: &str = "2026-01-01T08:00:00Z";
const HOUR: u64 = 3600;

/// What a run of the binary gave.
struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `codewallet args...` in `dir`, with `stdin` as standard input.
fn run_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Output {
    run_with_stdin(dir, args, "")
}

/// Compares an output with `tests/cmd/<case>/`, or rewrites it under `UPDATE_GOLDEN=1`.
fn check(case: &str, out: &Output) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cmd")
        .join(case);
    let parts = [
        ("stdout", out.stdout.clone()),
        ("stderr", out.stderr.clone()),
        ("status", format!("{}\n", out.code)),
    ];
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &parts {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    for (name, actual) in &parts {
        let path = dir.join(name);
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "missing golden file {}; run with UPDATE_GOLDEN=1",
                path.display()
            )
        });
        assert_eq!(
            &expected, actual,
            "{case}/{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)"
        );
    }
}

/// Replaces the timing in the batch summary, the only unstable part of its stderr.
fn without_timing(stderr: &str) -> String {
    stderr
        .split_inclusive('\n')
        .map(|line| match line.find(" rows failed, in ") {
            Some(i) => format!("{} rows failed, in [TIME]\n", &line[..i]),
            None => line.to_string(),
        })
        .collect()
}

fn at(offset_secs: u64) -> String {
    (T0 + offset_secs).to_string()
}

/// A directory with a root key, an issuer key, a trust list naming the issuer
/// (signed at T0, valid a week) and a revocation list path.
struct Authority {
    dir: tempfile::TempDir,
}

impl Authority {
    fn new() -> Self {
        let a = Authority {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(a.path().join("keys")).unwrap();
        for name in ["root", "issuer"] {
            let out = a.run(&["keygen", "--out", &format!("keys/{name}.key")]);
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
        a.write(
            "trust.json",
            r#"{"sequence": 1, "valid_for_hours": 168,
                "issuers": [{"name": "Demo CDC", "public_key": "keys/issuer.pub",
                             "not_before": "2025-01-01T00:00:00Z", "expires_at": 1893456000,
                             "statuses": ["green", "yellow", "red"]}]}"#,
        );
        a.trust_list(&[]);
        a
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        run(self.path(), args)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap()
    }

    fn set_sequence(&self, sequence: u64) {
        set_sequence(self.path(), sequence);
    }

    /// Signs trust-list.cwl (at T0 unless `extra` says `--now`) with `extra` arguments.
    fn trust_list(&self, extra: &[&str]) -> Output {
        let out = self.try_trust_list(extra);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out
    }

    /// As `trust_list`, whatever the outcome.
    fn try_trust_list(&self, extra: &[&str]) -> Output {
        let mut args = vec![
            "trust-list",
            "--config",
            "trust.json",
            "--root-key",
            "keys/root.key",
            "--out",
            "trust-list.cwl",
        ];
        if !extra.contains(&"--now") {
            args.extend(["--now", NOW]);
        }
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Issues a credential for Wei Zhang at T0 with `extra` arguments; returns its text.
    fn issue(&self, extra: &[&str]) -> String {
        self.issue_with_key("keys/issuer.key", extra)
    }

    fn issue_with_key(&self, key: &str, extra: &[&str]) -> String {
        let mut args = vec![
            "issue",
            "--key",
            key,
            "--issuer",
            "Demo CDC",
            "--name",
            "Wei Zhang",
            "--id-number",
            "E12345678",
            "--status",
            "green",
            "--now",
            NOW,
        ];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout.trim().to_string()
    }

    fn verify(&self, text: &str, now: u64, json: bool) -> Output {
        let now = at(now);
        let mut args = vec![
            "verify",
            "--trust-list",
            "trust-list.cwl",
            "--root",
            "keys/root.pub",
            "--now",
            &now,
        ];
        if json {
            args.push("--json");
        }
        args.push(text);
        self.run(&args)
    }

    fn open_trust_list(&self) -> TrustList {
        open_trust_list(self.path())
    }
}

/// Sets the sequence of the next list in `dir`/trust.json.
fn set_sequence(dir: &Path, sequence: u64) {
    let path = dir.join("trust.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    config["sequence"] = sequence.into();
    std::fs::write(path, config.to_string()).unwrap();
}

/// Opens `dir`/trust-list.cwl with `dir`/keys/root.pub.
fn open_trust_list(dir: &Path) -> TrustList {
    let root = public_key_of(&std::fs::read_to_string(dir.join("keys/root.pub")).unwrap());
    let bytes = std::fs::read(dir.join("trust-list.cwl")).unwrap();
    TrustList::open(&bytes, &root).unwrap()
}

/// Parses an SPKI PEM public key with the PEM code of ed25519-dalek, independent of the CLI.
fn public_key_of(pem: &str) -> PublicKey {
    use ed25519_dalek::pkcs8::DecodePublicKey;
    let key = ed25519_dalek::VerifyingKey::from_public_key_pem(pem).unwrap();
    PublicKey::from_bytes(&key.to_bytes()).unwrap()
}

// ---------------------------------------------------------------- help

#[test]
fn top_level_help_documents_exit_codes() {
    let out = run(Path::new("."), &["--help"]);
    for code in [
        "0  success",
        "1  a negative answer",
        "2  usage error",
        "3  bad input",
        "4  the object store",
    ] {
        assert!(
            out.stdout.contains(code),
            "missing `{code}` in\n{}",
            out.stdout
        );
    }
}

// ---------------------------------------------------------------- keygen

#[test]
fn keygen_writes_a_private_key_only_its_owner_reads_and_a_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["keygen", "--out", "issuer.key"]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    let private = dir.path().join("issuer.key");
    let mode = std::fs::metadata(&private).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let private_pem = std::fs::read_to_string(&private).unwrap();
    // PKCS#8 version 1 (seed only), the form OpenSSL 3.0 reads.
    assert!(private_pem.starts_with("-----BEGIN PRIVATE KEY-----\nMC4CAQAw"));
    let public_pem = std::fs::read_to_string(dir.path().join("issuer.pub")).unwrap();
    assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));

    // The printed kid and public key are those of the files, and the two files match.
    use ed25519_dalek::pkcs8::DecodePrivateKey;
    let secret = SecretKey::from_seed(
        &ed25519_dalek::SigningKey::from_pkcs8_pem(&private_pem)
            .unwrap()
            .to_bytes(),
    );
    let public = public_key_of(&public_pem);
    assert_eq!(secret.public_key(), public);
    assert_eq!(
        out.stdout,
        format!(
            "kid {}\npublic {}\n",
            public.key_id(),
            codewallet::hex::encode(&public.to_bytes())
        )
    );
}

#[test]
fn keys_in_the_rfc_8410_examples_issue_and_verify() {
    // RFC 8410 section 10: an Ed25519 key pair as any PKCS#8 tool writes it.
    let a = Authority::new();
    a.write(
        "keys/issuer.key",
        "-----BEGIN PRIVATE KEY-----\n\
         MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
         -----END PRIVATE KEY-----\n",
    );
    a.write(
        "keys/issuer.pub",
        "-----BEGIN PUBLIC KEY-----\n\
         MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n\
         -----END PUBLIC KEY-----\n",
    );
    a.set_sequence(2);
    a.trust_list(&[]);
    let text = a.issue(&[]);
    assert_eq!(a.verify(&text, HOUR, false).code, 0);
}

#[test]
fn keygen_force_replaces_both_keys() {
    // Without --force it is refused: golden cases keygen-exists and keygen-public-exists.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["keygen", "--out", "root.key"]).code, 0);
    let before = std::fs::read(dir.path().join("root.key")).unwrap();

    // --force replaces both, and narrows a widened mode back to 0600.
    std::fs::write(dir.path().join("root.key"), "old").unwrap();
    std::fs::set_permissions(
        dir.path().join("root.key"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let forced = run(dir.path(), &["keygen", "--out", "root.key", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let after = std::fs::read(dir.path().join("root.key")).unwrap();
    assert_ne!(after, before);
    assert_ne!(after, b"old");
    let mode = std::fs::metadata(dir.path().join("root.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let public = public_key_of(&std::fs::read_to_string(dir.path().join("root.pub")).unwrap());
    assert!(forced.stdout.contains(&public.key_id().to_string()));
}

// ---------------------------------------------------------------- issue

#[test]
fn issue_text_verifies_with_the_library() {
    let a = Authority::new();
    let text = a.issue(&["--valid-hours", "24", "--decided-at", &at(0)]);
    let trust = a.open_trust_list();
    let verdict = verify(&text, &trust, T0 + HOUR, &Default::default());
    assert!(verdict.is_valid(), "{verdict:?}");
    let c = verdict.credential.unwrap();
    assert_eq!(c.display_name, "W*******g");
    assert_eq!(c.issuer, "Demo CDC");
    assert_eq!(c.status, Status::Green);
    assert_eq!(
        (c.issued_at, c.not_before, c.expires_at),
        (T0, T0, T0 + 24 * HOUR)
    );
    assert!(c.id_binding.matches(&c.id, "e12345678"));
    // The full name and number are nowhere in the text or the output.
    assert!(!text.contains("Wei"));
}

#[test]
fn issue_writes_nothing_but_the_masked_name() {
    let a = Authority::new();
    let out = a.run(&[
        "issue",
        "--key",
        "keys/issuer.key",
        "--issuer",
        "Demo CDC",
        "--name",
        "张三丰",
        "--id-number",
        "11010519491231002X",
        "--status",
        "yellow",
        "--now",
        NOW,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(!all.contains("张三丰") && !all.contains("11010519491231002X"));
    assert!(out.stderr.contains("张*丰"), "{}", out.stderr);
    let c = credential::decode(out.stdout.trim()).unwrap().credential;
    assert_eq!(c.display_name, "张*丰");
    assert_eq!(c.status, Status::Yellow);
}

#[test]
fn issue_link_carries_the_text_percent_encoded() {
    let a = Authority::new();
    let link = a.issue(&["--format", "link", "--link-base", "https://example.org/w/"]);
    let fragment = link.strip_prefix("https://example.org/w/#CW1:").unwrap();
    assert!(
        fragment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:%".contains(&b)),
        "{fragment}"
    );
    let decoded = percent_decode(&format!("CW1:{fragment}"));
    assert!(credential::decode(&decoded).is_ok());
    assert!(verify(&decoded, &a.open_trust_list(), T0, &Default::default()).is_valid());
}

fn percent_decode(text: &str) -> String {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn issue_svg_and_png_draw_the_qr_code() {
    let a = Authority::new();
    let svg = a.issue(&["--format", "svg"]);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.ends_with("</svg>"));

    a.issue(&["--format", "png", "--out", "code.png"]);
    let file = std::fs::File::open(a.path().join("code.png")).unwrap();
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    // Expanded to 8 bits per pixel, so a pixel is a byte: 0 black, 255 white.
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    assert_eq!(reader.info().color_type, png::ColorType::Grayscale);
    assert_eq!(reader.info().bit_depth, png::BitDepth::One);
    let (width, height) = (reader.info().width, reader.info().height);
    assert_eq!(width, height);
    assert_eq!(width % 8, 0, "8 pixels per module");
    let modules = width as usize / 8;
    assert!((21 + 8..=177 + 8).contains(&modules));
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).unwrap();
    assert_eq!(frame.line_size, width as usize);
    let pixel = |x: usize, y: usize| buf[y * frame.line_size + x];
    assert_eq!(pixel(0, 0), 255, "quiet zone is white");
    assert_eq!(pixel(4 * 8, 4 * 8), 0, "finder pattern corner is black");
    assert_eq!(pixel(4 * 8 + 7, 4 * 8 + 7), 0);
    assert_eq!(
        pixel(5 * 8 + 4, 5 * 8 + 4),
        255,
        "finder pattern ring is white"
    );
    assert_eq!(
        pixel(6 * 8 + 4, 6 * 8 + 4),
        0,
        "finder pattern centre is black"
    );
}

#[test]
fn validity_is_bounded_by_the_format() {
    let a = Authority::new();
    let longest = credential::MAX_VALIDITY / HOUR;
    assert_eq!(longest, 8784);
    let text = a.issue(&["--valid-hours", &longest.to_string()]);
    let c = credential::decode(&text).unwrap().credential;
    assert_eq!(c.expires_at, T0 + credential::MAX_VALIDITY);

    // One hour more is a usage error (far more: golden cases *-valid-hours-too-long).
    let out = a.run(&[
        "issue",
        "--key",
        "keys/issuer.key",
        "--issuer",
        "Demo CDC",
        "--name",
        "Wei Zhang",
        "--id-number",
        "E1",
        "--status",
        "green",
        "--valid-hours",
        &(longest + 1).to_string(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

// ---------------------------------------------------------------- verify

#[test]
fn verify_reads_standard_input() {
    let a = Authority::new();
    let text = a.issue(&[]);
    let now = at(HOUR);
    let args = [
        "verify",
        "--trust-list",
        "trust-list.cwl",
        "--root",
        "keys/root.pub",
        "--now",
        &now,
    ];
    let out = run_with_stdin(a.path(), &args, &format!("{text}\n"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("VALID  green  W*******g  valid until 2026-01-03T08:00:00Z")
    );
    let mut with_dash = args.to_vec();
    with_dash.push("-");
    let out = run_with_stdin(a.path(), &with_dash, &text);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn verify_accepts_the_text_form_of_the_trust_list() {
    let a = Authority::new();
    a.trust_list(&["--text-out", "trust-list.txt"]);
    let text_form = a.read("trust-list.txt");
    assert!(text_form.starts_with("CWL1:"));
    let credential = a.issue(&[]);
    let now = at(HOUR);
    let out = a.run(&[
        "verify",
        "--trust-list",
        "trust-list.txt",
        "--root",
        "keys/root.pub",
        "--now",
        &now,
        &credential,
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn every_corrupted_byte_of_the_trust_list_is_exit_3() {
    let a = Authority::new();
    let text = a.issue(&[]);
    let good = std::fs::read(a.path().join("trust-list.cwl")).unwrap();
    let now = at(HOUR);
    let verify_args = [
        "verify",
        "--trust-list",
        "trust-list.cwl",
        "--root",
        "keys/root.pub",
        "--now",
        &now,
        &text,
    ];
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        std::fs::write(a.path().join("trust-list.cwl"), &bad).unwrap();
        let out = a.run(&verify_args);
        assert_eq!(out.code, 3, "byte {i}: {}{}", out.stdout, out.stderr);
        assert_eq!(out.stdout, "", "byte {i}");
        let first = out.stderr.lines().next().unwrap();
        assert!(
            first.contains("is corrupted") || first.contains("is not signed by the root key"),
            "byte {i}: {first}"
        );
    }
    // The messages: golden cases verify-trust-list-{corrupted,truncated,missing}.
}

#[test]
fn verify_with_another_root_says_so() {
    let a = Authority::new();
    assert_eq!(a.run(&["keygen", "--out", "keys/other-root.key"]).code, 0);
    let out = a.run(&[
        "verify",
        "--trust-list",
        "trust-list.cwl",
        "--root",
        "keys/other-root.pub",
        "CW1:X",
    ]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.starts_with(
            "error: trust list trust-list.cwl is not signed by the root key keys/other-root.pub\n"
        ),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------- revoke

#[test]
fn revoke_then_publish_then_verify_is_revoked() {
    let a = Authority::new();
    let text = a.issue(&[]);
    let id = credential::decode(&text).unwrap().credential.id;

    let out = a.run(&["revoke", "--list", "revoked.jsonl", "--credential", &text]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("revoked {id} until 2026-01-03T08:00:00Z\n")
    );
    // Revoking again changes nothing.
    let again = a.run(&["revoke", "--list", "revoked.jsonl", "--id", &id.to_string()]);
    assert_eq!(again.code, 0);
    assert_eq!(
        again.stdout,
        format!("credential {id} is already revoked\n")
    );
    assert_eq!(
        a.read("revoked.jsonl"),
        format!("{{\"id\": \"{id}\", \"expires_at\": {}}}\n", T0 + 48 * HOUR)
    );

    a.set_sequence(2);
    let published = a.trust_list(&["--revoked", "revoked.jsonl"]);
    assert!(
        published.stdout.contains("revoked 1\n"),
        "{}",
        published.stdout
    );
    assert!(a.open_trust_list().is_revoked(&id));
    // The verdict's words: golden case verify-revoked.
    assert_eq!(a.verify(&text, HOUR, false).code, 1);

    // Another credential of the same issuer is unaffected.
    let other = a.issue(&[]);
    assert_eq!(a.verify(&other, HOUR, false).code, 0);
}

#[test]
fn trust_list_leaves_out_revocations_that_expired() {
    let a = Authority::new();
    a.write(
        "revoked.jsonl",
        "{\"id\": \"0000000000000001\", \"expires_at\": 1767254399}\n\
         {\"id\": \"0000000000000002\", \"expires_at\": \"2026-01-02T00:00:00Z\"}\n\
         \n\
         {\"id\": \"00000000000000FF\"}",
    );
    a.set_sequence(2);
    let out = a.trust_list(&["--revoked", "revoked.jsonl"]);
    assert!(out.stdout.contains("revoked 2\n"), "{}", out.stdout);
    let list = a.open_trust_list();
    let ids: Vec<String> = list.revoked().iter().map(|id| id.to_string()).collect();
    assert_eq!(ids, ["0000000000000002", "00000000000000ff"]);

    // Appending to a file without a final newline keeps one entry per line.
    let out = a.run(&[
        "revoke",
        "--list",
        "revoked.jsonl",
        "--id",
        "0000000000000003",
        "--expires-at",
        NOW,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(a
        .read("revoked.jsonl")
        .ends_with("{\"id\": \"00000000000000FF\"}\n{\"id\": \"0000000000000003\", \"expires_at\": 1767254400}\n"));
}

// ---------------------------------------------------------------- trust-list

#[test]
fn trust_list_paths_are_relative_to_the_config() {
    let a = Authority::new();
    std::fs::create_dir(a.path().join("conf")).unwrap();
    std::fs::copy(
        a.path().join("keys/issuer.pub"),
        a.path().join("conf/issuer.pub"),
    )
    .unwrap();
    a.write(
        "conf/trust.json",
        r#"{"sequence": 7, "valid_for_hours": 2, "issuers": [{"name": "Lab", "public_key": "issuer.pub",
            "not_before": 0, "expires_at": 1893456000, "statuses": ["red", "yellow"]}]}"#,
    );
    let out = a.run(&[
        "trust-list",
        "--config",
        "conf/trust.json",
        "--root-key",
        "keys/root.key",
        "--out",
        "trust-list.cwl",
        "--now",
        NOW,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let size = std::fs::metadata(a.path().join("trust-list.cwl"))
        .unwrap()
        .len();
    assert_eq!(
        out.stdout,
        format!(
            "sequence 7\nissuers 1\nrevoked 0\nbytes {size}\nvalid until 2026-01-01T10:00:00Z\n"
        )
    );
    let list = a.open_trust_list();
    assert_eq!(
        (list.sequence, list.issued_at, list.expires_at),
        (7, T0, T0 + 2 * HOUR)
    );
    assert_eq!(list.issuers[0].name, "Lab");
    assert_eq!(list.issuers[0].statuses, [Status::Red, Status::Yellow]);
    // This list does not let the issuer attest green.
    let green = a.issue(&[]);
    let out = a.verify(&green, HOUR, false);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "REFUSED  issuer is not allowed to issue green codes\n"
    );
}

/// The record beside the root key: the last sequence signed and the SHA-256 of that list.
fn sequence_record(a: &Authority) -> (u64, String) {
    let text = a.read("keys/root.key.seq");
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
            .to_string()
    };
    (field("sequence").parse().unwrap(), field("sha256"))
}

fn sha256_of_file(a: &Authority, name: &str) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(a.path().join(name)).unwrap();
    codewallet::hex::encode(&sha2::Sha256::digest(&bytes))
}

/// No temporary files are left beside the outputs.
fn no_leftovers(dir: &Path) {
    for sub in [dir.to_path_buf(), dir.join("keys")] {
        for entry in std::fs::read_dir(sub).unwrap() {
            let name = entry.unwrap().file_name();
            assert!(!name.to_string_lossy().ends_with(".tmp"), "{name:?}");
        }
    }
}

#[test]
fn trust_list_never_signs_two_lists_with_one_sequence() {
    let a = Authority::new();
    let first = std::fs::read(a.path().join("trust-list.cwl")).unwrap();
    assert_eq!(
        sequence_record(&a),
        (1, sha256_of_file(&a, "trust-list.cwl"))
    );
    let record = a.read("keys/root.key.seq");

    // The identical list again: the same bytes, the record untouched.
    let again = a.trust_list(&["--text-out", "trust-list.txt"]);
    assert!(again.stdout.starts_with("sequence 1\n"), "{}", again.stdout);
    assert_eq!(
        std::fs::read(a.path().join("trust-list.cwl")).unwrap(),
        first
    );
    assert_eq!(a.read("keys/root.key.seq"), record);

    // Sequence 1 again for a different list: refused, whatever differs (the
    // message: golden case trust-list-sequence-reused).
    let text = a.issue(&[]);
    assert_eq!(
        a.run(&["revoke", "--list", "revoked.jsonl", "--credential", &text])
            .code,
        0
    );
    let reused = a.try_trust_list(&["--revoked", "revoked.jsonl"]);
    assert_eq!(reused.code, 3, "{}", reused.stderr);
    let later = at(HOUR);
    let out = a.try_trust_list(&["--now", &later]);
    assert_eq!(out.stderr, reused.stderr);
    // Nothing was written: the published list and the record are as they were.
    assert_eq!(
        std::fs::read(a.path().join("trust-list.cwl")).unwrap(),
        first
    );
    assert_eq!(a.read("keys/root.key.seq"), record);
    assert_eq!(a.verify(&text, HOUR, false).code, 0);

    // A higher sequence is signed and recorded.
    a.set_sequence(2);
    let out = a.trust_list(&["--revoked", "revoked.jsonl"]);
    assert!(
        out.stdout.starts_with("sequence 2\nissuers 1\nrevoked 1\n"),
        "{}",
        out.stdout
    );
    assert_eq!(
        sequence_record(&a),
        (2, sha256_of_file(&a, "trust-list.cwl"))
    );
    assert_eq!(a.verify(&text, HOUR, false).code, 1);

    // Going back is refused, even to the list signed before the revocation
    // (golden case trust-list-sequence-lower).
    let current = std::fs::read(a.path().join("trust-list.cwl")).unwrap();
    a.set_sequence(1);
    assert_eq!(a.try_trust_list(&[]).code, 3);
    assert_eq!(
        std::fs::read(a.path().join("trust-list.cwl")).unwrap(),
        current
    );
    assert_eq!(sequence_record(&a).0, 2);
    no_leftovers(a.path());

    // A damaged record stops signing rather than being ignored (golden case
    // trust-list-record-damaged); without a record, signing goes on.
    a.set_sequence(3);
    a.write("keys/root.key.seq", "sequence three\n");
    assert_eq!(a.try_trust_list(&[]).code, 3);
    std::fs::remove_file(a.path().join("keys/root.key.seq")).unwrap();
    a.trust_list(&[]);
    assert_eq!(sequence_record(&a).0, 3);
}

#[test]
fn trust_list_previous_is_checked_like_the_record() {
    // A second machine with a copy of the root key but not its record.
    let a = Authority::new();
    std::fs::create_dir(a.path().join("m2")).unwrap();
    std::fs::copy(a.path().join("keys/root.key"), a.path().join("m2/root.key")).unwrap();
    a.trust_list(&["--text-out", "trust-list.txt"]);
    let published = std::fs::read(a.path().join("trust-list.cwl")).unwrap();
    let on_m2 = |extra: &[&str]| {
        let mut args = vec![
            "trust-list",
            "--config",
            "trust.json",
            "--root-key",
            "m2/root.key",
            "--out",
            "m2/trust-list.cwl",
        ];
        if !extra.contains(&"--now") {
            args.extend(["--now", NOW]);
        }
        args.extend_from_slice(extra);
        a.run(&args)
    };

    // A different list with the published sequence is refused, from either form
    // (the message: golden case trust-list-previous-reused).
    let later = at(HOUR);
    for previous in ["trust-list.cwl", "trust-list.txt"] {
        let out = on_m2(&["--previous", previous, "--now", &later]);
        assert_eq!(out.code, 3, "{}", out.stderr);
        assert!(!a.path().join("m2/trust-list.cwl").exists());
        assert!(!a.path().join("m2/root.key.seq").exists());
    }
    // The identical list is the same bytes, and starts the record there.
    let out = on_m2(&["--previous", "trust-list.txt"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read(a.path().join("m2/trust-list.cwl")).unwrap(),
        published
    );
    assert!(a.read("m2/root.key.seq").contains("\nsequence 1\n"));
    std::fs::remove_file(a.path().join("m2/root.key.seq")).unwrap();

    // After sequence 2 is published, sequence 1 is refused there (golden case
    // trust-list-previous-lower); 3 is signed.
    a.set_sequence(2);
    a.trust_list(&["--now", &later]);
    a.set_sequence(1);
    assert_eq!(on_m2(&["--previous", "trust-list.cwl"]).code, 3);
    a.set_sequence(3);
    let out = on_m2(&["--previous", "trust-list.cwl"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("sequence 3\n"), "{}", out.stdout);
    assert!(a.read("m2/root.key.seq").contains("\nsequence 3\n"));

    // A previous list that is not this root's, or not a list, stops signing.
    assert_eq!(a.run(&["keygen", "--out", "m2/other.key"]).code, 0);
    a.set_sequence(4);
    let out = a.run(&[
        "trust-list",
        "--config",
        "trust.json",
        "--root-key",
        "m2/other.key",
        "--out",
        "m2/other.cwl",
        "--previous",
        "trust-list.cwl",
    ]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.starts_with(
            "error: previous trust list trust-list.cwl is not signed by this root key\n"
        ),
        "{}",
        out.stderr
    );
    let out = on_m2(&["--previous", "trust.json"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.starts_with(
            "error: previous trust list trust.json is corrupted or not a trust list\n"
        ),
        "{}",
        out.stderr
    );
    no_leftovers(a.path());
}

// ---------------------------------------------------------------- issue-batch

#[test]
fn issue_batch_reports_broken_csv_rows_and_issues_the_rest() {
    let (dir, _) = cases::run_case("issue-batch-broken-rows");
    let trust = open_trust_list(dir.path());
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join("creds.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    check_issued_row(&trust, &lines[0], 2, "张*丰", "green", T0, T0 + 48 * HOUR);
    check_issued_row(
        &trust,
        &lines[1],
        5,
        "\"******\\",
        "yellow",
        T0 - 24 * HOUR,
        T0 + 2 * HOUR,
    );
    check_issued_row(
        &trust,
        &lines[2],
        10,
        "L*",
        "red",
        T0 - 24 * HOUR,
        T0 + 48 * HOUR,
    );
    // Ids are random and distinct.
    assert_ne!(lines[0]["id"], lines[1]["id"]);
}

/// Checks a row of issue-batch's output against the library's reading of its
/// credential: not a comparison of printed text like `check`, hence its own helper.
fn check_issued_row(
    trust: &TrustList,
    row: &serde_json::Value,
    line: u64,
    name: &str,
    status: &str,
    decided: u64,
    expires: u64,
) {
    assert_eq!(row["line"], line);
    assert_eq!(row["name"], name);
    assert_eq!(row["status"], status);
    assert_eq!(row["expires_at"], expires);
    let text = row["text"].as_str().unwrap();
    let verdict = verify(text, trust, T0, &Default::default());
    assert!(verdict.is_valid(), "line {line}: {verdict:?}");
    let c = verdict.credential.unwrap();
    assert_eq!(row["id"], c.id.to_string());
    assert_eq!(c.display_name, name);
    assert_eq!(c.status.name(), status);
    assert_eq!(
        (c.issued_at, c.decided_at, c.expires_at),
        (T0, decided, expires)
    );
}

#[test]
fn issue_batch_reads_json_lines() {
    let (dir, _) = cases::run_case("issue-batch-jsonl");
    let creds = std::fs::read_to_string(dir.path().join("creds.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = creds
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0]["line"].as_u64(), rows[0]["expires_at"].as_u64()),
        (Some(1), Some(T0 + 12 * HOUR))
    );
    assert_eq!(
        (rows[1]["line"].as_u64(), rows[1]["name"].as_str()),
        (Some(4), Some("A*B"))
    );
    // The output is written in the documented key order.
    assert!(creds.starts_with("{\"line\": 1, \"id\": \""), "{creds}");
}

#[test]
fn issue_batch_of_a_header_alone_writes_an_empty_output() {
    let (dir, _) = cases::run_case("issue-batch-header-only");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap(),
        ""
    );
}

#[test]
fn issue_batch_keeps_input_order_across_chunks() {
    // More rows than one chunk (16,384), with a bad row near the end.
    let a = Authority::new();
    let rows = 16_384 + 100;
    let mut csv = String::from("name,id_number,status\n");
    for i in 0..rows {
        let status = if i == rows - 7 { "blue" } else { "green" };
        csv.push_str(&format!("P{i:05}x,{i},{status}\n"));
    }
    a.write("many.csv", &csv);
    let out = a.run(&[
        "issue-batch",
        "--key",
        "keys/issuer.key",
        "--issuer",
        "Demo CDC",
        "--input",
        "many.csv",
        "--output",
        "many.jsonl",
        "--now",
        NOW,
    ]);
    assert_eq!(out.code, 1);
    let bad_line = rows - 7 + 2;
    assert_eq!(
        without_timing(&out.stderr),
        format!(
            "line {bad_line}: unknown status `blue` (expected green, yellow or red)\n\
             issued {} credentials, 1 rows failed, in [TIME]\n",
            rows - 1
        )
    );
    let output = a.read("many.jsonl");
    let mut expected_line = 2;
    for line in output.lines() {
        if expected_line == bad_line {
            expected_line += 1;
        }
        let prefix = format!("{{\"line\": {expected_line}, ");
        assert!(line.starts_with(&prefix), "{line}");
        expected_line += 1;
    }
    assert_eq!(expected_line, rows + 2);
}

// ---------------------------------------------------------------- serve

/// Kills the server when the test ends, however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `codewallet serve --dir www` in `dir` on a free loopback port, with
/// `extra` arguments, once it answers; returns it and its address.
fn start_server(dir: &Path, extra: &[&str]) -> (Server, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Server(
        Command::new(BIN)
            .args(["serve", "--dir", "www", "--addr", &addr])
            .args(extra)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // It prints one line once it listens.
    let mut first = [0u8; 1];
    let mut stdout = server.0.stdout.take().unwrap();
    stdout.read_exact(&mut first).unwrap();
    (server, addr)
}

fn http_get(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8(response[..split].to_vec()).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head, response[split + 4..].to_vec())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn serve_sends_files_with_types_and_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    std::fs::create_dir_all(www.join("wallet")).unwrap();
    std::fs::write(www.join("x.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>home</title>").unwrap();
    std::fs::write(www.join("wallet/index.html"), "wallet page").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();

    let (_server, addr) = start_server(dir.path(), &[]);

    let (status, head, body) = http_get(&addr, "/x.wasm");
    assert_eq!(status, 200, "{head}");
    assert_eq!(header(&head, "Content-Type"), Some("application/wasm"));
    assert_eq!(body, b"\0asm\x01\0\0\0");
    assert_eq!(
        header(&head, "Content-Security-Policy"),
        Some(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
        )
    );
    assert_eq!(header(&head, "X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(header(&head, "Cache-Control"), Some("no-cache"));

    for path in ["/", "/index.html", "/?v=2"] {
        let (status, head, body) = http_get(&addr, path);
        assert_eq!(status, 200, "{path}: {head}");
        assert_eq!(
            header(&head, "Content-Type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(body, b"<!doctype html><title>home</title>");
    }
    let (status, head, _) = http_get(&addr, "/wallet");
    assert_eq!(status, 301);
    assert_eq!(header(&head, "Location"), Some("/wallet/"));
    let (status, _, body) = http_get(&addr, "/wallet/");
    assert_eq!((status, body.as_slice()), (200, &b"wallet page"[..]));

    let (status, head, _) = http_get(&addr, "/missing.js");
    assert_eq!(status, 404);
    assert!(
        header(&head, "Content-Security-Policy").is_some(),
        "errors carry the policy too"
    );
    for path in [
        "/../secret.txt",
        "/../etc/passwd",
        "/%2e%2e/secret.txt",
        "/wallet/../../secret.txt",
    ] {
        let (status, _, body) = http_get(&addr, path);
        assert!(status == 403 || status == 404, "{path}: {status}");
        assert_ne!(body, b"outside");
    }
}

/// A directory with www/index.html.
fn www_with_a_page() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("www")).unwrap();
    std::fs::write(dir.path().join("www/index.html"), "page").unwrap();
    dir
}

/// Reads what is left on `stream` until the server closes it (at most `wait`).
fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> Vec<u8> {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut answer = Vec::new();
    // A reset after the answer is as good as a close.
    let _ = stream.read_to_end(&mut answer);
    answer
}

#[test]
fn serve_cuts_off_a_client_that_trickles_its_request_head() {
    let dir = www_with_a_page();
    let (_server, addr) = start_server(dir.path(), &["--head-deadline-ms", "1000"]);
    let start = Instant::now();
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    // A head that never ends, a byte per 100 ms: 20 s if nothing cuts it off.
    let head = format!("GET / HTTP/1.1\r\nX-Slow: {}", "a".repeat(200));
    let mut answer = None;
    for byte in head.bytes() {
        if stream.write_all(&[byte]).is_err() {
            answer = Some(Vec::new());
            break;
        }
        let mut buf = [0u8; 256];
        match stream.read(&mut buf) {
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Ok(n) => {
                let mut got = buf[..n].to_vec();
                got.extend(read_until_closed(&mut stream, Duration::from_secs(5)));
                answer = Some(got);
                break;
            }
            Err(_) => {
                answer = Some(Vec::new());
                break;
            }
        }
    }
    let elapsed = start.elapsed();
    let answer = answer.expect("the trickling client was never cut off");
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
    let text = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{text}"
    );
    // Everyone else is still served.
    assert_eq!(http_get(&addr, "/").0, 200);
}

#[test]
fn serve_holds_at_most_64_connections_and_drops_idle_ones_at_the_deadline() {
    let dir = www_with_a_page();
    let (_server, addr) = start_server(dir.path(), &["--head-deadline-ms", "1000"]);
    // More idle connections than are served at once.
    let idle: Vec<TcpStream> = (0..64 + 16)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    let start = Instant::now();
    let (status, _, body) = http_get(&addr, "/");
    let waited = start.elapsed();
    assert_eq!((status, body.as_slice()), (200, &b"page"[..]));
    // It waited for a free thread (the bound holds), until the idle ones ran
    // out of time, and not much longer.
    assert!(waited >= Duration::from_millis(500), "{waited:?}");
    assert!(waited < Duration::from_secs(8), "{waited:?}");
    // Each idle connection was answered 408 and closed.
    for mut stream in idle {
        let answer = read_until_closed(&mut stream, Duration::from_secs(10));
        let text = String::from_utf8_lossy(&answer);
        assert!(
            text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{text}"
        );
    }
}

#[test]
fn serve_drops_a_client_that_reads_its_response_too_slowly() {
    let dir = www_with_a_page();
    let size = 64 << 20;
    std::fs::write(dir.path().join("www/big.bin"), vec![0u8; size]).unwrap();
    let (_server, addr) = start_server(dir.path(), &["--response-deadline-ms", "1000"]);
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET /big.bin HTTP/1.0\r\n\r\n").unwrap();
    // 64 KiB every 10 ms: over 10 s for the whole file.
    let mut buf = vec![0u8; 64 << 10];
    let mut received = 0;
    while received <= size {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => received += n,
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(received < size / 2, "{received} bytes of {size} were sent");
}
