//! `codewallet collect`: the checkpoints' registrations from the object store,
//! merged, deduplicated by record id, joined with the lab's results by tube, and
//! written as the people file `issue-batch` reads.
//!
//! Nothing is guessed: a tube two people were registered with, a tube the lab
//! lists twice with different results, a result for a tube nobody was
//! registered with, and a registration of a credential the authority did not
//! issue are reported and left out.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use codewallet::credential::ID_LEN;
use codewallet::{CredentialId, Status};
use rayon::prelude::*;
use serde::Deserialize;

use crate::cli::batch::{Person, people_by_line};
use crate::cli::error::{CliError, CliResult, EXIT_REFUSED};
use crate::cli::output::JsonObject;
use crate::cli::store::{CONFIG_HELP, StoreConfig, store_error};
use crate::cli::time;

/// Where the checkpoints upload: `registrations/<station>/<object>`.
pub const REGISTRATIONS: &str = "registrations/";
/// The largest uploaded object read; a grant allows far less.
const MAX_OBJECT: usize = 64 * 1024 * 1024;

const COLLECT_HELP: &str = "\
Reads every object under registrations/ (the checkpoints' uploads, JSON Lines of
log records), keeps each record once by its id, applies tube corrections, and
joins the registrations with the lab's results by tube code.

--lab: CSV with a header `tube,result[,tested_at]`; result is negative (green),
positive (red) or inconclusive (yellow).
--people and --issued: the people file given to issue-batch and what it wrote:
how a registered credential id leads back to a person.
--out: CSV `name,id_number,status,decided_at,replaces` for issue-batch, one row
per person with a result (the latest registration of each credential).
--report: JSON Lines, one problem per line: duplicate_tube, conflicting_result,
unknown_tube, unknown_credential, conflicting_tube, bad_record, bad_lab_row,
bad_people_row. Exit code 1 when any was found.";

/// Arguments of `codewallet collect`.
#[derive(Args)]
#[command(after_help = format!("{COLLECT_HELP}\n\n{CONFIG_HELP}"))]
#[command(group = clap::ArgGroup::new("source").required(true).args(["store", "dir"]))]
pub struct CollectArgs {
    /// Object store configuration (JSON, see below)
    #[arg(long, value_name = "FILE")]
    store: Option<PathBuf>,
    /// Read the uploads from a directory instead (a copy of the bucket's registrations/)
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The lab's results (CSV)
    #[arg(long, value_name = "FILE")]
    lab: PathBuf,
    /// The people file credentials were issued from (.csv or .jsonl)
    #[arg(long, value_name = "FILE")]
    people: PathBuf,
    /// What issue-batch wrote for it (JSON Lines)
    #[arg(long, value_name = "FILE")]
    issued: PathBuf,
    /// People to issue refreshed credentials for (CSV)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Problems found, one JSON object per line
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

/// One log record as a checkpoint uploads it; other fields are ignored.
#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    verdict: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default, rename = "credentialId")]
    credential_id: Option<String>,
    #[serde(default)]
    tube: Option<String>,
    #[serde(default)]
    corrects: Option<String>,
}

/// One registration, merged over every copy of its record.
struct Registration {
    credential: CredentialId,
    time: String,
    tube: Option<String>,
    conflicting: bool,
}

/// A problem, for the report.
struct Problem {
    kind: &'static str,
    detail: Vec<(&'static str, String)>,
}

impl Problem {
    fn new(kind: &'static str, detail: &[(&'static str, &str)]) -> Problem {
        Problem {
            kind,
            detail: detail.iter().map(|&(k, v)| (k, v.to_owned())).collect(),
        }
    }

    fn to_json(&self) -> String {
        let mut o = JsonObject::new().string("problem", self.kind);
        for (key, value) in &self.detail {
            o = o.string(key, value);
        }
        o.finish()
    }
}

/// Everything read from the uploads.
#[derive(Default)]
struct Uploads {
    registrations: HashMap<String, Registration>,
    /// By the registration they correct: (time, record id, tube).
    corrections: HashMap<String, Vec<(String, String, String)>>,
    records: u64,
    tallies: u64,
    problems: Vec<Problem>,
}

impl Uploads {
    /// Reads one uploaded object (JSON Lines).
    fn add_object(&mut self, key: &str, bytes: &[u8]) {
        for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let where_ = || format!("{key}:{}", n + 1);
            match serde_json::from_slice::<Record>(line) {
                Ok(record) => self.add_record(record, &where_),
                Err(e) => self.problems.push(Problem::new(
                    "bad_record",
                    &[("at", &where_()), ("why", &e.to_string())],
                )),
            }
        }
    }

    fn add_record(&mut self, r: Record, where_: &dyn Fn() -> String) {
        self.records += 1;
        if r.mode.as_deref() != Some("registration") {
            self.tallies += 1;
            return;
        }
        let tube = r.tube.filter(|t| !t.is_empty());
        if r.kind.as_deref() == Some("correction") {
            match (r.corrects, tube) {
                (Some(corrects), Some(tube)) => self
                    .corrections
                    .entry(corrects)
                    .or_default()
                    .push((r.time.unwrap_or_default(), r.id, tube)),
                _ => self.problems.push(Problem::new(
                    "bad_record",
                    &[
                        ("at", &where_()),
                        ("why", "a correction without its registration or tube"),
                    ],
                )),
            }
            return;
        }
        if r.verdict.as_deref() != Some("valid") {
            return; // a refused code registers nobody
        }
        let credential = r
            .credential_id
            .as_deref()
            .and_then(codewallet::hex::decode_array::<ID_LEN>)
            .map(CredentialId);
        let Some(credential) = credential else {
            self.problems.push(Problem::new(
                "bad_record",
                &[
                    ("at", &where_()),
                    ("why", "a registration without a credential id"),
                ],
            ));
            return;
        };
        let time = r.time.unwrap_or_default();
        match self.registrations.get_mut(&r.id) {
            None => {
                self.registrations.insert(
                    r.id,
                    Registration {
                        credential,
                        time,
                        tube,
                        conflicting: false,
                    },
                );
            }
            // The same record again: an upload retried, or written again with its tube.
            Some(known) => match (&known.tube, tube) {
                (None, Some(tube)) => known.tube = Some(tube),
                (Some(a), Some(b)) if *a != b && !known.conflicting => {
                    known.conflicting = true;
                    let problem = Problem::new(
                        "conflicting_tube",
                        &[("record", &r.id), ("tube", a), ("other", &b)],
                    );
                    self.problems.push(problem);
                }
                _ => {}
            },
        }
    }

    /// The tube of each registration after its corrections (the latest wins).
    fn tubes(&mut self) -> HashMap<String, Vec<String>> {
        let mut by_tube: HashMap<String, Vec<String>> = HashMap::new();
        for (id, reg) in &self.registrations {
            if reg.conflicting {
                continue;
            }
            let corrected = self
                .corrections
                .get(id)
                .and_then(|c| c.iter().max_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1))))
                .map(|c| c.2.clone());
            if let Some(tube) = corrected.or_else(|| reg.tube.clone()) {
                by_tube.entry(tube).or_default().push(id.clone());
            }
        }
        by_tube
    }
}

/// A lab result.
struct LabResult {
    status: Status,
    tested_at: Option<u64>,
}

/// Reads the lab's CSV: results by tube; tubes with two different results are reported and dropped.
fn read_lab(
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Result<HashMap<String, LabResult>, CliError> {
    let bad = |e: &dyn std::error::Error| {
        CliError::input(format!("cannot read lab results {}", path.display())).because_of(e)
    };
    let file = File::open(path).map_err(|e| bad(&e))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(BufReader::new(file));
    let header = reader.headers().map_err(|e| bad(&e))?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
    };
    let (Some(tube_col), Some(result_col)) = (column("tube"), column("result")) else {
        return Err(CliError::input(format!(
            "{}: the header needs `tube` and `result` columns",
            path.display()
        )));
    };
    let tested_col = column("tested_at");
    let mut results: HashMap<String, LabResult> = HashMap::new();
    let mut conflicting = std::collections::HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(&e))?;
        let line = record.position().map_or(0, csv::Position::line).to_string();
        let field = |i: usize| record.get(i).map(str::trim).unwrap_or("");
        let tube = field(tube_col).to_owned();
        let status = match field(result_col).to_ascii_lowercase().as_str() {
            "negative" => Status::Green,
            "positive" => Status::Red,
            "inconclusive" => Status::Yellow,
            other => {
                problems.push(Problem::new(
                    "bad_lab_row",
                    &[
                        ("line", &line),
                        ("why", &format!("unknown result `{other}`")),
                    ],
                ));
                continue;
            }
        };
        let tested_at = match tested_col.map(field).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => match time::parse(t) {
                Ok(t) => Some(t),
                Err(e) => {
                    problems.push(Problem::new("bad_lab_row", &[("line", &line), ("why", &e)]));
                    continue;
                }
            },
        };
        if tube.is_empty() {
            problems.push(Problem::new(
                "bad_lab_row",
                &[("line", &line), ("why", "no tube")],
            ));
            continue;
        }
        match results.get(&tube) {
            Some(known) if known.status != status => {
                if conflicting.insert(tube.clone()) {
                    problems.push(Problem::new("conflicting_result", &[("tube", &tube)]));
                }
            }
            Some(_) => {}
            None => {
                results.insert(tube, LabResult { status, tested_at });
            }
        }
    }
    for tube in conflicting {
        results.remove(&tube);
    }
    Ok(results)
}

/// Credential ids of what issue-batch wrote, to the input line they came from.
fn read_issued(path: &Path) -> Result<HashMap<CredentialId, u64>, CliError> {
    #[derive(Deserialize)]
    struct Issued {
        line: u64,
        id: String,
    }
    let bad = |why: String| CliError::input(format!("bad issued file {}: {why}", path.display()));
    let file = File::open(path).map_err(|e| {
        CliError::input(format!("cannot read issued file {}", path.display())).because(&e)
    })?;
    let mut issued = HashMap::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| bad(e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let row: Issued =
            serde_json::from_str(&line).map_err(|e| bad(format!("line {}: {e}", n + 1)))?;
        let id = codewallet::hex::decode_array::<ID_LEN>(&row.id)
            .ok_or_else(|| bad(format!("line {}: bad id", n + 1)))?;
        issued.insert(CredentialId(id), row.line);
    }
    Ok(issued)
}

/// Every object under `registrations/` of the store, read in parallel.
fn read_store(config: &Path) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let store = StoreConfig::read(config)?;
    let bucket = store.bucket()?;
    let pages = bucket
        .list(REGISTRATIONS.to_owned(), None)
        .map_err(|e| store_error("cannot list registrations/", e))?;
    let keys: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.contents)
        .filter(|o| o.size as usize <= MAX_OBJECT)
        .map(|o| o.key)
        .collect();
    keys.into_par_iter()
        .map(|key| {
            let response = bucket
                .get_object(&key)
                .map_err(|e| store_error(&format!("cannot read {key}"), e))?;
            Ok((key, response.bytes().to_vec()))
        })
        .collect()
}

/// Every file under `dir`, as object keys relative to it.
fn read_dir(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| {
            CliError::input(format!("cannot read directory {}", d.display())).because(&e)
        })?;
        for entry in entries {
            let path = entry
                .map_err(|e| CliError::input("cannot read a directory entry").because(&e))?
                .path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).map_err(|e| {
                    CliError::input(format!("cannot read {}", path.display())).because(&e)
                })?;
                let key = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                out.push((key, bytes));
            }
        }
    }
    Ok(out)
}

/// `codewallet collect`.
pub fn run(args: &CollectArgs) -> CliResult {
    let started = Instant::now();
    let mut problems = Vec::new();
    let lab = read_lab(&args.lab, &mut problems)?;
    let issued = read_issued(&args.issued)?;
    let (people, bad_people) = people_by_line(&args.people)?;
    for (line, why) in bad_people {
        problems.push(Problem::new(
            "bad_people_row",
            &[("line", &line.to_string()), ("why", &why)],
        ));
    }
    let objects = match (&args.store, &args.dir) {
        (Some(store), _) => read_store(store)?,
        (None, Some(dir)) => read_dir(dir)?,
        // clap requires one of the two.
        (None, None) => return Err(CliError::usage("give --store or --dir")),
    };
    let object_count = objects.len();
    let mut uploads = Uploads::default();
    for (key, bytes) in &objects {
        uploads.add_object(key, bytes);
    }
    drop(objects);
    problems.append(&mut uploads.problems);
    let by_tube = uploads.tubes();

    // Join: the latest registration of each credential with a result.
    let mut chosen: HashMap<CredentialId, (&str, &LabResult, &Person)> = HashMap::new();
    let (mut pending, mut joined_tubes) = (0u64, std::collections::HashSet::new());
    for (tube, ids) in &by_tube {
        if ids.len() > 1 {
            let mut ids = ids.clone();
            ids.sort();
            problems.push(Problem::new(
                "duplicate_tube",
                &[("tube", tube), ("records", &ids.join(" "))],
            ));
            joined_tubes.insert(tube.as_str());
            continue;
        }
        let reg = &uploads.registrations[&ids[0]];
        let Some(result) = lab.get(tube) else {
            pending += 1;
            continue;
        };
        joined_tubes.insert(tube.as_str());
        let Some(person) = issued
            .get(&reg.credential)
            .and_then(|line| people.get(line))
        else {
            problems.push(Problem::new(
                "unknown_credential",
                &[("credential", &reg.credential.to_string()), ("tube", tube)],
            ));
            continue;
        };
        match chosen.get(&reg.credential) {
            Some((time, _, _)) if *time >= reg.time.as_str() => {}
            _ => {
                chosen.insert(reg.credential, (reg.time.as_str(), result, person));
            }
        }
    }
    let mut unknown: Vec<&String> = lab
        .keys()
        .filter(|t| !joined_tubes.contains(t.as_str()) && !by_tube.contains_key(*t))
        .collect();
    unknown.sort();
    for tube in unknown {
        problems.push(Problem::new("unknown_tube", &[("tube", tube)]));
    }

    // Rows in a stable order: by the credential they replace.
    let mut rows: Vec<_> = chosen.into_iter().collect();
    rows.sort_by_key(|(id, _)| *id);
    let out_file = File::create(&args.out).map_err(|e| {
        CliError::input(format!("cannot create {}", args.out.display())).because(&e)
    })?;
    let mut out = csv::Writer::from_writer(BufWriter::new(out_file));
    let write_error =
        |e: csv::Error| CliError::input(format!("cannot write {}", args.out.display())).because(&e);
    out.write_record(["name", "id_number", "status", "decided_at", "replaces"])
        .map_err(write_error)?;
    for (old, (time, result, person)) in &rows {
        let decided = result
            .tested_at
            .map_or_else(|| (*time).to_owned(), time::format);
        out.write_record([
            person.name.as_str(),
            person.id_number.as_str(),
            result.status.name(),
            decided.as_str(),
            old.to_string().as_str(),
        ])
        .map_err(write_error)?;
    }
    out.flush()
        .map_err(|e| CliError::input(format!("cannot write {}", args.out.display())).because(&e))?;

    if let Some(path) = &args.report {
        let mut text = String::new();
        for p in &problems {
            text.push_str(&p.to_json());
            text.push('\n');
        }
        std::fs::write(path, text).map_err(|e| {
            CliError::input(format!("cannot write report {}", path.display())).because(&e)
        })?;
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for p in &problems {
        match counts.iter_mut().find(|(k, _)| *k == p.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((p.kind, 1)),
        }
    }
    eprintln!(
        "{object_count} objects, {} records ({} tally), {} registrations: {} people with a result, {pending} awaiting the lab; {} problems{} in {:.1} s",
        uploads.records,
        uploads.tallies,
        uploads.registrations.len(),
        rows.len(),
        problems.len(),
        if counts.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                counts
                    .iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        started.elapsed().as_secs_f64()
    );
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REFUSED)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uploads(objects: &[&str]) -> Uploads {
        let mut u = Uploads::default();
        for (i, text) in objects.iter().enumerate() {
            u.add_object(&format!("o{i}"), text.as_bytes());
        }
        u
    }

    #[test]
    fn a_record_seen_twice_counts_once_and_keeps_its_tube() {
        let reg = r#"{"id":"r1","mode":"registration","verdict":"valid","time":"2026-01-01T08:00:00Z","credentialId":"0102030405060708","tube":null}"#;
        let with_tube = r#"{"id":"r1","mode":"registration","verdict":"valid","time":"2026-01-01T08:00:00Z","credentialId":"0102030405060708","tube":"T-000001"}"#;
        let mut u = uploads(&[reg, &format!("{with_tube}\n{reg}"), with_tube]);
        assert_eq!(u.registrations.len(), 1);
        assert_eq!(u.records, 4);
        let tubes = u.tubes();
        assert_eq!(tubes["T-000001"], ["r1"]);
        assert!(u.problems.is_empty());
    }

    #[test]
    fn the_latest_correction_decides_the_tube() {
        let reg = r#"{"id":"r1","mode":"registration","verdict":"valid","time":"2026-01-01T08:00:00Z","credentialId":"0102030405060708","tube":"T-WRONG1"}"#;
        let c1 = r#"{"id":"c1","mode":"registration","kind":"correction","corrects":"r1","time":"2026-01-01T08:01:00Z","tube":"T-000002"}"#;
        let c2 = r#"{"id":"c2","mode":"registration","kind":"correction","corrects":"r1","time":"2026-01-01T08:02:00Z","tube":"T-000003"}"#;
        let mut u = uploads(&[c2, reg, c1]);
        let tubes = u.tubes();
        assert_eq!(tubes.keys().collect::<Vec<_>>(), ["T-000003"]);
    }

    #[test]
    fn damaged_lines_are_reported_and_the_rest_is_read() {
        let reg = r#"{"id":"r1","mode":"registration","verdict":"valid","time":"t","credentialId":"0102030405060708","tube":"T-000001"}"#;
        let u = uploads(&[&format!(
            "{{not json\n{reg}\n[1,2]\n{{\"mode\":\"registration\"}}"
        )]);
        assert_eq!(u.registrations.len(), 1);
        assert_eq!(u.problems.len(), 3);
        assert!(u.problems.iter().all(|p| p.kind == "bad_record"));
    }

    #[test]
    fn two_different_tubes_for_one_record_are_reported_not_guessed() {
        let a = r#"{"id":"r1","mode":"registration","verdict":"valid","time":"t","credentialId":"0102030405060708","tube":"T-000001"}"#;
        let b = r#"{"id":"r1","mode":"registration","verdict":"valid","time":"t","credentialId":"0102030405060708","tube":"T-000002"}"#;
        let mut u = uploads(&[a, b]);
        assert!(u.tubes().is_empty());
        assert_eq!(u.problems[0].kind, "conflicting_tube");
    }

    proptest::proptest! {
        /// Uploads are outside bytes: anything reads or is reported, never a panic.
        #[test]
        fn any_upload_reads_or_is_reported(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let mut u = Uploads::default();
            u.add_object("x", &bytes);
            let _ = u.tubes();
        }
    }
}
