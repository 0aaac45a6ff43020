use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC079",
        name: "low-keepalive-requests",
        family: Family::Security,
        severity: Severity::Note,
        summary: "`keepalive_requests` below 1000: clients reconnect often, `0` turns keep-alive off (opt-in)",
        aliases: &["low_keepalive_requests"],
        doc: r#"`keepalive_requests` is how many requests one client connection may carry
before nginx closes it. Since 1.19.10 the default is 1000; the old default 100
makes busy clients (HTTP/2 browsers fetching many assets, API clients)
reconnect and repeat the TLS handshake often, and the reconnect races
requests in flight. `0` closes the connection after every request: nginx
compares the count with `>=` and no guard, so keep-alive is off. The
`keepalive_requests` of an `upstream` block is a different setting (requests
per cached upstream connection) and is not reported.

Opt-in: reported only when selected (`--select SEC079`, `--select SEC` or
`--select low_keepalive_requests`).

**Symptom**: many more TLS handshakes than needed; occasional failed
requests on connections closed mid-use.

Bad:
```nginx
keepalive_requests 100;
```
Good:
```nginx
keepalive_requests 1000;
```

Autofix: safe for 1 to 999 — the value becomes 1000 (gixy-ng's fix, nginx's default
since 1.19.10). Unsafe for `0`: that may have been written to turn keep-alive off, and
1000 turns it back on."#,
        fix: "Remove the directive (the default is 1000) or set at least 1000.",
    },
    check: Check::Nodes(check),
};

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for node in nodes
        .named(tree, "keepalive_requests")
        .map(|i| tree.node(i))
    {
        if node.enclosing("upstream").is_some() {
            continue;
        }
        let Ok(value) = node.arg(0).parse::<u64>() else {
            continue;
        };
        let message = match value {
            0 => "keepalive_requests 0 closes every connection after one request: keep-alive is off".to_string(),
            1..=999 => format!("keepalive_requests {value}: clients reconnect every {value} requests (the default is 1000)"),
            _ => continue,
        };
        let edits = vec![Edit::replace(node.arg_span(0), "1000")];
        let fix = if value == 0 {
            Fix::unsafe_edits("write `keepalive_requests 1000` (keep-alive on)", edits)
        } else {
            Fix::safe("write `keepalive_requests 1000`", edits)
        };
        sink.push(
            Diagnostic::new(&RULE.meta, node.arg_span(0), message)
                .with_help("remove it (the default is 1000) or raise it to at least 1000")
                .with_fix(fix),
        );
    }
}
