//! The object-store loop against a real Garage node on loopback (started by
//! `scripts/garage`): upload grants hold, registrations are collected once
//! each and joined with lab results by tube, refreshed credentials are
//! published where wallets fetch them.

use std::path::{Path, PathBuf};
use std::process::Command;

use codewallet::{UploadGrant, credential, hex};

const BIN: &str = env!("CARGO_BIN_EXE_codewallet");

/// A Garage node for one test, stopped when dropped.
struct Garage {
    dir: tempfile::TempDir,
}

impl Garage {
    fn start() -> Garage {
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/garage");
        let out = Command::new(script)
            .arg("start")
            .arg(dir.path().join("garage"))
            .env(
                "CARGO_TARGET_DIR",
                Path::new(BIN).parent().unwrap().parent().unwrap(),
            )
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "scripts/garage start failed (is garage installed? scripts/test installs it): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Garage { dir }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("garage/store.json")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/garage");
        let _ = Command::new(script)
            .arg("stop")
            .arg(self.dir.path().join("garage"))
            .output();
    }
}

/// Runs the CLI; returns (exit code, stdout, stderr).
fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = cli(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    stdout
}

/// `issue-batch` of `input` into `output` with the issuer key.
fn issue_batch(issuer: &Path, input: &Path, output: &Path, extra: &[&str]) {
    let mut args = vec![
        "issue-batch",
        "--key",
        issuer.to_str().unwrap(),
        "--issuer",
        "Demo CDC",
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend(extra);
    ok(&args);
}

fn root_key(g: &Garage) -> (PathBuf, codewallet::PublicKey) {
    let key = g.path("root.key");
    let out = ok(&["keygen", "--out", key.to_str().unwrap()]);
    let hex = out.lines().find_map(|l| l.strip_prefix("public ")).unwrap();
    let bytes = hex::decode_array::<32>(hex).unwrap();
    (key, codewallet::PublicKey::from_bytes(&bytes).unwrap())
}

/// Posts `body` as the object `key` with the grant's form, as a browser would; the HTTP status.
fn post(grant: &UploadGrant, key: &str, body: &[u8], dir: &Path) -> u16 {
    let file = dir.join("upload.bin");
    std::fs::write(&file, body).unwrap();
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-o", "/dev/null", "-w", "%{http_code}"]);
    cmd.arg("-F").arg(format!("key={key}"));
    for (name, value) in &grant.fields {
        cmd.arg("-F").arg(format!("{name}={value}"));
    }
    cmd.arg("-F").arg(format!("file=@{}", file.display()));
    cmd.arg(&grant.endpoint);
    let out = cmd.output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn grant_for(g: &Garage, root: &Path, station: &str, max_bytes: u64) -> (PathBuf, String) {
    let out = g.path(&format!("{station}.cwg"));
    let text = ok(&[
        "grant",
        "--root-key",
        root.to_str().unwrap(),
        "--store",
        g.store().to_str().unwrap(),
        "--station",
        station,
        "--max-bytes",
        &max_bytes.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (out, text.trim().to_owned())
}

#[test]
fn a_grant_lets_its_station_upload_under_its_own_prefix_only() {
    let g = Garage::start();
    let (root, root_pub) = root_key(&g);
    let (file, text) = grant_for(&g, &root, "SH-0042", 1000);
    let grant = UploadGrant::open(&std::fs::read(&file).unwrap(), &root_pub).unwrap();
    assert_eq!(
        UploadGrant::open(text.as_bytes(), &root_pub).unwrap(),
        grant
    );
    assert_eq!(grant.station, "SH-0042");
    assert_eq!(grant.prefix, "registrations/SH-0042/");
    assert!(grant.fields.iter().all(|(_, v)| !v.contains("secret")));
    let secret = std::fs::read_to_string(g.store()).unwrap();
    let secret = secret.split('"').rev().nth(1).unwrap().to_owned();
    assert!(
        !grant.fields.iter().any(|(_, v)| v.contains(&secret)),
        "the store's secret never reaches the phone"
    );
    let dir = g.path("");
    assert_eq!(
        post(&grant, "registrations/SH-0042/a-1-2.jsonl", b"{}\n", &dir),
        204
    );
    // Another station's prefix, the bucket's root, an object over the size
    // limit: refused (Garage says 400, AWS S3 403).
    for (key, size) in [
        ("registrations/SH-0043/a-1-2.jsonl", 3),
        ("x.jsonl", 3),
        ("registrations/SH-0042/big.jsonl", 1001),
    ] {
        let status = post(&grant, key, &vec![b'x'; size], &dir);
        assert!(matches!(status, 400 | 403), "{key}: {status}");
    }
    // Another root's grant is refused by the page's check.
    let other = codewallet::SecretKey::from_seed(&[9; 32]).public_key();
    assert_eq!(
        UploadGrant::open(&std::fs::read(&file).unwrap(), &other)
            .unwrap_err()
            .code(),
        "wrong_root"
    );
    // Usage errors.
    let store = g.store();
    for bad in [
        ["--station", "a/b"],
        ["--valid-hours", "0"],
        ["--max-bytes", "0"],
    ] {
        let mut args = vec![
            "grant",
            "--root-key",
            root.to_str().unwrap(),
            "--store",
            store.to_str().unwrap(),
            "--station",
            "S1",
            "--out",
            file.to_str().unwrap(),
        ];
        args.extend(bad);
        assert_eq!(cli(&args).0, 2, "{bad:?}");
    }
}

/// Registration records as the checkpoint page writes them.
fn registration(id: &str, credential: &str, tube: Option<&str>, time: &str) -> String {
    let tube = tube.map_or("null".to_owned(), |t| format!("\"{t}\""));
    format!(
        r#"{{"id":"{id}","mode":"registration","hour":"{}","verdict":"valid","decision":"pass","status":"green","time":"{time}","station":"S1","credentialId":"{credential}","name":"x","tube":{tube},"seq":1}}"#,
        &time[..13]
    )
}

#[test]
fn registrations_are_collected_once_joined_by_tube_and_published_for_wallets() {
    let g = Garage::start();
    let (root, root_pub) = root_key(&g);
    let issuer = g.path("issuer.key");
    ok(&["keygen", "--out", issuer.to_str().unwrap()]);
    // The authority's round: four people issued.
    let people = g.path("people.csv");
    std::fs::write(
        &people,
        "name,id_number,status\n张三丰,110105194912310021,yellow\nAda Lovelace,GB1815121,yellow\nWei Zhang,E1234,yellow\nNobody Tested,E9999,yellow\n",
    )
    .unwrap();
    let issued = g.path("issued.jsonl");
    let now = "2026-01-01T08:00:00Z";
    issue_batch(&issuer, &people, &issued, &["--now", now]);
    let ids: Vec<String> = std::fs::read_to_string(&issued)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    // Station S1 uploads: one batch twice (a retry after a crash), the tube
    // linked in a later copy, a correction, and two people on one tube.
    let (file, _) = grant_for(&g, &root, "S1", 1 << 20);
    let grant = UploadGrant::open(&std::fs::read(&file).unwrap(), &root_pub).unwrap();
    let t = "2026-01-02T09:00:00Z";
    let first = [
        registration("r1", &ids[0], None, t),
        registration("r2", &ids[1], Some("TUBE-0002"), t),
    ]
    .join("\n");
    let second = [
        registration("r1", &ids[0], Some("TUBE-0001"), t),
        registration("r3", &ids[2], Some("TUBE-WRONG"), t),
        r#"{"id":"c1","mode":"registration","kind":"correction","corrects":"r3","time":"2026-01-02T09:05:00Z","tube":"TUBE-0003"}"#.to_owned(),
        registration("r4", &ids[3], Some("TUBE-0002"), t),
        r#"{"id":"x","mode":"tally","hour":"2026-01-02T09:00Z","verdict":"valid"}"#.to_owned(),
    ]
    .join("\n");
    let dir = g.path("");
    for (key, body) in [
        ("registrations/S1/a-1-2.jsonl", &first),
        ("registrations/S1/a-1-2.jsonl", &first),
        ("registrations/S1/a-3-7.jsonl", &second),
    ] {
        assert_eq!(post(&grant, key, body.as_bytes(), &dir), 204);
    }
    // The lab: a result for each tube, one for a tube nobody was registered with.
    let lab = g.path("lab.csv");
    std::fs::write(
        &lab,
        "tube,result,tested_at\nTUBE-0001,negative,2026-01-02T20:00:00Z\nTUBE-0002,positive,2026-01-02T20:00:00Z\nTUBE-0003,positive,2026-01-02T21:00:00Z\nTUBE-9999,negative,\n",
    )
    .unwrap();
    let refreshed = g.path("refreshed.csv");
    let report = g.path("report.jsonl");
    let (code, _, stderr) = cli(&[
        "collect",
        "--store",
        g.store().to_str().unwrap(),
        "--lab",
        lab.to_str().unwrap(),
        "--people",
        people.to_str().unwrap(),
        "--issued",
        issued.to_str().unwrap(),
        "--out",
        refreshed.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "problems were found: {stderr}");
    let rows = std::fs::read_to_string(&refreshed).unwrap();
    let mut lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines.remove(0), "name,id_number,status,decided_at,replaces");
    lines.sort();
    let mut expected = vec![
        format!(
            "张三丰,110105194912310021,green,2026-01-02T20:00:00Z,{}",
            ids[0]
        ),
        format!("Wei Zhang,E1234,red,2026-01-02T21:00:00Z,{}", ids[2]),
    ];
    expected.sort();
    assert_eq!(
        lines, expected,
        "each registration once; the corrected tube; no guess for TUBE-0002"
    );
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(
        report.contains(r#""problem": "duplicate_tube", "tube": "TUBE-0002""#),
        "{report}"
    );
    assert!(
        report.contains(r#""problem": "unknown_tube", "tube": "TUBE-9999""#),
        "{report}"
    );
    assert_eq!(report.lines().count(), 2, "{report}");

    // Issue the refreshed credentials and publish them where wallets look.
    let fresh = g.path("fresh.jsonl");
    issue_batch(&issuer, &refreshed, &fresh, &[]);
    ok(&[
        "publish",
        "--store",
        g.store().to_str().unwrap(),
        "--input",
        fresh.to_str().unwrap(),
    ]);
    // Wallets read it anonymously, from the public refresh bucket.
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(g.store()).unwrap()).unwrap();
    let public = config["refresh_url"].as_str().unwrap();
    let get = |url: &str| {
        let out = Command::new("curl")
            .args([
                "-s",
                "-w",
                "\n%{http_code}",
                "-H",
                "Origin: http://127.0.0.1:8080",
            ])
            .arg(url)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let (body, status) = text.rsplit_once('\n').unwrap();
        (body.to_owned(), status.parse::<u16>().unwrap())
    };
    let url = format!("{public}refresh/{}.txt", ids[0]);
    let (text, status) = get(&url);
    assert_eq!(status, 200, "{url}");
    // The registrations are not public, neither through the S3 API nor the website.
    let endpoint = config["endpoint"].as_str().unwrap();
    assert_eq!(
        get(&format!(
            "{endpoint}/codewallet/registrations/S1/a-3-7.jsonl"
        ))
        .1,
        403
    );
    assert_ne!(get(&format!("{public}registrations/S1/a-3-7.jsonl")).1, 200);
    let c = credential::decode(&text)
        .unwrap_or_else(|e| panic!("{url}: {e}: {text}"))
        .credential;
    assert_eq!(c.status, codewallet::Status::Green);
    assert_eq!(c.display_name, "张*丰");
}
