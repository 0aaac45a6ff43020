use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::address::{NginxTarget, TargetHost};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX220",
        name: "keepalive-without-keep-conn",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "`fastcgi_pass` to an upstream with `keepalive`, without `fastcgi_keep_conn on`: no connection is ever kept",
        aliases: &[],
        doc: r#"An upstream's `keepalive N` keeps idle connections to its servers for reuse. For
FastCGI, nginx asks php-fpm to close the connection after each response unless
`fastcgi_keep_conn on` is set where the request is passed ("For FastCGI servers, it
is required to set fastcgi_keep_conn for keepalive connections to work", nginx's
documentation of `keepalive`). Without it the cache stays empty: every request opens
a new connection, and the `keepalive` line reads as tuning that is not there.

**Symptom**: none at first; under load as many connections are opened and closed as
there are PHP requests (`TIME_WAIT` sockets on the php-fpm port, `accept()` of php-fpm
busy), which the `keepalive` was written to avoid.

Bad:
```nginx
upstream php { server 127.0.0.1:9000; keepalive 8; }
location ~ \.php$ { include fastcgi.conf; fastcgi_pass php; }
```
Good:
```nginx
upstream php { server 127.0.0.1:9000; keepalive 8; }
location ~ \.php$ { include fastcgi.conf; fastcgi_pass php; fastcgi_keep_conn on; }
```

With `fastcgi_keep_conn on` a pool whose workers exit after `pm.max_requests`
closes kept connections under nginx's feet (X014): set `pm.max_requests = 0`, or
drop the `keepalive` line instead."#,
        fix: "Set `fastcgi_keep_conn on;` where the upstream is passed to, or remove the upstream's `keepalive`.",
    },
    check: Check::Server(check),
};

fn check(_model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let Some((target, pass)) = location.fastcgi_pass.as_deref() else {
            continue;
        };
        // An upstream is named by a bare host (`fastcgi_pass php;`).
        let NginxTarget::Tcp {
            host: TargetHost::Name(name),
            port: None,
        } = target
        else {
            continue;
        };
        let Some(upstream) = nginx.upstreams.get(&name.to_ascii_lowercase()) else {
            continue;
        };
        let Some(keepalive) = upstream.keepalive else {
            continue;
        };
        let keep_conn = location.inherited.get("fastcgi_keep_conn");
        if keep_conn.is_some_and(|s| s.first().eq_ignore_ascii_case("on")) {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE.meta,
            *pass,
            format!(
                "upstream \"{}\" keeps connections alive, but without `fastcgi_keep_conn on` nginx closes each one after its request",
                upstream.name
            ),
        )
        .with_label("no fastcgi_keep_conn on here")
        .with_related(keepalive, "keepalive set here")
        .with_help("add `fastcgi_keep_conn on;` beside this fastcgi_pass (mind X014: workers that recycle), or remove `keepalive`");
        if let Some(off) = keep_conn {
            d = d.with_related(off.span, "fastcgi_keep_conn off");
        }
        sink.push(d);
    }
}
