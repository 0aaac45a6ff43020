use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::address::{describe_listen, NginxTarget};
use crate::model::{Model, Verdict};
use crate::rules::x005_localhost_ipv6_mismatch::family_mismatch;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X001",
        name: "fastcgi-pass-no-pool",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "`fastcgi_pass` names a socket or port that no php-fpm pool listens on",
        aliases: &[],
        doc: r#"Every request the location passes to PHP fails when nothing listens at the
`fastcgi_pass` address. The classic case is a PHP upgrade: php8.2-fpm creates
`/run/php/php8.2-fpm.sock`, but the site still says `php8.1-fpm.sock`. An address
with a variable that `set` gives one literal value, never inside an `if`
(`set $php "8.1"; fastcgi_pass unix:/run/php/php$php-fpm.sock;`), is checked with
that value; any other variable leaves the address unknown. On a server's tree
(`--root`) a socket path that is a symbolic link there is followed, as `connect()`
follows it (Valet's `valet.sock -> valet83.sock`), and so is a link among the
directories of either path (`unix:/srv/app/varrun/php-fpm.sock` with
`varrun -> run` reaches a pool on `/srv/app/run/php-fpm.sock`; checked live: 200).
A path under `/var/run` is compared as `/run` (a link to it on every current
distribution: `unix:/var/run/php/x.sock` reaches a pool on `/run/php/x.sock`, checked
live: 200), but the finding names it as written, as nginx's error log does
(`connect() to unix:/var/run/php5-fpm.sock failed`), with a note when the two spellings
differ; so do X002, X003 and X023.

**Symptom**: 502 Bad Gateway; nginx's error log says
`connect() to unix:/run/php/php8.1-fpm.sock failed (2: No such file or directory) while connecting to upstream`
(TCP: `connect() failed (111: Connection refused)`).

**Why**: the two files are edited by different people at different times, and
neither `nginx -t` nor `php-fpm -t` looks at the other side.

A TCP address on one loopback family (`[::1]:9000`) while a pool listens on the
other at the same port (`127.0.0.1:9000`) is X005's: it says why nothing connects.

A unix socket whose path, location and FastCGI settings say nothing of PHP
(`/run/fcgiwrap.socket`, `/run/munin/fcgi-graph.sock`) belongs to another
FastCGI server and is not checked.

Nothing is claimed while a pool has no `listen`: a drop-in linted on its own (`[www]
clear_env = no` copied beside the distribution's www.conf, which listens) has its
address in a file not read, and a pool php-fpm refuses for lack of one is FPM006's.

One `server` of an upstream whose other server reaches a pool is a warning: nginx
tries it, logs `connect() failed`, and passes the request to the other one
(`fastcgi_next_upstream error`, the default; checked live), so nothing answers 502;
under `fastcgi_next_upstream off` it is an error again. The same holds for X002,
X019, X021, X022 and X023.

Bad:
```nginx
fastcgi_pass unix:/run/php/php8.1-fpm.sock;   # pool: listen = /run/php/php8.2-fpm.sock
```
Good:
```nginx
fastcgi_pass unix:/run/php/php8.2-fpm.sock;
```

Autofix: safe — when exactly one pool of the same transport is reached by no
location, `fastcgi_pass` (or the upstream `server`) is pointed at it."#,
        fix: "Point `fastcgi_pass` at the address a pool's `listen` names (the help suggests the nearest).",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    // A pool with no `listen` is a drop-in whose address is in a file not read (RSS-Bridge
    // copies `[www] clear_env = no` beside Debian's stock www.conf), or one php-fpm
    // refuses to start (FPM006 says so): either way, where the pools listen is not known.
    if model.pools().any(|p| p.pool.listen().is_none()) {
        return;
    }
    for (_, _, location) in model.fastcgi_locations() {
        // fcgiwrap, munin's servers, Perl handlers: no pool is expected behind them.
        if !model.may_talk_to_php(location) {
            continue;
        }
        for t in model.fastcgi_targets(location) {
            let Verdict::Missing {
                nearest,
                other_transport,
            } = model.verdict(&t.target)
            else {
                continue;
            };
            if nearest.is_none() && other_transport.is_some() {
                continue; // X002 reports transport mismatches.
            }
            // A pool on the other loopback family at this port: X005 reports it, naming
            // both addresses, as an error (nothing connects).
            let other_loopback = model.pools().any(|p| {
                p.pool
                    .listen()
                    .is_some_and(|(l, _)| family_mismatch(&t.target, &l))
            });
            if other_loopback {
                continue;
            }
            let via = t
                .upstream
                .as_ref()
                .map(|u| format!(" (through upstream \"{u}\")"))
                .unwrap_or_default();
            let mut d = Diagnostic::new(&RULE.meta, t.span, format!("no php-fpm pool listens on {}{via}", model.describe_target(t)))
                .with_label("nginx connects here")
                .with_note("at runtime: 502 Bad Gateway, \"connect() ... failed (2: No such file or directory)\" or \"(111: Connection refused)\" in nginx's error log");
            if matches!(&t.target, NginxTarget::Unix(p) if p.as_os_str().as_encoded_bytes().ends_with(b":"))
            {
                d = d.with_note("the trailing `:` is part of the socket path here: only `proxy_pass http://unix:/path:/uri` reads a `:` as the end of the path (nginx's error log prints the upstream as `fastcgi://unix:/path:`)");
            }
            if let Some(note) = model.socket_read_as_note(t) {
                d = d.with_note(note);
            }
            // The fix needs the one pool nothing reaches yet, on nginx's transport.
            let mut fitting = model
                .pools()
                .filter(|p| !model.used_pools().contains(&p.pool.name_span))
                .filter(|p| p.pool.listen().is_some() && same_transport(&t.target, p));
            let only = match (fitting.next(), fitting.next()) {
                (Some(p), None) => p.pool.listen().map(|(l, _)| nginx_form(&l)),
                _ => None,
            };
            if let Some(address) = only {
                d = d.with_fix(Fix::safe(
                    format!("point fastcgi_pass at `{address}`, the only pool no location reaches"),
                    vec![Edit::replace(t.span, address)],
                ));
            }
            // The model's nearest pool of the same transport prefers unused pools.
            if let Some(p) = nearest {
                if let Some((listen, entry)) = p.pool.listen() {
                    d = d
                        .with_related(
                            entry.value_span,
                            format!(
                                "pool [{}] listens on {}",
                                p.pool.name,
                                describe_listen(&listen)
                            ),
                        )
                        .with_help(format!(
                            "did you mean `fastcgi_pass {}`?",
                            nginx_form(&listen)
                        ));
                }
            } else {
                d = d.with_help("add a pool that listens on this address, or point fastcgi_pass at an existing pool");
            }
            sink.push(model.with_upstream_fallback(location, t, d));
        }
    }
}

/// How nginx writes a pool address.
pub fn nginx_form(listen: &fpm_conf_parser::Listen) -> String {
    match listen {
        fpm_conf_parser::Listen::Unix(p) => format!("unix:{}", p.display()),
        fpm_conf_parser::Listen::Tcp {
            host: fpm_conf_parser::ListenHost::Any,
            port_text,
            ..
        } => format!("127.0.0.1:{port_text}"),
        other => describe_listen(other),
    }
}

fn same_transport(
    target: &crate::model::address::NginxTarget,
    p: &crate::model::PoolRef<'_>,
) -> bool {
    use crate::model::address::NginxTarget;
    matches!(
        (target, p.pool.listen().map(|(l, _)| l)),
        (NginxTarget::Unix(_), Some(fpm_conf_parser::Listen::Unix(_)))
            | (
                NginxTarget::Tcp { .. },
                Some(fpm_conf_parser::Listen::Tcp { .. })
            )
    )
}
