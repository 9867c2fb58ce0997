//! The one error type of the CLI: a message, its causes and an exit code.
//!
//! Library errors are typed; this is the edge where they become words for a
//! person and a number for a script (see the exit codes in `--help`).

use std::fmt::Display;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit code of a negative answer: a refused credential, failed batch rows.
pub const EXIT_REFUSED: u8 = 1;
/// Exit code of a usage error (the same as clap's).
pub const EXIT_USAGE: u8 = 2;
/// Exit code of bad input: files, keys, configs, trust lists, refusal to overwrite.
pub const EXIT_BAD_INPUT: u8 = 3;
/// Exit code of an object store that could not be reached or refused a request:
/// worth retrying later, unlike bad input.
pub const EXIT_STORE: u8 = 4;

/// A failed command: printed as `error: <message>` plus `  caused by: <cause>` lines.
#[derive(Debug)]
pub struct CliError {
    code: u8,
    message: String,
    causes: Vec<String>,
}

/// The result of a command: the exit code to end with, or an error.
pub type CliResult = Result<ExitCode, CliError>;

impl CliError {
    /// Bad input (exit code 3).
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_BAD_INPUT,
            message: message.into(),
            causes: Vec::new(),
        }
    }

    /// The object store failed (exit code 4).
    pub fn store(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_STORE,
            message: message.into(),
            causes: Vec::new(),
        }
    }

    /// A usage error clap cannot see, such as an option combination (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_USAGE,
            message: message.into(),
            causes: Vec::new(),
        }
    }

    /// Adds `cause` and its chain of sources as `caused by` lines.
    pub fn because(mut self, cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut next = Some(cause);
        while let Some(e) = next {
            let text = e.to_string();
            // Some errors repeat their source in their own message; say it once.
            if !self.causes.last().is_some_and(|last| last.contains(&text)) {
                self.causes.push(text);
            }
            next = e.source();
        }
        self
    }

    /// Adds one `caused by` line.
    pub fn because_of(mut self, cause: impl Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    /// The message and its causes on one line, to nest inside another message.
    pub fn summary(&self) -> String {
        let mut text = self.message.clone();
        for cause in &self.causes {
            text.push_str(": ");
            text.push_str(cause);
        }
        text
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }

    /// Writes the error to stderr.
    pub fn print(&self) {
        let mut err = std::io::stderr().lock();
        // Nothing sensible is left to do if stderr itself fails.
        let _ = writeln!(err, "error: {}", self.message);
        for cause in &self.causes {
            let _ = writeln!(err, "  caused by: {cause}");
        }
    }
}

/// Reads a whole file, with the path in the error.
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path)
        .map_err(|e| CliError::input(format!("cannot read {what} {}", path.display())).because(&e))
}

/// Reads a whole UTF-8 text file, with the path in the error.
pub fn read_text(path: &Path, what: &str) -> Result<String, CliError> {
    let bytes = read_file(path, what)?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::input(format!("{what} {} is not UTF-8 text", path.display())))
}

/// Writes a whole file, with the path in the error.
pub fn write_file(path: &Path, what: &str, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes)
        .map_err(|e| CliError::input(format!("cannot write {what} {}", path.display())).because(&e))
}

/// A file written beside its destination under a temporary name; [`commit`](Staged::commit)
/// renames it into place, so a reader sees the old file or the new one, never half of one.
/// Dropped uncommitted, the temporary file is removed.
pub struct Staged {
    tmp: PathBuf,
    path: PathBuf,
    what: &'static str,
    committed: bool,
}

/// Writes `bytes` to a temporary file beside `path`, to be committed later.
pub fn stage_file(path: &Path, what: &'static str, bytes: &[u8]) -> Result<Staged, CliError> {
    let cannot = |e: &std::io::Error| {
        CliError::input(format!("cannot write {what} {}", path.display())).because(e)
    };
    let name = path.file_name().ok_or_else(|| {
        CliError::input(format!(
            "cannot write {what} {}: not a file name",
            path.display()
        ))
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let staged = Staged {
        tmp: path.with_file_name(tmp_name),
        path: path.to_path_buf(),
        what,
        committed: false,
    };
    let written = std::fs::File::create(&staged.tmp)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()));
    written.map_err(|e| cannot(&e))?;
    Ok(staged)
}

impl Staged {
    /// Puts the file in place.
    pub fn commit(mut self) -> Result<(), CliError> {
        std::fs::rename(&self.tmp, &self.path).map_err(|e| {
            CliError::input(format!(
                "cannot write {} {}",
                self.what,
                self.path.display()
            ))
            .because(&e)
        })?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: a leftover temporary file harms nothing but tidiness.
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Replaces a file in one step (a temporary file renamed over it).
pub fn write_atomic(path: &Path, what: &'static str, bytes: &[u8]) -> Result<(), CliError> {
    stage_file(path, what, bytes)?.commit()
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error worth a message.
pub fn print_stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::input("cannot write to standard output").because(&e))
        }
        _ => Ok(()),
    }
}
