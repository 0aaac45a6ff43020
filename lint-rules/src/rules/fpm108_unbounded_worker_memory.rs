use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM108",
        name: "unbounded-worker-memory",
        family: Family::FpmPool,
        severity: Severity::Note,
        summary: "`pm.max_requests = 0` with `memory_limit = -1`: a leaking worker is never recycled and never stopped (advisory)",
        aliases: &[],
        doc: r#"php-fpm workers are long-lived: memory an extension or a framework leaks per
request accumulates over every request the worker serves. Two settings bound
it: `pm.max_requests` recycles a worker after N requests, and PHP's
`memory_limit` stops a request that grows too large. With both off
(`pm.max_requests = 0`, the default, and `memory_limit = -1`) nothing does,
and the kernel's OOM killer ends the fattest worker in the middle of a
request.

This is advisory: many applications do not leak, and the environment (RAM,
extensions) decides.

**Symptom**: after hours or days, 502 with `recv() failed (104: Connection
reset by peer)`; php-fpm logs `child 1234 exited on signal 9 (SIGKILL)`, the
kernel log `Out of memory: Killed process 1234 (php-fpm8.2)`.

Bad:
```ini
pm.max_requests = 0
php_admin_value[memory_limit] = -1
```
Good:
```ini
pm.max_requests = 500
php_admin_value[memory_limit] = 256M
```"#,
        fix: "Set `pm.max_requests` (a few hundred) and a finite `memory_limit`.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for p in model.pools() {
        let max_requests = p.pool.int("pm.max_requests");
        if max_requests.is_some_and(|(n, _)| n > 0) {
            continue;
        }
        let Some((limit, span)) = p.php_value("memory_limit") else {
            continue;
        };
        if limit.trim() != "-1" {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE.meta,
            span,
            format!(
                "pool [{}] never recycles its workers (pm.max_requests = 0) and lets a request use unlimited memory: a leak grows until the OOM killer ends a worker mid-request",
                p.pool.name
            ),
        )
        .with_label("memory_limit = -1");
        if let Some((_, e)) = max_requests {
            d = d.with_related(e.value_span, "pm.max_requests = 0");
        } else {
            d = d.with_note("pm.max_requests is not set: 0, never recycle");
        }
        sink.push(d.with_help("set `pm.max_requests = 500` and a finite memory_limit (e.g. 256M)"));
    }
}
