use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC080",
        name: "worker-processes-unset",
        family: Family::Security,
        severity: Severity::Note,
        summary:
            "no `worker_processes` in the main context: nginx runs one worker on one CPU (opt-in)",
        aliases: &["missing_worker_processes"],
        doc: r#"Without `worker_processes` nginx starts a single worker: one CPU serves
every connection, TLS handshakes included, however many cores the machine
has, and a burst of handshakes queues behind each other. `worker_processes
auto;` starts one worker per CPU. The directive is only valid in the main
context: one written inside `http` or `server` is rejected by `nginx -t` and
does not count.

Opt-in: reported only when selected (`--select SEC080`, `--select SEC` or
`--select missing_worker_processes`). Reported for complete configurations
(a main file with `events` or `http`), not for snippets.

**Symptom**: one CPU at 100 % while the others idle; latency rises with
load long before the machine is busy.

Bad:
```nginx
events {}
http { server { listen 80; } }
```
Good:
```nginx
worker_processes auto;
events {}
http { server { listen 80; } }
```"#,
        fix: "Add `worker_processes auto;` at the top of nginx.conf.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        if tree.top().any(|n| n.is("worker_processes")) {
            continue;
        }
        let Some(anchor) = tree
            .top()
            .find(|n| n.is("events") && n.is_block())
            .or_else(|| tree.http())
        else {
            continue;
        };
        let misplaced = tree.nodes_named("worker_processes").next();
        let mut d = Diagnostic::new(
            &RULE.meta,
            anchor.name_span(),
            "no `worker_processes` in the main context: nginx runs a single worker",
        )
        .with_help("add `worker_processes auto;` at the top of nginx.conf");
        if let Some(m) = misplaced {
            d = d.with_related(m.span(), "not in the main context: nginx rejects it here");
        }
        sink.push(d);
    }
}
