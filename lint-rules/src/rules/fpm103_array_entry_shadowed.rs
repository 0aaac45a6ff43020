use crate::rule::{Check, Rule, Sink};
use foldhash::{HashMap, HashMapExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM103",
        name: "array-entry-shadowed",
        family: Family::FpmPool,
        severity: Severity::Warning,
        summary: "an `env[X]` or `php_value[x]` given twice in a pool: php-fpm keeps the FIRST one, unlike every other key",
        aliases: &[],
        doc: r#"Scalar keys in php-fpm files follow "last one wins". Array entries do the
opposite: php-fpm prepends them to a list and applies the list in order, so
the first `env[APP_ENV]` or `php_value[memory_limit]` of a pool wins and a
later override, typically in an included file or a `zz-` drop-in meant to
take precedence, is silently ignored (observed: `php_value[memory_limit] =
64M` then `= 128M` gives `64M`). `php_value`/`php_flag` share one list and
`php_admin_value`/`php_admin_flag` another, applied after it: an admin entry
also overrides (and locks) a user entry of the same setting.

**Symptom**: the override "does nothing"; `phpinfo()` and `getenv()` show the old value.

Bad:
```ini
[www]
php_value[memory_limit] = 64M
; ... later, or in an included file
php_value[memory_limit] = 256M
```
Good:
```ini
[www]
php_value[memory_limit] = 256M
```"#,
        fix: "Keep one entry per key; edit the first one (or remove it) instead of adding an override.",
    },
    check: Check::Model(check),
};

/// The list an array key belongs to: entries of one list shadow each other.
fn list(key: &str) -> Option<&'static str> {
    match key.to_ascii_lowercase().as_str() {
        "env" => Some("env"),
        "php_value" | "php_flag" => Some("php_value"),
        "php_admin_value" | "php_admin_flag" => Some("php_admin_value"),
        _ => None,
    }
}

/// The value as written: the parsed one has keywords converted (`off` → ""), which a
/// message should not show.
fn written(model: &Model<'_>, entry: &fpm_conf_parser::Entry) -> String {
    let text = model
        .map
        .get(entry.value_span.file)
        .snippet(entry.value_span)
        .trim()
        .to_string();
    match text.as_bytes().first() {
        Some(b'"' | b'\'') => text,
        Some(_) => format!("\"{text}\""),
        None => format!("\"{}\"", entry.value),
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for p in model.pools() {
        // (list, key) → the entry that wins.
        let mut first: HashMap<(&str, &str), &fpm_conf_parser::Entry> = HashMap::new();
        for entry in &p.pool.entries {
            let (Some(list), Some(key)) = (list(&entry.key), entry.array_key.as_deref()) else {
                continue;
            };
            let key = key.trim_end();
            match first.get(&(list, key)) {
                Some(winner) if winner.value != entry.value => {
                    sink.push(
                        Diagnostic::new(&RULE.meta, entry.key_span, format!("pool [{}] sets {}[{key}] again: php-fpm keeps the first value {}, this {} is ignored", p.pool.name, entry.key, written(model, winner), written(model, entry)))
                            .with_label("ignored")
                            .with_related(winner.key_span, "this one wins")
                            .with_help("keep one entry and edit it there"),
                    );
                }
                Some(_) => {}
                None => {
                    first.insert((list, key), entry);
                }
            }
        }
        // An admin entry overrides a user entry of the same setting.
        for ((_, key), user) in first.iter().filter(|((l, _), _)| *l == "php_value") {
            if let Some(admin) = first.get(&("php_admin_value", key)) {
                if admin.value != user.value {
                    sink.push(
                        Diagnostic::new(&RULE.meta, user.key_span, format!("pool [{}] sets {key} with both {} and {}: the admin value {} wins, this {} is ignored", p.pool.name, user.key, admin.key, written(model, admin), written(model, user)))
                            .with_label("ignored")
                            .with_related(admin.key_span, "this one wins (and scripts cannot change it)")
                            .with_help("keep one of the two"),
                    );
                }
            }
        }
    }
}
