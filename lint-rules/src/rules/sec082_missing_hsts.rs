use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::syntax::Node;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC082",
        name: "missing-hsts",
        family: Family::Security,
        severity: Severity::Note,
        summary: "a TLS server without `Strict-Transport-Security`, or with a max-age under six months (opt-in)",
        aliases: &["hsts_header"],
        doc: r#"`Strict-Transport-Security` tells a browser to use HTTPS only for this host
for `max-age` seconds. Without it, a user who types the bare name or follows
an `http://` link makes a first request in clear text that an attacker on the
network (public Wi-Fi) can answer, keeping the user on HTTP (SSL stripping)
and reading cookies not marked `Secure`. A max-age under six months
(15768000 s) lapses between visits. The header is looked for as nginx
inherits it: the server's own `add_header` lines, else the http block's
(a server with any `add_header` of its own does not inherit http's), and
`more_set_headers` or the `security_headers` module count too. Servers with
`ssl_reject_handshake on` answer nothing and are not reported.

Opt-in: reported only when selected (`--select SEC082`, `--select SEC` or
`--select hsts_header`), since enabling HSTS is a commitment to HTTPS for
the whole name.

**Symptom**: none visible; the first plain-HTTP request of each visit can be
intercepted.

Bad:
```nginx
server {
    listen 443 ssl;
    server_name shop.example.com;
}
```
Good:
```nginx
server {
    listen 443 ssl;
    server_name shop.example.com;
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
}
```

Autofix: unsafe — the header above is added as the server's first statement, or a short
max-age becomes 31536000 (gixy-ng's fixes). Browsers then refuse plain HTTP for the name
and, with `includeSubDomains`, for every subdomain, for a year: a commitment that cannot
be taken back quickly. No fix for a missing header when the server inherits `add_header`
lines from http (one of its own would drop them) or has a block with `add_header` lines
of its own (which would not get it)."#,
        fix: "Add `add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;` to the TLS server.",
    },
    check: Check::Model(check),
};

/// Six months, the shortest max-age that outlasts the gap between visits.
const MIN_MAX_AGE: u64 = 15_768_000;

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        let Some(http) = tree.http() else {
            continue;
        };
        for server in tree.http_servers() {
            let tls = server.children().any(|l| {
                l.is("listen") && l.args().any(|a| a.contains("ssl") || a.contains("443"))
            });
            if !tls {
                continue;
            }
            if server
                .child("ssl_reject_handshake")
                .is_some_and(|r| r.arg(0).eq_ignore_ascii_case("on"))
            {
                continue;
            }
            if [server, http].iter().any(|b| provided_by_module(*b)) {
                continue;
            }
            let own: Vec<Node<'_, '_>> = server.children().filter(|c| c.is("add_header")).collect();
            let inherits = own.is_empty() && http.children().any(|c| c.is("add_header"));
            let headers = if own.is_empty() {
                http.children().filter(|c| c.is("add_header")).collect()
            } else {
                own
            };
            let hsts = headers
                .iter()
                .find(|h| h.arg(0).eq_ignore_ascii_case("strict-transport-security"));
            match hsts {
                None => sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        server.name_span(),
                        "this TLS server sends no Strict-Transport-Security header",
                    )
                    .with_help("add `add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;`")
                    .with_fix_opt(add_hsts(model, server, inherits)),
                ),
                Some(h) => {
                    let Some(age) = max_age(h.arg(1)) else {
                        continue;
                    };
                    if age < MIN_MAX_AGE {
                        sink.push(
                            Diagnostic::new(
                                &RULE.meta,
                                h.arg_span(1),
                                format!("HSTS max-age {age} s ({} days) is under six months", age / 86_400),
                            )
                            .with_help("use max-age=31536000 (one year)")
                            .with_fix_opt(one_year(model, h.arg_span(1))),
                        );
                    }
                }
            }
        }
    }
}

/// HSTS for a year as the server's first statement, when that changes no other header.
fn add_hsts(model: &Model<'_>, server: Node<'_, '_>, inherits: bool) -> Option<Fix> {
    let nested_headers = server
        .descendants()
        .any(|d| d.is("add_header") && d.parent().is_some_and(|p| p.id() != server.id()));
    if inherits || nested_headers {
        return None;
    }
    let edit = crate::fixes::first_in_block(
        model.map,
        server.span(),
        "add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;",
    )?;
    Some(Fix::unsafe_edits("send HSTS for a year", vec![edit]))
}

/// `max-age=31536000` in place of a shorter one, in the header's value as written.
fn one_year(model: &Model<'_>, value: lint_source::Span) -> Option<Fix> {
    let written = crate::fixes::written(model.map, value)?.to_ascii_lowercase();
    let at = written.find("max-age=")? + "max-age=".len();
    let digits = written[at..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let start = value.start as usize + at;
    Some(Fix::unsafe_edits(
        "write max-age=31536000",
        vec![Edit::replace(
            lint_source::Span::new(value.file, start, start + digits),
            "31536000",
        )],
    ))
}

/// `security_headers on` (the security-headers module) or a `more_set_headers` that sets HSTS.
fn provided_by_module(block: Node<'_, '_>) -> bool {
    block.children().any(|c| {
        (c.is("security_headers") && c.arg(0).eq_ignore_ascii_case("on"))
            || (c.is("more_set_headers")
                && c.args().any(|a| {
                    a.to_ascii_lowercase()
                        .trim_start()
                        .starts_with("strict-transport-security")
                }))
    })
}

fn max_age(value: &str) -> Option<u64> {
    let lower = value.to_ascii_lowercase();
    let rest = &lower[lower.find("max-age=")? + "max-age=".len()..];
    let digits: String = rest
        .trim_matches('"')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}
