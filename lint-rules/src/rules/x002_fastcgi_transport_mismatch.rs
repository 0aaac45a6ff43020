use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::address::NginxTarget;
use crate::model::{Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X002",
        name: "fastcgi-transport-mismatch",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "nginx talks TCP to a pool that listens on a unix socket (or the reverse), or a socket path lacks `unix:`",
        aliases: &[],
        doc: r#"nginx and php-fpm must agree on the transport. `fastcgi_pass 127.0.0.1:9000`
reaches nothing when the pool says `listen = /run/php/php8.2-fpm.sock` (Debian's
default), and the reverse. A socket path without the `unix:` prefix is read by
nginx as a host name.

**Symptom**: 502 Bad Gateway; `connect() failed (111: Connection refused) while
connecting to upstream, upstream: "fastcgi://127.0.0.1:9000"`.

Bad:
```nginx
fastcgi_pass 127.0.0.1:9000;          # pool: listen = /run/php/php8.2-fpm.sock
```
Good:
```nginx
fastcgi_pass unix:/run/php/php8.2-fpm.sock;
```

Autofix: safe — a socket path gains its `unix:` prefix; when exactly one pool
listens on the other transport, nginx's address becomes that pool's."#,
        fix: "Use the pool's transport: `unix:PATH` for a socket, `HOST:PORT` for TCP.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        for t in model.fastcgi_targets(location) {
            if let NginxTarget::BarePath(path) = &t.target {
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        t.span,
                        format!("\"{path}\" is a socket path without the \"unix:\" prefix"),
                    )
                    .with_label("nginx reads this as a host name")
                    .with_help(format!("write `fastcgi_pass unix:{path};`"))
                    .with_fix(Fix::safe(
                        format!("write `unix:{path}`"),
                        vec![Edit::replace(t.span, format!("unix:{path}"))],
                    )),
                );
                continue;
            }
            let Verdict::Missing {
                nearest: None,
                other_transport: Some(p),
            } = model.verdict(&t.target)
            else {
                continue;
            };
            let Some((listen, entry)) = p.pool.listen() else {
                continue;
            };
            // `listen = unix:/path` is nginx's syntax in the pool: php-fpm reads a host
            // `unix` and fails at start, which FPM020 says with the pool's fix.
            if entry.value.trim().starts_with("unix:/") {
                continue;
            }
            // The fix takes the pool only when it is the one pool of the other transport.
            let others = model
                .pools()
                .filter(|q| {
                    q.pool.listen().is_some_and(|(l, _)| {
                        matches!(l, fpm_conf_parser::Listen::Unix(_))
                            != matches!(t.target, NginxTarget::Unix(_))
                    })
                })
                .count();
            let (ours, theirs) = if matches!(t.target, NginxTarget::Unix(_)) {
                ("a unix socket", "TCP")
            } else {
                ("TCP", "a unix socket")
            };
            sink.push(
                model.with_upstream_fallback(
                    location,
                    t,
                    Diagnostic::new(
                        &RULE.meta,
                        t.span,
                        format!(
                            "nginx connects over {ours} ({}) but the pools listen on {theirs}",
                            model.describe_target(t)
                        ),
                    )
                    .with_label("nginx connects here")
                    .with_related(
                        entry.value_span,
                        format!("pool [{}] listens here", p.pool.name),
                    )
                    .with_help(format!(
                        "write `fastcgi_pass {};`",
                        super::x001_fastcgi_pass_no_pool::nginx_form(&listen)
                    ))
                    .with_note("at runtime: 502 Bad Gateway")
                    .with_fix_if(others == 1, || {
                        let address = super::x001_fastcgi_pass_no_pool::nginx_form(&listen);
                        Fix::safe(
                            format!("connect to `{address}`, where the pool listens"),
                            vec![Edit::replace(t.span, address)],
                        )
                    }),
                ),
            );
        }
    }
}
