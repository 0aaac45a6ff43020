use crate::model::{Model, NginxModel, Server, Verdict};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X035",
        name: "keepalive-pins-workers",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "the upstream keeps as many idle FastCGI connections as the pool has workers: each holds its worker, so a request on a new connection waits until it times out (504)",
        aliases: &[],
        doc: r#"With `fastcgi_keep_conn on` and `keepalive N` in the upstream, a php-fpm worker
that answered a request stays with its connection, waiting for the next request on it;
it does not go back to accept new connections. Each nginx worker process keeps up to `N`
such idle connections. When `N` (times `worker_processes`) reaches the pool's
`pm.max_children`, every worker can be held by an idle connection: after a burst larger
than the pool, the requests nginx sent on new connections wait in the listen queue for
a worker that never comes back, until `fastcgi_read_timeout` ends them with 504 (or
until nginx drops an idle connection after the upstream's `keepalive_timeout`). Without
keep-alive the same burst only queues for a moment (live, nginx 1.22.1 + php-fpm 8.2,
`pm.max_children = 2`, 4 requests of 1 s at once, `fastcgi_read_timeout 5s`: with
`keepalive 8` or `keepalive 2`, two answer 200 and two 504 after 5 s; with `keepalive 1`,
or no keep-alive, all four 200 within 3 s).

Reported for a location with `fastcgi_keep_conn on` that passes to an upstream of one
server with `keepalive N`, when `N × worker_processes` (unset is 1; `auto`, one per CPU, is counted as at least 1) is
at least the `pm.max_children` of the pool behind it.

**Symptom**: under load, 504 Gateway Time-out after `fastcgi_read_timeout` although
no script runs that long; nginx logs `upstream timed out (110: Connection timed out)
while reading response header from upstream`.

Bad:
```nginx
upstream php {
    server unix:/run/php/php8.2-fpm.sock;
    keepalive 16;                 # the pool has pm.max_children = 5
}
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_keep_conn on;
    fastcgi_pass php;
}
```
Good:
```nginx
upstream php {
    server unix:/run/php/php8.2-fpm.sock;
    keepalive 2;                  # fewer than the pool's workers: the rest accept new connections
}
```
(or raise `pm.max_children` well above `keepalive` × `worker_processes`, or drop
keep-alive: php-fpm on a unix socket gains little from it)."#,
        fix: "Keep `keepalive` × `worker_processes` below the pool's `pm.max_children`, or raise `pm.max_children`, or drop `fastcgi_keep_conn`.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let processes = nginx.worker_processes.map_or(1, |(p, _)| p.max(1));
    let mut reported: foldhash::HashSet<(Span, Span)> = foldhash::HashSet::default();
    for location in &server.locations {
        for (t, upstream) in model.kept_alive_targets(nginx, location) {
            // Several servers share the upstream's idle connections: none is sure to hold
            // every worker of one pool.
            if upstream.servers.len() != 1 {
                continue;
            }
            let (Some(at), Some(kept)) = (upstream.keepalive, upstream.keepalive_connections)
            else {
                continue;
            };
            let (Verdict::Reached(p) | Verdict::Partly(p)) = model.verdict(&t.target) else {
                continue;
            };
            let Some((children, entry)) = p.pool.int("pm.max_children") else {
                continue;
            };
            let Ok(children) = u64::try_from(children) else {
                continue;
            };
            let held = kept.saturating_mul(processes);
            if children == 0 || held < children {
                continue;
            }
            if !reported.insert((at, entry.value_span)) {
                continue;
            }
            // `worker_processes auto` starts one process per CPU, each keeping its own
            // `keepalive` connections: the files give only the lower bound of one process.
            let per = if nginx.worker_processes_auto {
                format!(" per worker process (worker_processes auto: one process per CPU, so {kept} × the CPU count in all)")
            } else if processes > 1 {
                format!(" ({kept} per worker process × {processes})")
            } else {
                String::new()
            };
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    at,
                    format!(
                        "upstream \"{}\" keeps up to {held} idle connections{per} to pool [{}], which has {children} workers: each kept connection holds a worker, so requests on new connections wait until they time out",
                        upstream.name, p.pool.name
                    ),
                )
                .with_related(entry.value_span, "pm.max_children")
                .with_help(format!(
                    "keep `keepalive` below {} (pm.max_children / worker_processes), or raise pm.max_children above {held}",
                    children.div_ceil(processes)
                ))
                .with_note("at runtime: under load, 504 Gateway Time-out, \"upstream timed out (110: Connection timed out) while reading response header from upstream\""),
            );
        }
    }
}
