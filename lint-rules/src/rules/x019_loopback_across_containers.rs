use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::{Crossing, Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X019",
        name: "loopback-across-containers",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "`fastcgi_pass` names 127.0.0.1, localhost or [::1] while php-fpm runs in another container",
        aliases: &[],
        doc: r#"Every container has its own loopback. In a Compose project or in two
Kubernetes pods, `127.0.0.1:9000` in nginx's container is nginx's own
address, where nothing listens. (Containers of one Kubernetes pod, or a service
with `network_mode: service:php`, share one loopback: no finding there.)

**Symptom**: 502 Bad Gateway; nginx's error log says
`connect() failed (111: Connection refused) while connecting to upstream, ... upstream: "fastcgi://127.0.0.1:9000"`.

Bad (`php` is another Compose service):
```nginx
fastcgi_pass 127.0.0.1:9000;
```
Good:
```nginx
fastcgi_pass php:9000;
```

Autofix: safe — when the deployment gives php-fpm's container exactly one name and
a pool there listens on every interface at that port, nginx's loopback address becomes
`NAME:PORT`."#,
        fix: "Name php-fpm's service (or its network alias, or the Kubernetes Service) instead of the loopback.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let network = &model.options.network;
    for (_, _, location) in model.fastcgi_locations() {
        for t in model.fastcgi_targets(location) {
            let Verdict::Across(Crossing::Loopback { pool }) = model.verdict(&t.target) else {
                continue;
            };
            let port = match &t.target {
                crate::model::address::NginxTarget::Tcp { port: Some(p), .. } => *p,
                _ => 9000,
            };
            let mut d = Diagnostic::new(
                &RULE.meta,
                t.span,
                format!(
                    "{} is nginx's own container: php-fpm runs in another one",
                    model.describe_target(t)
                ),
            )
            .with_label("nginx's loopback, not php-fpm's")
            .with_note("at runtime: 502 Bad Gateway, \"connect() failed (111: Connection refused) while connecting to upstream\" in nginx's error log");
            // `fastcgi_pass 0.0.0.0:9000` is copied from php-fpm's `listen` (every
            // interface); as a destination Linux sends it to this machine's loopback.
            if matches!(&t.target, crate::model::address::NginxTarget::Tcp { host: crate::model::address::TargetHost::Ip(ip), .. } if ip.is_unspecified())
            {
                d = d.with_note("an unspecified address (0.0.0.0, [::]) is what a server listens on; as the address to connect to, Linux reaches this machine itself");
            }
            if let Some(name) = network.fpm_names.first() {
                d = d.with_help(format!("use `fastcgi_pass {name}:{port};`"));
            }
            // The fix needs one name for php-fpm's container and a pool there on every
            // interface at that port (one on its loopback is X022's to fix).
            let open = pool.is_some_and(|p| {
                matches!(
                    p.pool.listen(),
                    Some((
                        fpm_conf_parser::Listen::Tcp {
                            host: fpm_conf_parser::ListenHost::Any,
                            ..
                        },
                        _
                    ))
                )
            });
            if let ([name], true) = (network.fpm_names.as_slice(), open) {
                d = d.with_fix(Fix::safe(
                    format!("connect to {name}:{port}, php-fpm's container"),
                    vec![Edit::replace(t.span, format!("{name}:{port}"))],
                ));
            }
            if let Some(p) = pool {
                if let Some((_, entry)) = p.pool.listen() {
                    d = d.with_related(
                        entry.value_span,
                        format!(
                            "pool [{}] listens here, in php-fpm's container",
                            p.pool.name
                        ),
                    );
                }
            }
            sink.push(model.with_upstream_fallback(location, t, d));
        }
    }
}
