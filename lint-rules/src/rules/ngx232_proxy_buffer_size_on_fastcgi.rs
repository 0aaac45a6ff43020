use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use crate::model::nginx::{NginxModel, Server};
use crate::model::Model;
use nginx_conf_parser::check::parse_size;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX232",
        name: "proxy-buffer-size-on-fastcgi",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "`proxy_buffer_size` raised where requests go through `fastcgi_pass`: PHP's response headers still have to fit in `fastcgi_buffer_size`",
        aliases: &[],
        doc: r#"The usual answer to "upstream sent too big header" is `proxy_buffer_size 128k;
proxy_buffers 4 256k;`, written for `proxy_pass`. A PHP location reads php-fpm's
response headers into `fastcgi_buffer_size`, which stays at its default of one memory
page (4k): the 502 the change was meant to cure comes back on every page whose
cookies, `Link` or `Content-Security-Policy` headers pass 4k (live, nginx 1.22.1 +
php-fpm 8.2: an 8000-byte header with `proxy_buffer_size 32k; proxy_buffers 8 32k;` in
the server, 502; with `fastcgi_buffer_size 32k; fastcgi_buffers 8 32k;`, 200).

Reported when a `proxy_buffer_size` above 4k applies to a location that passes to
php-fpm and sets no `fastcgi_buffer_size` of its own or inherited. One written at an
outer level (server, http) is not reported when a location under that level proxies
(`proxy_pass`), nor when its block configures proxying otherwise too
(`proxy_set_header`, `proxy_http_version`, ...): those are proxy settings, not a header
size meant for PHP.

Reported too when the `proxy_buffer_size` is written in a location that passes nothing
itself and hands its requests to the PHP location (`location / { try_files $uri
/index.php$is_args$args; proxy_buffer_size 128k; }`): neither module reads it there, and
the PHP location keeps its 4k (NGX296 says the same of a `fastcgi_buffer_size` raised
there).

**Symptom**: 502 Bad Gateway on pages with large headers; nginx logs `upstream sent
too big header while reading response header from upstream`, although the buffer
"was raised".

Bad:
```nginx
server {
    proxy_buffer_size 32k;
    proxy_buffers 8 32k;
    location ~ \.php$ {
        include fastcgi.conf;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```
Good:
```nginx
server {
    fastcgi_buffer_size 32k;
    fastcgi_buffers 8 32k;
    location ~ \.php$ {
        include fastcgi.conf;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```
Raise `fastcgi_buffers` with it: `fastcgi_buffer_size 32k` alone, with the default
`fastcgi_buffers 8 4k`, makes nginx refuse to start (NGX022)."#,
        fix: "Use `fastcgi_buffer_size` (and `fastcgi_buffers`) for PHP locations.",
    },
    check: Check::Model(check),
};

/// The default `fastcgi_buffer_size`: one memory page.
const PAGE: u64 = 4096;

/// Proxy directives that go with a header-size fix copied for the wrong module: the
/// buffer family and the timeouts (X008's). Any other `proxy_*` in the same block means
/// the block configures proxying.
const MEANT_FOR_PHP: &[&str] = &[
    "proxy_buffer_size",
    "proxy_buffers",
    "proxy_busy_buffers_size",
    "proxy_read_timeout",
    "proxy_send_timeout",
    "proxy_connect_timeout",
];

/// What nginx logs for a response header larger than `fastcgi_buffer_size`.
const AT_RUNTIME: &str = "at runtime: 502 Bad Gateway, \"upstream sent too big header while reading response header from upstream\"";

/// The fix: the FastCGI module's header buffer of the size written for the proxy one.
fn help(size: &str, place: &str) -> String {
    format!("write `fastcgi_buffer_size {size};` (with `fastcgi_buffers` large enough, e.g. `fastcgi_buffers 8 {size}`){place}")
}

/// True when a location within the level that set `setting` proxies: the server for a
/// server-level statement, every server for an http-level one.
fn proxied_beside(nginx: &NginxModel, server: &Server, setting: Span) -> bool {
    let proxies = |s: &Server| {
        s.locations
            .iter()
            .any(|l| l.other_pass.iter().any(|(name, _, _)| name == "proxy_pass"))
    };
    if server.span.contains(setting) {
        proxies(server)
    } else {
        nginx.servers.iter().any(|s| proxies(s))
    }
}

/// Whether the block that sets `proxy_buffer_size` also configures proxying otherwise.
fn proxy_settings_beside(model: &Model<'_>, setting: Span) -> bool {
    model.syntax.iter().any(|tree| {
        tree.named("proxy_buffer_size")
            .filter(|&i| tree.item(i).span() == setting)
            .any(|i| {
                tree.children(tree.parent(i)).iter().any(|&c| {
                    let name = tree.item(c).name();
                    name.starts_with("proxy_") && !MEANT_FOR_PHP.contains(&name.as_ref())
                })
            })
    })
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = foldhash::HashSet::default();
    handed_to_php(model, &mut seen, sink);
    for (nginx, server, location) in model.fastcgi_locations() {
        if !location.other_pass.is_empty() {
            continue;
        }
        let Some(setting) = location.inherited.get("proxy_buffer_size") else {
            continue;
        };
        if location.inherited.get("fastcgi_buffer_size").is_some() {
            continue;
        }
        if parse_size(setting.first()).is_none_or(|bytes| bytes <= PAGE) {
            continue;
        }
        let written_here = location.span.contains(setting.span);
        if !written_here
            && (proxied_beside(nginx, server, setting.span)
                || proxy_settings_beside(model, setting.span))
        {
            continue;
        }
        if !seen.insert(setting.span) {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                setting.span,
                format!(
                    "proxy_buffer_size {} does not apply to fastcgi_pass: php-fpm's response headers must still fit in fastcgi_buffer_size (4k)",
                    setting.first()
                ),
            )
            .with_related(
                location.pass_span(),
                "requests go through fastcgi_pass",
            )
            .with_help(help(setting.first(), ""))
            .with_note(AT_RUNTIME),
        );
    }
}

/// A `proxy_buffer_size` written in a location that passes nothing itself and whose
/// requests end in the PHP location (its `try_files` fallback, or the scripts under a
/// plain prefix): read by neither module there.
fn handed_to_php(model: &Model<'_>, seen: &mut foldhash::HashSet<Span>, sink: &mut Sink) {
    for (_, server) in model.servers() {
        for location in server.locations.iter().skip(1) {
            if !location.serves_files() || location.pattern.trim_start().starts_with('@') {
                continue;
            }
            let Some(setting) = location
                .inherited
                .get("proxy_buffer_size")
                .filter(|s| location.span.contains(s.span))
            else {
                continue;
            };
            if parse_size(setting.first()).is_none_or(|bytes| bytes <= PAGE)
                || proxy_settings_beside(model, setting.span)
            {
                continue;
            }
            let Some((php, how)) = server.php_location_reached(location) else {
                continue;
            };
            if php.inherited.get("fastcgi_buffer_size").is_some() || !seen.insert(setting.span) {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    setting.span,
                    format!(
                        "proxy_buffer_size {} is set in a location that passes nothing itself: {how}, where php-fpm's response headers must fit in fastcgi_buffer_size (4k)",
                        setting.first()
                    ),
                )
                .with_label("neither `proxy_pass` nor `fastcgi_pass` reads it here")
                .with_related(php.pass_span(), "requests go through fastcgi_pass here")
                .with_help(help(setting.first(), " in the PHP location"))
                .with_note(AT_RUNTIME),
            );
        }
    }
}
