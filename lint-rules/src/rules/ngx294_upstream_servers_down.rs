use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::address::{NginxTarget, TargetHost};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX294",
        name: "upstream-servers-down",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "the upstream PHP requests go to has every `server` marked `down` (502 \"no live upstreams\" for every request), or one usable server beside `down` entries (a single failure makes every request 502 for `fail_timeout`)",
        aliases: &[],
        doc: r#"nginx never connects to a `server` marked `down`. An upstream whose servers are all
`down` (and that has no `backup`) answers every request with 502 and logs `no live
upstreams while connecting to upstream`: a server switched off for maintenance, or the
old PHP version's socket kept as `down`, and the new one never added.

The quieter form: one usable server beside `down` entries
(`upstream php { server unix:/run/php/php8.2-fpm.sock; server unix:/run/php/php7.4-fpm.sock down; }`).
nginx exempts an upstream of exactly one server from `max_fails`: a failure there
changes nothing. The `down` lines count as servers, so the exemption is lost: one
failed request (a script that runs past `fastcgi_read_timeout`, php-fpm restarting,
a refused connection) marks the only usable server unavailable for `fail_timeout`
(10s by default), and every request meanwhile answers 502 `no live upstreams` (reported
for nginx-proxy's generated upstreams, nginx-proxy#1495). Reported as a warning; not
when the server has `max_fails=0` or a `backup` server stands by.

Live, nginx 1.22.1 + php-fpm 8.2: `upstream php { server unix:...php-fpm.sock;
server unix:...php74-fpm.sock down; }` with `fastcgi_read_timeout 2s`: a 4-second script
answers 504, and the next requests, to a script that answers at once, 502 ("no live
upstreams"); without the `down` line they answer 200. With only `down` servers every
request is 502.

**Symptom**: 502 Bad Gateway for every PHP request (all servers down), or bursts of 502
for about 10 seconds after any timeout or error; nginx logs `no live upstreams while
connecting to upstream`.

Bad:
```nginx
upstream php {
    server unix:/run/php/php8.2-fpm.sock;
    server unix:/run/php/php7.4-fpm.sock down;
}
```
Good:
```nginx
upstream php {
    server unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Remove the `down` lines of an upstream that has one usable server (or give that server `max_fails=0`); put a usable server into an upstream whose servers are all `down`.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = HashSet::new();
    for (nginx, _, location) in model.fastcgi_locations() {
        let Some((
            NginxTarget::Tcp {
                host: TargetHost::Name(name),
                port: None,
            },
            pass_span,
        )) = location.fastcgi_pass.as_deref()
        else {
            continue;
        };
        let Some(upstream) = nginx.upstreams.get(&name.to_ascii_lowercase()) else {
            continue;
        };
        if upstream.down.is_empty() || !seen.insert(upstream.span) {
            continue;
        }
        let primary: Vec<usize> = (0..upstream.servers.len())
            .filter(|&i| !upstream.flags.get(i).is_some_and(|f| f.backup))
            .collect();
        let has_backup = primary.len() < upstream.servers.len();
        if upstream.servers.is_empty() {
            let mut d = Diagnostic::new(
                &RULE.meta,
                upstream.span,
                format!(
                    "every `server` of upstream \"{}\" is marked `down`: nginx passes no request to it",
                    upstream.name
                ),
            )
            .with_label("no usable server");
            for span in &upstream.down {
                d = d.with_related(*span, "marked down");
            }
            sink.push(
                d.with_related(*pass_span, "PHP requests are passed to it here")
                    .with_help("put the pool's address into the upstream without `down`")
                    .with_note("at runtime: 502 for every request; nginx logs `no live upstreams while connecting to upstream`"),
            );
            continue;
        }
        let [only] = primary[..] else { continue };
        if has_backup || upstream.flags.get(only).is_some_and(|f| f.never_fails) {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE.meta,
            upstream.servers[only].1,
            format!(
                "upstream \"{}\" has one usable server and {} marked `down`: nginx counts them, so this server is not exempt from `max_fails` as a lone server is, and one failed request (a timeout, php-fpm restarting) takes it out for `fail_timeout` (10s)",
                upstream.name,
                if upstream.down.len() == 1 { "a server".to_string() } else { format!("{} servers", upstream.down.len()) }
            ),
        )
        .with_severity(Severity::Warning)
        .with_label("the only server nginx may use");
        for span in &upstream.down {
            d = d.with_related(*span, "counted, never used");
        }
        sink.push(
            d.with_related(*pass_span, "PHP requests are passed to it here")
                .with_help("remove the `down` lines (or add `max_fails=0` to this server)")
                .with_note("at runtime: after any timeout or connection error, every request answers 502 for 10 seconds; nginx logs `no live upstreams while connecting to upstream`"),
        );
    }
}
