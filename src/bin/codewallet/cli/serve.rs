//! `codewallet serve`: a static file server for the pages, for demos and local testing.
//!
//! It serves files under one directory and nothing else, with the security
//! headers the pages are written for. Production can use any static host that
//! sends the same headers.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;

use crate::cli::error::{CliError, CliResult, print_stdout};

/// The policy the pages are written for: everything from this origin, no inline
/// script or style, wasm compilation allowed, camera frames via blob: URLs.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
frame-ancestors 'self'";

/// The policy sent, with the origins `--connect-src` adds; set once at start.
static POLICY: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The policy with `origins` (the object store) allowed in `connect-src` too.
pub fn policy_with(origins: &[String]) -> String {
    let mut connect = String::from("connect-src 'self'");
    for origin in origins {
        connect.push(' ');
        connect.push_str(origin);
    }
    CONTENT_SECURITY_POLICY.replace("connect-src 'self'", &connect)
}

/// Whether `origin` is `http(s)://host[:port]` and nothing else (no path, no
/// wildcard, nothing that could end the directive).
fn valid_origin(origin: &str) -> bool {
    let host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    host.is_some_and(|h| {
        !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
    })
}

/// The most bytes of request head read before giving up on a client.
const MAX_HEAD: usize = 16 * 1024;
/// Connections served at once, one thread each. Further ones wait in the
/// listen queue until a thread is free, so idle clients cannot pile up threads.
const MAX_CONNECTIONS: usize = 64;
/// From accepting a connection to the end of its request head: a client that
/// trickles its request is answered 408 and dropped.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// From the end of the request head to the end of the response: a client that
/// reads slowly is dropped.
const RESPONSE_DEADLINE: Duration = Duration::from_secs(60);
/// Time given to send the 408 to a client that ran out of time.
const LATE_ANSWER: Duration = Duration::from_secs(1);

/// Arguments of `codewallet serve`.
#[derive(Args)]
#[command(after_help = "\
Runs until stopped. Paths containing `..` are refused (403), unknown files are 404,
a directory serves its index.html. One request per connection; at most 64
connections are served at once (more wait to be accepted). A request head must
arrive within 10 s of connecting (else 408), and a response must be read within 60 s.")]
pub struct ServeArgs {
    /// Directory to serve
    #[arg(long, default_value = "www", value_name = "DIR")]
    dir: PathBuf,
    /// Address and port to listen on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    addr: String,
    /// An origin the pages may also connect to (the object store); repeat for several
    #[arg(long = "connect-src", value_name = "ORIGIN")]
    connect_src: Vec<String>,
    /// Deadline for the request head in milliseconds (for tests)
    #[arg(long, hide = true, value_name = "MS")]
    head_deadline_ms: Option<u64>,
    /// Deadline for the response in milliseconds (for tests)
    #[arg(long, hide = true, value_name = "MS")]
    response_deadline_ms: Option<u64>,
}

/// How long a connection may take, per phase.
#[derive(Clone, Copy)]
struct Deadlines {
    head: Duration,
    response: Duration,
}

/// `codewallet serve`.
///
/// A fixed pool of threads, each accepting and answering one connection at a
/// time, and one request per connection (`Connection: close`): no keep-alive
/// state to get wrong, which is all a local server for a handful of static
/// files needs. `httparse` reads the request head.
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
    if let Some(bad) = args.connect_src.iter().find(|o| !valid_origin(o)) {
        return Err(CliError::usage(format!(
            "--connect-src {bad}: an origin is http(s)://host[:port]"
        )));
    }
    // Set once, before any thread answers.
    let _ = POLICY.set(policy_with(&args.connect_src));
    let listener = TcpListener::bind(&args.addr)
        .map_err(|e| CliError::input(format!("cannot listen on {}", args.addr)).because(&e))?;
    print_stdout(&format!(
        "serving {} on http://{}/\n",
        args.dir.display(),
        args.addr
    ))?;
    let deadlines = Deadlines {
        head: args
            .head_deadline_ms
            .map_or(HEAD_DEADLINE, Duration::from_millis),
        response: args
            .response_deadline_ms
            .map_or(RESPONSE_DEADLINE, Duration::from_millis),
    };
    let root = Arc::new(root);
    let mut workers = Vec::with_capacity(MAX_CONNECTIONS);
    for _ in 0..MAX_CONNECTIONS {
        let listener = listener
            .try_clone()
            .map_err(|e| CliError::input("cannot share the listening socket").because(&e))?;
        let root = Arc::clone(&root);
        let worker = std::thread::Builder::new()
            .spawn(move || serve_forever(&listener, &root, deadlines))
            .map_err(|e| CliError::input("cannot start a server thread").because(&e))?;
        workers.push(worker);
    }
    for worker in workers {
        // Workers run until the process ends.
        let _ = worker.join();
    }
    Ok(ExitCode::SUCCESS)
}

/// One worker: accepts a connection, answers it, and takes the next.
fn serve_forever(listener: &TcpListener, root: &Path, deadlines: Deadlines) {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                // A client that hung up or ran out of time needs no answer; a
                // panic must not take the worker with it.
                let _ =
                    std::panic::catch_unwind(AssertUnwindSafe(|| answer(root, &stream, deadlines)));
            }
            // Out of file descriptors, say: wait for some to be closed.
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// A connection whose reads and writes all end by one deadline.
struct Timed<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Timed<'_> {
    /// The time left, or a timeout error once there is none.
    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        Ok(left)
    }
}

impl Read for Timed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        self.stream.read(buf)
    }
}

impl Write for Timed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether an I/O error is a socket timeout (`WouldBlock` on Unix) or our deadline.
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// A response before the security headers are added.
struct Response {
    status: u16,
    content_type: &'static str,
    body: Body,
    location: Option<String>,
}

enum Body {
    File(File, u64),
    Text(String),
}

fn answer(root: &Path, stream: &TcpStream, deadlines: Deadlines) -> io::Result<()> {
    let mut head_in = Timed {
        stream,
        deadline: Instant::now() + deadlines.head,
    };
    let head = match read_head(&mut head_in) {
        Err(e) if is_timeout(&e) => {
            eprintln!("- - 408");
            let mut out = Timed {
                stream,
                deadline: Instant::now() + LATE_ANSWER,
            };
            return write_response(&mut out, &text_response(408, "request timeout"), false);
        }
        head => head?,
    };
    let (method, path) = head.unwrap_or_default();
    let response = if method.is_empty() {
        text_response(400, "bad request")
    } else {
        respond(root, &method, &path)
    };
    eprintln!("{method} {path} {}", response.status);
    let mut out = Timed {
        stream,
        deadline: Instant::now() + deadlines.response,
    };
    write_response(&mut out, &response, method == "HEAD")
}

/// Reads the request head; `None` if it is not a valid HTTP/1.x request.
fn read_head(stream: &mut impl Read) -> io::Result<Option<(String, String)>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0; 1024];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                let method = request.method.unwrap_or_default().to_owned();
                let path = request.path.unwrap_or_default().to_owned();
                return Ok(Some((method, path)));
            }
            Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => continue,
            _ => return Ok(None),
        }
    }
}

fn write_response(stream: &mut impl Write, response: &Response, head_only: bool) -> io::Result<()> {
    let mut out = BufWriter::new(stream);
    let length = match &response.body {
        Body::File(_, len) => *len,
        Body::Text(text) => text.len() as u64,
    };
    let policy = POLICY.get().map_or(CONTENT_SECURITY_POLICY, String::as_str);
    write!(
        out,
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {length}\r\n\
         Content-Security-Policy: {policy}\r\n\
         X-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.content_type,
    )?;
    if let Some(location) = &response.location {
        write!(out, "Location: {location}\r\n")?;
    }
    out.write_all(b"\r\n")?;
    if !head_only {
        match &response.body {
            Body::File(file, _) => {
                io::copy(&mut file.take(length), &mut out)?;
            }
            Body::Text(text) => out.write_all(text.as_bytes())?,
        }
    }
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        _ => "",
    }
}

/// The response to `method url`, security headers not yet added.
fn respond(root: &Path, method: &str, url: &str) -> Response {
    if !matches!(method, "GET" | "HEAD") {
        return text_response(405, "method not allowed");
    }
    let path = match resolve(root, url) {
        Ok(Resolved::File(path)) => path,
        Ok(Resolved::Directory) => {
            // Relative links in index.html need the trailing slash.
            let mut response = text_response(301, "moved");
            response.location = Some(format!("{}/", url.split(['?', '#']).next().unwrap_or(url)));
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
    match File::open(&path).and_then(|f| Ok((f.metadata()?.len(), f))) {
        Ok((len, file)) => Response {
            status: 200,
            content_type: content_type(&path),
            body: Body::File(file, len),
            location: None,
        },
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

fn text_response(status: u16, body: &str) -> Response {
    Response {
        status,
        content_type: "text/plain; charset=utf-8",
        body: Body::Text(format!("{status} {body}\n")),
        location: None,
    }
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

    #[test]
    fn the_store_origin_joins_connect_src_and_nothing_else() {
        let policy = policy_with(&["http://127.0.0.1:3900".to_owned()]);
        assert!(policy.contains("connect-src 'self' http://127.0.0.1:3900;"));
        assert_eq!(
            policy.replace(" http://127.0.0.1:3900", ""),
            CONTENT_SECURITY_POLICY
        );
        assert_eq!(policy_with(&[]), CONTENT_SECURITY_POLICY);
        assert!(valid_origin("https://s3.example.org"));
        assert!(valid_origin("http://[::1]:3900"));
        for bad in [
            "*",
            "https://",
            "https://a/b",
            "https://a; script-src *",
            "ftp://a",
        ] {
            assert!(!valid_origin(bad), "{bad}");
        }
    }
}
