//! The golden cases: each folder `tests/cmd/<case>/` holds the command (`cmd`)
//! beside what it must print (`stdout`, `stderr`) and its exit code (`status`).
//! The format of `cmd` is described in `tests/cmd/README.md`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use codewallet::{SecretKey, base45, credential};

use super::{Authority, Output, check, public_key_of, run, set_sequence, without_timing};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd")
}

#[test]
fn golden_cases() {
    let mut cases: Vec<String> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    // Every case runs, so one broken case does not hide the others.
    let failed: Vec<&String> = cases
        .iter()
        .filter(|case| std::panic::catch_unwind(|| run_case(case)).is_err())
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} golden cases failed: {failed:?}",
        failed.len(),
        cases.len()
    );
}

/// Runs `case` in a fresh directory and checks what it printed and left; returns
/// the directory for tests that look further at the files the command wrote.
pub(super) fn run_case(case: &str) -> (tempfile::TempDir, Output) {
    let folder = cases_dir().join(case);
    let script = std::fs::read_to_string(folder.join("cmd"))
        .unwrap_or_else(|e| panic!("{case}: cannot read {}: {e}", folder.join("cmd").display()));
    let steps: Vec<Vec<String>> = script
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| words(case, line))
        .collect();
    let (setup, steps) = match steps.split_first() {
        Some((first, rest)) if first[0] == "setup" => (first[1..].join(" "), rest),
        _ => (String::new(), &steps[..]),
    };
    let dir = match setup.as_str() {
        "" => tempfile::tempdir().unwrap(),
        "authority" => Authority::new().dir,
        other => panic!("{case}: unknown setup `{other}`"),
    };
    copy_tree(&folder.join("files"), dir.path());

    // The last command is the one checked; those before it only set the scene.
    let checked = steps
        .iter()
        .rposition(|step| step[0] == "codewallet")
        .unwrap_or_else(|| panic!("{case}: no codewallet command"));
    let mut vars = HashMap::new();
    for step in &steps[..checked] {
        let step = substitute(step, &vars);
        match (step[0].as_str(), step.get(2).map(String::as_str)) {
            ("let", Some("=")) => {
                let value = prepare(case, dir.path(), &step[3..])
                    .unwrap_or_else(|| panic!("{case}: {step:?} binds nothing"));
                vars.insert(format!("{{{}}}", step[1]), value);
            }
            _ => {
                prepare(case, dir.path(), &step);
            }
        }
    }
    let after: Vec<Vec<String>> = steps[checked + 1..]
        .iter()
        .map(|step| substitute(step, &vars))
        .collect();
    let kept: Vec<(&str, Vec<u8>)> = after
        .iter()
        .filter(|step| step[0] == "unchanged")
        .map(|step| {
            (
                step[1].as_str(),
                std::fs::read(dir.path().join(&step[1])).unwrap(),
            )
        })
        .collect();

    let command = substitute(&steps[checked], &vars);
    let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
    let mut out = run(dir.path(), &args);
    out.stderr = without_timing(&out.stderr);
    for step in &after {
        match step[0].as_str() {
            // A random credential id reads [ID].
            "mask-id" => {
                let id = credential::decode(&step[1])
                    .unwrap()
                    .credential
                    .id
                    .to_string();
                out.stdout = out.stdout.replace(&id, "[ID]");
                out.stderr = out.stderr.replace(&id, "[ID]");
            }
            "unchanged" | "absent" => {}
            other => panic!("{case}: unknown check `{other}` after the command"),
        }
    }
    check(case, &out);
    for (name, before) in kept {
        let now = std::fs::read(dir.path().join(name)).unwrap();
        assert!(now == before, "{case}: {name} changed");
    }
    for step in after.iter().filter(|step| step[0] == "absent") {
        assert!(
            !dir.path().join(&step[1]).exists(),
            "{case}: {} exists",
            step[1]
        );
    }
    (dir, out)
}

/// Runs a step that sets the scene; returns what a `let` binds (a command's
/// trimmed stdout, or the credential a step makes).
fn prepare(case: &str, dir: &Path, step: &[String]) -> Option<String> {
    let path = |i: usize| dir.join(&step[i]);
    match step[0].as_str() {
        "codewallet" => {
            let args: Vec<&str> = step[1..].iter().map(String::as_str).collect();
            let out = run(dir, &args);
            assert_eq!(out.code, 0, "{case}: {args:?}: {}", out.stderr);
            return Some(out.stdout.trim().to_string());
        }
        "tamper" => return Some(tamper(&step[1])),
        "forge" => return Some(forge(dir, &step[1])),
        "sequence" => set_sequence(dir, step[1].parse().unwrap()),
        "copy" => {
            std::fs::create_dir_all(path(2).parent().unwrap()).unwrap();
            std::fs::copy(path(1), path(2)).unwrap();
        }
        "remove" => std::fs::remove_file(path(1)).unwrap(),
        "flip-last-byte" => {
            let mut bytes = std::fs::read(path(1)).unwrap();
            *bytes.last_mut().unwrap() ^= 0x01;
            std::fs::write(path(1), bytes).unwrap();
        }
        "cut-in-half" => {
            let bytes = std::fs::read(path(1)).unwrap();
            std::fs::write(path(1), &bytes[..bytes.len() / 2]).unwrap();
        }
        other => panic!("{case}: unknown step `{other}`"),
    }
    None
}

/// Splits a line at spaces; double quotes hold an argument with spaces.
fn words(case: &str, line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return words;
        }
        let (word, tail) = match rest.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted
                    .find('"')
                    .unwrap_or_else(|| panic!("{case}: unclosed quote in `{line}`"));
                (&quoted[..end], &quoted[end + 1..])
            }
            None => rest.split_at(rest.find(' ').unwrap_or(rest.len())),
        };
        words.push(word.to_string());
        rest = tail;
    }
}

/// Replaces each `{name}` bound by `let` with its value.
fn substitute(step: &[String], vars: &HashMap<String, String>) -> Vec<String> {
    step.iter()
        .map(|word| {
            vars.iter().fold(word.clone(), |word, (name, value)| {
                word.replace(name, value)
            })
        })
        .collect()
}

/// Copies the files of a case (`files/`, if any) into its directory.
fn copy_tree(from: &Path, to: &Path) {
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Changes the last letter of the masked name inside the signed bytes.
fn tamper(text: &str) -> String {
    let mut cose = base45::decode(text.strip_prefix("CW1:").unwrap()).unwrap();
    let at = cose
        .windows(9)
        .position(|w| w == b"W*******g")
        .expect("masked name in the payload");
    cose[at + 8] = b'h';
    let tampered = format!("CW1:{}", base45::encode(&cose));
    assert_eq!(
        credential::decode(&tampered)
            .unwrap()
            .credential
            .display_name,
        "W*******h"
    );
    tampered
}

/// The credential signed by another key but naming the key id of keys/issuer.pub.
fn forge(dir: &Path, genuine: &str) -> String {
    let attacker = SecretKey::from_seed(&[0x66; 32]);
    let issuer = public_key_of(&std::fs::read_to_string(dir.join("keys/issuer.pub")).unwrap());
    let genuine = credential::decode(genuine).unwrap().credential;
    let text = genuine.sign(&attacker).unwrap();
    let mut cose = base45::decode(text.strip_prefix("CW1:").unwrap()).unwrap();
    let kid = attacker.public_key().key_id().0;
    let at = cose.windows(8).position(|w| w == kid).unwrap();
    cose[at..at + 8].copy_from_slice(&issuer.key_id().0);
    format!("CW1:{}", base45::encode(&cose))
}
