use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX214",
        name: "named-location-missing",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "`try_files` or `error_page` falls back to a `@name` that no location of the server defines",
        aliases: &[],
        doc: r#"A named location (`location @rewrite`) is looked up when a request is sent to
it, not when nginx loads the configuration: `nginx -t` passes a `try_files $uri
@rewrite;` or `error_page 404 @notfound;` whose server has no such location, and
every request that takes the fallback fails. Named locations belong to their
server (`location @name` is only allowed at server level), and names are compared
case-sensitively: one defined in another server, or spelled `@Rewrite`, is not
found.

**Symptom**: 500 Internal Server Error; nginx logs `could not find named location
"@rewrite"`.

Bad:
```nginx
location ~ ^/sitemap(.*)\.xml$ {
    try_files $uri @rewrite;
}
```
Good:
```nginx
location ~ ^/sitemap(.*)\.xml$ {
    try_files $uri @rewrite;
}
location @rewrite {
    rewrite ^/(.*)$ /index.php?route=$1 last;
}
```"#,
        fix: "Define `location @name { ... }` in the same server, or correct the name.",
    },
    check: Check::Server(check),
};

fn check(_model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let defined: Vec<&str> = server
        .locations
        .iter()
        .filter_map(|l| l.pattern.split_whitespace().last())
        .filter(|p| p.starts_with('@'))
        .collect();
    let mut reported: Vec<Span> = Vec::new();
    for location in &server.locations {
        // `try_files`: only the last parameter is a fallback URI or name.
        let fallback = location
            .try_files
            .iter()
            .filter_map(|t| t.args.last().map(|a| (a, t.span)));
        // `error_page CODE... [=RESPONSE] @name`.
        let pages = location
            .error_pages
            .iter()
            .filter_map(|e| e.args.last().map(|a| (a, e.span)));
        for (name, span) in fallback.chain(pages) {
            if !name.starts_with('@') || name.contains('$') || defined.contains(&name.as_str()) {
                continue;
            }
            // An inherited `error_page` shows in every location under it: once.
            if reported.contains(&span) {
                continue;
            }
            reported.push(span);
            let near = defined
                .iter()
                .find(|d| d.eq_ignore_ascii_case(name))
                .or_else(|| {
                    defined
                        .iter()
                        .map(|d| (strsim::levenshtein(d, name), d))
                        .filter(|(dist, _)| *dist <= 2)
                        .min_by_key(|(dist, _)| *dist)
                        .map(|(_, d)| d)
                });
            let mut d = Diagnostic::new(
                &RULE.meta,
                span,
                format!("no `location {name}` in this server: requests sent there fail"),
            )
            .with_label("nginx looks the name up per request")
            .with_related(server.span, "server")
            .with_note(format!(
                "at runtime: 500 Internal Server Error, \"could not find named location \\\"{name}\\\"\" in nginx's error log"
            ));
            d = match near {
                Some(n) => d.with_help(format!("did you mean `{n}`?")),
                None => d.with_help(format!("define `location {name} {{ ... }}` in this server")),
            };
            sink.push(d);
        }
    }
}
