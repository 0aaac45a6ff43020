use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX110",
        name: "quic-not-advertised",
        family: Family::NginxListen,
        severity: Severity::Warning,
        summary: "a `listen ... quic` that browsers never use: no TLS listen on the same port, or no `Alt-Svc` header",
        aliases: &[],
        doc: r#"Browsers do not try HTTP/3 on their own. They connect over TCP and TLS first,
and switch to QUIC for later requests when the response carries
`Alt-Svc: h3=":443"`. A server with `listen 443 quic` but no `listen 443
ssl` cannot be reached by a browser at all (warning); one that has both but
never adds the `Alt-Svc` header serves every request over HTTP/1.1 or HTTP/2,
and the QUIC socket sits unused (note). A header added in one location is
enough: browsers keep it for the whole origin from any response (RFC 7838 §2), and
so is headers-more's `more_set_headers 'Alt-Svc: h3=":443"'`.

`http3 off` turns HTTP/3 negotiation off for the server: its QUIC socket
serves nothing (note), and advertising `h3` there sends browsers to a
handshake that fails before they fall back to TCP and mark the alternative
broken (warning).

**Symptom**: browsers never use HTTP/3 (DevTools shows h2 or http/1.1);
without a TLS listen they cannot reach the server at all.

Bad:
```nginx
server {
    listen 443 quic reuseport;
    listen 443 ssl;
    ssl_certificate ...;
}
```
Good:
```nginx
server {
    listen 443 quic reuseport;
    listen 443 ssl;
    ssl_certificate ...;
    add_header Alt-Svc 'h3=":443"; ma=86400';
}
```"#,
        fix: "Pair every `listen N quic` with `listen N ssl` in the same server and add `add_header Alt-Svc 'h3=\":N\"; ma=86400';`.",
    },
    check: Check::Server(check),
};

fn check(_model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for quic in server.listens.iter().filter(|l| l.quic) {
        let tls = server
            .listens
            .iter()
            .any(|l| !l.quic && l.ssl && l.port == quic.port);
        // A port nginx cannot read (`[::]:<port>`) is the load check's error already.
        let Some(port) = quic.port else { continue };
        if !tls {
            sink.push(
                Diagnostic::new(&RULE.meta, quic.span, format!("HTTP/3 on port {port} without `listen {port} ssl` in this server: browsers start over TCP and never reach it"))
                    .with_label("QUIC only")
                    .with_help(format!("add `listen {port} ssl;` next to it")),
            );
        } else if let Some(off) = server.http3_off {
            if server.alt_svc {
                sink.push(
                    Diagnostic::new(&RULE.meta, quic.span, format!("HTTP/3 on port {port} is advertised (`Alt-Svc`) but `http3 off` turns it off: browsers try QUIC, fail the handshake and fall back to TCP"))
                        .with_label("advertised, not served")
                        .with_related(off, "HTTP/3 turned off here")
                        .with_help("remove `http3 off;` to serve HTTP/3, or stop adding the `Alt-Svc` header"),
                );
            } else {
                sink.push(
                    Diagnostic::new(&RULE.meta, quic.span, format!("the QUIC socket on port {port} serves nothing: `http3 off` turns HTTP/3 off for this server"))
                        .with_severity(Severity::Note)
                        .with_label("no HTTP/3 here")
                        .with_related(off, "HTTP/3 turned off here")
                        .with_help(format!("remove `listen {port} quic` or the `http3 off;`")),
                );
            }
        } else if !server.alt_svc {
            sink.push(
                Diagnostic::new(&RULE.meta, quic.span, format!("HTTP/3 on port {port} is never advertised: no `add_header Alt-Svc` applies to this server or its locations"))
                    .with_severity(Severity::Note)
                    .with_label("unused until advertised")
                    .with_help(format!("add `add_header Alt-Svc 'h3=\":{port}\"; ma=86400';` to the server")),
            );
        }
    }
}
