//! The issuer's command-line tool; see `codewallet --help`.
//!
//! A thin shell over the library: it reads files, the clock and the OS random
//! generator, calls the library, and turns typed errors into one message and a
//! documented exit code. No format or crypto logic lives here.

// The CLI reads files, the clock and the OS random generator: native only.
#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
