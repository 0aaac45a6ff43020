use crate::rule::{Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

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
```"#,
        fix: "Use the `fastcgi_` directive of the same name.",
    },
    check,
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (_, _, location) in model.fastcgi_locations() {
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
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    setting.span,
                    format!(
                        "{proxy} does not apply to fastcgi_pass; {fastcgi} stays at its default"
                    ),
                )
                .with_related(
                    location
                        .fastcgi_pass
                        .as_ref()
                        .map_or(location.span, |(_, s)| *s),
                    "requests go through fastcgi_pass",
                )
                .with_help(format!("write `{fastcgi} {};`", setting.first())),
            );
        }
    }
}
