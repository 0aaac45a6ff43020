use crate::model::{EffectiveLocation, Model, NginxModel, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};
use nginx_conf_parser::check::{parse_size, parse_time};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX296",
        name: "fastcgi-setting-not-in-php-location",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "`fastcgi_read_timeout` or `fastcgi_buffer_size` is raised in a location that hands its requests to the PHP location, which keeps the lower value: the 504 or 502 it was meant to fix stays",
        aliases: &[],
        doc: r#"A FastCGI setting applies where `fastcgi_pass` runs: in the location that finally
handles the request. Raising `fastcgi_read_timeout` (for 504 Gateway Time-out) or
`fastcgi_buffer_size` (for 502 "upstream sent too big header") in `location /` does
nothing for the scripts: `try_files $uri $uri/ /index.php?$args` redirects the request to
`/index.php`, the regex PHP location takes it, and that location keeps its own value
(the server's, or nginx's default: 60s, one memory page). Locations do not inherit from
their siblings. The same for a plain prefix location (`location /wp-admin/`) whose
scripts the PHP regex takes.

Reported for a location that sets `fastcgi_read_timeout`, `fastcgi_send_timeout` or
`fastcgi_buffer_size` itself, passes nothing upstream itself, and whose requests reach a
PHP location with a lower value: through its `try_files` fallback (a `.php` URI or a
named location), or, for a plain prefix location with no locations inside, because
nginx picks the PHP regex for the scripts under it. A location with its own
`fastcgi_pass`, or with the PHP location nested inside it, uses the value and is not
reported. `client_max_body_size` raised the same way is NGX242.

Live, nginx 1.22.1 + php-fpm 8.2: `fastcgi_read_timeout 3s` at the server level,
`location / { fastcgi_read_timeout 30s; try_files $uri $uri/ /index.php?$query_string; }`:
a 5-second script reached as `/report` answers 504 after 3 seconds; with the 30s in the
PHP location, 200.

**Symptom**: 504 Gateway Time-out after the PHP location's timeout (60s by default,
`upstream timed out (110: Connection timed out) while reading response header from
upstream`), or 502 `upstream sent too big header`, although the configuration "raised"
the value.

Bad:
```nginx
location / {
    fastcgi_read_timeout 300s;
    try_files $uri $uri/ /index.php?$query_string;
}
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location / {
    try_files $uri $uri/ /index.php?$query_string;
}
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_read_timeout 300s;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Set the value in the PHP location (where `fastcgi_pass` is), or at the server level.",
    },
    check: Check::Server(check),
};

/// The settings, how to read them, and nginx's default when unset.
const SETTINGS: &[(&str, Kind, &str, &str)] = &[
    (
        "fastcgi_read_timeout",
        Kind::Time,
        "60s",
        "scripts that run longer still end in 504 Gateway Time-out",
    ),
    (
        "fastcgi_send_timeout",
        Kind::Time,
        "60s",
        "a request body php-fpm takes longer to read still ends in 504 Gateway Time-out",
    ),
    (
        "fastcgi_buffer_size",
        Kind::Size,
        "4k",
        "responses with larger headers still end in 502 \"upstream sent too big header\"",
    ),
];

#[derive(Clone, Copy)]
enum Kind {
    Time,
    Size,
}

fn value(kind: Kind, text: &str) -> Option<u64> {
    match kind {
        Kind::Time => parse_time(text, true),
        Kind::Size => parse_size(text),
    }
}

/// The PHP location's value of `name` and how it reads (`fastcgi_read_timeout 60s`, or
/// nginx's default).
fn php_value(
    php: &EffectiveLocation,
    name: &str,
    kind: Kind,
    default: &str,
) -> Option<(u64, String)> {
    match php.inherited.get(name) {
        Some(s) => Some((value(kind, s.first())?, format!("{name} {}", s.first()))),
        None => Some((
            value(kind, default)?,
            format!("nginx's default {name} of {default}"),
        )),
    }
}

fn check(_model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.locations.iter().skip(1) {
        if !location.serves_files() || location.pattern.trim_start().starts_with('@') {
            continue;
        }
        let set: Vec<_> = SETTINGS
            .iter()
            .filter_map(|&(name, kind, default, outcome)| {
                let s = location
                    .inherited
                    .get(name)
                    .filter(|s| location.span.contains(s.span))?;
                Some((name, kind, default, outcome, s, value(kind, s.first())?))
            })
            .collect();
        if set.is_empty() {
            continue;
        }
        let Some((php, how)) = server.php_location_reached(location) else {
            continue;
        };
        for (name, kind, default, outcome, set, raised) in set {
            let Some((php_value, php_text)) = php_value(php, name, kind, default) else {
                continue;
            };
            // A timeout of 0 in the PHP location is NGX299's; only a lower positive value
            // (or the default) is this rule's.
            if raised <= php_value || php_value == 0 {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    set.span,
                    format!(
                        "`{name} {}` is set here, but this location passes nothing to php-fpm: {how}, which uses {php_text}: {outcome}",
                        set.first()
                    ),
                )
                .with_label("no `fastcgi_pass` here: the setting is not used")
                .with_related(php.span, format!("the request is passed to php-fpm here, with {php_text}"))
                .with_help(format!(
                    "set `{name} {}` in the PHP location (or at the server level)",
                    set.first()
                ))
                .with_note(match kind {
                    Kind::Time => "at runtime: 504 after the PHP location's timeout; nginx logs `upstream timed out (110: Connection timed out) while reading response header from upstream`",
                    Kind::Size => "at runtime: 502; nginx logs `upstream sent too big header while reading response header from upstream`",
                }),
            );
        }
    }
}
