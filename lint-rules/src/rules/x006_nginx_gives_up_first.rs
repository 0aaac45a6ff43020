use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;
use nginx_conf_parser::check::parse_time;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X006",
        name: "nginx-gives-up-first",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "`fastcgi_read_timeout` is shorter than the time php-fpm lets a script run (504), or nothing limits scripts at all",
        aliases: &[],
        doc: r#"nginx waits `fastcgi_read_timeout` (default 60s) for the pool to answer. When
the pool lets scripts run longer (`request_terminate_timeout`, else PHP's
`max_execution_time`), slow requests are cut by nginx while PHP keeps working:
the user gets 504 and the work finishes unseen, holding a worker.
Only `request_terminate_timeout` is wall-clock time, enforced by the master. On
Linux `max_execution_time` counts the CPU time of the script (`setitimer(ITIMER_PROF)`;
PHP's manual: time spent in database queries, stream operations or `system()` is
not counted), so a pool limited by it alone lets a script waiting on a slow query
or a remote API outlive any `fastcgi_read_timeout`. That is a note when
`fastcgi_read_timeout` is written to match a `max_execution_time` that is written
too (equal, or up to 10 s longer) with no `request_terminate_timeout` beside it: the
wait it was matched to is not bounded (the stock pools, with none of the three
written, are left alone). The fix that bounds the wait
is `request_terminate_timeout`.
With `request_terminate_timeout = 0` and `max_execution_time = 0` nothing ever
stops a script. `max_execution_time` is read where PHP takes it: the pool
(`php_admin_value` first), php.ini, and per request from nginx's
`fastcgi_param PHP_VALUE "max_execution_time=N"` (unless the pool locks it with
`php_admin_value`; `PHP_ADMIN_VALUE` always wins).

**Symptom**: 504 Gateway Time-out; `upstream timed out (110: Connection timed
out) while reading response header from upstream`.

Bad:
```nginx
fastcgi_read_timeout 30s;      # pool: request_terminate_timeout = 300
```
Good:
```nginx
fastcgi_read_timeout 310s;     # a little above the pool's limit
```

A `request_terminate_timeout` of an hour or more (YunoHost sets `1d` in every app's
pool, while its nginx keeps the default 60 s) is a note, not a warning: no web request
is meant to run that long, so the pool's limit is a guard against runaway scripts and
`fastcgi_read_timeout` is the limit web requests meet, as with no pool limit at all
(both 0 above, also a note). What it costs is said: a script nginx stopped waiting for
keeps its worker until it ends. Being alike, the notes of many pools fold into one that
lists the places (one per YunoHost install rather than one per app). A per-deployment
warning was not chosen: each app's location and pool are edited in its own package, and
a warning stays one per place to be acted on there.

Autofix: safe — `fastcgi_read_timeout` of the location becomes the pool's limit plus
10 seconds (the statement in the location is changed, or one is added to it; an outer
level's value stays for the other locations). No fix is offered when that would make
nginx wait more than an hour: a pool limit of hours is better lowered than matched."#,
        fix: "Make `fastcgi_read_timeout` a little longer than the pool's `request_terminate_timeout`.",
    },
    check: Check::Server(check),
};

/// A pool's wall-clock limit from which it is a guard against runaway scripts rather
/// than a limit of web requests (an hour): X006 is then a note, as a pool with no limit.
const RUNAWAY_GUARD_S: i64 = 3600;

/// Seconds nginx waits beyond the pool's limit, so that the pool's own timeout answers first.
const MARGIN_S: i64 = 10;

/// The longest `fastcgi_read_timeout` the autofix writes. A pool that lets scripts run for
/// hours (YunoHost's 86400 s) holds a worker and a client connection that long; making
/// nginx wait a day too is no fix, lowering the pool's limit (or moving the work to a
/// queue) is, and that choice is the user's.
const MAX_FIXED_READ_S: i64 = 3600;

/// Sets `fastcgi_read_timeout` for this location: the statement written in it is changed,
/// else one is added to it (an outer level's value is left to the other locations).
pub fn read_timeout_fix(
    model: &Model<'_>,
    location: &crate::model::EffectiveLocation,
    read: Option<&crate::model::nginx::Setting>,
    seconds: i64,
) -> Option<Fix> {
    let value = format!("{seconds}s");
    let description = format!("set fastcgi_read_timeout to {value}");
    let inside = |s: &lint_source::Span| location.span.contains(*s);
    // A `proxy_read_timeout` there is renamed by X008's fix first; this one follows in the
    // next pass, on the renamed statement (two new statements would be a duplicate).
    if read.is_none()
        && location.inherited.get("proxy_read_timeout").is_some()
        && location.other_pass.is_empty()
    {
        return None;
    }
    match read {
        Some(setting) if inside(&setting.span) => {
            let stmt = crate::fixes::statement(model.map, setting.span)?;
            let (arg, _) = stmt.args.first()?;
            Some(Fix::safe(description, vec![Edit::replace(*arg, value)]))
        }
        _ => {
            let edit = crate::fixes::first_in_block(
                model.map,
                location.span,
                &format!("fastcgi_read_timeout {value};"),
            )?;
            Some(Fix::safe(description, vec![edit]))
        }
    }
}

/// The `max_execution_time` a location sends in `PHP_VALUE` or `PHP_ADMIN_VALUE`, with
/// where, and whether it is the admin one; the last wins.
fn sent_max_execution_time(
    location: &crate::model::EffectiveLocation,
) -> Option<(i64, lint_source::Span, bool)> {
    let (value, span, admin) = location.php_value_sent("max_execution_time")?;
    Some((value.parse().ok()?, span, admin))
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let mut found = Vec::new();
        check_location(model, location, &mut found);
        // php-fpm answers its status and ping pages at once: no script runs there. Asked
        // only of a location with findings: it matches URIs against the server's
        // locations, and most PHP locations have none.
        if found.is_empty() || model.serves_only_status_pages(server, location) {
            continue;
        }
        for d in found {
            sink.push(d);
        }
    }
}

/// The findings of one PHP location, whatever it serves.
fn check_location(
    model: &Model<'_>,
    location: &crate::model::EffectiveLocation,
    sink: &mut Vec<Diagnostic>,
) {
    {
        let read = location.inherited.get("fastcgi_read_timeout");
        let read_ms = read
            .and_then(|s| parse_time(s.first(), true))
            .unwrap_or(60_000);
        // A zero timeout is no short wait but none at all, meant as "no limit": NGX299's
        // finding, with the right explanation.
        if read_ms == 0 {
            return;
        }
        let read_span = read.map(|s| s.span);
        for (t, p) in model.reached_pools(location) {
            let rtt = p.pool.time("request_terminate_timeout");
            let (mut met, mut met_span) = p.max_execution_time();
            // nginx may set it per request: `fastcgi_param PHP_VALUE
            // "max_execution_time=18000";` wins over the pool and php.ini, unless the pool
            // locks it with php_admin_value (PHP_ADMIN_VALUE wins over that too).
            if let Some((value, span, admin)) = sent_max_execution_time(location) {
                if admin
                    || p.pool
                        .array("php_admin_value", "max_execution_time")
                        .is_none()
                {
                    met = value;
                    met_span = Some(span);
                }
            }
            let (limit, limit_span, what) = match rtt {
                Some((v, e)) if v > 0 => (v, Some(e.value_span), "request_terminate_timeout"),
                _ => (met, met_span, "max_execution_time"),
            };
            let primary = read_span.unwrap_or(location.span);
            if limit <= 0 {
                let mut d = Diagnostic::new(&RULE.meta, rtt.map_or(p.pool.name_span, |(_, e)| e.value_span), format!("pool [{}] never stops a script: request_terminate_timeout and max_execution_time are both 0", p.pool.name))
                    .with_severity(Severity::Note)
                    .with_related(t.span, "nginx passes requests here")
                    .with_help(format!("set request_terminate_timeout a little below fastcgi_read_timeout ({}s)", read_ms / 1000))
                    .with_note("a hung script keeps a worker busy forever; nginx answers 504 after fastcgi_read_timeout");
                if let Some(s) = met_span {
                    d = d.with_related(s, "max_execution_time set here");
                }
                sink.push(d);
                continue;
            }
            // fastcgi_read_timeout written to match max_execution_time (Drupal VM's 60 and
            // 60, trellis's 120 and 120): the limit it was matched to counts CPU time, so a
            // script waiting on a query or a remote call outlives it (live:
            // fixtures/live/cpu-time-limit-only).
            let matched_to_cpu_time = what == "max_execution_time"
                && read_span.is_some()
                && limit_span.is_some()
                && (limit.saturating_mul(1000)
                    ..=limit.saturating_add(MARGIN_S).saturating_mul(1000))
                    .contains(&(read_ms as i64));
            if matched_to_cpu_time {
                let mut d = Diagnostic::new(&RULE.meta, primary, format!("nginx gives up after {}s, and pool [{}] has no wall-clock limit: max_execution_time = {limit}s counts CPU time, not time spent waiting on a database or a remote call", read_ms / 1000, p.pool.name))
                    .with_severity(Severity::Note)
                    .with_label("fastcgi_read_timeout in effect here")
                    .with_related(t.span, "nginx passes requests here")
                    .with_help(format!("set `request_terminate_timeout = {}s` in the pool (wall-clock time, a little below fastcgi_read_timeout), so that the pool stops what nginx no longer waits for", (read_ms / 1000).saturating_sub(1).max(1)))
                    .with_note("at runtime: a script waiting on I/O runs past fastcgi_read_timeout: 504 Gateway Time-out, and the worker stays busy until the script ends");
                if let Some(s) = limit_span {
                    d = d.with_related(s, format!("max_execution_time = {limit}s (CPU time)"));
                }
                sink.push(d);
                continue;
            }
            if (read_ms as i64) < limit.saturating_mul(1000) {
                let fixable = limit.saturating_add(MARGIN_S) <= MAX_FIXED_READ_S;
                let cpu_only = what == "max_execution_time";
                let help = if !cpu_only && limit >= RUNAWAY_GUARD_S {
                    format!("nothing to match: raise fastcgi_read_timeout (now {}s) in the locations whose requests run longer, or lower the pool's limit to what a web request may take; work that runs for hours belongs in a queue or a CLI job", read_ms / 1000)
                } else if cpu_only {
                    format!("set `request_terminate_timeout` in the pool (wall-clock time, a little below fastcgi_read_timeout's {}s), or `fastcgi_read_timeout {}s;` for scripts that compute that long", read_ms / 1000, limit.saturating_add(MARGIN_S))
                } else if fixable {
                    format!("set `fastcgi_read_timeout {}s;` (a little above the pool's limit), or lower the pool's limit", limit.saturating_add(MARGIN_S))
                } else {
                    format!("lower the pool's {what} to what a web request may take (and make fastcgi_read_timeout a little longer); work that runs for {limit}s belongs in a queue or a CLI job, not a worker nginx waits on")
                };
                // A wall-clock limit of an hour or more (YunoHost's `1d` on every app's
                // pool) is no limit a web request is meant to reach: a runaway guard, as
                // good as none for nginx, and none at all (both limits 0) is a note. Each
                // says the same of its pool: the notes fold into one, with the places.
                let runaway_guard = !cpu_only && limit >= RUNAWAY_GUARD_S;
                let message = if runaway_guard {
                    format!("nginx gives up after {}s, and pool [{}] stops a script only after {limit}s ({what}): a guard against runaway scripts, not a limit of web requests", read_ms / 1000, p.pool.name)
                } else if cpu_only {
                    format!("nginx gives up after {}s, but pool [{}] lets scripts compute for {limit}s (max_execution_time, CPU time) and wait without limit (no request_terminate_timeout)", read_ms / 1000, p.pool.name)
                } else {
                    format!("nginx gives up after {}s, but pool [{}] lets scripts run for {limit}s ({what})", read_ms / 1000, p.pool.name)
                };
                let mut d = Diagnostic::new(&RULE.meta, primary, message)
                    .with_label(if read_span.is_some() { "fastcgi_read_timeout in effect here" } else { "fastcgi_read_timeout is not set: 60s" })
                    .with_help(help)
                    .with_note("at runtime: 504 Gateway Time-out, \"upstream timed out (110: Connection timed out) while reading response header from upstream\"");
                if runaway_guard {
                    d = d.with_severity(Severity::Note).with_note(format!(
                        "fastcgi_read_timeout is what limits a web request here; a script nginx stopped waiting for keeps its worker until it ends, for up to {limit}s"
                    ));
                }
                if let Some(s) = limit_span {
                    d = d.with_related(s, format!("{what} = {limit}s"));
                }
                if fixable {
                    d = d.with_fix_opt(read_timeout_fix(
                        model,
                        location,
                        read,
                        limit.saturating_add(MARGIN_S),
                    ));
                }
                sink.push(d);
            }
        }
    }
}
