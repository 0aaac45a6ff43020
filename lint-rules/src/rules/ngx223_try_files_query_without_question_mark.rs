use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity, Span};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX223",
        name: "try-files-query-without-question-mark",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "the `try_files` fallback glues the query to the script without `?` (`/index.php$query_string`): PHP gets no arguments",
        aliases: &[],
        doc: r#"The last parameter of `try_files` is a URI that nginx splits at `?` into the path
and the arguments of the internal redirect. `/index.php$query_string` has no `?`:
nginx redirects to `/index.php` with no arguments, and the front controller sees
an empty `$_GET` and `QUERY_STRING` on every URL that is not a file. Pagination
(`?page=2`), filters, OAuth callbacks (`?code=…`), signed URLs and search all break,
while the page itself loads. `nginx -t` accepts it.

**Symptom**: `/users?page=2` shows page 1; every query parameter is ignored on
routed URLs, but works on `/index.php?page=2` itself.

Bad:
```nginx
location / {
    try_files $uri $uri/ /index.php$query_string;
}
```
Good:
```nginx
location / {
    try_files $uri $uri/ /index.php?$query_string;
}
```
(`/index.php$is_args$args` is right too: `$is_args` is `?` when there are
arguments.) Proven live against nginx 1.22: `?status=418` reaches the script only
with the `?`.

Autofix: safe — a `?` is written before the variable."#,
        fix: "Write `?` between the script and the query: `/index.php?$query_string` (or `/index.php$is_args$args`).",
    },
    check: Check::Server(check),
};

/// Where a query variable (`$query_string`, `$args`, `${args}`) starts in `fallback`
/// with no `?` and no `$is_args` before it.
fn query_without_question_mark(fallback: &str) -> Option<usize> {
    if fallback.starts_with(['=', '@']) {
        return None;
    }
    for (at, _) in fallback.match_indices('$') {
        let rest = &fallback[at + 1..];
        let name = rest.trim_start_matches('{');
        let word: String = name
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if word == "is_args" {
            return None;
        }
        if word == "query_string" || word == "args" {
            let before = &fallback[..at];
            return (!before.contains('?') && !before.is_empty()).then_some(at);
        }
    }
    None
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in &server.locations {
        let Some(try_files) = &location.try_files else {
            continue;
        };
        let Some(last) = try_files.args.last().filter(|_| try_files.args.len() > 1) else {
            continue;
        };
        let Some(at) = query_without_question_mark(last) else {
            continue;
        };
        let fix = crate::fixes::statement(model.map, try_files.span).and_then(|stmt| {
            let (span, written) = stmt.args.last()?;
            // Only a parameter written as nginx reads it (no quotes or escapes).
            if written != last || span.len() != last.len() {
                return None;
            }
            let insert = span.start as usize + at;
            Some(Fix::safe(
                "write `?` before the query",
                vec![Edit::insert(Span::new(span.file, insert, insert), "?")],
            ))
        });
        let script = &last[..at];
        let variable = &last[at..];
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                try_files.span,
                format!("the fallback `{last}` has no `?` before `{variable}`: nginx redirects to `{script}` without arguments, and the script never sees the query"),
            )
            .with_label("the fallback URI is split at `?`")
            .with_help(format!("write `{script}?{variable}`"))
            .with_fix_opt(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::query_without_question_mark;

    #[test]
    fn a_query_variable_needs_a_question_mark_before_it() {
        assert_eq!(
            query_without_question_mark("/index.php$query_string"),
            Some(10)
        );
        assert_eq!(query_without_question_mark("/index.php${args}"), Some(10));
        assert_eq!(
            query_without_question_mark("/index.php?$query_string"),
            None
        );
        assert_eq!(query_without_question_mark("/index.php$is_args$args"), None);
        assert_eq!(query_without_question_mark("/index.php?q=$uri&$args"), None);
        assert_eq!(query_without_question_mark("/index.php$arg_page"), None);
        assert_eq!(query_without_question_mark("=404"), None);
        assert_eq!(query_without_question_mark("@php"), None);
        assert_eq!(query_without_question_mark("$args"), None);
    }
}
