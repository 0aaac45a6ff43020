use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::dns_names;
use crate::model::tls;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC075",
        name: "stapling-without-resolver",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`ssl_stapling on` with no `resolver`: nginx cannot look up the OCSP responder and staples nothing",
        aliases: &["ssl_stapling_without_resolver"],
        doc: r#"To staple, nginx fetches the OCSP response itself from the responder named
in the certificate, resolving that name with its own `resolver`. Without a
`resolver` in the server or http block nginx logs `no resolver defined to
resolve ocsp.example-ca.com while requesting certificate status` and sends
handshakes without a stapled response: every client asks the CA itself
(slower handshakes, the visit leaks to the CA), and `Must-Staple`
certificates fail outright. `ssl_stapling_file` (a response fetched by
other means) or an `ssl_stapling_responder` given as an IP address need no
resolver.

**Symptom**: `no resolver defined to resolve ... while requesting
certificate status` in the error log; no stapled OCSP response.

Bad:
```nginx
server {
    listen 443 ssl;
    ssl_stapling on;
    ssl_stapling_verify on;
}
```
Good:
```nginx
server {
    listen 443 ssl;
    resolver 127.0.0.53 valid=300s;
    ssl_stapling on;
    ssl_stapling_verify on;
}
```"#,
        fix: "Add `resolver` (a local caching resolver) to the server or http block, or supply `ssl_stapling_file`.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (server, stapling) in tls::stapling_servers(model) {
        if server.effective("ssl_stapling_file").is_some() || server.effective("resolver").is_some()
        {
            continue;
        }
        // A responder given by address needs no lookup.
        let by_address = server
            .effective("ssl_stapling_responder")
            .is_some_and(|r| dns_names::host_of(r.arg(0)).is_some_and(dns_names::is_ip_literal));
        if by_address {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                stapling.span(),
                "OCSP stapling is on but no `resolver` is set: nginx cannot reach the OCSP responder",
            )
            .with_related(server.name_span(), "for this TLS server")
            .with_help("add `resolver 127.0.0.53 valid=300s;` (a local resolver) to this server or to http"),
        );
    }
}
