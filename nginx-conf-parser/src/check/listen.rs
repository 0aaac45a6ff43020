//! The listen checks nginx performs when it groups servers by address:
//! `a duplicate listen`, `a duplicate default server`, `duplicate listen options`.

use foldhash::{HashMap, HashMapExt};

use lint_source::{Diagnostic, Span};

use super::codes::{DUPLICATE_LISTEN, SSL_WITHOUT_CERTIFICATE};
use crate::config::{Config, Item};

/// Socket options nginx allows on only one `listen` of an address.
const SOCKET_OPTIONS: &[&str] = &[
    "bind",
    "backlog",
    "rcvbuf",
    "sndbuf",
    "setfib",
    "fastopen",
    "accept_filter",
    "deferred",
    "ipv6only",
    "reuseport",
    "so_keepalive",
    "multipath",
];

/// The host and port of an http `listen` address as `ngx_parse_url` splits them:
/// `PORT` (or `LOW-HIGH`) alone, `[IPv6][:PORT]`, `HOST[:PORT]`; a missing port is
/// `None`. `None` for `unix:` paths and an unclosed `[`.
///
/// ```
/// use nginx_conf_parser::check::listen::host_and_port;
/// assert_eq!(host_and_port("8000-8010"), Some(("*", Some("8000-8010"))));
/// assert_eq!(host_and_port("[::1]:443"), Some(("[::1]", Some("443"))));
/// assert_eq!(host_and_port("example.com"), Some(("example.com", None)));
/// assert_eq!(host_and_port("unix:/run/nginx.sock"), None);
/// ```
pub fn host_and_port(arg: &str) -> Option<(&str, Option<&str>)> {
    if arg.starts_with("unix:") {
        return None;
    }
    if !arg.is_empty() && arg.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return Some(("*", Some(arg)));
    }
    if arg.starts_with('[') {
        let (host, after) = arg.split_at(arg.find(']')? + 1);
        return Some((host, after.strip_prefix(':')));
    }
    Some(match arg.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (arg, None),
    })
}

/// The address as nginx prints it (`0.0.0.0:80`, `[::]:443`, `127.0.0.1:8080`).
pub(super) fn address(arg: &str) -> Option<String> {
    let Some((host, port)) = host_and_port(arg) else {
        return arg.starts_with("unix:").then(|| arg.to_string());
    };
    let host = if host == "*" { "0.0.0.0" } else { host };
    Some(format!("{host}:{}", port.unwrap_or("80")))
}

/// Whether an `include` inside `block` could not be read (NGX002), or names a file the
/// deployment does not provide (NGX005: a sibling the repository mounts elsewhere,
/// khs1994's `include conf.d/demo-include-ssl.config;`): what it would have set
/// (certificates, keys) is unknown.
fn include_missing_in(config: &Config, block: &Item<'_>) -> bool {
    let span = block.span();
    config.diagnostics.iter().any(|d| {
        (d.code == crate::codes::INCLUDE_NOT_FOUND.code
            || d.code == crate::codes::INCLUDE_UNKNOWN.code)
            && d.primary.as_ref().is_some_and(|p| {
                p.span.file == span.file && p.span.start >= span.start && p.span.end <= span.end
            })
    })
}

/// Checks every `http` block of the tree.
pub fn check(config: &Config, out: &mut Vec<Diagnostic>) {
    for http in config.items().filter(|i| i.is("http") && i.is_block()) {
        let http_cert = http.children().any(|i| i.is("ssl_certificate"));
        // `ssl_reject_handshake on` (1.19.4) needs no certificate: nginx skips the check
        // for a server that rejects every handshake (a catch-all TLS default server).
        let rejects = |block: &Item<'_>| {
            block
                .children()
                .filter(|i| i.is("ssl_reject_handshake"))
                .last()
                .map(|i| {
                    i.args()
                        .next()
                        .is_some_and(|a| a.eq_ignore_ascii_case("on"))
                })
        };
        let http_rejects = rejects(&http).unwrap_or(false);
        certificate_keys(config, &http, out);
        // nginx checks the certificate of each TLS address's *default* server only
        // (`ngx_http_ssl_init`): the server marked `default_server` there, else the first
        // that listens on it. An address is TLS when any of its listens says `ssl`, so a
        // default server whose own listen lacks `ssl` needs a certificate too, and another
        // server without one passes `nginx -t` (its clients get the default server's).
        let mut order: Vec<String> = Vec::new();
        let mut by_address: HashMap<String, TlsAddress<'_>> = HashMap::new();
        for server in http.children().filter(|i| i.is("server") && i.is_block()) {
            for listen in server.children().filter(|l| l.is("listen")) {
                let Some(addr) = listen.arg(0).and_then(|a| address(&a)) else {
                    continue;
                };
                if listen.args().skip(1).any(|p| p == "quic") {
                    continue;
                }
                let entry = by_address.entry(addr.clone()).or_insert_with(|| {
                    order.push(addr);
                    TlsAddress {
                        tls: false,
                        first: (server, listen),
                        marked: None,
                    }
                });
                let params: Vec<_> = listen.args().skip(1).collect();
                entry.tls |= params.iter().any(|p| p == "ssl");
                if entry.marked.is_none()
                    && params
                        .iter()
                        .any(|p| p == "default_server" || p == "default")
                {
                    entry.marked = Some(server);
                }
            }
        }
        let mut reported: Vec<Span> = Vec::new();
        for addr in &order {
            let Some(TlsAddress {
                tls: true,
                first: (first, listen),
                marked,
            }) = by_address.get(addr)
            else {
                continue;
            };
            let server = marked.as_ref().unwrap_or(first);
            if http_cert
                || rejects(server).unwrap_or(http_rejects)
                || server.children().any(|i| i.is("ssl_certificate"))
                || include_missing_in(config, &http)
                || include_missing_in(config, server)
                || reported.contains(&server.head_span())
            {
                continue;
            }
            reported.push(server.head_span());
            let listen = server
                .children()
                .find(|l| {
                    l.is("listen") && l.arg(0).and_then(|a| address(&a)).as_ref() == Some(addr)
                })
                .unwrap_or(*listen);
            out.push(
                // nginx 1.22 reports it at the server block, where the check runs.
                Diagnostic::new(
                    &SSL_WITHOUT_CERTIFICATE,
                    server.head_span(),
                    "no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive",
                )
                .with_related(
                    listen.head_span(),
                    format!("the default server of {addr}, a TLS address"),
                )
                .with_help(
                    "add `ssl_certificate` and `ssl_certificate_key` to this server (or to http)",
                ),
            );
        }
        // address → (first default_server span, first listen with socket options)
        let mut defaults: HashMap<String, Span> = HashMap::new();
        let mut options: HashMap<String, Span> = HashMap::new();
        for server in http.children().filter(|i| i.is("server") && i.is_block()) {
            let mut seen: HashMap<String, Span> = HashMap::new();
            for listen in server.children().filter(|i| i.is("listen")) {
                check_listen(&listen, &mut seen, &mut defaults, &mut options, out);
            }
        }
    }
}

/// The servers of one `listen` address, as `ngx_http_ssl_init` reads them.
struct TlsAddress<'a> {
    /// Any of its listens says `ssl`.
    tls: bool,
    /// The first server that listens on it, with that listen.
    first: (Item<'a>, Item<'a>),
    /// The first server marked `default_server` (or `default`) on it.
    marked: Option<Item<'a>>,
}

/// `no "ssl_certificate_key" is defined for certificate "..."`: nginx merges each
/// server's certificates and keys from http separately (a level's own list replaces the
/// inherited one) and needs a key for every certificate, whether or not the server
/// listens with TLS. Only servers are merged: http's own lists alone are not checked.
fn certificate_keys(config: &Config, http: &Item<'_>, out: &mut Vec<Diagnostic>) {
    fn certificates<'a>(block: &Item<'a>) -> Vec<Item<'a>> {
        block
            .children()
            .filter(|i| i.is("ssl_certificate"))
            .collect()
    }
    fn keys(block: &Item<'_>) -> usize {
        block
            .children()
            .filter(|i| i.is("ssl_certificate_key"))
            .count()
    }
    let (http_certs, http_keys) = (certificates(http), keys(http));
    for server in http.children().filter(|i| i.is("server") && i.is_block()) {
        let own = certificates(&server);
        let certs = if own.is_empty() { &http_certs } else { &own };
        let keys = match keys(&server) {
            0 => http_keys,
            n => n,
        };
        let Some(last) = certs.last() else { continue };
        if keys < certs.len()
            && !include_missing_in(config, http)
            && !include_missing_in(config, &server)
        {
            out.push(
                Diagnostic::new(
                    &SSL_WITHOUT_CERTIFICATE,
                    last.head_span(),
                    format!(
                        "no \"ssl_certificate_key\" is defined for certificate \"{}\"",
                        last.arg(0).unwrap_or_default()
                    ),
                )
                .with_related(server.head_span(), "in this server")
                .with_help(
                    "give every `ssl_certificate` its `ssl_certificate_key` at the same level",
                ),
            );
        }
    }
}

fn check_listen(
    listen: &Item<'_>,
    seen: &mut HashMap<String, Span>,
    defaults: &mut HashMap<String, Span>,
    options: &mut HashMap<String, Span>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(mut addr) = listen.arg(0).and_then(|a| address(&a)) else {
        return;
    };
    // `quic` listens are UDP sockets: `listen 443 quic` and `listen 443 ssl` do not collide.
    if listen.args().skip(1).any(|p| p == "quic") {
        addr.push_str(" (quic)");
    }
    let span = listen.head_span();
    if let Some(first) = seen.get(&addr) {
        out.push(
            Diagnostic::new(
                &DUPLICATE_LISTEN,
                span,
                format!("a duplicate listen {addr}"),
            )
            .with_related(*first, "already listed in this server"),
        );
        return;
    }
    seen.insert(addr.clone(), span);
    let params: Vec<String> = listen.args().skip(1).map(|a| a.into_owned()).collect();
    if params
        .iter()
        .any(|p| SOCKET_OPTIONS.contains(&p.split('=').next().unwrap_or(p)))
    {
        if let Some(first) = options.get(&addr) {
            out.push(
                Diagnostic::new(&DUPLICATE_LISTEN, span, format!("duplicate listen options for {addr}"))
                    .with_related(*first, "socket options already set here")
                    .with_help("socket options (backlog, reuseport, ipv6only, ...) may be given on one `listen` of an address only"),
            );
        } else {
            options.insert(addr.clone(), span);
        }
    }
    if params
        .iter()
        .any(|p| p == "default_server" || p == "default")
    {
        if let Some(first) = defaults.get(&addr) {
            out.push(
                Diagnostic::new(
                    &DUPLICATE_LISTEN,
                    span,
                    format!("a duplicate default server for {addr}"),
                )
                .with_related(*first, "the default server of this address")
                .with_help("only one server per address may be `default_server`"),
            );
        } else {
            defaults.insert(addr, span);
        }
    }
}
