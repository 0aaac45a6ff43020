use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::{Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X014",
        name: "keepalive-vs-recycling",
        family: Family::Cross,
        severity: Severity::Note,
        summary: "kept-alive FastCGI connections to a pool whose workers recycle (pm.max_requests)",
        aliases: &[],
        doc: r#"With `keepalive` in the upstream and `fastcgi_keep_conn on`, nginx reuses
connections to php-fpm workers. A worker that reaches `pm.max_requests` exits
and closes its connection; a request nginx sends on it at that moment fails.

**Symptom**: sporadic 502 Bad Gateway; `recv() failed (104: Connection reset by
peer) while reading response header from upstream` or `upstream prematurely
closed FastCGI stdout`, a few per thousand requests, never reproducible.

Bad:
```nginx
upstream php { server 127.0.0.1:9000; keepalive 8; }
location ~ \.php$ { fastcgi_pass php; fastcgi_keep_conn on; }
# pool: pm.max_requests = 500
```
Good:
```nginx
upstream php { server 127.0.0.1:9000; keepalive 8; }
location ~ \.php$ { fastcgi_pass php; fastcgi_keep_conn on; fastcgi_next_upstream error timeout; }
# pool: pm.max_requests = 0 and more than 8 workers per nginx worker (X035), or no keepalive
```"#,
        fix: "Drop keepalive/fastcgi_keep_conn for this pool, or set pm.max_requests = 0 (if the code does not leak).",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in &server.locations {
        for (t, upstream) in model.kept_alive_targets(nginx, location) {
            let Some(keepalive) = upstream.keepalive else {
                continue;
            };
            let (Verdict::Reached(p) | Verdict::Partly(p)) = model.verdict(&t.target) else {
                continue;
            };
            let Some((n, entry)) = p.pool.int("pm.max_requests") else {
                continue;
            };
            if n > 0 {
                sink.push(
                    Diagnostic::new(&RULE.meta, keepalive, format!("kept-alive connections to pool [{}], whose workers exit after {n} requests", p.pool.name))
                        .with_related(entry.value_span, "pm.max_requests")
                        .with_help("remove `keepalive` (or `fastcgi_keep_conn on`), or set pm.max_requests = 0")
                        .with_note("at runtime: sporadic 502, \"recv() failed (104: Connection reset by peer)\""),
                );
                break;
            }
        }
    }
}
