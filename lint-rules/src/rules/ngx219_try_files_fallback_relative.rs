use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::compiled_regex::is_match;
use crate::model::syntax::location_regex;
use crate::model::Model;
use nginx_conf_parser::catalogue::Catalogue;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX219",
        name: "try-files-fallback-relative",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "the last parameter of `try_files` (its fallback URI) lacks the leading `/`: nginx answers 404 instead of reaching it",
        aliases: &[],
        doc: r#"The last parameter of `try_files` is where nginx sends a request none of the
files matched: a URI (`/index.php?$args`), a named location (`@app`) or a code
(`=404`). nginx redirects to it as written: `index.php?$args`, without its `/`, is
the URI `index.php`, which the static handler joins to the root with nothing
between (`open() "/var/wwwindex.php" failed`), and a `~ \.php$` location that
catches it sends php-fpm `SCRIPT_FILENAME` `/var/wwwindex.php` ("Primary script
unknown"). Either way every request that is not a file answers 404: the front
controller of the application is never reached. `nginx -t` accepts it.

**Symptom**: every pretty URL (`/login`, `/api/tickets`) answers 404 "Not Found"
or "File not found."; nginx's error log shows the root and the script name run
together (`/var/www/htmlindex.php`).

Bad:
```nginx
location / {
    try_files $uri $uri/ index.php?$args;
}
```
Good:
```nginx
location / {
    try_files $uri $uri/ /index.php?$args;
}
```

A regex location that matches the URI (`~ \.php$` for `index.php`) takes the
redirect again: that cycle is NGX208's. `try_files $uri = 404;` (with a space) is a warning of its own: a file named `=`
is tried, then the URI `404`, which nginx answers with 404 only as long as no file
`404` exists in the root; `=404` is meant.

A bare status, `try_files $uri 404;` (MediaWiki's manual), is the same mistake
(a warning): `404` is a URI, not a status; nginx answers 404 only while no location
takes that URI. `=404` is meant.

Autofix: safe — a `/` is written before the fallback (`= 404` becomes `=404`, and a
bare `404` becomes `=404`)."#,
        fix: "Begin the fallback URI with `/` (`/index.php?$args`).",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let catalogue = Catalogue::get(crate::options::version(model.options));
    for tree in model.syntax {
        for node in tree.nodes_named("try_files") {
            // One parameter is nginx's own error (the load checks); two or more end in the
            // fallback.
            let Some(last) = node.arg_count().checked_sub(1).filter(|&i| i > 0) else {
                continue;
            };
            let fallback = node.arg(last);
            // A line without its `;` (`try_files $uri /index.php` then `expires 1h;`) is
            // NGX216's: the last word is a swallowed directive's, not a fallback. (Looked
            // up only for a statement that would be reported.)
            let swallows = || node.args().any(|a| !catalogue.lookup(a).is_empty());
            // `= 404` (with a space) is a file named `=` and the URI `404`: the answer is
            // still a 404 (no file `404` in the root), the intent is plain.
            if last >= 2
                && node.arg(last - 1) == "="
                && fallback.bytes().all(|b| b.is_ascii_digit())
                && !swallows()
            {
                let (eq, code) = (node.arg_span(last - 1), node.arg_span(last));
                sink.push(
                    Diagnostic::new(&RULE.meta, eq, format!("`= {fallback}` is two parameters, a file named `=` and the fallback URI `{fallback}`: write `={fallback}`"))
                        .with_severity(Severity::Warning)
                        .with_label("a file to try, not a status")
                        .with_help(format!("write `={fallback}` (no space): nginx answers {fallback} itself"))
                        .with_fix(Fix::safe(
                            format!("write `={fallback}`"),
                            vec![Edit::delete(lint_source::Span::new(eq.file, eq.end as usize, code.start as usize))],
                        )),
                );
                continue;
            }
            let relative = fallback
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
            if !relative || swallows() {
                continue;
            }
            // A regex location that matches the URI takes the redirect again: an internal
            // redirection cycle, NGX208's finding (500, not 404).
            let uri = fallback.split('?').next().unwrap_or(fallback);
            let reenters = node
                .ancestors()
                .find(|a| a.is("location"))
                .and_then(|l| location_regex(&l.item()))
                .is_some_and(|(pattern, case_sensitive)| {
                    let pattern = if case_sensitive {
                        pattern
                    } else {
                        format!("(?i){pattern}")
                    };
                    is_match(&pattern, uri)
                });
            if reenters {
                continue;
            }
            let span = node.arg_span(last);
            // Inside the quotes of a quoted parameter.
            let text = &model.map.get(span.file).text();
            let quoted = matches!(text.get(span.start as usize), Some(b'"' | b'\''));
            let at = span.start as usize + usize::from(quoted);
            // `try_files $uri 404;` (MediaWiki's manual) means the status `=404`: nginx
            // redirects to the URI `404`, which no file matches, and answers 404 as long
            // as no location takes that URI (live: a prefix `location /` that proxies
            // answers it with 200 instead). Writing `=` keeps the answer and makes it sure.
            let status = fallback.len() == 3
                && fallback.bytes().all(|b| b.is_ascii_digit())
                && (b'1'..=b'5').contains(&fallback.as_bytes()[0]);
            if status {
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        span,
                        format!("the fallback `{fallback}` is a URI without its `/`, not a status: nginx redirects to the URI `{fallback}`; `={fallback}` answers {fallback}"),
                    )
                    .with_severity(Severity::Warning)
                    .with_label("a URI, not a status")
                    .with_help(format!("write `={fallback}`"))
                    .with_fix(Fix::safe(
                        format!("write `={fallback}`"),
                        vec![Edit::insert(lint_source::Span::point(span.file, at), "=")],
                    )),
                );
                continue;
            }
            let script = fallback.split('?').next().unwrap_or(fallback);
            let root = node
                .effective("root")
                .map(|r| r.arg(0).trim_end_matches('/').to_string())
                .unwrap_or_else(|| "<root>".to_string());
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    span,
                    format!("the fallback `{fallback}` has no leading `/`: nginx looks for the root and `{script}` run together, and answers 404"),
                )
                .with_label("a URI without its `/`")
                .with_help(format!("write `/{fallback}`"))
                .with_note(format!("at runtime: 404 for every request that is not a file; nginx logs `open() \"{root}{script}\" failed` or php-fpm \"Primary script unknown\""))
                .with_fix(Fix::safe(
                    format!("write `/{fallback}`"),
                    vec![Edit::insert(lint_source::Span::point(span.file, at), "/")],
                )),
            );
        }
    }
}
