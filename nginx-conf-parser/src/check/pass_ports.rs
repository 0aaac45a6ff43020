//! `no port in upstream "php82"`: `fastcgi_pass php82;` names an upstream block, or a
//! host with a port. With no `upstream php82` in `http` (a typo, or the file that
//! defines it not included), nginx makes an implicit upstream of the bare name, finds
//! no port at start and refuses the whole configuration. The same for the other
//! passes with no default port (scgi, uwsgi, memcached, grpc); `proxy_pass` has 80.
//! Checked against nginx 1.22 `-t` for each of them, an IP, `[::1]` and `localhost`.

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
}

impl Passes {
    /// Notes one statement of the walk.
    pub(super) fn observe(&mut self, item: &Item<'_>) {
        if item.is("upstream") && item.is_block() {
            if let Some(name) = item.arg(0) {
                self.upstreams.insert(name.to_ascii_lowercase());
            }
        } else if let Some((_, schemes)) = PASSES.iter().find(|(name, _)| item.is(name)) {
            if let Some(host) = portless(item, schemes) {
                self.portless.push((item.arg_span(0), host));
            }
        }
    }

    /// The passes that name no upstream of the block.
    pub(super) fn report(self, out: &mut Vec<Diagnostic>) {
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
