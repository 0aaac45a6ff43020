use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::{Model, NginxModel, Server};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX104",
        name: "certificate-without-ssl-listen",
        family: Family::NginxListen,
        severity: Severity::Note,
        summary:
            "a server with `ssl_certificate` but no `listen ... ssl`: the certificate is never used",
        aliases: &[],
        doc: r#"`ssl_certificate` only takes effect on listens marked `ssl`. A server that
sets a certificate but listens on plain ports serves HTTP only; HTTPS requests
for its names land on whichever server is the default of port 443. The legacy
`ssl on;` directive (in the server or in `http`) makes every listen of the server
speak TLS: such a server is not reported, with an nginx that still has it (up to
1.25.0; `--nginx-version 1.22`; NGX018 says the directive is deprecated) or a later one
(which refuses to start: NGX010 reports the `ssl on;` line). Nor is a
server whose plain `listen` shares its address with another server's `listen ... ssl`:
`ssl` holds for the whole address, so that listen speaks TLS with this server's
certificate for its names (NGX108 reports the hidden sharing).

**Symptom**: https:// to the site is refused or answered by another server
with another certificate; the site works on plain HTTP only.

Bad:
```nginx
server {
    listen 80;
    server_name shop.example.com;
    ssl_certificate /etc/ssl/shop.pem;
}
```
Good:
```nginx
server {
    listen 80;
    listen 443 ssl;
    server_name shop.example.com;
    ssl_certificate /etc/ssl/shop.pem;
}
```

Autofix: safe — when the server has exactly one `listen` on port 443, `ssl` is added
to it (the same edit as NGX103's)."#,
        fix: "Add a `listen 443 ssl;`, or drop the certificate lines.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        // The servers that share an address some server marks `ssl`, read once per tree
        // on the first certificate without an `ssl` listen: a scan of every group per
        // such server made n servers of `ssl on;` (nginx 1.22) take n × n steps.
        let mut tls_shared: Option<foldhash::HashSet<usize>> = None;
        for (index, server) in nginx.servers.iter().enumerate() {
            check_server(model, nginx, index, server, &mut tls_shared, sink);
        }
    }
}

fn check_server(
    model: &Model<'_>,
    nginx: &NginxModel,
    index: usize,
    server: &Server,
    tls_shared: &mut Option<foldhash::HashSet<usize>>,
    sink: &mut Sink,
) {
    {
        let Some(cert) = &server.certificate else {
            return;
        };
        if server.listens.iter().any(|l| l.ssl) {
            return;
        }
        // `ssl on;` (see NGX103): TLS up to nginx 1.25.0, NGX010's finding after.
        if server.ssl_directive_on() {
            return;
        }
        // A listen on an address another server marks `ssl` speaks TLS for this server
        // too (NGX108 says so), and its certificate is the one sent for its names.
        let shares_tls = tls_shared
            .get_or_insert_with(|| {
                nginx
                    .listen_groups
                    .iter()
                    .filter(|g| g.members.iter().any(|m| m.ssl))
                    .flat_map(|g| g.members.iter().map(|m| m.server))
                    .collect()
            })
            .contains(&index);
        if shares_tls {
            return;
        }
        let ports_443: Vec<_> = server
            .listens
            .iter()
            .filter(|l| l.explicit && l.port == Some(443))
            .collect();
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                *cert,
                "ssl_certificate is set, but no `listen` of this server has `ssl`",
            )
            .with_help("add `listen 443 ssl;` to this server")
            .with_fix_opt(match ports_443.as_slice() {
                [only] => super::ngx103_listen_443_without_ssl::add_ssl(model, server, only),
                _ => None,
            }),
        );
    }
}
