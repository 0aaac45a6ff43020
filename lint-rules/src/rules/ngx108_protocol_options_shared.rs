use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::listen_groups::{Member, Transport};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX108",
        name: "protocol-options-shared",
        family: Family::NginxListen,
        severity: Severity::Warning,
        summary: "`ssl`, `http2` or `proxy_protocol` on one server's listen silently applies to every server on that address",
        aliases: &[],
        doc: r#"nginx opens one socket per address and ORs the protocol parameters of every
`listen` of it (`ngx_http_add_addresses`): one server writing `listen 8080
ssl` makes the other servers on *:8080 speak TLS too, one `listen 80
proxy_protocol` makes every site on port 80 expect a PROXY header, and one
`listen 80 http2` (nginx before 1.25.1) turns port 80 into an HTTP/2-only
port for every site. The server that does not write the parameter looks plain
in its own file but is not. Not reported: a server without `ssl` that has `ssl on;`
(it speaks TLS by its own configuration, nginx up to 1.25.0). `http2` shared on an
address that speaks TLS is a note: HTTP/2 is only chosen there by ALPN, and HTTP/1
clients keep HTTP/1.1. nginx 1.22 says nothing; 1.25.1 and later warn
`protocol options redefined for 0.0.0.0:8080`.

**Symptom**: `400 The plain HTTP request was sent to HTTPS port`, `400 Bad
Request` with `broken header` in the error log (PROXY protocol), or binary
garbage / `Received HTTP/0.9` for HTTP/1 clients (http2), on a site whose
own configuration shows none of it.

Bad:
```nginx
server { listen 8080 ssl; server_name admin.example.com; ... }
server { listen 8080;     server_name status.example.com; ... }   # speaks TLS too
```
Good:
```nginx
server { listen 8443 ssl; server_name admin.example.com; ... }
server { listen 8080;     server_name status.example.com; ... }
```"#,
        fix: "Give every server of the address the same protocol parameters, or move the odd one to its own port.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    type Flag = fn(&Member) -> bool;
    let flags: [(&str, Flag, &str); 3] = [
        ("ssl", |m| m.ssl, "it speaks TLS"),
        ("http2", |m| m.http2, "it speaks HTTP/2"),
        (
            "proxy_protocol",
            |m| m.proxy_protocol,
            "it expects a PROXY protocol header before every request",
        ),
    ];
    for nginx in &model.nginx {
        for group in &nginx.listen_groups {
            if group.address.transport != Transport::Tcp || group.members.len() < 2 {
                continue;
            }
            // `ssl on;` in a server (nginx up to 1.25.0) makes it speak TLS on every listen
            // of its own: the `ssl` of another server on the address changes nothing for
            // it (VestaCP's `listen IP:443;` + `ssl on;` beside a `listen IP:443 ssl
            // http2;`). In the address's default server it makes every connection start
            // with a TLS handshake (see NGX109).
            let ssl_on = |member: &Member| {
                nginx
                    .servers
                    .get(member.server)
                    .is_some_and(|server| server.ssl_directive_on())
            };
            let tls_address = group.members.iter().any(|m| m.ssl)
                || nginx
                    .servers
                    .get(group.default)
                    .is_some_and(|server| server.ssl_directive_on());
            for (flag, has, effect) in flags {
                // On a TLS address HTTP/2 is only chosen by ALPN: a client that does not
                // offer h2 keeps HTTP/1.1, and nothing of the plain port's breakage
                // happens. Still worth knowing (the server was meant for HTTP/1.1 only):
                // a note, which the notes of a panel's many vhosts fold into.
                let alpn_only = flag == "http2" && tls_address;
                let Some(setter) = group.members.iter().find(|m| has(m)) else {
                    continue;
                };
                for member in group
                    .members
                    .iter()
                    .filter(|m| !(has(m) || (flag == "ssl" && ssl_on(m))))
                {
                    let name = nginx
                        .servers
                        .get(member.server)
                        .and_then(|s| s.names.first())
                        .map_or(String::from("this server"), |(n, _)| {
                            format!("server \"{n}\"")
                        });
                    let mut diagnostic = Diagnostic::new(
                            &RULE.meta,
                            member.keyword,
                            format!(
                                "this listen has no `{flag}`, but another server sets it on {}: {effect} for {name} too",
                                group.address
                            ),
                        )
                        .with_label(format!("{} without `{flag}`", group.address))
                        .with_related(setter.listen, format!("`{flag}` set here for the whole address"));
                    if alpn_only {
                        diagnostic.severity = Severity::Note;
                        diagnostic = diagnostic.with_note(
                            "the address speaks TLS: HTTP/2 is offered by ALPN and HTTP/1 clients keep HTTP/1.1",
                        );
                    }
                    sink.push(diagnostic);
                }
            }
        }
    }
}
