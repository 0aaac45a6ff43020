use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC081",
        name: "file-limit-below-twice-connections",
        family: Family::Security,
        severity: Severity::Note,
        summary: "`worker_rlimit_nofile` (or the usual default 1024) below twice `worker_connections` (opt-in)",
        aliases: &["worker_rlimit_nofile_vs_connections"],
        doc: r#"A proxied or FastCGI request holds two descriptors (client and upstream),
so a worker at its `worker_connections` limit needs twice as many
descriptors, plus open files. When `worker_rlimit_nofile` is not set the
limit is the process's own, 1024 on most Linux systems (systemd's default
soft limit); `worker_connections` defaults to 512. Below twice the
connection count, a busy worker fails with `Too many open files` before it
reaches its connection limit.

NGX112 reports, by default, the stronger case where `worker_connections`
alone exceeds the limit; this rule is gixy's stricter check (twice, with the
defaults assumed) and is opt-in: reported only when selected
(`--select SEC081`, `--select SEC` or
`--select worker_rlimit_nofile_vs_connections`).

**Symptom**: under load, `accept4() failed (24: Too many open files)` or
`socket() failed (24: Too many open files) while connecting to upstream`.

Bad:
```nginx
worker_rlimit_nofile 1024;
events { worker_connections 1024; }
```
Good:
```nginx
worker_rlimit_nofile 4096;
events { worker_connections 1024; }
```"#,
        fix: "Set `worker_rlimit_nofile` to at least twice `worker_connections`.",
    },
    check: Check::Model(check),
};

/// nginx's built-in `worker_connections`.
const DEFAULT_CONNECTIONS: u64 = 512;
/// The usual soft descriptor limit of a service on Linux.
const DEFAULT_NOFILE: u64 = 1024;

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        let connections = tree
            .nodes_named("worker_connections")
            .find_map(|n| Some((n.arg(0).parse::<u64>().ok()?, n.arg_span(0))));
        let limit = tree
            .top()
            .filter(|n| n.is("worker_rlimit_nofile"))
            .find_map(|n| Some((n.arg(0).parse::<u64>().ok()?, n.arg_span(0))));
        match (connections, limit) {
            (Some((c, c_span)), Some((l, l_span))) if l < c.saturating_mul(2) => sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    l_span,
                    format!("worker_rlimit_nofile {l} is below twice worker_connections {c}: proxied requests need two descriptors each"),
                )
                .with_related(c_span, "worker_connections")
                .with_help(format!("set `worker_rlimit_nofile {};` or more", c.saturating_mul(2))),
            ),
            (Some((c, c_span)), None) if DEFAULT_NOFILE < c.saturating_mul(2) => sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    c_span,
                    format!("worker_connections {c} with no worker_rlimit_nofile: the usual limit of {DEFAULT_NOFILE} descriptors is below twice that"),
                )
                .with_help(format!("add `worker_rlimit_nofile {};` in the main context", c.saturating_mul(2))),
            ),
            (None, Some((l, l_span))) if l < DEFAULT_CONNECTIONS * 2 => sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    l_span,
                    format!("worker_rlimit_nofile {l} is below twice the default worker_connections ({DEFAULT_CONNECTIONS})"),
                )
                .with_help(format!("set `worker_rlimit_nofile {};` or more", DEFAULT_CONNECTIONS * 2)),
            ),
            _ => {}
        }
    }
}
