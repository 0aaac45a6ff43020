use crate::rule::{Check, Rule, Sink};
use foldhash::{HashMap, HashMapExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use fpm_conf_parser::{Listen, ListenHost};

use crate::model::address::describe_listen;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X011",
        name: "address-bound-twice",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "a TCP port both nginx and a pool listen on, or a socket/port shared by pools of different php-fpm services",
        aliases: &[],
        doc: r#"Only one process can bind an address. When nginx listens on 9000 and a pool
does too, whichever starts second fails (`bind() to 0.0.0.0:9000 failed (98:
Address already in use)` or php-fpm's `unable to bind listening socket for
address '9000': Address already in use (98)`). Two php-fpm services (php7.4-fpm
and php8.2-fpm) with pools on the same socket fight the same way.

**Symptom**: the service that starts second fails: `bind() to 0.0.0.0:9000
failed (98: Address already in use)` or php-fpm's `unable to bind listening
socket for address ... Address already in use (98)`; its sites answer 502.

Bad:
```ini
; /etc/php/7.4/fpm/pool.d/www.conf
listen = /run/php/php-fpm.sock
; /etc/php/8.2/fpm/pool.d/www.conf
listen = /run/php/php-fpm.sock
```
Good:
```ini
listen = /run/php/php7.4-fpm.sock
listen = /run/php/php8.2-fpm.sock
```"#,
        fix: "Give each listener its own port or socket.",
    },
    check: Check::Model(check),
};

fn key(listen: &Listen) -> String {
    match listen {
        Listen::Unix(p) => p.display().to_string(),
        Listen::Tcp { port_text, .. } => format!("tcp:{port_text}"),
    }
}

fn overlaps(a: &Listen, b: &Listen) -> bool {
    match (a, b) {
        (Listen::Unix(x), Listen::Unix(y)) => x == y,
        (
            Listen::Tcp {
                host: ha, port: pa, ..
            },
            Listen::Tcp {
                host: hb, port: pb, ..
            },
        ) => pa == pb && (ha == hb || *ha == ListenHost::Any || *hb == ListenHost::Any),
        _ => false,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    // Pools of different php-fpm trees (within one tree php-fpm itself refuses: FPM008).
    let mut by_key: HashMap<String, Vec<(usize, Listen, Span, String)>> = HashMap::new();
    for (i, fpm) in model.fpm.iter().enumerate() {
        for pool in &fpm.pools {
            if let Some((listen, entry)) = pool.listen() {
                by_key.entry(key(&listen)).or_default().push((
                    i,
                    listen,
                    entry.value_span,
                    pool.name.clone(),
                ));
            }
        }
    }
    for list in by_key.values() {
        for (n, (tree, listen, span, name)) in list.iter().enumerate() {
            if let Some((_, _, first_span, first_name)) = list[..n]
                .iter()
                .find(|(t, l, _, _)| t != tree && overlaps(l, listen))
            {
                sink.push(
                    Diagnostic::new(&RULE.meta, *span, format!("pool [{name}] listens on {}, which pool [{first_name}] of another php-fpm service uses too", describe_listen(listen)))
                        .with_related(*first_span, "already used here")
                        .with_help("give each php-fpm service's pools their own sockets (e.g. php8.2-fpm.sock)"),
                );
            }
        }
    }
    // nginx's own listen ports against pools, by port: no scan of every pool per listen.
    let mut by_port: HashMap<u32, Vec<(&ListenHost, Span, &str)>> = HashMap::new();
    for list in by_key.values() {
        for (_, listen, span, name) in list {
            if let Listen::Tcp {
                host,
                port: Some(p),
                ..
            } = listen
            {
                by_port
                    .entry(*p)
                    .or_default()
                    .push((host, *span, name.as_str()));
            }
        }
    }
    for (_, server) in model.servers() {
        for l in server.listens.iter().filter(|l| l.explicit) {
            let Some(port) = l.port else { continue };
            let Some(pools) = by_port.get(&port) else {
                continue;
            };
            for (host, span, name) in pools {
                let nginx_any = l.host == "*" || l.host == "[::]" || l.host == "0.0.0.0";
                let same_host = match host {
                    ListenHost::Any => true,
                    ListenHost::V4(v4) => nginx_any || l.host == v4.to_string(),
                    ListenHost::V6(v6) => nginx_any || l.host == format!("[{v6}]"),
                    ListenHost::Name(n) => nginx_any || l.host == *n,
                };
                if same_host {
                    sink.push(
                        Diagnostic::new(&RULE.meta, *span, format!("pool [{name}] and nginx both listen on port {port}"))
                            .with_related(l.span, "nginx listens here")
                            .with_help("move the pool to another port (9000 is php-fpm's usual) or to a unix socket")
                            .with_note("at runtime: the second to start fails with \"Address already in use (98)\""),
                    );
                }
            }
        }
    }
}
