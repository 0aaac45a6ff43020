use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM110",
        name: "slowlog-without-timeout",
        family: Family::FpmPool,
        severity: Severity::Note,
        summary: "`slowlog` set but `request_slowlog_timeout` is 0 or missing: the slow log is never written",
        aliases: &[],
        doc: r#"php-fpm writes a backtrace to `slowlog` for requests running longer than
`request_slowlog_timeout`, whose default is 0: off. A pool that names a slow
log file without the timeout gets an empty file, and the evidence of why
requests were slow is never collected. A note: nothing fails, and RHEL's and Fedora's
stock `www.conf` ships exactly this. (The reverse, a timeout without a file, stops
php-fpm from starting: FPM010.)

**Symptom**: the slow log stays empty while requests are slow; php-fpm never
logs `executing too slow`.

Bad:
```ini
slowlog = /var/log/php8.2-fpm.$pool.slow.log
```
Good:
```ini
slowlog = /var/log/php8.2-fpm.$pool.slow.log
request_slowlog_timeout = 5s
```

Autofix: unsafe — `request_slowlog_timeout = 5s` is set in the pool (a third of
`request_terminate_timeout` when that is shorter). Unsafe: the pool starts tracing slow
requests, which costs a ptrace of the worker each time."#,
        fix: "Set `request_slowlog_timeout` (for example 5s, well below request_terminate_timeout), or drop `slowlog`.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for p in model.pools() {
        let Some(slowlog) = p.pool.get("slowlog").filter(|e| !e.value.is_empty()) else {
            continue;
        };
        let timeout = p.pool.time("request_slowlog_timeout");
        if timeout.is_some_and(|(t, _)| t > 0) {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE.meta,
            slowlog.key_span,
            format!(
                "pool [{}] names a slow log but never writes it: request_slowlog_timeout is {}",
                p.pool.name,
                if timeout.is_some() {
                    "0"
                } else {
                    "not set (0)"
                }
            ),
        )
        .with_help("add `request_slowlog_timeout = 5s` to the pool");
        if let Some((_, e)) = timeout {
            d = d.with_related(e.value_span, "request_slowlog_timeout = 0: off");
        }
        // Below request_terminate_timeout, or the slow log is never written either (FPM101).
        let seconds = match p.pool.time("request_terminate_timeout") {
            Some((term, _)) if term > 0 => (term / 3).min(5),
            _ => 5,
        };
        d = d.with_fix_if(seconds > 0, || {
            Fix::unsafe_edits(
                format!("set request_slowlog_timeout = {seconds}s"),
                crate::fixes::fpm_set(
                    model.map,
                    p.pool,
                    &[("request_slowlog_timeout", format!("{seconds}s"))],
                ),
            )
        });
        sink.push(d);
    }
}
