use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity, Span};

use crate::model::syntax::anchored_without_slash;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX228",
        name: "rewrite-never-matches",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a `rewrite` regex anchored (`^`) to something that cannot be `/`: the URI always begins with `/`, so the rewrite never applies",
        aliases: &[],
        doc: r#"`rewrite` matches its regex against the normalised request URI, which always
begins with `/`. A regex anchored at its start to anything else (`^api/(.*)$`,
`^([a-zA-Z0-9]{6})$`, `^(login|logout)$`) can never match: nginx accepts it, and the
rewrite silently does nothing. The requests it was written for go on as they came
and usually end in 404 (or whatever the location does with them). Apache's
`RewriteRule` in `.htaccess` matches the path without its leading slash, which is
where most of these regexes come from when a site moves to nginx.

**Symptom**: the pretty URLs the rewrite was meant for answer 404; nothing in
nginx's error log (with `rewrite_log on;`, no "matches" line for them). Pasthis
(`rewrite "^([a-zA-Z0-9]{6}(@raw)?)$" /index.php?p=$1 last;`): every paste 404
(live, nginx 1.22.1 with php-fpm 8.2: 404, and 200 with `^/`).

Bad:
```nginx
location / {
    rewrite "^([a-zA-Z0-9]{6})$" /index.php?p=$1 last;
}
```
Good:
```nginx
location / {
    rewrite "^/([a-zA-Z0-9]{6})$" /index.php?p=$1 last;
}
```

Autofix: unsafe — `/` is written after the `^` (the captures stay the same): the
rewrite then applies to requests it never touched before."#,
        fix: "Anchor the regex as `^/...`: the URI rewrite sees always begins with `/`.",
    },
    check: Check::Nodes(check),
};

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for i in nodes.named(tree, "rewrite") {
        let item = tree.item(i);
        let Some(regex) = item.arg(0) else {
            continue;
        };
        if !anchored_without_slash(&regex) {
            continue;
        }
        let span = item.arg_span(0);
        let fix = item
            .arg_token(0)
            .filter(|token| !token.escaped && regex.starts_with('^'))
            .map(|token| {
                let at = token.inner_span().start + 1;
                Fix::unsafe_edits(
                    "anchor the regex at `^/`",
                    vec![Edit::insert(
                        Span::new(span.file, at as usize, at as usize),
                        "/",
                    )],
                )
            });
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                span,
                format!("`rewrite {regex}` never matches: the URI it is matched against always begins with `/`, and the regex is anchored (`^`) to something that cannot be `/`"),
            )
            .with_label("anchored to something other than `/`")
            .with_help(format!("anchor it as `^/{}`", regex.trim_start_matches('^')))
            .with_fix_opt(fix),
        );
    }
}
