use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};
use std::net::IpAddr;

use fpm_conf_parser::{Listen, ListenHost};

use crate::model::address::{describe_listen, NginxTarget, TargetHost};
use crate::model::{Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X005",
        name: "localhost-ipv6-mismatch",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "nginx and the pool disagree on IPv4 vs IPv6 loopback (`localhost`, `[::1]`, `127.0.0.1`)",
        aliases: &[],
        doc: r#"nginx resolves `localhost` at start to every address in /etc/hosts, usually
`::1` and `127.0.0.1`, and tries them in turn; a pool on `127.0.0.1:9000` does
not answer on `::1`. With `[::1]:9000` against a pool on `127.0.0.1:9000`
nothing connects at all.

**Symptom**: `connect() failed (111: Connection refused) while connecting to
upstream, upstream: "fastcgi://[::1]:9000"` in nginx's log; with `localhost`
the request is retried on 127.0.0.1 and usually works, with errors logged and
the ::1 peer marked failed; with `[::1]`: 502 Bad Gateway. X005 is a warning
when nginx retries on the loopback the pool listens on (`localhost`), and an
error when nothing connects (`[::1]` against `127.0.0.1`, or the reverse): then
it is the one report of that `fastcgi_pass` (X001, no pool on the address, stays
silent), since it names both addresses.

Bad:
```nginx
fastcgi_pass localhost:9000;     # pool: listen = 127.0.0.1:9000
```
Good:
```nginx
fastcgi_pass 127.0.0.1:9000;
```

Autofix: safe — nginx's address (`localhost`, `[::1]`, `127.0.0.1`) becomes the
address the pool listens on, when one pool is meant."#,
        fix: "Write the same literal address on both sides (127.0.0.1 or [::1]).",
    },
    check: Check::Server(check),
};

/// True when target and pool are both loopback on one port but of different IP families.
pub fn family_mismatch(target: &NginxTarget, listen: &Listen) -> bool {
    let (
        NginxTarget::Tcp {
            host: TargetHost::Ip(ip),
            port: Some(port),
        },
        Listen::Tcp {
            host,
            port: Some(pool_port),
            ..
        },
    ) = (target, listen)
    else {
        return false;
    };
    port == pool_port
        && ip.is_loopback()
        && match (ip, host) {
            (IpAddr::V6(_), ListenHost::V4(v4)) => v4.is_loopback(),
            (IpAddr::V4(_), ListenHost::V6(v6)) => v6.is_loopback(),
            _ => false,
        }
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        for t in model.fastcgi_targets(location) {
            match model.verdict(&t.target) {
                Verdict::Partly(p) => {
                    let Some((listen, entry)) = p.pool.listen() else {
                        continue;
                    };
                    sink.push(
                        Diagnostic::new(&RULE.meta, t.span, format!("{} resolves to ::1 and 127.0.0.1, but pool [{}] listens on {} only", model.describe_target(t), p.pool.name, describe_listen(&listen)))
                            .with_related(entry.value_span, "pool listens here")
                            .with_help(format!("write `{} {};`", if t.upstream.is_some() { "server" } else { "fastcgi_pass" }, describe_listen(&listen)))
                            .with_fix(Fix::safe(format!("connect to {}, where the pool listens", describe_listen(&listen)), vec![Edit::replace(t.span, super::x001_fastcgi_pass_no_pool::nginx_form(&listen))]))
                            .with_note("at runtime: \"connect() failed (111: Connection refused)\" for the ::1 peer; requests are retried on 127.0.0.1"),
                    );
                }
                Verdict::Missing { .. } => {
                    // One pool on the other loopback family: that is where nginx meant to go.
                    let mismatched = model
                        .pools()
                        .filter(|p| {
                            p.pool
                                .listen()
                                .is_some_and(|(l, _)| family_mismatch(&t.target, &l))
                        })
                        .count();
                    for p in model.pools() {
                        let Some((listen, entry)) = p.pool.listen() else {
                            continue;
                        };
                        if family_mismatch(&t.target, &listen) {
                            sink.push(
                                Diagnostic::new(&RULE.meta, t.span, format!("nginx connects to {} but pool [{}] listens on {}", model.describe_target(t), p.pool.name, describe_listen(&listen)))
                                    // Nothing connects: a 502 on every request (X001 leaves it to this).
                                    .with_severity(Severity::Error)
                                    .with_related(entry.value_span, "pool listens here")
                                    .with_help(format!("write `{} {};`", if t.upstream.is_some() { "server" } else { "fastcgi_pass" }, describe_listen(&listen)))
                                    .with_note("at runtime: 502 Bad Gateway, \"connect() failed (111: Connection refused)\"")
                                    .with_fix_if(mismatched == 1, || Fix::safe(format!("connect to {}, where the pool listens", describe_listen(&listen)), vec![Edit::replace(t.span, super::x001_fastcgi_pass_no_pool::nginx_form(&listen))])),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
