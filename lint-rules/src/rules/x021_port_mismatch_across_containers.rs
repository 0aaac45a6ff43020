use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::address::describe_listen;
use crate::model::{Crossing, Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X021",
        name: "port-mismatch-across-containers",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "`fastcgi_pass` reaches php-fpm's container on a port no pool there listens on",
        aliases: &[],
        doc: r#"The service name resolves to php-fpm's container, but the port does not
match any pool's `listen` there. The official php-fpm image listens on 9000
(`zz-docker.conf`/`docker.conf`: `listen = 9000`); a pool override, a
`php-fpm -y` file or an environment-driven `${PORT}` may move it.

**Symptom**: 502 Bad Gateway; nginx's error log says
`connect() failed (111: Connection refused) while connecting to upstream, ... upstream: "fastcgi://172.18.0.3:9001"`.

Bad (the pool listens on 9000):
```nginx
fastcgi_pass app:9001;
```
Good:
```nginx
fastcgi_pass app:9000;
```

When php-fpm's container reads no pool at all, the finding says so and points at
the include that read none (FPM005): a relative `include=etc/php-fpm.d/*.conf`
copied from the official image to a distribution's php-fpm, whose prefix is `/usr`.

With Kubernetes, the name is a Service: a connection to its `port` reaches the pod
on that entry's `targetPort`, which is what must match the pool (`fastcgi_pass
php:80;` with `port: 80, targetPort: 9000` is right). A port the Service does not
list reaches nothing.

Autofix: safe — when php-fpm's container has exactly one pool on TCP, nginx's port
becomes that pool's (not through a Service: the manifest decides there)."#,
        fix: "Use the port the pool's `listen` names (or change the pool's `listen`).",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        for t in model.fastcgi_targets(location) {
            let Verdict::Across(Crossing::WrongPort { nearest, service }) =
                model.verdict(&t.target)
            else {
                continue;
            };
            let message = match service {
                // A Kubernetes Service forwards only the ports it lists.
                Some((s, None)) => format!(
                    "Service {} has no port of {}: nothing answers there (its ports: {})",
                    s.name,
                    model.describe_target(t),
                    s.ports
                        .iter()
                        .map(|(p, target)| match target {
                            Some(t) if t != p => format!("{p} → {t}"),
                            _ => p.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some((s, Some(target))) => format!(
                    "no pool of php-fpm's container listens on port {target}, where Service {} forwards {}",
                    s.name,
                    model.describe_target(t)
                ),
                None if nearest.is_none() && model.pools().next().is_none() => format!(
                    "php-fpm's container reads no pool at all, so nothing listens on the port of {}",
                    model.describe_target(t)
                ),
                None => format!(
                    "no pool of php-fpm's container listens on the port of {}",
                    model.describe_target(t)
                ),
            };
            let no_pool = nearest.is_none() && model.pools().next().is_none();
            let mut d = Diagnostic::new(&RULE.meta, t.span, message)
            .with_label(if no_pool { "php-fpm's container, no pool" } else { "php-fpm's container, wrong port" })
            .with_note("at runtime: 502 Bad Gateway, \"connect() failed (111: Connection refused) while connecting to upstream\" in nginx's error log");
            // No pool at all: an include that reads nothing is the cause to name (a
            // relative `include=etc/php-fpm.d/*.conf` read from a distribution's prefix).
            if no_pool {
                if let Some(span) = unread_include(model) {
                    d = d.with_related(span, "this include reads no pool (FPM005)");
                }
            }
            if let Some(p) = nearest {
                if let Some((listen, entry)) = p.pool.listen() {
                    d = d.with_related(
                        entry.value_span,
                        format!(
                            "pool [{}] listens on {}",
                            p.pool.name,
                            describe_listen(&listen)
                        ),
                    );
                    if let (
                        crate::model::address::NginxTarget::Tcp { host, .. },
                        fpm_conf_parser::Listen::Tcp { port_text, .. },
                    ) = (&t.target, &listen)
                    {
                        let host = match host {
                            crate::model::address::TargetHost::Name(n) => n.clone(),
                            crate::model::address::TargetHost::Ip(ip) => ip.to_string(),
                        };
                        if let Some((s, _)) = service {
                            d = d.with_help(format!(
                                "make a port of Service {} forward to {port_text} (`targetPort: {port_text}`), or make the pool listen on the port it forwards to",
                                s.name
                            ));
                            sink.push(model.with_upstream_fallback(location, t, d));
                            continue;
                        }
                        d = d.with_help(format!("use `fastcgi_pass {host}:{port_text};`"));
                        let tcp_pools = model
                            .pools()
                            .filter(|q| {
                                matches!(
                                    q.pool.listen(),
                                    Some((fpm_conf_parser::Listen::Tcp { .. }, _))
                                )
                            })
                            .count();
                        if tcp_pools == 1 {
                            d = d.with_fix(Fix::safe(
                                format!("connect to port {port_text}, where the pool listens"),
                                vec![Edit::replace(t.span, format!("{host}:{port_text}"))],
                            ));
                        }
                    }
                }
            }
            sink.push(model.with_upstream_fallback(location, t, d));
        }
    }
}

/// The first include error of php-fpm's files (FPM005, an error): where no pool was read.
fn unread_include(model: &Model<'_>) -> Option<lint_source::Span> {
    model
        .fpm
        .iter()
        .flat_map(|f| f.diagnostics.iter())
        .filter(|d| d.code == fpm_conf_parser::codes::INCLUDE.code && d.severity == Severity::Error)
        .find_map(|d| d.primary.as_ref().map(|l| l.span))
}
