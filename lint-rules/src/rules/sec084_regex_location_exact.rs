use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::regex_shape::{self, Node};
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
```

Autofix: unsafe — `~ ^/path$` becomes `= /path` (gixy-ng's fix). Unsafe for the
differences above: `/path` followed by a newline no longer matches, and the exact match
now wins over regex locations written before it. Not offered when the location holds
locations of its own (an exact location cannot) or the path would need quoting."#,
        fix: "Write `location = /path` instead of `location ~ ^/path$`.",
    },
    check: Check::Nodes(check),
};

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for location in nodes.named(tree, "location").map(|i| tree.node(i)) {
        let node = location;
        if node.arg_count() != 2 || node.arg(0) != "~" {
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
            .with_help(format!("write `location = {path}`"))
            .with_fix_opt(exact_location(node, &path)),
        );
    }
}

/// `location = path` in place of the regex.
fn exact_location(node: crate::model::syntax::Node<'_, '_>, path: &str) -> Option<Fix> {
    if !crate::fixes::bare_word(path) || node.children().any(|c| c.is("location")) {
        return None;
    }
    Some(Fix::unsafe_edits(
        format!("write `location = {path}`"),
        vec![
            Edit::replace(node.arg_span(0), "="),
            Edit::replace(node.arg_span(1), path),
        ],
    ))
}

/// The one path `^literal$` matches, escapes removed; `None` when the pattern has any
/// regex syntax between the anchors (read on [`regex_shape`]'s parse: `\Q..\E` and
/// escaped punctuation are literals, `\$` is not an anchor, `(?i)` makes a letter two).
fn exact_path(regex: &str) -> Option<String> {
    // Most regex locations (`\.php$`) fail this before any parse is allocated.
    if !regex.starts_with('^') || !regex.ends_with('$') {
        return None;
    }
    let Ok(Node::Concat(parts)) = regex_shape::parse(regex, false) else {
        return None;
    };
    let [Node::Start, middle @ .., Node::End] = parts.as_slice() else {
        return None;
    };
    let bytes = middle
        .iter()
        .map(|p| match p {
            Node::Set(set) => set.single().filter(|b| !b.is_ascii_whitespace()),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()?;
    (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::exact_path;

    #[test]
    fn literal_anchored_patterns_only() {
        assert_eq!(exact_path("^/api/health$").as_deref(), Some("/api/health"));
        assert_eq!(
            exact_path(r"^/robots\.txt$").as_deref(),
            Some("/robots.txt")
        );
        assert_eq!(exact_path("^/api/v[12]/health$"), None);
        assert_eq!(exact_path("^/api/health"), None);
        assert_eq!(exact_path(r"^/a\d$"), None);
        assert_eq!(exact_path(r"^/a\$"), None);
    }
}
