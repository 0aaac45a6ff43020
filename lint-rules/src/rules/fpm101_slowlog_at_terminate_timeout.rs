use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM101",
        name: "slowlog-at-terminate-timeout",
        family: Family::FpmPool,
        severity: Severity::Note,
        summary: "`request_slowlog_timeout` equal to `request_terminate_timeout`: only requests that are killed are ever traced",
        aliases: &[],
        doc: r#"The slow log records a stack trace of requests running longer than
`request_slowlog_timeout` — the one piece of evidence of *why* a request was
slow. When it equals `request_terminate_timeout`, only requests that are about to
be killed reach it: the trace is still taken (php-fpm checks the slow log first and
kills at its next check; live, php-fpm 8.2 logged `executing too slow` then
`execution timed out` for each request), but requests that are slow and still
finish are never traced. (A slowlog timeout above the terminate timeout stops
php-fpm from starting: FPM010.)

**Symptom**: the slow log holds only requests that ended in a 502; the slow
pages users complain about, which finish a little under the limit, leave no trace.

Bad:
```ini
request_slowlog_timeout = 30s
request_terminate_timeout = 30s
```
Good:
```ini
request_slowlog_timeout = 10s
request_terminate_timeout = 30s
```

Autofix: unsafe — `request_slowlog_timeout` becomes a third of
`request_terminate_timeout`. Unsafe: more requests get traced into the slow log."#,
        fix: "Set request_slowlog_timeout well below request_terminate_timeout.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for p in model.pools() {
        let (Some((slow, slow_entry)), Some((term, term_entry))) = (
            p.pool.time("request_slowlog_timeout"),
            p.pool.time("request_terminate_timeout"),
        ) else {
            continue;
        };
        if slow > 0 && slow == term {
            sink.push(
                Diagnostic::new(&RULE.meta, slow_entry.value_span, format!("pool [{}] traces requests at {slow}s, when it kills them: slow requests that finish are never traced", p.pool.name))
                    .with_related(term_entry.value_span, "request_terminate_timeout")
                    .with_help(format!("set request_slowlog_timeout to about a third of {term}s"))
                    .with_fix_if(term >= 3, || {
                        Fix::unsafe_edits(
                            format!("set request_slowlog_timeout to {}s", term / 3),
                            vec![crate::fixes::fpm_value(model.map, slow_entry.value_span, &format!("{}s", term / 3))],
                        )
                    }),
            );
        }
    }
}
