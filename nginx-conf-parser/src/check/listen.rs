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

/// The address as nginx prints it (`0.0.0.0:80`, `[::]:443`, `127.0.0.1:8080`).
pub(super) fn address(arg: &str) -> Option<String> {
    if arg.starts_with("unix:") {
        return Some(arg.to_string());
    }
    if arg.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("0.0.0.0:{arg}"));
    }
    if let Some(rest) = arg.strip_prefix('[') {
        let (host, port) = rest.split_once(']')?;
        let port = port.strip_prefix(':').unwrap_or("80");
        return Some(format!("[{host}]:{port}"));
    }
    let (host, port) = arg.rsplit_once(':').unwrap_or((arg, "80"));
    let host = if host == "*" { "0.0.0.0" } else { host };
    Some(format!("{host}:{port}"))
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
