use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;
use nginx_conf_parser::check::parse_size;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX206",
        name: "fastcgi-buffer-size-small",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary:
            "`fastcgi_buffer_size` set below 8k: response headers of common frameworks do not fit",
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
```

Autofix: safe — the size becomes the largest of 32k, 16k and 8k that nginx still
loads with the location's `fastcgi_buffers` (with the default `8 4k` that is 8k: a larger
buffer makes the default busy-buffers size exceed all buffers but one, and `nginx -t`
fails). No fix when `fastcgi_busy_buffers_size` is set."#,
        fix: "Raise fastcgi_buffer_size (16k–32k is common for PHP frameworks).",
    },
    check: Check::Model(check),
};

/// The largest of 32k, 16k and 8k that nginx still loads with the location's
/// `fastcgi_buffers` (8 4k by default): with `fastcgi_busy_buffers_size` unset it is twice
/// the larger of the two sizes and must stay below all buffers but one, or `nginx -t`
/// fails. `None` when busy buffers are set explicitly or nothing fits.
fn fitting_size(location: &crate::model::EffectiveLocation) -> Option<&'static str> {
    if location
        .inherited
        .get("fastcgi_busy_buffers_size")
        .is_some()
    {
        return None;
    }
    let (num, size) = match location.inherited.get("fastcgi_buffers") {
        Some(b) => (
            b.args.first()?.parse::<u64>().ok()?,
            parse_size(b.args.get(1)?)?,
        ),
        None => (8, 4096),
    };
    [("32k", 32 * 1024), ("16k", 16 * 1024), ("8k", 8 * 1024)]
        .into_iter()
        .find(|(_, c)| 2 * (*c).max(size) < num.saturating_sub(1) * size)
        .map(|(text, _)| text)
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = foldhash::HashSet::default();
    for (_, _, location) in model.fastcgi_locations() {
        let Some(setting) = location.inherited.get("fastcgi_buffer_size") else {
            continue;
        };
        if !seen.insert(setting.span) {
            continue;
        }
        if parse_size(setting.first()).is_some_and(|bytes| bytes < 8 * 1024) {
            let size = fitting_size(location);
            sink.push(
                Diagnostic::new(&RULE.meta, setting.span, format!("fastcgi_buffer_size {} holds less than 8k of response headers", setting.first()))
                    .with_help(match size {
                        Some(s) => format!("`fastcgi_buffer_size {s};`"),
                        None => "`fastcgi_buffer_size 32k;` with `fastcgi_buffers` large enough for it".to_string(),
                    })
                    .with_fix_opt(size.and_then(|s| {
                        let stmt = crate::fixes::statement(model.map, setting.span)?;
                        let (arg, _) = stmt.args.first()?;
                        Some(Fix::safe(format!("set fastcgi_buffer_size to {s}"), vec![Edit::replace(*arg, s)]))
                    }))
                    .with_note("at runtime: 502 Bad Gateway, \"upstream sent too big header while reading response header from upstream\""),
            );
        }
    }
}
