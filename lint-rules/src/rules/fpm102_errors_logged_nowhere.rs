use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM102",
        name: "errors-logged-nowhere",
        family: Family::FpmPool,
        severity: Severity::Note,
        summary: "PHP errors of a pool go nowhere: log_errors off, display_errors off, catch_workers_output off",
        aliases: &[],
        doc: r#"With `log_errors = Off` and `display_errors = Off`, a PHP fatal error
produces an empty 500 (or, when the worker dies, a 502) and no line anywhere;
with `catch_workers_output = no` even what the worker writes to stderr is
dropped. Debugging starts from nothing.

**Symptom**: PHP fatal errors show as blank pages or 500s, and nothing
explains them: neither php-fpm's log nor nginx's error log has a line.

Bad:
```ini
; php.ini: log_errors = Off, display_errors = Off
catch_workers_output = no
```
Good:
```ini
php_admin_flag[log_errors] = on
php_admin_value[error_log] = /var/log/php8.2-fpm/www-error.log
```"#,
        fix: "Turn log_errors on for the pool (php_admin_flag[log_errors] = on) with an error_log it can write.",
    },
    check: Check::Model(check),
};

fn is_off(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "0" | "off" | "no" | "false" | "none"
    )
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for p in model.pools() {
        if p.pool.flag("catch_workers_output", false) {
            continue;
        }
        let setting = |key: &str| {
            p.pool
                .php_setting(key)
                .map(|e| (e.value.clone(), Some(e.value_span)))
                .or_else(|| {
                    p.php_ini
                        .and_then(|ini| ini.get(key))
                        .map(|e| (e.value.clone(), Some(e.value_span)))
                })
        };
        // Unknown php.ini: PHP's built-in default for log_errors is on in php.ini-production; do not guess.
        let Some((log_errors, log_span)) = setting("log_errors") else {
            continue;
        };
        let display_off = setting("display_errors")
            .is_none_or(|(v, _)| is_off(&v) || v.eq_ignore_ascii_case("stderr"));
        if is_off(&log_errors) && display_off {
            let mut d = Diagnostic::new(&RULE.meta, p.pool.name_span, format!("pool [{}] logs PHP errors nowhere: log_errors and display_errors are off, catch_workers_output is no", p.pool.name))
                .with_help("add `php_admin_flag[log_errors] = on` and a `php_admin_value[error_log]` to the pool");
            if let Some(s) = log_span {
                d = d.with_related(s, "log_errors off");
            }
            sink.push(d);
        }
    }
}
