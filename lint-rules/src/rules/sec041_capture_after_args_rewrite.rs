use crate::model::syntax::Nodes;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::syntax::{if_words, Tree};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC041",
        name: "capture-after-args-rewrite",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "a `rewrite` with `?` followed by a `set`/`if` reading `$N` (heap overflow in nginx < 1.30.1, CVE-2026-42945)",
        aliases: &["unnamed_groups"],
        doc: r#"A `rewrite` whose replacement contains `?` switches nginx's script engine
into argument-escaping mode and, in nginx before 1.30.1/1.31.0, leaves it on.
A later `set` or `if` in the same rewrite sequence that reads a numbered
capture (`$1`…`$9`) then sizes its buffer for the raw bytes but writes the
URI-escaped ones (CVE-2026-42945). A rewrite that ends processing (`last`,
`break`, `redirect`, `permanent`, or an absolute URL) and a `return` or
`break;` before the `set` make it unreachable and are not reported.

**Symptom**: on unpatched nginx a crafted URL overflows a heap buffer in the
worker (crash, possibly code execution); on patched nginx nothing.

Bad:
```nginx
location / {
    rewrite ^(.*)$ /index.php?path=$1;
    set $page $1;
}
```
Good:
```nginx
location / {
    rewrite ^(?<path>.*)$ /index.php?path=$path;
    set $page $path;
}
```"#,
        fix: "Upgrade nginx (1.30.1/1.31.0 or later); meanwhile read the capture by name (`(?<name>...)`, `$name`) in the `set`/`if`.",
    },
    check: Check::Nodes(check),
};

/// `$1`..`$9` somewhere in `text`.
fn has_numbered_capture(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'$' && (b'1'..=b'9').contains(&w[1]))
}

/// A `set` or `if` whose evaluated value reads a numbered capture.
fn reads_capture(tree: &Tree<'_>, n: usize) -> bool {
    let item = tree.item(n);
    if item.is("set") {
        return item.arg(1).is_some_and(|v| has_numbered_capture(&v));
    }
    if item.is("if") {
        let words = if_words(&item);
        let direct = match words.as_slice() {
            [_, op, value] if op == "=" || op == "!=" => has_numbered_capture(value),
            [op, value] if matches!(op.trim_start_matches('!'), "-f" | "-d" | "-e" | "-x") => {
                has_numbered_capture(value)
            }
            _ => false,
        };
        return direct
            || tree
                .children(Some(n))
                .iter()
                .any(|c| reads_capture(tree, *c));
    }
    false
}

fn ends_processing(tree: &Tree<'_>, n: usize) -> bool {
    let item = tree.item(n);
    item.is("return") || (item.is("break") && !item.is_block())
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for i in nodes.named(tree, "rewrite").collect::<Vec<_>>() {
        let item = tree.item(i);
        let Some(replacement) = item.arg(1) else {
            continue;
        };
        if !replacement.contains('?') {
            continue;
        }
        let flag = item.arg(2).map(|f| f.to_ascii_lowercase());
        if matches!(
            flag.as_deref(),
            Some("last" | "break" | "redirect" | "permanent")
        ) || ["http://", "https://", "$scheme"]
            .iter()
            .any(|p| replacement.starts_with(p))
        {
            continue;
        }
        // The statements after the rewrite in its block, then after the enclosing `if`
        // (the flag survives leaving an `if`), up to a real block boundary.
        let mut node = i;
        let mut found = None;
        'outer: while let Some(parent) = Some(tree.parent(node)) {
            let siblings = tree.children(parent);
            let after = siblings.iter().skip_while(|s| **s != node).skip(1);
            for s in after {
                if ends_processing(tree, *s) {
                    break 'outer;
                }
                if reads_capture(tree, *s) {
                    found = Some(*s);
                    break 'outer;
                }
            }
            match parent {
                Some(p) if tree.item(p).is("if") => node = p,
                _ => break,
            }
        }
        let Some(reader) = found else { continue };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                item.span(),
                "a `rewrite` with `?` followed by a numbered capture read in `set`/`if`: heap overflow on nginx before 1.30.1 (CVE-2026-42945)",
            )
            .with_related(tree.item(reader).span(), "reads `$N` here")
            .with_help("upgrade nginx; or capture by name (`(?<name>...)`) and read `$name`"),
        );
    }
}
