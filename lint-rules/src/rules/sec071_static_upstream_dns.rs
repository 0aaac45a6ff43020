use foldhash::HashMap;

use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::dns_names;
use crate::model::syntax::Node;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC071",
        name: "static-upstream-dns",
        family: Family::Security,
        severity: Severity::Note,
        summary: "a `*_pass` or upstream server names a public host resolved once at start: nginx keeps its old address forever (opt-in)",
        aliases: &["stale_dns_cache", "missing_resolver"],
        doc: r#"nginx resolves a host name written in `proxy_pass` (or `fastcgi_pass`,
`grpc_pass`, an `upstream`'s `server`) once, when it loads the
configuration, and uses those addresses until the next reload. Cloud load
balancers, CDNs and PaaS endpoints change addresses within hours: nginx keeps
sending requests, headers and credentials to the old address, which may by
then belong to someone else. A variable in the target makes nginx resolve at
request time through `resolver` (which honours TTLs); so does `server ...
resolve` in an upstream (nginx 1.27.3+), which also needs a `resolver`. With a
variable and no `resolver` every request fails.

Names only a private resolver answers (single labels such as Compose
services, `.internal`, `.svc.cluster.local`, `.consul`) and IP literals are
not reported. For `fastcgi_pass` with a variable and no resolver X013
reports the failure by default; this rule is opt-in: reported only when
selected (`--select SEC071`, `--select SEC`, `--select stale_dns_cache` or
`--select missing_resolver`).

**Symptom**: after the upstream's address changes, 502/504 or responses
from the wrong host until nginx is reloaded; with a variable and no
resolver, `no resolver defined to resolve ...` and 502 on every request.

Bad:
```nginx
location / {
    proxy_pass https://my-app.herokuapp.com;
}
```
Good:
```nginx
resolver 127.0.0.53 valid=30s;
location / {
    set $app my-app.herokuapp.com;
    proxy_pass https://$app;
}
```"#,
        fix: "Put the host in a variable and set a `resolver`, or use `server NAME resolve;` in an upstream with a `resolver` (nginx 1.27.3+).",
    },
    check: Check::Model(check),
};

const PASSES: &[&str] = &[
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (nginx, tree) in model.nginx.iter().zip(model.syntax) {
        // `upstream` blocks by lower-cased name (nginx matches them case-insensitively):
        // one lookup per pass instead of a scan of `http`.
        let upstreams: HashMap<String, Node<'_, '_>> = tree
            .http()
            .into_iter()
            .flat_map(|h| h.children())
            .filter(|c| c.is("upstream") && c.is_block())
            .map(|u| (u.arg(0).to_ascii_lowercase(), u))
            .collect();
        for pass in tree.nodes().filter(|n| PASSES.iter().any(|p| n.is(p))) {
            let node = pass;
            let target = node.arg(0);
            let Some(host_text) = dns_names::host_of(target) else {
                continue;
            };
            let resolved = if host_text.contains('$') {
                std::borrow::Cow::Owned(
                    crate::model::variables::substitute(host_text, &nginx.set_values).0,
                )
            } else {
                std::borrow::Cow::Borrowed(host_text)
            };
            // A variable may hold `host:port`.
            let host = dns_names::host_of(&resolved).unwrap_or(&resolved);
            if host.is_empty() || dns_names::is_ip_literal(host) {
                continue;
            }
            let name = node.name();
            let upstream = if host.bytes().any(|b| b.is_ascii_uppercase()) {
                upstreams.get(&host.to_ascii_lowercase())
            } else {
                upstreams.get(host)
            };
            if let Some(upstream) = upstream.copied() {
                check_upstream(pass, upstream, sink);
                continue;
            }
            if target.contains('$') {
                if !has_resolver(pass) {
                    sink.push(
                        Diagnostic::new(
                            &RULE.meta,
                            node.arg_span(0),
                            format!("{name} with a variable is resolved per request, and no `resolver` is set"),
                        )
                        .with_help("add `resolver` (a local caching resolver) at http or server level"),
                    );
                }
                continue;
            }
            if dns_names::is_private_name(host) {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    node.arg_span(0),
                    format!("{host} is resolved once at start: nginx keeps its first address until reloaded"),
                )
                .with_help(format!("`set $upstream_host {host};` with a `resolver`, then `{name}` to the variable")),
            );
        }
    }
}

fn check_upstream(pass: Node<'_, '_>, upstream: Node<'_, '_>, sink: &mut Sink) {
    let resolver = has_resolver(pass) || upstream.child("resolver").is_some();
    let mut stale = Vec::new();
    for server in upstream.children().filter(|c| c.is("server")) {
        let s = server;
        if s.has_arg("resolve") {
            if !resolver {
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        s.arg_span(0),
                        "`resolve` re-resolves this name, but no `resolver` is set in http or the upstream",
                    )
                    .with_related(pass.arg_span(0), "used here")
                    .with_help("add `resolver` (a local caching resolver) to http or to the upstream"),
                );
            }
            continue;
        }
        let Some(host) = dns_names::host_of(s.arg(0)) else {
            continue;
        };
        if dns_names::is_ip_literal(host) || dns_names::is_private_name(host) {
            continue;
        }
        stale.push(server);
    }
    for server in stale {
        let s = server;
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                s.arg_span(0),
                format!("{} is resolved once at start: the upstream keeps its first address until reloaded", s.arg(0)),
            )
            .with_related(pass.arg_span(0), "used here")
            .with_help("add `resolve` to this server and a `resolver` (nginx 1.27.3+)"),
        );
    }
}

/// A `resolver` in effect where the pass is (its location, server or http; `if` blocks
/// do not count, nor does one in an unrelated block).
fn has_resolver(pass: Node<'_, '_>) -> bool {
    pass.effective("resolver").is_some()
}
