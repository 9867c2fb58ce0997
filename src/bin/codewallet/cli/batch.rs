//! `codewallet issue-batch`: credentials for a whole file of people, on all cores.
//!
//! The input is read in chunks; each chunk is parsed, signed and formatted in
//! parallel (rayon) while the next chunk is read and the previous one written,
//! in input order. Signing dominates; everything else is kept off its path.
//! Output lines are formatted by hand: a generic serializer per row would cost
//! more than the rest of the formatting together.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use codewallet::credential::ID_LEN;
use codewallet::{CredentialId, SecretKey, Status};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Deserialize;

use crate::cli::error::{CliError, CliResult, EXIT_REFUSED};
use crate::cli::issue::{Subject, check_issuer, parse_valid_hours, sign_one, unknown_status};
use crate::cli::output::push_json_string;
use crate::cli::{keyfile, time};

/// Rows per chunk: enough to keep every core busy, small enough to stream.
const CHUNK_ROWS: usize = 16 * 1024;

/// Arguments of `codewallet issue-batch`.
#[derive(Args)]
#[command(after_help = "\
Input: .csv with a header row `name,id_number,status[,decided_at][,valid_hours][,replaces]`,
or .jsonl/.ndjson with one object per line with the same keys.
Output: one JSON object per issued row, in input order:
  {\"line\": N, \"id\": HEX, \"name\": MASKED, \"status\": S, \"expires_at\": UNIX_SECONDS, \"text\": \"CW1:...\"}
`replaces` (the id of the credential a new one refreshes, as `collect` writes it)
is passed through to the output row, for `publish`.
Bad rows are reported on stderr as `line N: reason` and skipped; the exit code is then 1.")]
pub struct BatchArgs {
    /// Issuer private key (PKCS#8 PEM)
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Issuer name written into every credential
    #[arg(long, value_name = "NAME")]
    issuer: String,
    /// People to issue for (.csv, .jsonl or .ndjson)
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Credentials out, one JSON object per line
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
    /// Hours of validity for rows without a valid_hours value, at most 8784 (366 days)
    #[arg(long, default_value_t = 48, value_parser = parse_valid_hours, value_name = "HOURS")]
    valid_hours: u64,
    /// The current time: issue time and start of validity [default: the OS clock]
    #[arg(long, value_parser = time::parse, value_name = "TIME")]
    now: Option<u64>,
    /// Worker threads [default: one per core]
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// What every row shares.
struct Context<'a> {
    key: &'a SecretKey,
    issuer: &'a str,
    now: u64,
    valid_hours: u64,
}

/// One input row as read, before any checks (those run in parallel).
struct RawRow {
    /// 1-based line number in the input file.
    line: u64,
    data: RawData,
}

enum RawData {
    Csv(csv::ByteRecord),
    Json(Vec<u8>),
}

/// Positions of the CSV columns, from the header row.
struct Columns {
    count: usize,
    name: usize,
    id_number: usize,
    status: usize,
    decided_at: Option<usize>,
    valid_hours: Option<usize>,
    replaces: Option<usize>,
}

/// A JSON Lines row.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRow {
    name: String,
    id_number: String,
    status: String,
    #[serde(default)]
    decided_at: Option<time::JsonTime>,
    #[serde(default)]
    valid_hours: Option<u64>,
    #[serde(default)]
    replaces: Option<String>,
}

/// A row whose fields have been read; still to be checked and signed.
/// CSV fields are borrowed from the record: one allocation less per field and row.
struct Row<'a> {
    name: Cow<'a, str>,
    id_number: Cow<'a, str>,
    status: Status,
    decided_at: Option<u64>,
    valid_hours: Option<u64>,
    /// The credential this one refreshes.
    replaces: Option<CredentialId>,
}

/// A credential id in hex, as `replaces` holds it.
fn parse_replaces(text: &str) -> Result<CredentialId, String> {
    codewallet::hex::decode_array::<ID_LEN>(text.trim())
        .map(CredentialId)
        .ok_or_else(|| format!("bad replaces `{text}`: expected a credential id of 16 hex digits"))
}

enum Source {
    Csv(csv::Reader<BufReader<File>>),
    Jsonl {
        reader: BufReader<File>,
        line: u64,
        bytes: u64,
    },
}

impl Source {
    /// Opens the input; returns it, the CSV columns (none for JSON Lines) and its size.
    fn open(path: &Path) -> Result<(Source, Option<Columns>, u64), CliError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let is_csv = match ext.as_deref() {
            Some("csv") => true,
            Some("jsonl" | "ndjson") => false,
            _ => {
                return Err(CliError::input(format!(
                    "cannot tell the format of {}: name it .csv, .jsonl or .ndjson",
                    path.display()
                )));
            }
        };
        let file = File::open(path).map_err(|e| {
            CliError::input(format!("cannot read input {}", path.display())).because(&e)
        })?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let reader = BufReader::with_capacity(1 << 20, file);
        if !is_csv {
            let source = Source::Jsonl {
                reader,
                line: 0,
                bytes: 0,
            };
            return Ok((source, None, size));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true) // rows of the wrong length are reported one by one
            .from_reader(reader);
        let mut header = csv::StringRecord::new();
        let bad = |e: csv::Error| {
            CliError::input(format!("cannot read the header of {}", path.display())).because(&e)
        };
        if !reader.read_record(&mut header).map_err(bad)? {
            return Err(CliError::input(format!(
                "{} is empty: expected a header row name,id_number,status",
                path.display()
            )));
        }
        let columns = Columns::from_header(&header)
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
        Ok((Source::Csv(reader), Some(columns), size))
    }

    /// Reads up to `max` rows into `rows`; returns the byte position reached.
    fn fill(&mut self, rows: &mut Vec<RawRow>, max: usize) -> Result<u64, String> {
        match self {
            Source::Csv(reader) => {
                while rows.len() < max {
                    // Sized for a typical row, so reading it does not grow the buffers.
                    let mut record = csv::ByteRecord::with_capacity(128, 8);
                    if !reader
                        .read_byte_record(&mut record)
                        .map_err(|e| e.to_string())?
                    {
                        break;
                    }
                    let line = record.position().map_or(0, csv::Position::line);
                    rows.push(RawRow {
                        line,
                        data: RawData::Csv(record),
                    });
                }
                Ok(reader.position().byte())
            }
            Source::Jsonl {
                reader,
                line,
                bytes,
            } => {
                while rows.len() < max {
                    let mut buf = Vec::with_capacity(256);
                    let n = reader
                        .read_until(b'\n', &mut buf)
                        .map_err(|e| e.to_string())?;
                    if n == 0 {
                        break;
                    }
                    *line += 1;
                    *bytes += n as u64;
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    rows.push(RawRow {
                        line: *line,
                        data: RawData::Json(buf),
                    });
                }
                Ok(*bytes)
            }
        }
    }
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Columns, String> {
        let (mut name, mut id_number, mut status, mut decided_at, mut valid_hours, mut replaces) =
            (None, None, None, None, None, None);
        for (i, column) in header.iter().enumerate() {
            // Spreadsheets often start a CSV file with a byte order mark.
            let column = column.trim_start_matches('\u{feff}').trim();
            let slot = match column {
                "name" => &mut name,
                "id_number" => &mut id_number,
                "status" => &mut status,
                "decided_at" => &mut decided_at,
                "valid_hours" => &mut valid_hours,
                "replaces" => &mut replaces,
                other => {
                    return Err(format!(
                        "unknown column `{other}` in the header; expected name,id_number,status[,decided_at][,valid_hours][,replaces]"
                    ));
                }
            };
            if slot.replace(i).is_some() {
                return Err(format!("column `{column}` appears twice in the header"));
            }
        }
        let need = |slot: Option<usize>, column: &str| {
            slot.ok_or_else(|| format!("the header has no `{column}` column"))
        };
        Ok(Columns {
            count: header.len(),
            name: need(name, "name")?,
            id_number: need(id_number, "id_number")?,
            status: need(status, "status")?,
            decided_at,
            valid_hours,
            replaces,
        })
    }
}

impl RawRow {
    fn parse(&self, columns: Option<&Columns>) -> Result<Row<'_>, String> {
        match (&self.data, columns) {
            (RawData::Csv(record), Some(c)) => {
                if record.len() != c.count {
                    return Err(format!(
                        "expected {} fields, found {}",
                        c.count,
                        record.len()
                    ));
                }
                let field = |i: usize, column: &str| {
                    std::str::from_utf8(&record[i]).map_err(|_| format!("{column} is not UTF-8"))
                };
                let optional = |i: Option<usize>, column: &str| match i {
                    Some(i) => field(i, column).map(|s| Some(s.trim()).filter(|s| !s.is_empty())),
                    None => Ok(None),
                };
                let status = field(c.status, "status")?;
                Ok(Row {
                    name: Cow::Borrowed(field(c.name, "name")?),
                    id_number: Cow::Borrowed(field(c.id_number, "id_number")?),
                    status: Status::from_name(status).ok_or_else(|| unknown_status(status))?,
                    decided_at: optional(c.decided_at, "decided_at")?
                        .map(|t| time::parse(t).map_err(|e| format!("bad decided_at: {e}")))
                        .transpose()?,
                    valid_hours: optional(c.valid_hours, "valid_hours")?
                        .map(|h| {
                            h.parse().map_err(|_| {
                                format!("bad valid_hours `{h}`: expected a whole number of hours")
                            })
                        })
                        .transpose()?,
                    replaces: optional(c.replaces, "replaces")?
                        .map(parse_replaces)
                        .transpose()?,
                })
            }
            (RawData::Json(line), _) => {
                // serde would also take an array for a struct; the format is objects.
                if line.trim_ascii_start().first() != Some(&b'{') {
                    return Err("not a JSON object".into());
                }
                let row: JsonRow = serde_json::from_slice(line).map_err(|e| {
                    format!("not a JSON object with name, id_number and status: {e}")
                })?;
                Ok(Row {
                    status: Status::from_name(&row.status)
                        .ok_or_else(|| unknown_status(&row.status))?,
                    decided_at: row
                        .decided_at
                        .map(|t| t.seconds().map_err(|e| format!("bad decided_at: {e}")))
                        .transpose()?,
                    valid_hours: row.valid_hours,
                    replaces: row.replaces.as_deref().map(parse_replaces).transpose()?,
                    name: Cow::Owned(row.name),
                    id_number: Cow::Owned(row.id_number),
                })
            }
            (RawData::Csv(_), None) => Err("internal: CSV row without a header".into()),
        }
    }
}

/// A person as a people file names them: what a refreshed credential needs again.
pub struct Person {
    /// Full name.
    pub name: String,
    /// ID-document number.
    pub id_number: String,
}

/// People by the line number `issue-batch` reports, and the lines that could not be read, with why.
pub type People = (HashMap<u64, Person>, Vec<(u64, String)>);

/// Every readable row of a people file (the input of `issue-batch`) by the
/// line number `issue-batch` reports, and the rows that could not be read.
pub fn people_by_line(path: &Path) -> Result<People, CliError> {
    let (mut source, columns, _) = Source::open(path)?;
    let (mut people, mut bad) = (HashMap::new(), Vec::new());
    loop {
        let mut rows = Vec::with_capacity(CHUNK_ROWS);
        source.fill(&mut rows, CHUNK_ROWS).map_err(|e| {
            CliError::input(format!("cannot read {}", path.display())).because_of(e)
        })?;
        if rows.is_empty() {
            return Ok((people, bad));
        }
        for raw in &rows {
            match raw.parse(columns.as_ref()) {
                Ok(row) => {
                    people.insert(
                        raw.line,
                        Person {
                            name: row.name.into_owned(),
                            id_number: row.id_number.into_owned(),
                        },
                    );
                }
                Err(why) => bad.push((raw.line, why)),
            }
        }
    }
}

/// Checks, signs and formats one row as its output line.
fn issue_row(
    ctx: &Context,
    columns: Option<&Columns>,
    raw: &RawRow,
    id: &[u8],
) -> Result<String, String> {
    let row = raw.parse(columns)?;
    let mut id_bytes = [0; ID_LEN];
    id_bytes.copy_from_slice(id);
    let subject = Subject {
        name: &row.name,
        id_number: &row.id_number,
        status: row.status,
        decided_at: row.decided_at.unwrap_or(ctx.now),
        not_before: ctx.now,
        valid_hours: row.valid_hours.unwrap_or(ctx.valid_hours),
    };
    let (credential, text) = sign_one(
        ctx.key,
        ctx.issuer,
        CredentialId(id_bytes),
        ctx.now,
        &subject,
    )?;
    let mut out = String::with_capacity(text.len() + 128);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{{\"line\": {}, \"id\": \"{}\", \"name\": ",
        raw.line, credential.id
    );
    push_json_string(&mut out, &credential.display_name);
    let _ = write!(
        out,
        ", \"status\": \"{}\", \"expires_at\": {}, \"text\": \"",
        credential.status, credential.expires_at
    );
    // Base45 text holds no character JSON must escape.
    out.push_str(&text);
    out.push('"');
    if let Some(old) = row.replaces {
        let _ = write!(out, ", \"replaces\": \"{old}\"");
    }
    out.push_str("}\n");
    Ok(out)
}

/// A progress bar on a terminal, nothing otherwise (logs and pipes stay clean).
fn progress_bar(total_bytes: u64) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total_bytes);
    if let Ok(style) =
        ProgressStyle::with_template("{wide_bar} {percent:>3}%  {msg}  [{elapsed}, eta {eta}]")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// One chunk of rows on its way through: read, then signed, then written.
struct Chunk {
    rows: Vec<RawRow>,
    results: Vec<Result<String, String>>,
    /// Input bytes consumed up to the end of this chunk, for the progress bar.
    position: u64,
}

impl Chunk {
    fn read(source: &mut Source, input: &Path) -> Result<Chunk, CliError> {
        let mut rows = Vec::with_capacity(CHUNK_ROWS);
        let position = source.fill(&mut rows, CHUNK_ROWS).map_err(|e| {
            CliError::input(format!("cannot read input {}", input.display())).because_of(e)
        })?;
        Ok(Chunk {
            rows,
            results: Vec::new(),
            position,
        })
    }

    /// Signs every row, in parallel; one OS random call gives all the ids.
    fn sign(&mut self, ctx: &Context, columns: Option<&Columns>) -> Result<(), CliError> {
        let mut ids = vec![0u8; self.rows.len() * ID_LEN];
        getrandom::fill(&mut ids)
            .map_err(|e| CliError::input("the OS random generator failed").because(&e))?;
        self.rows
            .par_iter()
            .zip(ids.par_chunks_exact(ID_LEN))
            .map(|(row, id)| issue_row(ctx, columns, row, id))
            .collect_into_vec(&mut self.results);
        Ok(())
    }
}

/// Where signed chunks go: the output file in order, bad rows to stderr.
struct Sink<'a> {
    out: BufWriter<File>,
    path: &'a Path,
    bar: Option<ProgressBar>,
    issued: u64,
    failed: u64,
}

impl Sink<'_> {
    fn write(&mut self, chunk: &Chunk) -> Result<(), CliError> {
        let mut problems = String::new();
        for (row, result) in chunk.rows.iter().zip(&chunk.results) {
            match result {
                Ok(line) => {
                    self.out.write_all(line.as_bytes()).map_err(|e| {
                        CliError::input(format!("cannot write output {}", self.path.display()))
                            .because(&e)
                    })?;
                    self.issued += 1;
                }
                Err(reason) => {
                    let _ = writeln!(problems, "line {}: {reason}", row.line);
                    self.failed += 1;
                }
            }
        }
        let print = || eprint!("{problems}");
        match &self.bar {
            Some(bar) => {
                if !problems.is_empty() {
                    bar.suspend(print);
                }
                bar.set_position(chunk.position);
                bar.set_message(format!("{} issued, {} failed", self.issued, self.failed));
            }
            None if !problems.is_empty() => print(),
            None => {}
        }
        Ok(())
    }
}

/// `codewallet issue-batch`.
pub fn run(args: &BatchArgs) -> CliResult {
    check_issuer(&args.issuer)?;
    let key = keyfile::read_secret(&args.key)?;
    let now = time::now_or(args.now);
    let (mut source, columns, total_bytes) = Source::open(&args.input)?;
    if let (Ok(input), Ok(output)) = (args.input.canonicalize(), args.output.canonicalize()) {
        if input == output {
            return Err(CliError::input(format!(
                "--output {} is the input file; choose another name",
                args.output.display()
            )));
        }
    }
    let out_file = File::create(&args.output).map_err(|e| {
        CliError::input(format!("cannot create output {}", args.output.display())).because(&e)
    })?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .map_err(|e| CliError::input("cannot start worker threads").because(&e))?;
    let ctx = Context {
        key: &key,
        issuer: &args.issuer,
        now,
        valid_hours: args.valid_hours,
    };
    let mut sink = Sink {
        out: BufWriter::with_capacity(1 << 20, out_file),
        path: &args.output,
        bar: progress_bar(total_bytes),
        issued: 0,
        failed: 0,
    };
    let started = Instant::now();
    // A three-stage pipeline: while chunk k is signed, chunk k+1 is read and
    // chunk k-1 written, so no core waits for the file system.
    pool.install(|| -> Result<(), CliError> {
        let mut current = Chunk::read(&mut source, &args.input)?;
        let mut signed: Option<Chunk> = None;
        while !current.rows.is_empty() {
            let (sign, (next, write)) = rayon::join(
                || current.sign(&ctx, columns.as_ref()),
                || {
                    rayon::join(
                        || Chunk::read(&mut source, &args.input),
                        || signed.take().map_or(Ok(()), |chunk| sink.write(&chunk)),
                    )
                },
            );
            sign?;
            write?;
            signed = Some(std::mem::replace(&mut current, next?));
        }
        signed.map_or(Ok(()), |chunk| sink.write(&chunk))
    })?;
    sink.out.flush().map_err(|e| {
        CliError::input(format!("cannot write output {}", args.output.display())).because(&e)
    })?;
    if let Some(bar) = &sink.bar {
        bar.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        sink.issued as f64 / secs
    } else {
        0.0
    };
    eprintln!(
        "issued {} credentials, {} rows failed, in {secs:.2} s ({rate:.0} per second)",
        sink.issued, sink.failed
    );
    Ok(if sink.failed > 0 {
        ExitCode::from(EXIT_REFUSED)
    } else {
        ExitCode::SUCCESS
    })
}
