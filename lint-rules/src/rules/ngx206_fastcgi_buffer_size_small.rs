use crate::rule::{Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;
use nginx_conf_parser::check::parse_size;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX206",
        name: "fastcgi-buffer-size-small",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "`fastcgi_buffer_size` set below 8k: response headers of common frameworks do not fit",
        aliases: &[],
        doc: r#"The whole response header from php-fpm must fit in `fastcgi_buffer_size`.
Frameworks send large headers (session and CSRF cookies, Content-Security-
Policy, debug toolbars): 4k is regularly too small, 8k sometimes.

**Symptom**: 502 Bad Gateway on some pages only; `upstream sent too big header
while reading response header from upstream`.

Bad:
```nginx
fastcgi_buffer_size 4k;
```
Good:
```nginx
fastcgi_buffer_size 32k;
fastcgi_buffers 16 16k;
```"#,
        fix: "Raise fastcgi_buffer_size (16k–32k is common for PHP frameworks).",
    },
    check,
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = std::collections::HashSet::new();
    for (_, _, location) in model.fastcgi_locations() {
        let Some(setting) = location.inherited.get("fastcgi_buffer_size") else {
            continue;
        };
        if !seen.insert(setting.span) {
            continue;
        }
        if parse_size(setting.first()).is_some_and(|bytes| bytes < 8 * 1024) {
            sink.push(
                Diagnostic::new(&RULE.meta, setting.span, format!("fastcgi_buffer_size {} holds less than 8k of response headers", setting.first()))
                    .with_help("`fastcgi_buffer_size 32k;`")
                    .with_note("at runtime: 502 Bad Gateway, \"upstream sent too big header while reading response header from upstream\""),
            );
        }
    }
}
