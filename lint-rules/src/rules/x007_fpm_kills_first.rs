use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

use crate::model::Model;
use nginx_conf_parser::check::parse_time;

/// Seconds nginx may wait beyond the pool's limit without this rule firing: X006 asks for
/// `fastcgi_read_timeout` "a little above" `request_terminate_timeout`, this much.
const MARGIN_S: i64 = 10;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X007",
        name: "fpm-kills-first",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "`request_terminate_timeout` kills scripts long before nginx stops waiting for them (502)",
        aliases: &[],
        doc: r#"php-fpm's master kills a worker whose request has run longer than
`request_terminate_timeout` (wall-clock time), with SIGTERM, mid-response. When
nginx is set to wait much longer (`fastcgi_read_timeout`), every request that
needs more than the pool's limit but less than nginx's ends in 502 instead of
completing.

PHP's `max_execution_time` does not prevent this: on Linux it counts CPU time
only. A script waiting on a database, an HTTP API or `sleep()` uses almost none,
so `max_execution_time = 30` with `request_terminate_timeout = 30` still lets
the terminate timeout kill a script that waits 31 s. Only wall-clock limits are
compared: `request_terminate_timeout` against `fastcgi_read_timeout`. The rule
stays silent while nginx waits at most 10 s longer than the pool allows (the
margin X006 asks for).

**Symptom**: 502 Bad Gateway; nginx logs `recv() failed (104: Connection reset
by peer) while reading response header from upstream` (or `upstream prematurely
closed FastCGI stdout`); php-fpm logs `child 1234, script '/var/www/x.php' ...
execution timed out (3.0 sec), terminating`. Proven live: terminate 3 s,
`max_execution_time = 3`, `fastcgi_read_timeout 30s`, a script in `sleep(5)`:
502.

Bad:
```ini
request_terminate_timeout = 30     ; nginx: fastcgi_read_timeout 300s
php_admin_value[max_execution_time] = 25
```
Good:
```ini
request_terminate_timeout = 295    ; nginx: fastcgi_read_timeout 300s
php_admin_value[max_execution_time] = 25
```

Autofix: unsafe — `request_terminate_timeout` is raised to `fastcgi_read_timeout`
minus the margin, so nginx's wait is what bounds a request. Unsafe: scripts may then run
that much longer, which changes how long workers stay busy."#,
        fix: "Raise `request_terminate_timeout` to just under `fastcgi_read_timeout` (or lower nginx's wait to what the pool allows).",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let read = location.inherited.get("fastcgi_read_timeout");
        let read_s = read
            .and_then(|s| parse_time(s.first(), true))
            .unwrap_or(60_000) as i64
            / 1000;
        for (_, p) in model.reached_pools(location) {
            let Some((rtt, entry)) = p.pool.time("request_terminate_timeout") else {
                continue;
            };
            if rtt <= 0 || rtt.saturating_add(MARGIN_S) >= read_s {
                continue;
            }
            let (met, met_span) = p.max_execution_time();
            let mut d = Diagnostic::new(
                &RULE.meta,
                entry.value_span,
                format!(
                    "pool [{}] kills scripts after {rtt}s of wall-clock time, while nginx waits {read_s}s for them",
                    p.pool.name
                ),
            )
            .with_label("request_terminate_timeout")
            .with_related(
                read.map_or(location.span, |s| s.span),
                format!("nginx waits {read_s}s here"),
            )
            .with_help(format!(
                "raise request_terminate_timeout to about {}s (just under fastcgi_read_timeout), or lower fastcgi_read_timeout to {}s",
                read_s.saturating_sub(5).max(rtt),
                rtt.saturating_add(MARGIN_S)
            ))
            .with_note("at runtime: 502 Bad Gateway, \"recv() failed (104: Connection reset by peer) while reading response header from upstream\"");
            if met > 0 && met <= rtt {
                d = d.with_note(format!(
                    "max_execution_time = {met} does not stop it first: on Linux it counts CPU time, and a script waiting on a database, an API or sleep() uses almost none"
                ));
            }
            if let Some(s) = met_span {
                d = d.with_related(s, "max_execution_time (CPU time)");
            }
            let raised = read_s.saturating_sub(MARGIN_S).max(rtt);
            d = d.with_fix_if(raised > rtt, || {
                Fix::unsafe_edits(
                    format!("raise request_terminate_timeout to {raised}s"),
                    vec![crate::fixes::fpm_value(
                        model.map,
                        entry.value_span,
                        &format!("{raised}s"),
                    )],
                )
            });
            sink.push(d);
        }
    }
}
