use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::listen_groups::Transport;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX111",
        name: "dual-stack-conflict",
        family: Family::NginxListen,
        severity: Severity::Error,
        summary: "`listen [::]:N ipv6only=off` together with `listen N`: both sockets want IPv4 port N, nginx cannot start (`nginx -t` passes)",
        aliases: &[],
        doc: r#"`ipv6only=off` makes the `[::]:N` socket accept IPv4 connections too, so it
already owns `0.0.0.0:N`. A `listen N` (or `listen 0.0.0.0:N`) in any server
then binds the same IPv4 port a second time. `nginx -t` never binds sockets
and says the configuration is fine; the start (or the reload that first adds
the conflict) fails with `bind() to 0.0.0.0:80 failed (98: Address already in
use)`. Certbot and copied snippets often add `ipv6only=off`; since nginx 1.3.4
the default (`ipv6only=on`) with a separate `listen 80` is what works.

**Symptom**: nginx does not start, although `nginx -t` is happy (proven against real nginx).

Bad:
```nginx
server { listen [::]:80 ipv6only=off; server_name a.example.com; }
server { listen 80; server_name b.example.com; }
```
Good:
```nginx
server { listen [::]:80; listen 80; server_name a.example.com; }
server { listen 80; server_name b.example.com; }
```"#,
        fix: "Drop `ipv6only=off` and give every server both `listen N` and `listen [::]:N`.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        for server in &nginx.servers {
            for dual in server
                .listens
                .iter()
                .filter(|l| l.ipv6only == Some(false) && l.host == "[::]" && !l.quic)
            {
                let Some(v4) = nginx.listen_groups.iter().find(|g| {
                    g.address.transport == Transport::Tcp
                        && g.address.host == "0.0.0.0"
                        && g.address.port == dual.port
                }) else {
                    continue;
                };
                let port = dual.port.map_or(String::new(), |p| p.to_string());
                let mut d = Diagnostic::new(
                    &RULE.meta,
                    dual.span,
                    format!("[::]:{port} with ipv6only=off also takes IPv4 port {port}, which `listen {port}` binds again: nginx fails to start with \"bind() to 0.0.0.0:{port} failed (98: Address already in use)\""),
                )
                .with_label("dual-stack socket");
                if let Some(m) = v4.members.first() {
                    d = d.with_related(m.listen, format!("binds 0.0.0.0:{port} too"));
                }
                sink.push(
                    d.with_note(
                        "nginx -t does not bind sockets: it reports the configuration as fine",
                    )
                    .with_help(format!(
                        "remove `ipv6only=off`; keep `listen [::]:{port};` and `listen {port};`"
                    )),
                );
            }
        }
    }
}
