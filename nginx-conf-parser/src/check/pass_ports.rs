//! `no port in upstream "php82"`: `fastcgi_pass php82;` names an upstream block, or a
//! host with a port. With no `upstream php82` in `http` (a typo, or the file that
//! defines it not included), nginx makes an implicit upstream of the bare name, finds
//! no port at start and refuses the whole configuration. The same for the other
//! passes with no default port (scgi, uwsgi, memcached, grpc); `proxy_pass` has 80.
//! Checked against nginx 1.22 `-t` for each of them, an IP, `[::1]` and `localhost`.
//!
//! `host not found in upstream "<PHP_SOCKET>"`: a host no name server can hold (an
//! installer's placeholder left in, webdevops' `server <PHP_SOCKET>;`) fails at start
//! whatever the network; nginx 1.22 `-t` says so for an upstream `server` and a pass.

use foldhash::HashSet;

use lint_source::Diagnostic;

use super::codes::INVALID_VALUE;
use crate::config::Item;

/// Directives whose address has no default port, and the URL schemes they accept.
const PASSES: &[(&str, &[&str])] = &[
    ("fastcgi_pass", &[]),
    ("scgi_pass", &[]),
    ("uwsgi_pass", &["uwsgi://", "suwsgi://"]),
    ("memcached_pass", &[]),
    ("grpc_pass", &["grpc://", "grpcs://"]),
];

/// What one walk of an `http` block gathers: its upstream names and the passes without
/// a port, judged when the walk ends (an upstream may follow its use). Fed by the walk
/// of [`super::log_formats`]: a walk of its own spliced every included site once more
/// (the load checks' splice count is a tested budget).
#[derive(Default)]
pub(super) struct Passes {
    /// Upstream names, lower-cased (nginx compares them case-insensitively).
    upstreams: HashSet<String>,
    /// Passes naming a host without a port, with the host as written.
    portless: Vec<(lint_source::Span, String)>,
    /// Hosts no name can be: (span, host, a character that rules it out).
    impossible: Vec<(lint_source::Span, String, char)>,
    /// Passes naming a host with a port: (span, host, port).
    ported: Vec<(lint_source::Span, String, u16)>,
    /// `upstream` blocks whose name an earlier block of the same `http` has.
    duplicates: Vec<(lint_source::Span, String)>,
}

/// A character no host name or address literal has, when `host` has one. `$`, `{` and
/// `}` are left out: a variable or a template's `${HOST}` is another matter.
fn impossible_char(host: &str) -> Option<char> {
    host.chars().find(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '>'
                    | '"'
                    | '\''
                    | '('
                    | ')'
                    | ','
                    | ';'
                    | '!'
                    | '*'
                    | '?'
                    | '|'
                    | '&'
                    | '#'
                    | '%'
                    | '^'
                    | '='
                    | '+'
                    | '`'
                    | '\\'
            )
    })
}

/// The host part of an address (`php:9000` → `php`, `[::1]:9000` → `[::1]`), none for a
/// socket or an address with variables.
fn host_of(address: &str) -> Option<&str> {
    if address.starts_with("unix:") || address.contains('$') {
        return None;
    }
    let address = address.split_once("://").map_or(address, |(_, rest)| rest);
    // A URL's path and query are not the host (`http://app/?a=b`).
    let address = address.split('/').next().unwrap_or(address);
    if address.starts_with('[') {
        return address.split_inclusive(']').next();
    }
    Some(address.rsplit_once(':').map_or(address, |(host, _)| host))
}

impl Passes {
    /// Notes one statement of the walk.
    pub(super) fn observe(&mut self, item: &Item<'_>) {
        if item.is("upstream") && item.is_block() {
            if let Some(name) = item.arg(0) {
                // ngx_http_upstream_add compares names case-insensitively.
                if !self.upstreams.insert(name.to_ascii_lowercase()) {
                    self.duplicates.push((item.arg_span(0), name.into_owned()));
                }
            }
            // The walk does not enter upstream blocks: their `server` lines are read here.
            for line in item.children().filter(|c| c.is("server")) {
                self.impossible_host(&line);
            }
            return;
        }
        let pass = PASSES.iter().find(|(name, _)| item.is(name));
        if let Some((_, schemes)) = pass {
            if let Some(host) = portless(item, schemes) {
                self.portless.push((item.arg_span(0), host));
                return;
            }
        }
        if pass.is_some() || item.is("proxy_pass") {
            self.impossible_host(item);
            if let Some((host, port)) = host_and_port(item) {
                self.ported.push((item.arg_span(0), host, port));
            }
        }
    }

    /// Notes the host of an address statement when no name can be it.
    fn impossible_host(&mut self, item: &Item<'_>) {
        let Some(address) = item.arg(0) else { return };
        // nginx reads the port first: "invalid port in upstream" (a value check) is its
        // reason for an unrendered `!HOST!:!PORT!`.
        if super::values::invalid_port(&item.name(), &address).is_some() {
            return;
        }
        if let Some(host) = host_of(&address) {
            if let Some(c) = impossible_char(host) {
                self.impossible
                    .push((item.arg_span(0), host.to_string(), c));
            }
        }
    }

    /// The passes that name no upstream of the block, and the hosts no name can be.
    pub(super) fn report(self, out: &mut Vec<Diagnostic>) {
        for (span, name) in self.duplicates {
            out.push(
                Diagnostic::new(&INVALID_VALUE, span, format!("duplicate upstream \"{name}\""))
                    .with_help("give one of the upstreams another name (names are compared case-insensitively), or merge their servers"),
            );
        }
        // ngx_http_upstream_add: an address with a port may not name an `upstream` block,
        // whichever comes first (the block's servers carry the ports).
        for (span, host, port) in self.ported {
            if self.upstreams.contains(&host.to_ascii_lowercase()) {
                out.push(
                    Diagnostic::new(
                        &INVALID_VALUE,
                        span,
                        format!("upstream \"{host}\" may not have port {port}"),
                    )
                    .with_label(format!("`{host}` is an upstream block of this http"))
                    .with_help(format!(
                        "write `{host}` without the port (the upstream's `server` lines carry the ports), or name the host directly if the upstream is not meant"
                    )),
                );
            }
        }
        for (span, host, c) in self.impossible {
            out.push(
                Diagnostic::new(
                    &INVALID_VALUE,
                    span,
                    format!("host not found in upstream \"{host}\""),
                )
                .with_label(format!("no host name has `{c}`: a placeholder left in?"))
                .with_help("write the host (or the `unix:` socket) the placeholder stands for"),
            );
        }
        for (span, host) in self.portless {
            if self.upstreams.contains(&host.to_ascii_lowercase()) {
                continue;
            }
            out.push(
                Diagnostic::new(&INVALID_VALUE, span, format!("no port in upstream \"{host}\""))
                    .with_label("no `upstream` of this name in `http`, and no port")
                    .with_help(format!(
                        "define `upstream {host} {{ server ...; }}` in http (or include the file that does), or give the address a port"
                    )),
            );
        }
    }
}

/// The host and port of a pass without variables that names both (`php:9000`,
/// `http://app:8080/x`), as `ngx_parse_url` splits them.
fn host_and_port(item: &Item<'_>) -> Option<(String, u16)> {
    let address = item.arg(0)?;
    let host = host_of(&address)?;
    let rest = address
        .split_once("://")
        .map_or(address.as_ref(), |(_, r)| r);
    let rest = rest.split(['/', '?']).next().unwrap_or(rest);
    let port = rest.get(host.len()..)?.strip_prefix(':')?;
    Some((host.to_string(), port.parse().ok().filter(|p| *p > 0)?))
}

/// The host a pass names when it has no port (`php82`, `127.0.0.1`, `[::1]`).
fn portless(item: &Item<'_>, schemes: &[&str]) -> Option<String> {
    let address = item.arg(0)?;
    // Variables are resolved per request; a socket has no port.
    if address.contains('$') || address.starts_with("unix:") {
        return None;
    }
    let host = schemes
        .iter()
        .find_map(|s| address.strip_prefix(s))
        .unwrap_or(&address);
    // A socket path without `unix:` is nginx's "invalid host in upstream", which X002
    // explains (the prefix is missing).
    if host.contains('/') {
        return None;
    }
    // `[::1]:9000`, `php:9000`: a port (whether the host resolves is another check).
    let after_brackets = host.rsplit(']').next().unwrap_or(host);
    (!after_brackets.contains(':')).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::{host_of, impossible_char};

    #[test]
    fn hosts_no_name_can_be() {
        assert_eq!(host_of("<PHP_SOCKET>"), Some("<PHP_SOCKET>"));
        assert_eq!(host_of("php:9000"), Some("php"));
        assert_eq!(host_of("[::1]:9000"), Some("[::1]"));
        assert_eq!(host_of("http://app:8080/x/?a=b"), Some("app"));
        assert_eq!(host_of("unix:/run/php.sock"), None);
        assert_eq!(host_of("$backend"), None);
        assert_eq!(impossible_char("<PHP_SOCKET>"), Some('<'));
        assert_eq!(impossible_char("php-fpm_1.internal"), None);
        assert_eq!(impossible_char("[::1]"), None);
        assert_eq!(impossible_char("10.0.0.1"), None);
    }
}
