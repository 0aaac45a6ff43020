use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::address::{NginxTarget, TargetHost};
use crate::model::{resolve, Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X010",
        name: "wrong-protocol-to-pool",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "`proxy_pass`/`uwsgi_pass`/`grpc_pass` to a php-fpm pool, or `fastcgi_pass` to nginx's own HTTP port",
        aliases: &[],
        doc: r#"php-fpm speaks FastCGI only. `proxy_pass http://127.0.0.1:9000` sends HTTP to
it, and php-fpm closes the connection; `fastcgi_pass` to an address nginx
itself `listen`s on sends FastCGI to an HTTP server.

**Symptom**: 502 Bad Gateway; `upstream prematurely closed connection while
reading response header from upstream` or `upstream sent unsupported FastCGI
protocol version: 72` (the "H" of "HTTP/1.1").

Bad:
```nginx
location ~ \.php$ { proxy_pass http://127.0.0.1:9000; }
```
Good:
```nginx
location ~ \.php$ { include snippets/fastcgi-php.conf; fastcgi_pass 127.0.0.1:9000; }
```"#,
        fix: "Use `fastcgi_pass` (with the fastcgi params) for php-fpm pools.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (nginx, _, location) in model
        .servers()
        .flat_map(|(n, s)| s.locations.iter().map(move |l| (n, s, l)))
    {
        for (directive, target, span) in &location.other_pass {
            for t in resolve(nginx, target, *span) {
                if let Verdict::Reached(p) | Verdict::Partly(p) = model.verdict(&t.target) {
                    let entry = p
                        .pool
                        .listen()
                        .map(|(_, e)| e.value_span)
                        .unwrap_or(p.pool.name_span);
                    sink.push(
                        Diagnostic::new(&RULE.meta, t.span, format!("{directive} sends {} to php-fpm pool [{}], which speaks FastCGI only", if directive == "proxy_pass" { "HTTP" } else { "another protocol" }, p.pool.name))
                            .with_related(entry, "the pool listens here")
                            .with_help(format!("use `fastcgi_pass {};` with `include fastcgi.conf;`", model.describe_target(&t)))
                            .with_note("at runtime: 502 Bad Gateway, \"upstream prematurely closed connection\""),
                    );
                }
            }
        }
    }
    // fastcgi_pass to a port nginx serves HTTP on.
    let mut http_ports = foldhash::HashMap::default();
    for (_, server) in model.servers() {
        for l in &server.listens {
            if let Some(port) = l.port {
                http_ports.entry(port).or_insert((l.span, l.host.clone()));
            }
        }
    }
    for (_, _, location) in model.fastcgi_locations() {
        for t in model.fastcgi_targets(location) {
            let NginxTarget::Tcp {
                host,
                port: Some(port),
            } = &t.target
            else {
                continue;
            };
            let local = matches!(host, TargetHost::Ip(ip) if ip.is_loopback())
                || matches!(host, TargetHost::Name(n) if n == "localhost");
            let Some((listen_span, listen_host)) = http_ports.get(port) else {
                continue;
            };
            if local
                && (listen_host == "*"
                    || listen_host.starts_with("127.")
                    || listen_host == "localhost"
                    || listen_host == "[::]"
                    || listen_host == "[::1]")
            {
                sink.push(
                    Diagnostic::new(&RULE.meta, t.span, format!("fastcgi_pass {} points at nginx's own HTTP listener", model.describe_target(t)))
                        .with_related(*listen_span, "nginx listens here for HTTP")
                        .with_help("point fastcgi_pass at the php-fpm pool's address")
                        .with_note("at runtime: 502 Bad Gateway, \"upstream sent unsupported FastCGI protocol version: 72\""),
                );
            }
        }
    }
}
