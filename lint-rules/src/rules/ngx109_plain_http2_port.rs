use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};
use nginx_conf_parser::catalogue::NginxVersion;

use crate::model::listen_groups::Transport;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX109",
        name: "plain-http2-port",
        family: Family::NginxListen,
        severity: Severity::Error,
        summary: "`listen ... http2` without `ssl` on nginx before 1.25.1: the port speaks only HTTP/2, browsers cannot use it",
        aliases: &[],
        doc: r#"Browsers speak HTTP/2 only over TLS. On a plain-text port, nginx before
1.25.1 treats `http2` as "HTTP/2 with prior knowledge": it answers every
connection with HTTP/2 frames and never reads an HTTP/1.x request. Since
nginx ORs `http2` across the servers of an address, one server writing it is
enough to break every site on that port. (nginx 1.25.1 and later look at the
first bytes and fall back to HTTP/1.x; the rule only fires for the versions
that do not, `--nginx-version 1.22` / `1.24`.) A port whose default server has
`ssl on;` is not plain text: nginx up to 1.25.0 starts TLS on every connection of the
address from that server's `ssl` setting (`ngx_http_init_connection`), and ALPN offers
`h2` and `http/1.1` there.

**Symptom**: browsers download a few bytes of garbage or show "ERR_INVALID_HTTP_RESPONSE";
`curl` says `Received HTTP/0.9 when not allowed`. Proven live against nginx 1.22.

Bad:
```nginx
server { listen 80 http2; server_name example.com; }
```
Good:
```nginx
server { listen 443 ssl http2; server_name example.com; ssl_certificate ...; }
server { listen 80; server_name example.com; return 301 https://$host$request_uri; }
```

Autofix: safe — `http2` is removed from the plain-text listen (one listen per pass:
every listen of the address that sets it is fixed in turn)."#,
        fix: "Put `http2` on the TLS listen (`listen 443 ssl http2`) and drop it from plain ports.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let version = crate::options::version(model.options);
    if version != NginxVersion::V1_22 {
        return;
    }
    for nginx in &model.nginx {
        for group in &nginx.listen_groups {
            if group.address.transport != Transport::Tcp || group.members.iter().any(|m| m.ssl) {
                continue;
            }
            // `ssl on;` in the address's default server: nginx up to 1.25.0 starts a TLS
            // handshake on every connection of the address (ngx_http_init_connection reads
            // the default server's `sscf->enable`), and ALPN then offers h2 and http/1.1.
            // ISPConfig's panel vhost serves HTTPS with HTTP/2 on 8080 that way.
            if nginx
                .servers
                .get(group.default)
                .is_some_and(|server| server.ssl_directive_on())
            {
                continue;
            }
            let Some(setter) = group.members.iter().find(|m| m.http2) else {
                continue;
            };
            let others = group.members.len() - 1;
            let mut diagnostic = Diagnostic::new(
                &RULE.meta,
                setter.listen,
                format!(
                    "HTTP/2 without TLS on {}: nginx {} answers only HTTP/2 there, HTTP/1.x clients and browsers get binary frames",
                    group.address,
                    version.label()
                ),
            )
            .with_label("plain-text port with http2");
            if others > 0 {
                diagnostic = diagnostic.with_note(format!(
                    "the {others} other server(s) on {} are affected too: nginx applies http2 to the whole address",
                    group.address
                ));
            }
            let fix = crate::fixes::statement(model.map, setter.listen).and_then(|stmt| {
                let i = stmt.args.iter().position(|(_, a)| a == "http2")?;
                let before = stmt.args.get(i.checked_sub(1)?)?.0;
                let word = stmt.args[i].0;
                Some(Fix::safe(
                    "remove `http2` from this listen",
                    vec![Edit::delete(lint_source::Span::new(
                        word.file,
                        before.end as usize,
                        word.end as usize,
                    ))],
                ))
            });
            sink.push(
                diagnostic
                    .with_help("remove `http2` from this listen; use it on `listen 443 ssl http2`")
                    .with_fix_opt(fix),
            );
        }
    }
}
