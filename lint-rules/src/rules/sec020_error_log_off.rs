use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC020",
        name: "error-log-off",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`error_log off` does not turn logging off: it writes errors to a file named `off`",
        aliases: &["error_log_off"],
        doc: r#"`access_log off` disables the access log, but `error_log` has no `off`:
its first argument is always a file, so `error_log off;` writes every error to
a file called `off` in nginx's prefix (`/usr/share/nginx/off` on Debian,
`/etc/nginx/off` with some builds). Nobody looks there: failed upstreams,
denied requests and attacks go unseen, and the file grows without rotation.

**Symptom**: the configured error log stays empty while a file named `off`
grows in nginx's prefix directory; incidents leave no trace where operators look.

Bad:
```nginx
error_log off;
```
Good:
```nginx
error_log /var/log/nginx/error.log warn;
```

Autofix: unsafe — `off` becomes `/var/log/nginx/error.log` (gixy-ng's first fix), any
level kept: errors start going to a real file (where distributions and the official
image keep nginx's log), which needs that directory and its rotation."#,
        fix: "Name a real file (`error_log /var/log/nginx/error.log crit;` for few messages), or `error_log /dev/null crit;` to discard them on purpose.",
    },
    check: Check::Nodes(check),
};

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for at in nodes.named(tree, "error_log") {
        let s = &tree.item(at);
        if !s.arg(0).is_some_and(|a| a.eq_ignore_ascii_case("off")) {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                s.arg_span(0),
                "`error_log off` writes errors to a file named \"off\"; it does not disable the log",
            )
            .with_help("name a real log file, or `/dev/null` with a level such as `crit`")
            .with_fix(Fix::unsafe_edits(
                "log to /var/log/nginx/error.log",
                vec![Edit::replace(s.arg_span(0), "/var/log/nginx/error.log")],
            )),
        );
    }
}
