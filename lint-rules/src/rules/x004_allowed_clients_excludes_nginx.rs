use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};
use std::net::IpAddr;

use crate::model::address::{NginxTarget, TargetHost};
use crate::model::{Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X004",
        name: "allowed-clients-excludes-nginx",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "`listen.allowed_clients` does not list the address nginx connects from",
        aliases: &[],
        doc: r#"For TCP pools, `listen.allowed_clients` lists the exact addresses a worker
accepts; it checks after `accept()` and closes other connections. nginx
connecting to `127.0.0.1` comes from `127.0.0.1`; to `[::1]`, from `::1`.

**Symptom**: 502 Bad Gateway; nginx logs `recv() failed (104: Connection reset
by peer) while reading response header from upstream`; the pool's log (only
with `catch_workers_output = yes`) says `Connection disallowed: IP address
'127.0.0.1' has been dropped.`

Bad:
```ini
listen = 127.0.0.1:9000
listen.allowed_clients = 10.0.0.5
```
Good:
```ini
listen = 127.0.0.1:9000
listen.allowed_clients = 127.0.0.1,10.0.0.5
```

Autofix: safe — the address nginx connects from is appended to
`listen.allowed_clients` (the other entries stay)."#,
        fix: "Add the address nginx connects from to `listen.allowed_clients`.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        for t in model.fastcgi_targets(location) {
            let NginxTarget::Tcp {
                host: TargetHost::Ip(source),
                ..
            } = &t.target
            else {
                continue;
            };
            if !source.is_loopback() {
                continue; // the source address of a remote connection is not in the files
            }
            let Verdict::Reached(p) = model.verdict(&t.target) else {
                continue;
            };
            let Some(entry) = p.pool.get("listen.allowed_clients") else {
                continue;
            };
            if fpm_conf_parser::allowed_clients_problem(&entry.value).is_some() {
                continue; // FPM022 says that nothing at all is allowed
            }
            let allowed = entry
                .value
                .split(',')
                .filter_map(|a| a.parse::<IpAddr>().ok())
                .any(|a| match (a, source) {
                    (IpAddr::V4(a), IpAddr::V6(s)) => s.to_ipv4_mapped() == Some(a),
                    (a, s) => a == *s,
                });
            if !allowed {
                sink.push(
                    Diagnostic::new(&RULE.meta, entry.value_span, format!("pool [{}] drops connections from {source}, the address nginx connects from", p.pool.name))
                        .with_label("allowed clients")
                        .with_related(t.span, "nginx connects here")
                        .with_help(format!("add {source} to listen.allowed_clients"))
                        .with_note("at runtime: 502 Bad Gateway, \"recv() failed (104: Connection reset by peer)\"")
                        .with_fix(Fix::safe(
                            format!("add {source} to listen.allowed_clients"),
                            vec![crate::fixes::fpm_value(
                                model.map,
                                entry.value_span,
                                &format!("{},{source}", entry.value.trim().trim_end_matches(',')),
                            )],
                        )),
                );
            }
        }
    }
}
