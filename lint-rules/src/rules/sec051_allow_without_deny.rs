use crate::model::syntax::Nodes;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

use crate::model::syntax::Tree;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC051",
        name: "allow-without-deny",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`allow` without a `deny` in the same block: the allow list restricts nothing",
        aliases: &["allow_without_deny"],
        doc: r#"nginx's access module lets a request through when no rule matches its
address. `allow 10.0.0.0/8;` alone therefore admits 10.x *and everyone else*.
A block with its own `allow` does not inherit the outer block's `deny` either
(access rules are inherited all or nothing), so the `deny all` must be in the
same block. Under `satisfy any` with an authentication module the allow list
is a bypass of the authentication and the missing `deny` is intended.

**Symptom**: the "restricted" location answers every client.

Bad:
```nginx
location /admin/ {
    allow 10.0.0.0/8;
}
```
Good:
```nginx
location /admin/ {
    allow 10.0.0.0/8;
    deny all;
}
```

Autofix: unsafe — `deny all;` is added after the block's last `allow` (gixy-ng's fix):
every address the list does not name gets 403 from then on, which may lock out clients
the list forgot (IPv6, a proxy's address). Only when that `allow` is written in the
block's own file, not in a snippet other blocks include."#,
        fix: "Add `deny all;` after the `allow` lines of the block.",
    },
    check: Check::Nodes(check),
};

/// Authentication modules that can stand in for the allow list under `satisfy any`.
pub const AUTH_DIRECTIVES: &[&str] = &["auth_basic", "auth_request", "auth_jwt", "auth_oidc"];

/// True when `satisfy any` and an authentication module apply at `scope`.
pub fn satisfy_any_with_auth(tree: &Tree<'_>, scope: Option<usize>) -> bool {
    let any = tree
        .inherited(scope, "satisfy")
        .and_then(|s| tree.item(s).arg(0))
        .is_some_and(|v| v.eq_ignore_ascii_case("any"));
    any && AUTH_DIRECTIVES.iter().any(|name| {
        tree.inherited(scope, name)
            .and_then(|a| tree.item(a).arg(0))
            .is_some_and(|v| !v.eq_ignore_ascii_case("off"))
    })
}

/// `deny all;` after the last `allow` of the block, when it is in the block's own file.
fn deny_all(model: &Model<'_>, tree: &Tree<'_>, scope: usize) -> Option<Fix> {
    let last = tree
        .children(Some(scope))
        .iter()
        .rev()
        .map(|c| tree.item(*c))
        .find(|c| c.is("allow"))?;
    if last.span().file != tree.item(scope).span().file {
        return None;
    }
    Some(Fix::unsafe_edits(
        "add `deny all;` after the allow lines",
        vec![crate::fixes::after(model.map, last.span(), "deny all;")],
    ))
}

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let mut seen = foldhash::HashSet::default();
    for i in nodes.named(tree, "allow").collect::<Vec<_>>() {
        let item = tree.item(i);
        if item.arg_count() == 1 && item.arg(0).is_some_and(|a| a == "all") {
            // `allow all` reopens a nested location; nothing to pair.
            continue;
        }
        let scope = tree.parent(i);
        if satisfy_any_with_auth(tree, scope) || !seen.insert(scope) {
            continue;
        }
        // A `deny` closes the list; an `allow all` beside it says the block is open
        // on purpose (the other allows are redundant, not a forgotten deny).
        if tree.children(scope).iter().any(|c| {
            let c = tree.item(*c);
            c.is("deny") || (c.is("allow") && c.arg(0).is_some_and(|a| a == "all"))
        }) {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE.meta,
            item.span(),
            "`allow` without `deny` in the same block: addresses it does not list are let in too",
        )
        .with_help("add `deny all;` after the allow lines");
        if let Some(s) = scope {
            d = d.with_related(tree.item(s).head_span(), "the block");
            d = d.with_fix_opt(deny_all(model, tree, s));
        }
        sink.push(d);
    }
}
