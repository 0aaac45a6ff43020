use crate::model::filesystem::Filesystem;
use crate::model::Model;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};
use std::path::Path;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X033",
        name: "prepend-file-missing",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "`auto_prepend_file` (or `auto_append_file`) names a file that does not exist: every PHP request fails with 500",
        aliases: &[],
        doc: r#"PHP runs `auto_prepend_file` with `require` semantics before every script (and
`auto_append_file` after it): a file that is not there is a fatal error, so every page
of the pool answers 500 with an empty body. It happens when a pool or an nginx
location is copied from a server that had a profiler, a monitoring agent or a WAF
hook installed (`phptop_hook`, `xhprof/header.php`, Wordfence's `wordfence-waf.php`),
or when the hook's file name is mistyped.

The file is read from the pool's `php_admin_value`/`php_value` and php.ini, and from
what nginx sends in `PHP_VALUE`/`PHP_ADMIN_VALUE` (a location's value is applied to the
requests it passes). Judged only with `--root` (a copy of the machine): the file must
be missing from a directory that exists, or its directory missing from one that does.
Relative names (looked up on the `include_path`), `none`, paths with variables and pools
with a `chroot` are not judged.

**Symptom**: every PHP page answers 500 (blank); php-fpm logs `PHP Fatal error:
Failed opening required '/var/www/tools/phptop/phptop_hook' (include_path=...)` (live,
php-fpm 8.2: `php_admin_value[auto_prepend_file]` naming a missing file, 500; naming
an existing one, 200).

Bad:
```ini
[www]
php_admin_value[auto_prepend_file] = /var/www/tools/phptop/phptop_hook
```
Good:
```ini
[www]
php_admin_value[auto_prepend_file] = /var/www/tools/phptop/phptop_hook.php
```"#,
        fix: "Install the file the setting names, correct its path, or remove the setting.",
    },
    check: Check::Model(check),
};

/// The settings PHP opens as scripts on every request.
pub(crate) const KEYS: &[&str] = &["auto_prepend_file", "auto_append_file"];

/// The path a value names, when it is one the check can judge: absolute, no variable.
pub(crate) fn judged_path(value: &str) -> Option<&Path> {
    let v = value.trim().trim_matches('"').trim_matches('\'');
    (v.starts_with('/') && !v.contains('$') && !v.contains("..")).then(|| Path::new(v))
}

/// Missing on the copy of the machine: the file, from a directory that exists; or its
/// directory, from one that exists (outside a configuration checkout).
fn missing(fs: &Filesystem, path: &Path) -> bool {
    fs.missing_from_existing_dir(path) || path.parent().is_some_and(|d| fs.directory_missing(d))
}

fn finding(key: &str, path: &Path, span: Span, whose: String) -> Diagnostic {
    Diagnostic::new(
        &RULE.meta,
        span,
        format!(
            "{key} {} does not exist: {whose} every PHP request fails with 500 (`Failed opening required`)",
            path.display()
        ),
    )
    .with_help("install the file, correct the path, or remove the setting")
    .with_note("at runtime: 500 with an empty page; php-fpm logs `PHP Fatal error: Failed opening required`")
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let fs = &model.filesystem;
    let mut seen: Vec<Span> = Vec::new();
    for p in model.pools() {
        if p.pool
            .get("chroot")
            .is_some_and(|c| !c.value.trim().is_empty())
        {
            continue;
        }
        for key in KEYS {
            let Some((value, span)) = p.php_value(key) else {
                continue;
            };
            let Some(path) = judged_path(value) else {
                continue;
            };
            if missing(fs, path) && !seen.contains(&span) {
                seen.push(span);
                sink.push(finding(
                    key,
                    path,
                    span,
                    format!("in pool [{}],", p.pool.name),
                ));
            }
        }
    }
    for (_, server) in model.servers() {
        for location in server.fastcgi_locations() {
            // A chrooted pool reads the path inside its chroot.
            let chrooted = model.reached_pools(location).any(|(_, p)| {
                p.pool
                    .get("chroot")
                    .is_some_and(|c| !c.value.trim().is_empty())
            });
            if chrooted {
                continue;
            }
            for sent in location.php_values_sent() {
                if !KEYS.contains(&sent.key.as_str()) {
                    continue;
                }
                let Some(path) = judged_path(&sent.value) else {
                    continue;
                };
                if missing(fs, path) && !seen.contains(&sent.span) {
                    seen.push(sent.span);
                    let param = if sent.admin {
                        "PHP_ADMIN_VALUE"
                    } else {
                        "PHP_VALUE"
                    };
                    sink.push(finding(
                        &sent.key,
                        path,
                        sent.span,
                        format!("nginx sends it in {param}, and"),
                    ));
                }
            }
        }
    }
}
