//! `codewallet serve`: a static file server for the pages, for demos and local testing.
//!
//! It serves files under one directory and nothing else, with the security
//! headers the pages are written for. Production can use any static host that
//! sends the same headers.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use tiny_http::{Header, Method, Request, Response, ResponseBox, Server};

use crate::error::{CliError, CliResult, print_stdout};

/// The policy the pages are written for: everything from this origin, no inline
/// script or style, wasm compilation allowed, camera frames via blob: URLs.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
frame-ancestors 'self'";

/// Worker threads answering requests; a page loads a handful of files at once.
const WORKERS: usize = 4;

/// Arguments of `codewallet serve`.
#[derive(Args)]
#[command(after_help = "\
Runs until stopped. Paths containing `..` are refused (403), unknown files are 404,
a directory serves its index.html.")]
pub struct ServeArgs {
    /// Directory to serve
    #[arg(long, default_value = "www", value_name = "DIR")]
    dir: PathBuf,
    /// Address and port to listen on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    addr: String,
}

/// `codewallet serve`.
pub fn run(args: &ServeArgs) -> CliResult {
    let root = args
        .dir
        .canonicalize()
        .map_err(|e| CliError::input(format!("cannot serve {}", args.dir.display())).because(&e))?;
    if !root.is_dir() {
        return Err(CliError::input(format!(
            "cannot serve {}: not a directory",
            args.dir.display()
        )));
    }
    let server = Server::http(&args.addr)
        .map_err(|e| CliError::input(format!("cannot listen on {}", args.addr)).because_of(e))?;
    print_stdout(&format!(
        "serving {} on http://{}/\n",
        args.dir.display(),
        args.addr
    ))?;
    let server = Arc::new(server);
    let root = Arc::new(root);
    let workers: Vec<_> = (1..WORKERS)
        .map(|_| {
            let (server, root) = (Arc::clone(&server), Arc::clone(&root));
            std::thread::spawn(move || answer_requests(&server, &root))
        })
        .collect();
    answer_requests(&server, &root);
    for worker in workers {
        let _ = worker.join();
    }
    Ok(ExitCode::SUCCESS)
}

fn answer_requests(server: &Server, root: &Path) {
    while let Ok(request) = server.recv() {
        answer(root, request);
    }
}

fn answer(root: &Path, request: Request) {
    let response = respond(root, request.method(), request.url());
    eprintln!(
        "{} {} {}",
        request.method(),
        request.url(),
        response.status_code().0
    );
    // A client that hung up needs no answer.
    let _ = request.respond(with_security_headers(response));
}

/// The response to `method url`, security headers not yet added.
fn respond(root: &Path, method: &Method, url: &str) -> ResponseBox {
    if !matches!(method, Method::Get | Method::Head) {
        return text_response(405, "method not allowed");
    }
    let path = match resolve(root, url) {
        Ok(Resolved::File(path)) => path,
        Ok(Resolved::Directory) => {
            // Relative links in index.html need the trailing slash.
            let mut response = text_response(301, "moved");
            let location = format!("{}/", url.split(['?', '#']).next().unwrap_or(url));
            if let Ok(h) = Header::from_bytes("Location", location.as_bytes()) {
                response.add_header(h);
            }
            return response;
        }
        Err(code) => {
            let reason = if code == 403 {
                "forbidden"
            } else {
                "not found"
            };
            return text_response(code, reason);
        }
    };
    match File::open(&path) {
        Ok(file) => {
            let mut response = Response::from_file(file).boxed();
            if let Ok(h) = Header::from_bytes("Content-Type", content_type(&path)) {
                response.add_header(h);
            }
            response
        }
        Err(_) => text_response(404, "not found"),
    }
}

enum Resolved {
    File(PathBuf),
    /// A directory asked for without the trailing slash.
    Directory,
}

/// Maps a URL path to a file under `root`, or to an HTTP status code.
fn resolve(root: &Path, url: &str) -> Result<Resolved, u16> {
    let raw = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(raw).ok_or(400u16)?;
    let rest = decoded.strip_prefix('/').ok_or(400u16)?;
    let mut path = root.to_path_buf();
    for segment in rest.split('/') {
        match segment {
            ".." => return Err(403),
            "" | "." => {}
            s if s.contains('\\') || s.contains('\0') => return Err(403),
            s => path.push(s),
        }
    }
    if path.is_dir() {
        if !raw.ends_with('/') {
            return Ok(Resolved::Directory);
        }
        path.push("index.html");
    }
    // Symbolic links must not lead out of the served directory.
    let real = path.canonicalize().map_err(|_| 404u16)?;
    if !real.starts_with(root) {
        return Err(403);
    }
    if !real.is_file() {
        return Err(404);
    }
    Ok(Resolved::File(real))
}

/// Decodes `%XX` escapes; `None` for a malformed escape or non-UTF-8 result.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file, by extension.
fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("webmanifest") => "application/manifest+json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream", // .cwl and anything unknown
    }
}

fn text_response(code: u16, body: &str) -> ResponseBox {
    let mut response = Response::from_string(format!("{code} {body}\n"))
        .with_status_code(code)
        .boxed();
    if let Ok(h) = Header::from_bytes("Content-Type", "text/plain; charset=utf-8") {
        response.add_header(h);
    }
    response
}

fn with_security_headers(mut response: ResponseBox) -> ResponseBox {
    for (name, value) in [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-cache"),
    ] {
        if let Ok(h) = Header::from_bytes(name, value) {
            response.add_header(h);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        let check = |text: &str, expected: Option<&str>| {
            assert_eq!(percent_decode(text).as_deref(), expected, "{text}");
        };
        check("/a%20b", Some("/a b"));
        check("/%2e%2E/x", Some("/../x"));
        check("/%zz", None);
        check("/%4", None);
        check("/%ff", None);
    }
}
