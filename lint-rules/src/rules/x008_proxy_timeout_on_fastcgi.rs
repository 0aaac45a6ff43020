use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;
use nginx_conf_parser::check::parse_time;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X008",
        name: "proxy-timeout-on-fastcgi",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "`proxy_*_timeout` set where requests go through `fastcgi_pass`: it has no effect",
        aliases: &[],
        doc: r#"`proxy_read_timeout` and friends belong to `proxy_pass`. A PHP location that
uses `fastcgi_pass` keeps the default `fastcgi_read_timeout` of 60s whatever
`proxy_read_timeout` says, so long reports still end in 504.

**Symptom**: 504 Gateway Time-out after 60s, `upstream timed out (110:
Connection timed out) while reading response header from upstream`, although
the config "raised the timeout".

Bad:
```nginx
location ~ \.php$ {
    proxy_read_timeout 300s;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ~ \.php$ {
    fastcgi_read_timeout 300s;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```

A `proxy_*_timeout` of an outer level (server, http) is not reported when a location
under that level proxies (`proxy_pass`): it is most likely that location's. Nor when
its block configures proxying otherwise too (`proxy_set_header`, `proxy_redirect`): a
set of proxy defaults (puppet-nginx writes one into every nginx.conf), not a timeout
meant for PHP. The buffer sizes (`proxy_buffer_size`, `proxy_buffers`,
`proxy_busy_buffers_size`) do not count as proxying: they are the other half of the same
copied fix for PHP (NGX232).

Autofix: safe — a `proxy_*_timeout` written in the PHP location is renamed to its
`fastcgi_*_timeout` twin; one inherited from an outer level gets the twin added beside it
(locations that proxy may still read the original). None for a connect timeout over 75 s,
which nginx could not honour as `fastcgi_connect_timeout` either (X009)."#,
        fix: "Use the `fastcgi_` directive of the same name.",
    },
    check: Check::Model(check),
};

/// Renames the statement when it is written in this location (nothing else reads it
/// there); adds the fastcgi_* twin after it when it is an outer level's, which locations
/// that proxy may still need.
fn fix(
    model: &Model<'_>,
    location: &crate::model::EffectiveLocation,
    setting: &crate::model::nginx::Setting,
    fastcgi: &str,
) -> Option<Fix> {
    // A connect timeout over 75 s is one nginx cannot honour (X009): renaming it or adding its
    // twin would write a new finding; which value to use instead is the user's call.
    if fastcgi == "fastcgi_connect_timeout"
        && parse_time(setting.first(), true).is_some_and(|ms| ms > 75_000)
    {
        return None;
    }
    let stmt = crate::fixes::statement(model.map, setting.span)?;
    let here = location.span.contains(setting.span) && location.other_pass.is_empty();
    if here && !location.pattern.is_empty() {
        return Some(Fix::safe(
            format!("rename it to {fastcgi}"),
            vec![Edit::replace(stmt.name, fastcgi)],
        ));
    }
    let args: Vec<&str> = stmt.args.iter().map(|(_, a)| a.as_str()).collect();
    Some(Fix::safe(
        format!("add `{fastcgi} {};`", args.join(" ")),
        vec![crate::fixes::after(
            model.map,
            setting.span,
            &format!("{fastcgi} {};", args.join(" ")),
        )],
    ))
}

/// True when a location within `block` (a server, or every server of the tree for an
/// http-level statement) proxies: an outer level's `proxy_*_timeout` is then most likely
/// for it (amimoto's http-level timeouts for its `@wordpress` cache layer, ISPmanager's
/// server-level ones for `@fallback proxy_pass`), not a PHP timeout written wrong.
fn proxied_beside(
    nginx: &crate::model::nginx::NginxModel,
    server: &crate::model::nginx::Server,
    setting: lint_source::Span,
) -> bool {
    let in_server = setting.file == server.span.file
        && setting.start >= server.span.start
        && setting.end <= server.span.end;
    let proxies = |s: &crate::model::nginx::Server| {
        s.locations
            .iter()
            .any(|l| l.other_pass.iter().any(|(name, _, _)| name == "proxy_pass"))
    };
    if in_server {
        proxies(server)
    } else {
        nginx.servers.iter().any(|s| proxies(s))
    }
}

/// Whether the outer block that sets the timeout also configures proxying otherwise
/// (`proxy_set_header`, `proxy_buffers`, ...): a set of proxy defaults, such as the one
/// puppet-nginx writes into every nginx.conf, not a timeout meant for PHP.
/// The buffer family is the other half of the usual copied "fix" for PHP (`proxy_buffer_size
/// 128k;` against "upstream sent too big header", NGX232): beside a timeout it says the block
/// was tuned for PHP, not that it configures proxying.
const BUFFER_SIZES: &[&str] = &[
    "proxy_buffer_size",
    "proxy_buffers",
    "proxy_busy_buffers_size",
];

fn proxy_defaults(model: &Model<'_>, setting: lint_source::Span) -> bool {
    model.syntax.iter().any(|tree| {
        tree.named("proxy_read_timeout")
            .chain(tree.named("proxy_send_timeout"))
            .chain(tree.named("proxy_connect_timeout"))
            .filter(|&i| tree.item(i).span() == setting)
            .any(|i| {
                tree.children(tree.parent(i)).iter().any(|&c| {
                    let name = tree.item(c).name();
                    name.starts_with("proxy_")
                        && !name.ends_with("_timeout")
                        && !BUFFER_SIZES.contains(&name.as_ref())
                })
            })
    })
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (nginx, server, location) in model.fastcgi_locations() {
        if !location.other_pass.is_empty() {
            continue;
        }
        for proxy in [
            "proxy_read_timeout",
            "proxy_send_timeout",
            "proxy_connect_timeout",
        ] {
            let Some(setting) = location.inherited.get(proxy) else {
                continue;
            };
            let fastcgi = proxy.replacen("proxy_", "fastcgi_", 1);
            if location.inherited.get(&fastcgi).is_some() {
                continue;
            }
            let s = setting.span;
            let l = location.span;
            let written_here = l.contains(s);
            if !written_here && (proxied_beside(nginx, server, s) || proxy_defaults(model, s)) {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    setting.span,
                    format!(
                        "{proxy} does not apply to fastcgi_pass; {fastcgi} stays at its default"
                    ),
                )
                .with_related(location.pass_span(), "requests go through fastcgi_pass")
                .with_help(format!("write `{fastcgi} {};`", setting.first()))
                .with_fix_opt(fix(model, location, setting, &fastcgi)),
            );
        }
    }
}
