use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM105",
        name: "max-children-far-below-nginx",
        family: Family::FpmPool,
        severity: Severity::Note,
        summary: "a pool whose pm.max_children is a tiny fraction of the requests nginx can send it at once (advisory)",
        aliases: &[],
        doc: r#"A pool runs at most `pm.max_children` scripts at a time; everything else
waits in the socket's backlog and then fails. nginx can hold
`worker_processes × worker_connections / 2` proxied requests (each uses a
client and an upstream connection). When that is more than 64 times the
pool's workers, a traffic spike or a few slow requests (a slow database,
an external API) fill the pool, and the next requests queue until nginx
gives up. Distribution defaults meet exactly this: Debian's pool has
`pm.max_children = 5` behind `worker_connections 768`.

This is advisory: a small site may never see enough traffic, and the right
number depends on RAM per worker (`memory_limit` × max_children must fit).

**Symptom**: under load, php-fpm logs `server reached pm.max_children setting
(5), consider raising it`; nginx answers 502 (`(11: Resource temporarily
unavailable)` on unix sockets) or 504.

Bad:
```ini
pm.max_children = 5        ; behind worker_connections 1024
```
Good:
```ini
pm.max_children = 40       ; sized from RAM / average worker RSS
```"#,
        fix: "Size pm.max_children from the RAM available per worker (free RAM / average worker RSS), and set a slowlog to find blocking requests.",
    },
    check: Check::Model(check),
};

/// How many times more in-flight requests nginx may hold than the pool runs before we say so.
const RATIO: u64 = 64;

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = HashSet::new();
    for (nginx, _, location) in model.fastcgi_locations() {
        let connections = nginx.worker_connections.map_or(512, |(w, _)| w);
        let processes = nginx.worker_processes.map_or(1, |(p, _)| p.max(1));
        let in_flight = connections.saturating_mul(processes) / 2;
        for (t, p) in model.reached_pools(location) {
            let Some((children, entry)) = p.pool.int("pm.max_children") else {
                continue;
            };
            if children <= 0 || (children as u64).saturating_mul(RATIO) >= in_flight {
                continue;
            }
            if !seen.insert(entry.value_span) {
                continue;
            }
            // `auto` is one worker per CPU: a lower bound, said as one. Unset is nginx's
            // default of one process.
            let message = if nginx.worker_processes_auto {
                format!(
                    "pool [{}] runs {children} scripts at a time, while nginx can send it {in_flight} at once per worker process ({connections} connections / 2; worker_processes auto: one per CPU)",
                    p.pool.name
                )
            } else if nginx.worker_processes.is_none() {
                format!(
                    "pool [{}] runs {children} scripts at a time, while nginx can send it {in_flight} at once (worker_processes unset: 1 process × {connections} connections / 2)",
                    p.pool.name
                )
            } else {
                format!(
                    "pool [{}] runs {children} scripts at a time, while nginx can send it {in_flight} at once ({processes} worker process(es) × {connections} connections / 2)",
                    p.pool.name
                )
            };
            let mut d = Diagnostic::new(&RULE.meta, entry.value_span, message)
                .with_label("pm.max_children")
                .with_related(t.pass_span, "nginx passes requests here");
            if let Some((_, span)) = nginx.worker_connections {
                d = d.with_related(span, "worker_connections");
            }
            if nginx.worker_processes_auto {
                d = d.with_note(
                    "worker_processes is `auto`: counted as 1, the real figure is one per CPU",
                );
            }
            sink.push(d.with_help("size pm.max_children from RAM per worker; if this site is small, ignore this note for the pool"));
        }
    }
}
