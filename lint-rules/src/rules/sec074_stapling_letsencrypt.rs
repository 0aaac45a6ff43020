use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::syntax::Node;
use crate::model::tls;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC074",
        name: "stapling-letsencrypt",
        family: Family::Security,
        severity: Severity::Note,
        summary: "`ssl_stapling on` for a Let's Encrypt certificate, which has no OCSP responder since 2025",
        aliases: &["ssl_stapling_letsencrypt"],
        doc: r#"Let's Encrypt stopped putting an OCSP URL in its certificates in 2025 and
shut its OCSP responders down on 2025-08-06 (revocation is now by CRL and
short lifetimes). With no responder URL in the certificate nginx has nothing
to fetch: it logs `"ssl_stapling" ignored, no OCSP responder URL in the
certificate` and staples nothing. `ssl_stapling`, `ssl_stapling_verify` and an
`ssl_trusted_certificate` kept only for stapling are dead configuration, and
the warning at every start hides the ones that matter.

A certificate counts as Let's Encrypt's when its path is under
`/etc/letsencrypt/` or has certbot's `letsencrypt/live/` in it (certbot's
directory mounted elsewhere, as containers do).

**Symptom**: a warning at every start or reload; no OCSP response is stapled.

Bad:
```nginx
server {
    listen 443 ssl;
    ssl_certificate     /etc/letsencrypt/live/example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;
    ssl_stapling on;
    ssl_stapling_verify on;
}
```
Good:
```nginx
server {
    listen 443 ssl;
    ssl_certificate     /etc/letsencrypt/live/example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;
}
```

Autofix: safe — `ssl_stapling on` becomes `off` (gixy-ng's fix) when the server sets it
in its own file (not from a shared snippet); when it inherits it, `ssl_stapling off;` is added to this server only, so that
other servers (other CAs) keep stapling. Nothing was stapled, so only the warning goes."#,
        fix: "Remove `ssl_stapling` and `ssl_stapling_verify` for Let's Encrypt certificates; keep them for CAs that run OCSP responders.",
    },
    check: Check::Model(check),
};

/// A certificate from certbot's directory: `/etc/letsencrypt/...`, or that directory
/// mounted elsewhere (`/etc/nginx/letsencrypt/live/site/fullchain.pem`).
fn is_letsencrypt(path: &str) -> bool {
    path.starts_with("/etc/letsencrypt/") || path.contains("/letsencrypt/live/")
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (server, stapling) in tls::stapling_servers(model) {
        let certificate = std::iter::once(server)
            .chain(server.ancestors())
            .flat_map(|scope| scope.children())
            .find(|c| {
                (c.is("ssl_certificate") || c.is("ssl_trusted_certificate"))
                    && c.args().any(is_letsencrypt)
            });
        let Some(certificate) = certificate else {
            continue;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                stapling.span(),
                "OCSP stapling for a Let's Encrypt certificate: Let's Encrypt has no OCSP responder, nothing is stapled",
            )
            .with_related(certificate.arg_span(0), "Let's Encrypt certificate")
            .with_help("remove `ssl_stapling` and `ssl_stapling_verify` for this server")
            .with_fix_opt(stapling_off(model, server, stapling)),
        );
    }
}

/// `ssl_stapling off` for this server: the value changed where the server sets it, else a
/// statement of its own (the outer one may serve servers with other CAs).
fn stapling_off(model: &Model<'_>, server: Node<'_, '_>, stapling: Node<'_, '_>) -> Option<Fix> {
    let own = stapling.parent().is_some_and(|p| p.id() == server.id());
    let edit = if own {
        // Set from a snippet other servers may include too: a second `ssl_stapling` in
        // the server would be a duplicate, so no fix.
        if stapling.span().file != server.span().file {
            return None;
        }
        Edit::replace(stapling.arg_span(0), "off")
    } else {
        crate::fixes::first_in_block(model.map, server.span(), "ssl_stapling off;")?
    };
    Some(Fix::safe(
        "turn OCSP stapling off for this server",
        vec![edit],
    ))
}
