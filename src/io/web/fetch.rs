//! Fetching one web page (File → Open URL, `sorot init --url`): one GET
//! over HTTPS or HTTP, no sub-resources, no cookies, no scripts, with
//! timeouts, a size limit and few redirects. The page is kept on disk as
//! the archive copy its annotations refer to.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ureq::ResponseExt;

use crate::model::{Fetch, Timestamp};

/// Limits of one fetch.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The whole exchange, connecting to the last byte.
    pub timeout: Duration,
    pub max_bytes: u64,
    pub max_redirects: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { timeout: Duration::from_secs(30), max_bytes: 16 * 1024 * 1024, max_redirects: 5 }
    }
}

/// A fetched page.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub fetch: Fetch,
}

/// Why a page could not be fetched, in the analyst's words.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("{0:?} is not a web address (it should start with https:// or http://)")]
    NotAnAddress(String),
    #[error("{host} cannot be reached: check the internet connection (or the address)")]
    Unreachable { host: String },
    #[error("{host} did not answer within {secs} seconds")]
    TimedOut { host: String, secs: u64 },
    #[error("the site answered {status}: {meaning}")]
    Status { status: u16, meaning: &'static str },
    #[error("the page is larger than {max} MB; Sorot fetches pages up to that size", max = .max / (1024 * 1024))]
    TooLarge { max: u64 },
    #[error("the site redirected more than {0} times")]
    TooManyRedirects(u32),
    #[error("the address gives {0}, not a web page; download it and open the file instead")]
    NotAPage(String),
    #[error("the secure connection failed ({0})")]
    Tls(String),
    #[error("the page could not be fetched ({0})")]
    Other(String),
}

fn host_of(url: &str) -> String {
    url.split("://").nth(1).and_then(|rest| rest.split(['/', '?', '#']).next()).unwrap_or(url).to_owned()
}

fn meaning(status: u16) -> &'static str {
    match status {
        401 | 403 => "the page is not public (a login or paywall)",
        404 | 410 => "there is no page at this address",
        429 => "too many requests; try again later",
        500..=599 => "the site has a problem; try again later",
        _ => "the page could not be fetched",
    }
}

/// Fetches `url`.
pub fn fetch(url: &str, limits: Limits) -> Result<Fetched, FetchError> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) || host_of(url).is_empty() {
        return Err(FetchError::NotAnAddress(url.to_owned()));
    }
    let host = host_of(url);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .max_redirects(limits.max_redirects)
        .http_status_as_error(false)
        .user_agent(concat!("Sorot/", env!("CARGO_PKG_VERSION"), " (annotation tool; one page, no crawling)"))
        .build()
        .into();
    let map_err = |e: ureq::Error| match e {
        ureq::Error::BadUri(_) => FetchError::NotAnAddress(url.to_owned()),
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => FetchError::Unreachable { host: host.clone() },
        ureq::Error::Timeout(_) => FetchError::TimedOut { host: host.clone(), secs: limits.timeout.as_secs() },
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge { max: limits.max_bytes },
        ureq::Error::TooManyRedirects => FetchError::TooManyRedirects(limits.max_redirects),
        ureq::Error::Tls(m) => FetchError::Tls(m.to_owned()),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            FetchError::Unreachable { host: host.clone() }
        }
        other => FetchError::Other(other.to_string()),
    };
    let mut response = agent.get(url).header("Accept", "text/html,application/xhtml+xml").call().map_err(map_err)?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(FetchError::Status { status, meaning: meaning(status) });
    }
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !(kind.is_empty() || kind.contains("html") || kind == "text/plain") {
        return Err(FetchError::NotAPage(kind));
    }
    if response.body().content_length().is_some_and(|n| n > limits.max_bytes) {
        return Err(FetchError::TooLarge { max: limits.max_bytes });
    }
    let final_url = response.get_uri().to_string();
    let bytes = response.body_mut().with_config().limit(limits.max_bytes).read_to_vec().map_err(map_err)?;
    Ok(Fetched { bytes, fetch: Fetch { url: url.to_owned(), final_url, retrieved: Timestamp::now() } })
}

/// A file name for the page in `dir` that names no existing file: the
/// address's last path segment, else its host (`rusia-korut.html`,
/// `rusia-korut-2.html`, …).
pub fn archive_path(dir: &Path, final_url: &str) -> PathBuf {
    let rest = final_url.split("://").nth(1).unwrap_or(final_url);
    let path = rest.split(['?', '#']).next().unwrap_or(rest);
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let last = last.strip_suffix(".html").or_else(|| last.strip_suffix(".htm")).unwrap_or(last);
    let slug: String = last
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(80).collect();
    let stem = if slug.is_empty() { "page".to_owned() } else { slug };
    let taken = |p: &Path| p.exists() || crate::io::default_annotation_path(p, None).exists();
    let mut candidate = dir.join(format!("{stem}.html"));
    let mut n = 2;
    while taken(&candidate) {
        candidate = dir.join(format!("{stem}-{n}.html"));
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_come_from_the_address_and_never_replace_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = archive_path(dir.path(), "https://warta.example/dunia/rusia-korut?utm=x#top");
        assert_eq!(a.file_name().unwrap(), "rusia-korut.html");
        std::fs::write(&a, "x").unwrap();
        assert_eq!(
            archive_path(dir.path(), "https://warta.example/dunia/rusia-korut").file_name().unwrap(),
            "rusia-korut-2.html"
        );
        assert_eq!(archive_path(dir.path(), "https://warta.example/").file_name().unwrap(), "warta-example.html");
        assert_eq!(
            archive_path(dir.path(), "https://x.example/a/Berita%20Hari%20Ini.html").file_name().unwrap(),
            "Berita-20Hari-20Ini.html"
        );
    }

    #[test]
    fn what_is_not_an_address_is_said_so() {
        for bad in ["warta.example/berita", "ftp://x.example/a", "https://", ""] {
            assert!(matches!(fetch(bad, Limits::default()), Err(FetchError::NotAnAddress(_))), "{bad}");
        }
    }
}
