//! Request targets as proxies and web servers log them, split into host, path and query.
//!
//! A forward proxy logs absolute URLs (`https://login.microsoftonline.com/common/GetCredentialType`),
//! or `host:port` for a `CONNECT` tunnel it could not look into; a web server logs the path
//! only (`/autodiscover/autodiscover.xml?x=1`). Detections match on host and path, so every
//! spelling is split the same way. Hosts are case-folded (DNS names are case-insensitive);
//! paths and queries stay as logged.

/// The parts of a logged request target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target<'a> {
    /// Host name or address, without user info, port or IPv6 brackets.
    pub host: Option<&'a str>,
    /// Path, as logged.
    pub path: Option<&'a str>,
    /// Query without `?`, as logged.
    pub query: Option<&'a str>,
}

impl<'a> Target<'a> {
    /// Splits a logged URL: absolute (`scheme://host[:port]/path?query`), origin form
    /// (`/path?query`) or authority form (`host:443`, as `CONNECT` logs it).
    pub fn parse(url: &'a str) -> Self {
        let url = url.trim();
        if url.is_empty() || url == "-" {
            return Self::default();
        }
        if let Some((_, rest)) = url.split_once("://") {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, rest) = rest.split_at(end);
            let (path, query) = path_and_query(rest);
            return Self {
                host: host_of(authority),
                path: Some(path.unwrap_or("/")),
                query,
            };
        }
        if url.starts_with('/') || url == "*" {
            let (path, query) = path_and_query(url);
            return Self {
                host: None,
                path,
                query,
            };
        }
        Self {
            host: host_of(url),
            path: None,
            query: None,
        }
    }
}

/// Splits `/path?query#fragment`; the fragment is dropped, an empty query is none.
fn path_and_query(text: &str) -> (Option<&str>, Option<&str>) {
    let text = text.split_once('#').map_or(text, |(before, _)| before);
    let (path, query) = match text.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (text, None),
    };
    (
        Some(path).filter(|path| !path.is_empty()),
        query.filter(|query| !query.is_empty()),
    )
}

/// The host of an authority (`user@host:port`, `[v6]:port`, `host`).
pub fn host_of(authority: &str) -> Option<&str> {
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split_once(']').map_or(rest, |(host, _)| host)
    } else if authority.matches(':').count() == 1 {
        authority
            .split_once(':')
            .map_or(authority, |(host, _)| host)
    } else {
        authority
    };
    Some(host).filter(|host| !host.is_empty() && *host != "-")
}

/// A host, case-folded.
pub fn folded_host(host: Option<&str>) -> Option<String> {
    host.map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (Option<&str>, Option<&str>, Option<&str>) {
        let target = Target::parse(url);
        (target.host, target.path, target.query)
    }

    #[test]
    fn absolute_urls() {
        assert_eq!(
            parts("https://login.microsoftonline.com/common/GetCredentialType"),
            (
                Some("login.microsoftonline.com"),
                Some("/common/GetCredentialType"),
                None
            )
        );
        assert_eq!(
            parts("https://crt.sh/?q=%25.contoso.com&output=json#top"),
            (
                Some("crt.sh"),
                Some("/"),
                Some("q=%25.contoso.com&output=json")
            )
        );
        assert_eq!(
            parts("http://user:pw@[2001:db8::5]:8080?x=1"),
            (Some("2001:db8::5"), Some("/"), Some("x=1"))
        );
        assert_eq!(
            parts("https://mail.contoso.com:443"),
            (Some("mail.contoso.com"), Some("/"), None)
        );
    }

    #[test]
    fn origin_and_authority_forms() {
        assert_eq!(
            parts("/autodiscover/autodiscover.json?Email=a%40b.com&Protocol=EWS"),
            (
                None,
                Some("/autodiscover/autodiscover.json"),
                Some("Email=a%40b.com&Protocol=EWS")
            )
        );
        assert_eq!(
            parts("login.microsoftonline.com:443"),
            (Some("login.microsoftonline.com"), None, None)
        );
        assert_eq!(
            parts("[2001:db8::5]:443"),
            (Some("2001:db8::5"), None, None)
        );
        assert_eq!(parts("/x?"), (None, Some("/x"), None));
        assert_eq!(parts("-"), (None, None, None));
    }
}
