//! The listen checks nginx performs when it groups servers by address:
//! `a duplicate listen`, `a duplicate default server`, `duplicate listen options`.

use std::collections::HashMap;

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

/// Checks every `http` block of the tree.
pub fn check(config: &Config, out: &mut Vec<Diagnostic>) {
    for http in config.items().filter(|i| i.is("http") && i.is_block()) {
        let http_cert = http.children().any(|i| i.is("ssl_certificate"));
        for server in http.children().filter(|i| i.is("server") && i.is_block()) {
            if http_cert || server.children().any(|i| i.is("ssl_certificate")) {
                continue;
            }
            if let Some(listen) = server
                .children()
                .find(|l| l.is("listen") && l.args().skip(1).any(|p| p == "ssl"))
            {
                out.push(
                    // nginx 1.22 reports it at the server block, where the check runs.
                    Diagnostic::new(&SSL_WITHOUT_CERTIFICATE, server.head_span(), "no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive")
                        .with_related(listen.head_span(), "TLS listen")
                        .with_help("add `ssl_certificate` and `ssl_certificate_key` to this server (or to http)"),
                );
            }
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
