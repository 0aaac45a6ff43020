use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC019",
        name: "version-disclosure",
        family: Family::Security,
        severity: Severity::Note,
        summary: "`server_tokens on` or `build`: every response and error page names nginx's exact version",
        aliases: &["version_disclosure"],
        doc: r#"With `server_tokens on` (nginx's default) the `Server` header reads
`nginx/1.22.1` and nginx's own error pages end with the same string; `build`
adds the build name. Scanners match the version against published CVEs, so a
host that lags behind on updates is found first.

**Symptom**: `curl -sI https://site/ | grep Server` prints `Server: nginx/1.22.1`;
404 and 502 pages show the version in their footer.

Bad:
```nginx
http {
    server_tokens on;
}
```
Good:
```nginx
http {
    server_tokens off;
}
```

Autofix: safe — the value becomes `off` (gixy-ng's fix): only the version in the
`Server` header and error pages goes."#,
        fix: "Set `server_tokens off;` in `http`.",
    },
    check: Check::Nodes(check),
};

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for at in nodes.named(tree, "server_tokens") {
        let s = &tree.item(at);
        let Some(value) = s.arg(0) else { continue };
        let value = value.to_ascii_lowercase();
        if value != "on" && value != "build" {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                s.arg_span(0),
                format!("`server_tokens {value}` sends nginx's version in every Server header and error page"),
            )
            .with_help("set `server_tokens off;`")
            .with_fix(Fix::safe(
                "write `server_tokens off`",
                vec![Edit::replace(s.arg_span(0), "off")],
            )),
        );
    }
}
