use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX112",
        name: "connections-exceed-file-limit",
        family: Family::NginxListen,
        severity: Severity::Warning,
        summary: "`worker_connections` above `worker_rlimit_nofile`: workers run out of file descriptors before they reach their connection limit",
        aliases: &[],
        doc: r#"Every connection is a file descriptor, and a request passed to php-fpm holds
two (the client's and the upstream's), plus any file nginx serves or buffers
to disk. When `worker_rlimit_nofile` is lower than `worker_connections`, a busy
worker hits the descriptor limit first. nginx warns at start (`4096
worker_connections exceed open file resource limit: 1024`) and under load
fails with `accept4() failed (24: Too many open files)` or `socket() failed
(24: Too many open files) while connecting to upstream`: 500/502 for the
unlucky requests.

gixy's stricter `worker_rlimit_nofile_vs_connections` (the limit below *twice*
the connections, with the defaults 512 and 1024 assumed) is SEC081, reported
when selected (`--select SEC`).

**Symptom**: errors only under load; `Too many open files` in the error log.

Bad:
```nginx
worker_rlimit_nofile 1024;
events { worker_connections 4096; }
```
Good:
```nginx
worker_rlimit_nofile 8192;      # at least twice worker_connections with FastCGI
events { worker_connections 4096; }
```"#,
        fix: "Set `worker_rlimit_nofile` to at least twice `worker_connections`.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        let (Some((connections, c_span)), Some((limit, l_span))) =
            (nginx.worker_connections, nginx.worker_rlimit_nofile)
        else {
            continue;
        };
        if connections > limit {
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    c_span,
                    format!(
                        "{connections} worker_connections exceed open file resource limit: {limit}"
                    ),
                )
                .with_label("worker_connections")
                .with_related(l_span, "worker_rlimit_nofile")
                .with_help(format!(
                    "set `worker_rlimit_nofile {};` (two descriptors per proxied request)",
                    connections.saturating_mul(2)
                )),
            );
        }
    }
}
