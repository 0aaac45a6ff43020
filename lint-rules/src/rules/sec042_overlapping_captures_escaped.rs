use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use foldhash::HashMap;
use std::collections::BTreeSet;

use crate::model::regex_shape;
use crate::model::Model;
use crate::rules::sec040_invalid_capture_reference::capture_refs;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC042",
        name: "overlapping-captures-escaped",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "a redirecting or `?` rewrite references nested captures (heap overflow in nginx < 1.30.2, CVE-2026-9256)",
        aliases: &["overlapping_captures"],
        doc: r#"When a `rewrite` regex has nested captures (`^/((.*))$`) and its
replacement references more than one of them with `$N` where nginx escapes
them — all of them in a redirect (`redirect`/`permanent`, or a replacement
starting with `http://`/`https://`), those after the `?` otherwise — nginx
before 1.30.2/1.31.1 sizes the result for the raw captures and writes the
escaped ones (CVE-2026-9256). A replacement that also uses a named variable,
or uses one `$N` twice, takes nginx's safe path and is not reported; nor are
captures side by side (`(a)(b)`).

**Symptom**: on unpatched nginx a crafted URL overflows a heap buffer in the
worker (crash, possibly code execution).

Bad:
```nginx
rewrite ^/((.*))$ https://example.com/$1$2 redirect;
```
Good:
```nginx
rewrite ^/(?<all>(?<tail>.*))$ https://example.com/$all$tail redirect;
```"#,
        fix: "Upgrade nginx (1.30.2/1.31.1 or later); meanwhile reference the captures by name.",
    },
    check: Check::Nodes(check),
};

/// True when the replacement uses a named variable (`$name`, `${name}`).
fn has_named_variable(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || w[1] == b'_' || w[1] == b'{'))
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for i in nodes.named(tree, "rewrite").collect::<Vec<_>>() {
        let item = tree.item(i);
        let (Some(pattern), Some(replacement)) = (item.arg(0), item.arg(1)) else {
            continue;
        };
        // A sole trailing `?` only drops the original arguments.
        let replacement = replacement.strip_suffix('?').unwrap_or(&replacement);
        if has_named_variable(replacement) {
            continue;
        }
        let all: Vec<u32> = replacement
            .as_bytes()
            .windows(2)
            .filter(|w| w[0] == b'$' && (b'1'..=b'9').contains(&w[1]))
            .map(|w| u32::from(w[1] - b'0'))
            .collect();
        let distinct: BTreeSet<u32> = all.iter().copied().collect();
        if distinct.len() != all.len() {
            continue;
        }
        let flag = item.arg(2).map(|f| f.to_ascii_lowercase());
        let redirect = matches!(flag.as_deref(), Some("redirect" | "permanent"))
            || replacement.starts_with("http://")
            || replacement.starts_with("https://");
        let escaped = if redirect {
            distinct
        } else {
            match replacement.split_once('?') {
                Some((_, args)) => capture_refs(args),
                None => continue,
            }
        };
        if escaped.len() < 2 {
            continue;
        }
        let Ok(shape) = regex_shape::parse(&pattern, false) else {
            continue;
        };
        let parents: HashMap<u32, Option<u32>> = shape.capture_parents().into_iter().collect();
        let ancestors = |g: u32| {
            let mut out = Vec::new();
            let mut p = parents.get(&g).copied().flatten();
            while let Some(a) = p {
                out.push(a);
                p = parents.get(&a).copied().flatten();
            }
            out
        };
        let nested = escaped
            .iter()
            .any(|a| escaped.iter().any(|b| a != b && ancestors(*b).contains(a)));
        if !nested {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                item.span(),
                "nested captures referenced by `$N` where nginx escapes them: heap overflow on nginx before 1.30.2 (CVE-2026-9256)",
            )
            .with_help("upgrade nginx; or name the captures and reference them by name"),
        );
    }
}
