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
    /// The calls of `ngx_http_upstream_add` in configuration order: `upstream` blocks and
    /// passes without variables, replayed by [`Passes::report`].
    adds: Vec<Add>,
    /// Hosts no name can be: (span, host, a character that rules it out).
    impossible: Vec<(lint_source::Span, String, char)>,
    /// Passes naming a host with a port: (span, host, port).
    ported: Vec<(lint_source::Span, String, u16)>,
    /// `upstream` blocks whose name an earlier block of the same `http` has.
    duplicates: Vec<(lint_source::Span, String)>,
}

/// One call of `ngx_http_upstream_add`.
struct Add {
    /// The host, lower-cased (nginx compares hosts case-insensitively).
    host: String,
    /// An `upstream` block (`NGX_HTTP_UPSTREAM_CREATE`).
    create: bool,
    /// The port: written, the scheme's default (`proxy_pass`'s 80), or 0.
    port: u16,
    /// No port written.
    no_port: bool,
    /// The pass, with its host as written (none for a block).
    pass: Option<(lint_source::Span, String)>,
}

/// An upstream as `ngx_http_upstream_add` keeps it (`ngx_http_upstream_srv_conf_t`);
/// its host is the key it is listed under.
struct Upstream {
    create: bool,
    port: u16,
    no_port: bool,
    /// The pass that made it, when implicit: nginx names its line.
    made_by: Option<(lint_source::Span, String)>,
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
                    self.duplicates.push((item.arg_span(0), name.to_string()));
                }
                self.adds.push(Add {
                    host: name.to_ascii_lowercase(),
                    create: true,
                    port: 0,
                    no_port: true,
                    pass: None,
                });
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
                self.adds.push(Add {
                    host: host.to_ascii_lowercase(),
                    create: false,
                    port: 0,
                    no_port: true,
                    pass: Some((item.arg_span(0), host)),
                });
                return;
            }
        }
        if pass.is_some() || item.is("proxy_pass") {
            self.impossible_host(item);
            if let Some((host, port)) = host_and_port(item) {
                self.adds.push(Add {
                    host: host.to_ascii_lowercase(),
                    create: false,
                    port,
                    no_port: false,
                    pass: None,
                });
                self.ported.push((item.arg_span(0), host, port));
            } else if let Some((host, port)) = proxy_default_port(item) {
                self.adds.push(Add {
                    host,
                    create: false,
                    port,
                    no_port: true,
                    pass: None,
                });
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
        for (span, host) in portless_upstreams(self.adds) {
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

/// The implicit upstreams left without a port once every `ngx_http_upstream_add` of the
/// block has run, each with the pass that made it (nginx's "no port in upstream" names
/// its line). The call's rules, in its order: a host is compared case-insensitively; a
/// block takes over an implicit upstream of its name; a pass reuses the first upstream of
/// its host whose port does not differ from its own (no port differs from none), so
/// `fastcgi_pass 127.0.0.1;` after `fastcgi_pass 127.0.0.1:9000;` is that upstream, with
/// its port, and before it makes one without (triage AP, FP-1). The calls nginx refuses
/// (a duplicate block, a port on a block's name) are reported on their own and change
/// nothing here.
fn portless_upstreams(adds: Vec<Add>) -> Vec<(lint_source::Span, String)> {
    let mut upstreams: Vec<Upstream> = Vec::new();
    // Each host's upstreams in the order they were made: nginx walks every upstream and
    // skips the other hosts' (a 5 000-site tree made that a scan of 5 000 per pass).
    let mut by_host: std::collections::HashMap<String, Vec<usize>> = Default::default();
    'adds: for add in adds {
        let same_host = by_host.get(&add.host).map(Vec::as_slice).unwrap_or(&[]);
        for &i in same_host {
            let Some(up) = upstreams.get_mut(i) else {
                continue;
            };
            // The calls nginx refuses: a second block of a name, a port on a block's
            // name, a block over an upstream a pass gave a port.
            if up.create && (add.create || !add.no_port) {
                continue 'adds;
            }
            if add.create && !up.no_port {
                continue 'adds;
            }
            if up.port != 0 && add.port != 0 && up.port != add.port {
                continue;
            }
            if add.create {
                up.create = true;
                up.port = 0;
            }
            continue 'adds;
        }
        by_host.entry(add.host).or_default().push(upstreams.len());
        upstreams.push(Upstream {
            create: add.create,
            port: add.port,
            no_port: add.no_port,
            made_by: add.pass,
        });
    }
    upstreams
        .into_iter()
        .filter(|u| !u.create && u.port == 0)
        .filter_map(|u| u.made_by)
        .collect()
}

/// The host of a `proxy_pass` URL without a port, lower-cased, with its scheme's default
/// port (`ngx_parse_url` sets it: 80 for http, 443 for https).
fn proxy_default_port(item: &Item<'_>) -> Option<(String, u16)> {
    if !item.is("proxy_pass") {
        return None;
    }
    let address = item.arg(0)?;
    let lower = address.to_ascii_lowercase();
    let port = if lower.starts_with("http://") {
        80
    } else if lower.starts_with("https://") {
        443
    } else {
        return None;
    };
    if super::values::invalid_port("proxy_pass", &address).is_some() {
        return None;
    }
    // `http://unix:/run/app.sock:/x` is a socket: an upstream named by its path.
    if lower
        .split_once("://")
        .is_some_and(|(_, r)| r.starts_with("unix:"))
    {
        return None;
    }
    let host = host_of(&address)?;
    Some((host.to_ascii_lowercase(), port))
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
