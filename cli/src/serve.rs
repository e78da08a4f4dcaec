//! `mailhound serve`: a static file server for the web page, on the loopback interface only.
//!
//! The page does all its work in the browser; this server only hands out its files. It
//! answers GET and HEAD for files under the served folder and nothing else.

use anyhow::{Context, Result, anyhow};
use clap::Args;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use tiny_http::{Header, Method, Response, Server};

/// The page's policy, also sent as a header because a `<meta>` policy does not cover the
/// page's Web Worker: nothing but the page's own files may be fetched.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'";

/// Arguments of `mailhound serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder holding the page (index.html, pkg/ with the WASM build).
    #[arg(long, default_value = "www")]
    dir: PathBuf,
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
}

/// Serves until interrupted.
pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    let root = args
        .dir
        .canonicalize()
        .with_context(|| format!("cannot serve {}", args.dir.display()))?;
    if !root.join("pkg").is_dir() {
        eprintln!(
            "mailhound: warning: {} has no pkg/ folder; build it with ./scripts/build-wasm.sh",
            root.display()
        );
    }
    let server =
        Server::http(("127.0.0.1", args.port)).map_err(|e| anyhow!("cannot listen: {e}"))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| anyhow!("not listening on an IP address"))?;
    println!("serving {} at http://{address}/", root.display());
    for request in server.incoming_requests() {
        let response = respond(&root, request.method(), request.url());
        // A client that went away is not the server's problem.
        let _ = request.respond(response);
    }
    Ok(ExitCode::SUCCESS)
}

fn respond(root: &Path, method: &Method, url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    if !matches!(method, Method::Get | Method::Head) {
        return Response::from_string("method not allowed").with_status_code(405);
    }
    let Some(path) = resolve(root, url) else {
        return Response::from_string("not found").with_status_code(404);
    };
    match std::fs::read(&path) {
        Ok(bytes) => Response::from_data(bytes)
            .with_header(header("Content-Type", content_type(&path)))
            .with_header(header("Cache-Control", "no-cache"))
            .with_header(header("X-Content-Type-Options", "nosniff"))
            .with_header(header("Content-Security-Policy", CONTENT_SECURITY_POLICY)),
        Err(_) => Response::from_string("not found").with_status_code(404),
    }
}

/// Maps a URL path to a file under `root`, refusing anything that climbs out of it.
fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut resolved = root.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => resolved.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if resolved.is_dir() {
        resolved.push("index.html");
    }
    resolved.is_file().then_some(resolved)
}

fn header(name: &'static str, value: &'static str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values here are ASCII literals")
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ts") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_climb_out_of_the_root() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(resolve(root, "/../Cargo.toml").is_none());
        assert!(resolve(root, "/src/../../Cargo.toml").is_none());
        assert_eq!(
            resolve(root, "/Cargo.toml?x=1"),
            Some(root.join("Cargo.toml"))
        );
        assert!(resolve(root, "/missing.html").is_none());
    }

    #[test]
    fn wasm_has_its_mime_type() {
        assert_eq!(content_type(Path::new("a/b.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("worker.js")),
            "text/javascript; charset=utf-8"
        );
    }
}
