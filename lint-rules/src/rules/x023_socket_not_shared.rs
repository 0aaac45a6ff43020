use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::address::NginxTarget;
use crate::model::{Crossing, Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X023",
        name: "socket-not-shared",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "`fastcgi_pass unix:...` names a socket in a directory nginx's and php-fpm's containers do not share",
        aliases: &[],
        doc: r#"A unix socket is a file. When nginx and php-fpm run in different
containers (Compose services, or two containers of one Kubernetes pod), nginx
finds php-fpm's socket only through a volume both mount: a named volume, the
same bind mount, or a pod's `emptyDir`.

**Symptom**: 502 Bad Gateway; nginx's error log says
`connect() to unix:/run/php/php-fpm.sock failed (2: No such file or directory) while connecting to upstream`.

Bad (no volume in common):
```yaml
services:
  web: { image: nginx }
  php: { image: php:8.3-fpm }
```
Good:
```yaml
services:
  web: { image: nginx, volumes: [sock:/run/php] }
  php: { image: php:8.3-fpm, volumes: [sock:/run/php] }
volumes:
  sock:
```"#,
        fix: "Mount one volume at the socket's directory in both containers (or use TCP: `listen = 9000`).",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        for t in model.fastcgi_targets(location) {
            let Verdict::Across(Crossing::SocketNotShared {
                pool,
                shared_elsewhere,
            }) = model.verdict(&t.target)
            else {
                continue;
            };
            let shared_as = match &t.target {
                NginxTarget::Unix(path) if shared_elsewhere => model.options.network.fpm_path(path),
                _ => None,
            };
            let message = match &shared_as {
                None => format!(
                    "{} is a file of nginx's container: no volume shares it with php-fpm's",
                    model.describe_target(t)
                ),
                Some(there) => format!(
                    "{} is on a volume that php-fpm's container mounts elsewhere: php-fpm sees that file as {}, and the pool creates its socket outside the volume",
                    model.describe_target(t),
                    there.display()
                ),
            };
            let mut d = Diagnostic::new(&RULE.meta, t.span, message)
            .with_label("nginx looks for the socket here, in its own filesystem")
            .with_note("at runtime: 502 Bad Gateway, \"connect() to unix:... failed (2: No such file or directory)\" in nginx's error log");
            if let Some(p) = pool {
                if let Some((_, entry)) = p.pool.listen() {
                    d = d.with_related(
                        entry.value_span,
                        format!("pool [{}] creates it in php-fpm's container", p.pool.name),
                    );
                }
                if let Some(note) = p
                    .pool
                    .listen()
                    .and_then(|(l, _)| model.socket_spelling_note(t, &l))
                {
                    d = d.with_note(note);
                }
            }
            sink.push(model.with_upstream_fallback(location, t, d));
        }
    }
}
