use crate::model::syntax::Tree;
use crate::model::Model;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC086",
        name: "server-tokens-default",
        family: Family::Security,
        severity: Severity::Note,
        summary: "an `http` block never sets `server_tokens`: nginx's default `on` names its exact version in every response",
        aliases: &[],
        doc: r#"`server_tokens` is `on` unless written otherwise: the `Server` header reads
`nginx/1.22.1` and nginx's own error pages end with the same string. SEC019 reports a
`server_tokens on` that is written; this rule reports the `http` block that never
sets it, where a server of it does not either (gixy-ng's `version_disclosure` reports
both). It is opt-in (`--select SEC086`, or `--select SEC` for every gixy check):
nearly every configuration leaves the default, and the version alone is advice, not a
fault. A snippet linted on its own is not a whole `http` block and is not judged.

**Symptom**: `curl -sI https://site/ | grep Server` prints `Server: nginx/1.22.1`;
404 and 502 pages show the version in their footer.

Bad:
```nginx
http {
    server { listen 80; }
}
```
Good:
```nginx
http {
    server_tokens off;
    server { listen 80; }
}
```

Autofix: safe — `server_tokens off;` is added at the top of `http`: only the version
in the `Server` header and error pages goes."#,
        fix: "Add `server_tokens off;` to `http`.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        for http in tree.named("http") {
            if let Some(d) = left_at_default(model, tree, http) {
                sink.push(d);
            }
        }
    }
}

/// An `http` block that leaves `server_tokens` at nginx's default `on` for one of its
/// servers: one finding on the block. Not for the block a snippet linted on its own is
/// wrapped in (`site.conf.server-context`), which is not the user's.
fn left_at_default(model: &Model<'_>, tree: &Tree<'_>, http: usize) -> Option<Diagnostic> {
    let block = tree.node(http);
    let item = block.item();
    if !item.is_block() || block.children().any(|c| c.is("server_tokens")) {
        return None;
    }
    let path = &model.map.get(item.span().file).path;
    if path.to_string_lossy().ends_with("-context") {
        return None;
    }
    let mut servers = block.children().filter(|c| c.is("server")).peekable();
    servers.peek()?;
    if servers.all(|s| s.children().any(|c| c.is("server_tokens"))) {
        return None;
    }
    let edit = crate::fixes::first_in_block(model.map, item.span(), "server_tokens off;");
    Some(
        Diagnostic::new(
            &RULE.meta,
            item.head_span(),
            "`server_tokens` is not set: nginx's default `on` sends its version in every Server header and error page",
        )
        .with_help("add `server_tokens off;` to http")
        .with_fix_opt(edit.map(|e| Fix::safe("add `server_tokens off;` to http", vec![e]))),
    )
}
