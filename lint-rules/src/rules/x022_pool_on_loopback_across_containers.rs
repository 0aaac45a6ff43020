use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::address::{describe, describe_listen};
use crate::model::{Crossing, Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X022",
        name: "pool-on-loopback-across-containers",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "the pool listens on its container's 127.0.0.1 (or a unix socket) while nginx connects over the network",
        aliases: &[],
        doc: r#"`listen = 127.0.0.1:9000` accepts connections from inside php-fpm's own
container only; a unix socket is a file of that container. nginx in another
container reaches php-fpm through the container network, so the pool must
listen on every interface (`listen = 9000`, as the official image's
`zz-docker.conf`/`docker.conf` does). A pool file that sorts after the image's
(`zz-www.conf`) or replaces `www.conf` brings `127.0.0.1` back.

**Symptom**: 502 Bad Gateway; nginx's error log says
`connect() failed (111: Connection refused) while connecting to upstream`.

Bad (pool in the `app` service):
```ini
listen = 127.0.0.1:9000
```
Good:
```ini
listen = 9000
```"#,
        fix: "Make the pool listen on every interface (`listen = 9000`), or run nginx in the same pod/network namespace.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.locations.iter().filter(|l| l.fastcgi_pass.is_some()) {
        for t in model.fastcgi_targets(location) {
            let Verdict::Across(Crossing::PoolOnLoopback(p)) = model.verdict(&t.target) else {
                continue;
            };
            let Some((listen, entry)) = p.pool.listen() else {
                continue;
            };
            let port = match &listen {
                fpm_conf_parser::Listen::Tcp { port_text, .. } => port_text.clone(),
                fpm_conf_parser::Listen::Unix(_) => "9000".into(),
            };
            let d = Diagnostic::new(
                &RULE.meta,
                entry.value_span,
                format!(
                    "pool [{}] listens on {} inside its container, but nginx connects from another container to {}",
                    p.pool.name,
                    describe_listen(&listen),
                    describe(&t.target)
                ),
            )
            .with_label("reachable only from php-fpm's own container")
            .with_related(t.span, "nginx connects here, over the container network")
            .with_help(format!("listen on every interface: `listen = {port}`"))
            .with_note("at runtime: 502 Bad Gateway, \"connect() failed (111: Connection refused) while connecting to upstream\" in nginx's error log");
            sink.push(model.with_upstream_fallback(location, t, d));
        }
    }
}
