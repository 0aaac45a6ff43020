use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use crate::model::address::{is_local, NginxTarget};
use crate::model::{Model, PoolRef, Verdict};
use fpm_conf_parser::{Listen, ListenHost};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X027",
        name: "pool-open-beyond-nginx",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "the pool listens on every interface, but nginx reaches it through 127.0.0.1: FastCGI is open to other machines, containers or pods",
        aliases: &[],
        doc: r#"FastCGI has no authentication: whoever reaches php-fpm's port can make it
run any PHP file on its disk, with any `PHP_VALUE` (`auto_prepend_file=php://input`
runs code from the request body). When nginx is php-fpm's only client and
connects through the loopback (one machine, one container, one pod), a pool
listening on every interface (`listen = 9000`, `0.0.0.0:9000`, `[::]:9000`)
accepts the same requests from every other host, container or pod that can
reach the address, and no `listen.allowed_clients` stops them.

In a container built `FROM php:*-fpm` of an image built before 2026-01-09
(every PHP 5.x to 8.1 tag, and pinned releases up to 8.2.30, 8.3.29, 8.4.16 and
8.5.1) this is usually not your file: that image's `zz-docker.conf` (read after
every other pool file) says `listen = 9000`, which undoes a `listen =
127.0.0.1:9000` in your `www.conf`. Images built since (docker-library/php
f26909c) say `listen = 9000` in `docker.conf`, read before `www.conf`, so a
`listen` in your `www.conf` wins; the rule reads the layout the tag names.

**Symptom**: none until someone on the network finds the port (a scan, a
neighbouring pod); then remote code execution as the pool's user.

Bad (nginx and php-fpm in one pod, or on one host):
```ini
[www]
listen = 9000
```
```nginx
fastcgi_pass 127.0.0.1:9000;
```
Good:
```ini
[www]
listen = 127.0.0.1:9000
; or keep the port and accept nginx only:
; listen.allowed_clients = 127.0.0.1
```
In an official image of the older layout, put the `listen` line in a file that
sorts after `zz-docker.conf` (`zzz-listen.conf`), or replace `zz-docker.conf`."#,
        fix: "Listen on the loopback (`listen = 127.0.0.1:9000`) or a unix socket, or set `listen.allowed_clients = 127.0.0.1`.",
    },
    check: Check::Model(check),
};

/// What nginx does with one pool in this deployment.
struct Clients<'m> {
    pool: PoolRef<'m>,
    /// `fastcgi_pass` places that reach it through the loopback.
    loopback: Vec<Span>,
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    // Only where nginx's 127.0.0.1 is php-fpm's: across containers the pool must listen
    // on the container network.
    if !model.options.network.shared_loopback {
        return;
    }
    let mut clients: Vec<Clients<'_>> = Vec::new();
    // A client that is not on the loopback (a host name, an address of the network, a
    // variable): every interface may be what it needs.
    let mut remote_clients = false;
    for (_, _, location) in model.fastcgi_locations() {
        for t in model.fastcgi_targets(location) {
            let loopback = is_local(&t.target) && !matches!(t.target, NginxTarget::Unix(_));
            match model.verdict(&t.target) {
                Verdict::Reached(p) | Verdict::Partly(p) if loopback => {
                    match clients
                        .iter_mut()
                        .find(|c| std::ptr::eq(c.pool.pool, p.pool))
                    {
                        Some(c) => c.loopback.push(t.span),
                        None => clients.push(Clients {
                            pool: p,
                            loopback: vec![t.span],
                        }),
                    }
                }
                Verdict::Reached(_) | Verdict::Partly(_) => remote_clients = true,
                Verdict::Unknown | Verdict::Across(_) if !is_local(&t.target) => {
                    remote_clients = true
                }
                _ => {}
            }
        }
    }
    if remote_clients {
        return;
    }
    for c in &clients {
        let p = c.pool;
        let Some((
            Listen::Tcp {
                host: ListenHost::Any,
                port: Some(port),
                ..
            },
            entry,
        )) = p.pool.listen()
        else {
            continue;
        };
        if p.pool.get("listen.allowed_clients").is_some() {
            continue; // FPM022 and X004 judge the list
        }
        // X024 already reports a published port as an error.
        if model
            .options
            .network
            .published
            .iter()
            .any(|published| published.port == port)
        {
            continue;
        }
        let map = model.map;
        // An image's stock file has an origin naming the image and its set.
        let origin_has = |span: Span, what: &str| {
            map.get(span.file)
                .origin
                .as_deref()
                .is_some_and(|o| o.contains(what))
        };
        let stock = |span: Span| origin_has(span, ", stock ");
        // Loose files (no Compose file, Dockerfile or manifest) are linted in the official
        // image they are most often used with, a stand-in named `php:fpm (official
        // image)`: a repository naming an image names its tag.
        let assumed_image = |span: Span| origin_has(span, "php:fpm (official image), stock ");
        // The image's file overriding the user's own `listen` (zz-docker.conf): point at
        // the user's line, which is what they will look for and edit.
        let overridden = stock(entry.value_span)
            .then(|| {
                p.pool
                    .entries
                    .iter()
                    .filter(|e| e.array_key.is_none() && e.key.eq_ignore_ascii_case("listen"))
                    .rev()
                    .find(|e| !stock(e.value_span))
            })
            .flatten();
        let who = if model.options.fpm_in_container {
            "every container or pod that can reach this one"
        } else {
            "every machine that can reach this one (no firewall is in the files)"
        };
        let mut d = match overridden {
            Some(own) => Diagnostic::new(
                &RULE.meta,
                own.value_span,
                format!(
                    "pool [{}] does not listen on `{}`: the image's file read after this one sets `listen = {}`, every interface, though nginx connects through the loopback",
                    p.pool.name, own.value, entry.value
                ),
            )
            .with_label("overridden")
            .with_related(entry.value_span, "the effective listen, every interface"),
            // Only the image's default: advice, shown on the user's `fastcgi_pass`.
            None if stock(entry.value_span) => Diagnostic::new(
                &RULE.meta,
                c.loopback[0],
                if assumed_image(entry.value_span) {
                    format!(
                        "nginx reaches pool [{}] through the loopback; if these files run on the official php:*-fpm image (assumed: nothing here names an image), its pool file opens port {port} on every interface",
                        p.pool.name
                    )
                } else {
                    format!(
                        "nginx reaches pool [{}] through the loopback, but the image's pool file opens port {port} on every interface",
                        p.pool.name
                    )
                },
            )
            .with_label("the pool's only client")
            .with_related(entry.value_span, "the image's listen, every interface")
            .with_severity(Severity::Note),
            None => Diagnostic::new(
                &RULE.meta,
                entry.value_span,
                format!(
                    "pool [{}] listens on every interface (port {port}), though nginx connects through the loopback",
                    p.pool.name
                ),
            )
            .with_label("every interface"),
        };
        let shown = if overridden.is_none() && stock(entry.value_span) {
            1
        } else {
            0
        };
        for span in c.loopback.iter().skip(shown).take(3) {
            d = d.with_related(*span, "nginx connects through the loopback here");
        }
        d = d
            .with_help(match overridden {
                None if stock(entry.value_span) => format!(
                    "add a pool file that sorts after the image's (`zzz-listen.conf`) with `[{}]` and `listen = 127.0.0.1:{port}`, or `listen.allowed_clients = 127.0.0.1`", p.pool.name
                ),
                Some(_) => format!(
                    "put `listen = 127.0.0.1:{port}` in a pool file that sorts after the image's (`zzz-listen.conf`), or set `listen.allowed_clients = 127.0.0.1`"
                ),
                None => format!(
                    "listen on the loopback: `listen = 127.0.0.1:{port}` (or set `listen.allowed_clients = 127.0.0.1`)"
                ),
            })
            .with_note(format!(
                "FastCGI has no authentication: {who} can run PHP code through this port"
            ));
        sink.push(d);
    }
}
