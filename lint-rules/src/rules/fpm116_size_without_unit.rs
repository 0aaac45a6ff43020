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
        summary: "`post_max_size` or `upload_max_filesize` written as a bare number below 1024: PHP reads bytes, so every form and upload is dropped",
        aliases: &[],
        doc: r#"PHP's sizes are bytes unless they end in `K`, `M` or `G`: `post_max_size = 64`
is 64 bytes, not 64 megabytes. A request body over `post_max_size` is thrown away
before the script runs (`$_POST` and `$_FILES` empty), and a file over
`upload_max_filesize` is refused. Hosting panels and hand-edited pools write the
number without its unit. Reported for the pool's `php_value`/`php_admin_value` and
php.ini, for a bare number from 1 to 1023 (no form fits in it); `0` (no limit) and
sizes with a unit are fine.

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
        for key in BODY_SIZES {
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
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    span,
                    format!(
                        "{key} = {bytes} is {bytes} bytes, not {bytes}M: pool [{}] drops every form post and upload larger than that",
                        p.pool.name
                    ),
                )
                .with_label("a size without K, M or G is bytes")
                .with_help(format!("write `{bytes}M`"))
                .with_note("at runtime: empty $_POST and $_FILES; PHP warns \"POST Content-Length of N bytes exceeds the limit of ... bytes\""),
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
