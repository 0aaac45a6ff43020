use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

use crate::model::syntax::Node;
use crate::model::tls::is_tls_server;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC076",
        name: "misdirected-http2-default",
        family: Family::Security,
        severity: Severity::Note,
        summary: "a TLS default server with `ssl_reject_handshake on` and HTTP/2 but no `location / { return 421; }`",
        aliases: &["http2_misdirected_request"],
        doc: r#"`ssl_reject_handshake on` in the default server refuses TLS handshakes for
names no server serves. With HTTP/2 a browser reuses one connection for
every name the certificate of that connection covers (connection
coalescing), so a request for another host can still arrive on a
connection that was opened for a served name and fall to the default server
after the handshake. Without a `return 421` there, nginx answers it with the
default server's content (usually its 404 page) instead of `421 Misdirected
Request`, which tells the browser to open a new connection for that name.

**Symptom**: occasional 404s (or the wrong site) for a name served on
another certificate, only over HTTP/2, depending on which connection the
browser reused.

Bad:
```nginx
server {
    listen 443 ssl default_server;
    http2 on;
    ssl_reject_handshake on;
}
```
Good:
```nginx
server {
    listen 443 ssl default_server;
    http2 on;
    ssl_reject_handshake on;
    location / { return 421; }
}
```

Autofix: safe — `location / { return 421; }` is added as the server's first statement
(gixy-ng's fix) when every listen of the server is a TLS one and it has no `location /`
yet; unsafe when it also listens for plain HTTP, whose requests it then answers with 421
too. Without a fix when a `location /` exists (a second one would stop nginx)."#,
        fix: "Add `location / { return 421; }` to the default server that rejects handshakes.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        let Some(http) = tree.http() else {
            continue;
        };
        let http2_global = is_on(http.child("http2"));
        for server in tree.http_servers() {
            let Some(reject) = server.child("ssl_reject_handshake") else {
                continue;
            };
            if !is_on(Some(reject)) || !is_tls_server(server) {
                continue;
            }
            let listens: Vec<Node<'_, '_>> = server.children().filter(|c| c.is("listen")).collect();
            if !listens
                .iter()
                .any(|l| l.has_arg("default_server") || l.has_arg("default"))
            {
                continue;
            }
            let own = server.child("http2");
            if own.is_some_and(|h| h.arg(0).eq_ignore_ascii_case("off")) {
                continue;
            }
            let http2 = http2_global || is_on(own) || listens.iter().any(|l| l.has_arg("http2"));
            if !http2 {
                continue;
            }
            let answers_421 = server.children().any(|l| {
                l.is("location")
                    && l.args().last().is_some_and(|p| p == "/")
                    && l.children().any(|r| r.is("return") && r.arg(0) == "421")
            });
            if answers_421 {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    reject.span(),
                    "this default server rejects unknown names but HTTP/2 requests reused from another connection still reach it: add `location / { return 421; }`",
                )
                .with_help("add `location / { return 421; }` so that misdirected requests are retried on a new connection")
                .with_fix_opt(add_421(model, server, &listens)),
            );
        }
    }
}

/// `location / { return 421; }` first in the server, unless a `location /` exists.
fn add_421(model: &Model<'_>, server: Node<'_, '_>, listens: &[Node<'_, '_>]) -> Option<Fix> {
    if server
        .children()
        .any(|l| l.is("location") && l.arg_count() == 1 && l.arg(0) == "/")
    {
        return None;
    }
    let edit =
        crate::fixes::first_in_block(model.map, server.span(), "location / { return 421; }")?;
    let description = "answer misdirected requests with 421";
    // A plain-HTTP listen of the same server would answer 421 too.
    let plain = listens
        .iter()
        .any(|l| !l.has_arg("ssl") && !l.has_arg("quic"));
    Some(if plain {
        Fix::unsafe_edits(description, vec![edit])
    } else {
        Fix::safe(description, vec![edit])
    })
}

fn is_on(node: Option<Node<'_, '_>>) -> bool {
    node.is_some_and(|n| n.arg(0).eq_ignore_ascii_case("on"))
}
