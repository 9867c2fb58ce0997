//! The one error type of the CLI: a message, its causes and an exit code.
//!
//! Library errors are typed; this is the edge where they become words for a
//! person and a number for a script (see the exit codes in `--help`).

use std::fmt::Display;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Exit code of a negative answer: a refused credential, failed batch rows.
pub const EXIT_REFUSED: u8 = 1;
/// Exit code of a usage error (the same as clap's).
pub const EXIT_USAGE: u8 = 2;
/// Exit code of bad input: files, keys, configs, trust lists, refusal to overwrite.
pub const EXIT_BAD_INPUT: u8 = 3;

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
