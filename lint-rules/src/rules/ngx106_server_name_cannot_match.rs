use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX106",
        name: "server-name-cannot-match",
        family: Family::NginxListen,
        severity: Severity::Warning,
        summary: "a server_name no Host header can match (a trailing comma, `*` in the middle, a URL)",
        aliases: &[],
        doc: r#"`server_name` takes names separated by blanks. `a.example, b.example` makes
the first name `a.example,` — no request carries a comma in its Host. A `*`
is allowed only as the first or last label (`*.example.com`,
`www.example.*`); `www.*.example.com` fails when nginx builds the name hash
(`invalid server name or wildcard`). Schemes, ports and paths are never part
of a Host match.

Upper case is not a problem and not reported: nginx lower-cases exact and
wildcard names when it reads them, compiles a regex name caseless as soon as it
contains an upper-case letter (`ngx_http_core_server_name`), and lower-cases the
Host header before matching.

**Symptom**: the name never matches; requests for it go to the default server
of the address.

Bad:
```nginx
server_name shop.example.com, www.shop.example.com;
```
Good:
```nginx
server_name shop.example.com www.shop.example.com;
```

Autofix: safe — a trailing comma is dropped and a URL is reduced to its host name;
names with other problems (a port, `*` in the middle) have no single correction."#,
        fix: "Separate names with spaces; use wildcards only as the first or last label; no scheme or path.",
    },
    check: Check::Server(check),
};

fn problem(name: &str) -> Option<&'static str> {
    if name.starts_with('~') || name.is_empty() || name == "_" || name.starts_with('$') {
        return None;
    }
    if name.contains(',') {
        return Some("contains a comma: names are separated by spaces");
    }
    if name.contains("://") {
        return Some("is a URL: server_name matches the Host header only");
    }
    if name.contains('/') {
        return Some("contains `/`: server_name matches the Host header, never a path");
    }
    let inner = name.trim_start_matches("*.").trim_end_matches(".*");
    if inner.contains('*') {
        return Some(
            "has `*` in the middle: wildcards are allowed only as the first or last label",
        );
    }
    if name.contains(':') && !name.starts_with('[') {
        return Some("contains a port: the port belongs in `listen`");
    }
    None
}

/// The one obvious correction: a trailing comma dropped, a URL reduced to its host.
fn corrected(name: &str) -> Option<String> {
    let good = if let Some(stripped) = name.strip_suffix(',') {
        stripped.to_string()
    } else {
        let rest = name
            .strip_prefix("https://")
            .or_else(|| name.strip_prefix("http://"))?;
        rest.split('/').next()?.to_string()
    };
    (!good.is_empty() && problem(&good).is_none() && !good.contains(['"', '\'', ' ', ';']))
        .then_some(good)
}

fn check(_model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for (name, span) in &server.names {
        if let Some(why) = problem(name) {
            sink.push(
                Diagnostic::new(&RULE.meta, *span, format!("server name \"{name}\" {why}"))
                    .with_help("fix the name; it never matches a request")
                    .with_fix_opt(corrected(name).map(|good| {
                        Fix::safe(
                            format!("write \"{good}\""),
                            vec![Edit::replace(*span, good)],
                        )
                    })),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn names_that_cannot_match() {
        assert!(problem("a.example,").is_some());
        assert!(problem("www.*.example.com").is_some());
        assert!(problem("https://a.example").is_some());
        assert!(problem("a.example:8080").is_some());
        assert!(problem("*.example.com").is_none());
        assert!(problem("www.example.*").is_none());
        assert!(problem("~^(?<sub>.+)\\.example\\.com$").is_none());
        assert!(problem("_").is_none());
        assert_eq!(super::corrected("a.example,").as_deref(), Some("a.example"));
        assert_eq!(
            super::corrected("https://a.example/x").as_deref(),
            Some("a.example")
        );
        assert_eq!(super::corrected("a.example:8080"), None);
        assert_eq!(super::corrected("https://a.example:8443/"), None);
    }
}
