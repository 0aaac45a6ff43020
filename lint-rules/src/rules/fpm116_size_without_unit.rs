use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM116",
        name: "size-without-unit",
        family: Family::FpmPool,
        severity: Severity::Warning,
        summary: "`post_max_size`, `upload_max_filesize` or `memory_limit` written as a bare number below 1024: PHP reads bytes, so every form and upload is dropped (or the memory limit refused)",
        aliases: &[],
        doc: r#"PHP's sizes are bytes unless they end in `K`, `M` or `G`: `post_max_size = 64`
is 64 bytes, not 64 megabytes. A request body over `post_max_size` is thrown away
before the script runs (`$_POST` and `$_FILES` empty), and a file over
`upload_max_filesize` is refused. Hosting panels and hand-edited pools write the
number without its unit. Reported for the pool's `php_value`/`php_admin_value` and
php.ini, for a bare number from 1 to 1023 (no form fits in it); `0` (no limit) and
sizes with a unit are fine.

`memory_limit = 128` is 128 bytes too: less than a worker already uses, so PHP refuses it
and keeps the limit it had (php.ini's, 128M by default). The line does nothing, and every
worker logs the refusal at start (live, php-fpm 8.2, `php_admin_value[memory_limit] = 128`:
`child 1929 said into stderr: "PHP Warning: Failed to set memory limit to 128 bytes
(Current memory usage is 2097152 bytes)"`; `php -d memory_limit=128` then reads `128M`).

**Symptom**: logins and forms "do nothing", uploads vanish; PHP warns `POST
Content-Length of 2005 bytes exceeds the limit of 64 bytes in Unknown on line 0`
(live, nginx 1.22.1 and php-fpm 8.2: a 100-byte form POST arrives with an empty
`$_POST` under `post_max_size = 64`, with its field under `64M`).

Bad:
```ini
php_admin_value[post_max_size] = 64
php_admin_value[upload_max_filesize] = 64
```
Good:
```ini
php_admin_value[post_max_size] = 64M
php_admin_value[upload_max_filesize] = 64M
```"#,
        fix: "Write the unit: `64M`.",
    },
    check: Check::Model(check),
};

/// The settings whose size in bytes drops request bodies.
const BODY_SIZES: [&str; 2] = ["post_max_size", "upload_max_filesize"];

/// A bare number of bytes too small for any form: 1 to 1023.
fn tiny_bare_number(value: &str) -> Option<u64> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok().filter(|n| (1..1024).contains(n))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = std::collections::HashSet::new();
    for p in model.pools() {
        for key in BODY_SIZES.into_iter().chain(["memory_limit"]) {
            let Some((value, span)) = p.php_value(key) else {
                continue;
            };
            let Some(bytes) = tiny_bare_number(value) else {
                continue;
            };
            // php.ini is shared by every pool of the tree: one finding.
            if !seen.insert(span) {
                continue;
            }
            let pool = &p.pool.name;
            let (effect, runtime) = if key == "memory_limit" {
                (
                    format!("PHP refuses a limit below what a worker already uses, so the line does nothing and pool [{pool}] keeps its previous limit"),
                    "at runtime: every worker logs \"PHP Warning: Failed to set memory limit to N bytes (Current memory usage is ... bytes)\" at start",
                )
            } else {
                (
                    format!("pool [{pool}] drops every form post and upload larger than that"),
                    "at runtime: empty $_POST and $_FILES; PHP warns \"POST Content-Length of N bytes exceeds the limit of ... bytes\"",
                )
            };
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    span,
                    format!("{key} = {bytes} is {bytes} bytes, not {bytes}M: {effect}"),
                )
                .with_label("a size without K, M or G is bytes")
                .with_help(format!("write `{bytes}M`"))
                .with_note(runtime),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tiny_bare_number;

    #[test]
    fn only_small_bare_numbers_are_bytes_by_mistake() {
        assert_eq!(tiny_bare_number("64"), Some(64));
        assert_eq!(tiny_bare_number(" 128 "), Some(128));
        assert_eq!(tiny_bare_number("64M"), None);
        assert_eq!(tiny_bare_number("0"), None);
        assert_eq!(tiny_bare_number("-1"), None);
        assert_eq!(tiny_bare_number("1048576"), None);
        assert_eq!(tiny_bare_number("1024"), None);
        assert_eq!(tiny_bare_number(""), None);
    }
}
