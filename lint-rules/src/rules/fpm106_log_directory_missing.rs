use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM106",
        name: "log-directory-missing",
        family: Family::FpmPool,
        severity: Severity::Error,
        summary: "php-fpm's `error_log` or a pool's `slowlog` or `access.log` in a directory that does not exist (under `--root`): php-fpm refuses to start",
        aliases: &[],
        doc: r#"php-fpm's master opens its own `error_log` ([global]) and every pool's `slowlog`
and `access.log` when it starts, creating the files but never their directories. When the directory is
missing (a path copied from another distribution, `/var/log/php-fpm/` on a
Debian box, a log directory only the package creates) php-fpm stops with
`Unable to create or open slowlog(/var/log/php-fpm/www-slow.log): No such file
or directory (2)`, `failed to open access log (...)` or `failed to open
error_log (...)` (exit 78), and `php-fpm -t` fails
the same way. Every site of the service answers 502.

Checked only with `--root`, against the directory tree under it, and only
where the tree holds the parent directory (a configuration checkout without
`/var/log` says nothing about the disk).

**Symptom**: php-fpm does not start (every PHP site answers 502, `connect()
... failed (2: No such file or directory)`); `php-fpm -t` fails with the same
message.

Bad (`/var/log/php-fpm` does not exist):
```ini
slowlog = /var/log/php-fpm/$pool-slow.log
```
Good:
```ini
slowlog = /var/log/$pool.log.slow
```"#,
        fix: "Create the directory (and make it part of the deployment), or point the log into an existing one.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    // The master's own `error_log` ([global]), opened before any pool (live, php-fpm 8.2:
    // `failed to open error_log (...)`, exit 78).
    for fpm in &model.fpm {
        let Some(entry) = fpm.global("error_log") else {
            continue;
        };
        let value = entry.value.trim();
        if !value.starts_with('/') || value.starts_with("/proc/") || value.starts_with("/dev/") {
            continue;
        }
        let file = std::path::Path::new(value);
        let Some(dir) = file.parent() else { continue };
        let Some(problem) = model.filesystem.cannot_create_in(dir) else {
            continue;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                entry.value_span,
                format!(
                    "php-fpm's error_log is in {}, which {problem}: php-fpm refuses to start (\"failed to open error_log ({})\")",
                    dir.display(),
                    file.display()
                ),
            )
            .with_label(format!("{} {problem}", dir.display()))
            .with_help(format!("create {} or log into an existing directory (or `syslog`)", dir.display())),
        );
    }
    for p in model.pools() {
        for (key, file, span) in p.master_log_files() {
            let Some(dir) = file.parent() else { continue };
            let Some(problem) = model.filesystem.cannot_create_in(dir) else {
                continue;
            };
            let said = if key == "slowlog" {
                format!("Unable to create or open slowlog({})", file.display())
            } else {
                format!("failed to open access log ({})", file.display())
            };
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    span,
                    format!(
                        "pool [{}] {key} is in {}, which {problem}: php-fpm refuses to start (\"{said}\")",
                        p.pool.name,
                        dir.display()
                    ),
                )
                .with_label(format!("{} {problem}", dir.display()))
                .with_help(format!("create {} or log into an existing directory", dir.display())),
            );
        }
    }
}
