use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC017",
        name: "valid-referers-none",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`valid_referers` accepts `none` or `blocked`: requests without a usable Referer pass the check",
        aliases: &["valid_referers"],
        doc: r#"`valid_referers` sets `$invalid_referer` to empty for the referers it
accepts. `none` accepts a request with no `Referer` header at all, `blocked`
one whose `Referer` has no `http://` or `https://` scheme (stripped by a proxy
or firewall, or simply `Referer: x`). Both are what an attacker (or a
`<meta name="referrer" content="no-referrer">` page, or `curl`) sends, so a
hotlink or access check built on `$invalid_referer` lets them through.

**Symptom**: the protected files are served to any page or script that omits
the Referer: `curl https://site/protected.zip` succeeds.

Bad:
```nginx
location /downloads/ {
    valid_referers none blocked server_names *.example.com;
    if ($invalid_referer) { return 403; }
}
```
Good:
```nginx
location /downloads/ {
    valid_referers server_names *.example.com;
    if ($invalid_referer) { return 403; }
}
```

Autofix: unsafe — the word is removed from the list (gixy-ng's fix): requests without a
Referer (direct visits, privacy settings, some apps) are refused from then on. Not
offered when `none` and `blocked` are all the list holds."#,
        fix: "Remove `none` and `blocked` from `valid_referers`; use real authentication when the files must stay private.",
    },
    check: Check::Nodes(check),
};

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for at in nodes.named(tree, "valid_referers") {
        let s = &tree.item(at);
        // Removing every `none`/`blocked` must leave a list nginx accepts.
        let others = s
            .args()
            .any(|a| !a.eq_ignore_ascii_case("none") && !a.eq_ignore_ascii_case("blocked"));
        for (i, arg) in s.args().enumerate() {
            let word = arg.to_ascii_lowercase();
            if word != "none" && word != "blocked" {
                continue;
            }
            let what = if word == "none" {
                "a request without a Referer header"
            } else {
                "a request whose Referer has no http(s) scheme"
            };
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    s.arg_span(i),
                    format!("`valid_referers {word}` accepts {what}: anyone can send one"),
                )
                .with_help(format!("remove `{word}` from this list"))
                .with_fix_if(others, || {
                    Fix::unsafe_edits(
                        format!("remove `{word}` from valid_referers"),
                        vec![crate::fixes::remove_arg(model.map, s.arg_span(i))],
                    )
                }),
            );
        }
    }
}
