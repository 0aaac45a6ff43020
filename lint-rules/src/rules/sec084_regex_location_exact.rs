use crate::rule::{Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC084",
        name: "regex-location-exact",
        family: Family::Security,
        severity: Severity::Note,
        summary: "a regex location that matches one literal path (`~ ^/health$`) can be `location = /health` (opt-in)",
        aliases: &["regex_exact_match"],
        doc: r#"A case-sensitive regex location anchored at both ends with nothing but
literal characters between (`location ~ ^/api/health$`) matches a single
path. nginx tries regex locations one by one, in order, for every request
that no `=` or `^~` location took; `location = /api/health` is found by one
lookup before any regex runs and documents the intent. The two are not quite
the same: PCRE's `$` also matches before a final newline, so the regex also
takes `/api/health%0A`, and an earlier regex location that matches the path
wins over the regex but not over `=`.

Opt-in: reported only when selected (`--select SEC084`, `--select SEC` or
`--select regex_exact_match`).

**Symptom**: none; a regex evaluated for requests an exact match would
settle in one lookup.

Bad:
```nginx
location ~ ^/api/health$ {
    return 200;
}
```
Good:
```nginx
location = /api/health {
    return 200;
}
```"#,
        fix: "Write `location = /path` instead of `location ~ ^/path$`.",
    },
    check,
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        for location in crate::model::directive_tree::of(nginx).named("location") {
            let node = location;
            if node.args().len() != 2 || node.arg(0) != "~" {
                continue;
            }
            let Some(path) = exact_path(node.arg(1)) else {
                continue;
            };
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    node.arg_span(1),
                    format!("this regex matches only `{path}`: `location = {path}` says so and needs no regex"),
                )
                .with_help(format!("write `location = {path}`")),
            );
        }
    }
}

/// The one path `^literal$` matches, escapes removed; `None` when the pattern has any
/// regex syntax between the anchors.
fn exact_path(regex: &str) -> Option<String> {
    let inner = regex.strip_prefix('^')?.strip_suffix('$')?;
    if inner.ends_with('\\') && !inner.ends_with("\\\\") {
        // `^/a\$`: the `$` is escaped, not an anchor.
        return None;
    }
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() => out.push(e),
                _ => return None,
            },
            '.' | '[' | ']' | '(' | ')' | '{' | '}' | '*' | '+' | '?' | '|' | '^' | '$' => return None,
            c if c.is_whitespace() => return None,
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::exact_path;

    #[test]
    fn literal_anchored_patterns_only() {
        assert_eq!(exact_path("^/api/health$").as_deref(), Some("/api/health"));
        assert_eq!(exact_path(r"^/robots\.txt$").as_deref(), Some("/robots.txt"));
        assert_eq!(exact_path("^/api/v[12]/health$"), None);
        assert_eq!(exact_path("^/api/health"), None);
        assert_eq!(exact_path(r"^/a\d$"), None);
        assert_eq!(exact_path(r"^/a\$"), None);
    }
}
