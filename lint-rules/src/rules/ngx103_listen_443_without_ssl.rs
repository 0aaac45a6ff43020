use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX103",
        name: "listen-443-without-ssl",
        family: Family::NginxListen,
        severity: Severity::Warning,
        summary: "`listen 443` without `ssl`: the HTTPS port speaks plain HTTP",
        aliases: &[],
        doc: r#"Port 443 is where browsers speak TLS. Without the `ssl` parameter nginx
answers with plain HTTP there, and every HTTPS request fails in the browser
(`ERR_SSL_PROTOCOL_ERROR`, curl: `wrong version number`); nginx logs the TLS
handshake as a garbage request (400). When another server's `listen` on the same
address has `ssl`, nginx applies it to the whole address and this rule stays silent
(NGX108 points at the listen that inherits it). So it does for a server under the
legacy `ssl on;` (its own or `http`'s): an nginx that still has the directive (up to
1.25.0; `--nginx-version 1.22`) speaks TLS there, a later one refuses to start, which
NGX010 reports on the `ssl on;` line with this same fix.

**Symptom**: browsers fail with `ERR_SSL_PROTOCOL_ERROR`
(`SSL_ERROR_RX_RECORD_TOO_LONG` in Firefox); `curl https://...` says `wrong
version number`.

Bad:
```nginx
listen 443;
ssl_certificate /etc/ssl/site.pem;
```
Good:
```nginx
listen 443 ssl;
ssl_certificate /etc/ssl/site.pem;
```

Autofix: safe — `ssl` is added after the address, when the server has its own
`ssl_certificate` (without one the fixed listen would stop nginx from loading)."#,
        fix: "Add `ssl` to the listen (and http2 where wanted).",
    },
    check: Check::Model(check),
};

/// Adds `ssl` after the listen's address, when the server has its certificate (else the
/// fixed listen would stop nginx from loading: NGX021).
pub fn add_ssl(
    model: &Model<'_>,
    server: &Server,
    listen: &crate::model::nginx::NginxListen,
) -> Option<Fix> {
    server.certificate?;
    let stmt = crate::fixes::statement(model.map, listen.span)?;
    let (address, _) = stmt.args.first()?;
    Some(Fix::safe(
        format!("write `listen {} ssl`", listen.address),
        vec![Edit::insert(
            lint_source::Span::point(address.file, address.end as usize),
            " ssl",
        )],
    ))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        // The listens of addresses some server marks `ssl`, read once per tree on the
        // first `listen 443` without it: a scan of every group per such listen made n
        // servers of `listen 443;` + `ssl on;` take n × n steps.
        let mut tls_listens: Option<foldhash::HashSet<lint_source::Span>> = None;
        for server in &nginx.servers {
            check_server(model, nginx, server, &mut tls_listens, sink);
        }
    }
}

fn check_server(
    model: &Model<'_>,
    nginx: &crate::model::NginxModel,
    server: &Server,
    tls_listens: &mut Option<foldhash::HashSet<lint_source::Span>>,
    sink: &mut Sink,
) {
    {
        // `ssl on;`: every listen of the server speaks TLS, up to nginx 1.25.0; a later
        // nginx refuses the directive, which NGX010 reports with this same fix (a
        // `listen 443;` of passbolt's sample site, whose nginx was not known, was said to
        // speak plain HTTP beside it).
        if server.ssl_directive_on() {
            return;
        }
        for l in server
            .listens
            .iter()
            // A `quic` listen is HTTP/3 over UDP: TLS is part of QUIC, and nginx refuses
            // `ssl` beside `quic`.
            .filter(|l| l.explicit && l.port == Some(443) && !l.ssl && !l.quic)
        {
            // nginx merges `ssl` over the servers of one address: when another server's
            // listen sets it, this one speaks TLS too (NGX108 says so).
            let tls_by_another = tls_listens
                .get_or_insert_with(|| {
                    nginx
                        .listen_groups
                        .iter()
                        .filter(|g| g.members.iter().any(|m| m.ssl))
                        .flat_map(|g| g.members.iter().map(|m| m.listen))
                        .collect()
                })
                .contains(&l.span);
            if tls_by_another {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    l.span,
                    format!(
                        "`listen {}` without `ssl`: port 443 will speak plain HTTP",
                        l.address
                    ),
                )
                .with_help(format!("write `listen {} ssl;`", l.address))
                .with_fix_opt(add_ssl(model, server, l)),
            );
        }
    }
}
