use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM109",
        name: "pool-directive-in-php-ini",
        family: Family::FpmPool,
        severity: Severity::Warning,
        summary: "a php-fpm directive written in php.ini, where nothing reads it",
        aliases: &[],
        doc: r#"php.ini configures PHP; php-fpm reads its own directives only from
php-fpm.conf and the pool files. A `request_terminate_timeout = 600`,
`pm.max_children = 50` or `slowlog = ...` written in php.ini is silently
ignored: PHP does not know the name and php-fpm never opens php.ini for its own
settings. The pool keeps its default (for `request_terminate_timeout`: 0, no
limit at all).

PHP's own settings that share a name with php-fpm's (`error_log`,
`syslog.ident`, `syslog.facility`) are not reported.

**Symptom**: none at start; the limit or pool size the file promises never
applies (a runaway script is never killed, the pool stays at its size).

Bad (`/etc/php/8.2/fpm/php.ini`):
```ini
max_execution_time = 300
request_terminate_timeout = 600
```
Good (`/etc/php/8.2/fpm/pool.d/www.conf`):
```ini
request_terminate_timeout = 600
php_admin_value[max_execution_time] = 300
```"#,
        fix: "Move the line into the pool's file (`/etc/php/8.2/fpm/pool.d/www.conf`).",
    },
    check: Check::Model(check),
};

/// php.ini settings of PHP itself whose names php-fpm also uses.
const PHP_OWN: &[&str] = &[
    "error_log",
    "syslog.ident",
    "syslog.facility",
    "syslog.filter",
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (i, ini) in model.php_ini.iter().enumerate() {
        let Some(ini) = ini else { continue };
        let pools: Vec<_> = model
            .fpm
            .get(i)
            .map(|fpm| fpm.pools.iter().collect())
            .unwrap_or_default();
        for entry in &ini.entries {
            let key = entry.key.to_ascii_lowercase();
            if PHP_OWN.contains(&key.as_str()) || key == "include" {
                continue;
            }
            let Some(section) = fpm_conf_parser::fpm_directive_section(&key) else {
                continue;
            };
            let written = match &entry.array_key {
                Some(k) => format!("{}[{k}]", entry.key),
                None => entry.key.to_string(),
            };
            let place = if section == "global" {
                "the [global] section of php-fpm.conf"
            } else {
                "the pool's file"
            };
            let mut d = Diagnostic::new(
                &RULE.meta,
                entry.key_span,
                format!("`{written}` is a php-fpm directive: in php.ini nothing reads it"),
            )
            .with_help(format!("move it to {place}"));
            // Say what the pools really run with.
            if section != "global" && entry.array_key.is_none() {
                for pool in &pools {
                    match pool.get(&key) {
                        Some(own) => {
                            d = d.with_related(
                                own.value_span,
                                format!("pool [{}] sets {} = {} here", pool.name, entry.key, own.value),
                            )
                        }
                        None if key == "request_terminate_timeout" => {
                            d = d.with_related(
                                pool.name_span,
                                format!("pool [{}] has no request_terminate_timeout: scripts are never killed", pool.name),
                            )
                        }
                        None => {}
                    }
                }
            }
            sink.push(d);
        }
    }
}
