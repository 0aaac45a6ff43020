//! `no port in upstream "php82"`: `fastcgi_pass php82;` names an upstream block, or a
//! host with a port. With no `upstream php82` in `http` (a typo, or the file that
//! defines it not included), nginx makes an implicit upstream of the bare name, finds
//! no port at start and refuses the whole configuration. The same for the other
//! passes with no default port (scgi, uwsgi, memcached, grpc); `proxy_pass` has 80.
//! Checked against nginx 1.22 `-t` for each of them, an IP, `[::1]` and `localhost`.

use foldhash::HashSet;

use lint_source::Diagnostic;

use super::codes::INVALID_VALUE;
use super::log_formats::ENTRY_BLOCKS;
use crate::config::{Config, Item, Items};

/// Directives whose address has no default port, and the URL schemes they accept.
const PASSES: &[(&str, &[&str])] = &[
    ("fastcgi_pass", &[]),
    ("scgi_pass", &[]),
    ("uwsgi_pass", &["uwsgi://", "suwsgi://"]),
    ("memcached_pass", &[]),
    ("grpc_pass", &["grpc://", "grpcs://"]),
];

/// Checks every pass of every `http` block against the upstreams it defines.
pub(super) fn check(config: &Config, out: &mut Vec<Diagnostic>) {
    for http in config.items().filter(|i| i.is("http") && i.is_block()) {
        // Upstream names are compared case-insensitively, and may follow their use.
        let upstreams: HashSet<String> = http
            .children()
            .filter(|i| i.is("upstream") && i.is_block())
            .filter_map(|i| i.arg(0).map(|n| n.to_ascii_lowercase()))
            .collect();
        let mut stack: Vec<Items<'_>> = vec![http.children()];
        while let Some(top) = stack.last_mut() {
            let Some(item) = top.next() else {
                stack.pop();
                continue;
            };
            if let Some((_, schemes)) = PASSES.iter().find(|(name, _)| item.is(name)) {
                portless(&item, schemes, &upstreams, out);
            }
            // (`upstream` is among them: its `server`s are no passes.)
            if item.is_block() && !ENTRY_BLOCKS.iter().any(|b| item.is(b)) {
                stack.push(item.children());
            }
        }
    }
}

fn portless(
    item: &Item<'_>,
    schemes: &[&str],
    upstreams: &HashSet<String>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(address) = item.arg(0) else { return };
    // Variables are resolved per request; a socket has no port.
    if address.contains('$') || address.starts_with("unix:") {
        return;
    }
    let host = schemes
        .iter()
        .find_map(|s| address.strip_prefix(s))
        .unwrap_or(&address);
    // A socket path without `unix:` is nginx's "invalid host in upstream", which X002
    // explains (the prefix is missing).
    if host.contains('/') {
        return;
    }
    // `[::1]:9000`, `php:9000`: a port (whether the host resolves is another check).
    let after_brackets = host.rsplit(']').next().unwrap_or(host);
    if after_brackets.contains(':') || upstreams.contains(&host.to_ascii_lowercase()) {
        return;
    }
    out.push(
        Diagnostic::new(
            &INVALID_VALUE,
            item.arg_span(0),
            format!("no port in upstream \"{host}\""),
        )
        .with_label("no `upstream` of this name in `http`, and no port")
        .with_help(format!(
            "define `upstream {host} {{ server ...; }}` in http (or include the file that does), or give the address a port"
        )),
    );
}
