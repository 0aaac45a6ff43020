use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC054",
        name: "limit-extensions-widened",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`security.limit_extensions` lets php-fpm execute uploadable file types (or every file)",
        aliases: &[],
        doc: r#"`security.limit_extensions` (default `.php .phar`) is php-fpm's last
line of defence against nginx passing a non-PHP file: with
`cgi.fix_pathinfo=1` (PHP's default) a request such as
`/uploads/avatar.jpg/x.php` reaching a `location ~ \.php$` without
`try_files` makes PHP walk back to `avatar.jpg` and execute it — unless its
extension is refused here. An empty value allows every file; listing image,
document or text extensions (`.jpg`, `.png`, `.gif`, `.txt`, `.pdf`, ...)
turns every uploaded file of that type into a script. Extensions that hold
code by convention (`.html`, `.htm`, `.inc`, `.phtml`, `.php5`) are not
reported (X017 asks for them when nginx passes them). The finding is an
error when a location that reaches the pool has no `try_files`/`-f` check
and `cgi.fix_pathinfo` is not 0.

**Symptom**: an uploaded `avatar.jpg` that contains PHP code runs when
requested as `/uploads/avatar.jpg/x.php`: remote code execution.

Bad:
```ini
[www]
security.limit_extensions = .php .jpg .png
```
Good:
```ini
[www]
security.limit_extensions = .php
```"#,
        fix: "Keep `security.limit_extensions = .php` (and `.phar` if needed); never list upload types or leave it empty.",
    },
    check: Check::Model(check),
};

/// Extensions of files users upload: never PHP.
const UPLOAD_TYPES: &[&str] = &[
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".ico", ".svg", ".tif", ".tiff", ".txt",
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".zip", ".gz", ".mp3", ".mp4", ".avi",
    ".mov", ".json", ".xml", ".log", ".css", ".js",
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    for pool in model.pools() {
        let Some(entry) = pool.pool.get("security.limit_extensions") else {
            continue;
        };
        let listed: Vec<String> = entry
            .value
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let risky: Vec<&String> = listed
            .iter()
            .filter(|e| UPLOAD_TYPES.contains(&e.as_str()))
            .collect();
        let what = if listed.is_empty() {
            "an empty `security.limit_extensions` lets php-fpm execute any file".to_string()
        } else if risky.is_empty() {
            continue;
        } else {
            let names: Vec<&str> = risky.iter().map(|e| e.as_str()).collect();
            format!(
                "`security.limit_extensions` lets php-fpm execute {} files",
                names.join(" ")
            )
        };
        let fix_pathinfo = pool
            .php_value("cgi.fix_pathinfo")
            .is_none_or(|(v, _)| v.trim() != "0");
        // A PHP location reaching this pool without a check that the script exists.
        let unchecked = model.nginx.iter().find_map(|nginx| {
            nginx.servers.iter().find_map(|server| {
                server.locations.iter().find(|l| {
                    l.fastcgi_pass.is_some()
                        && l.try_files.is_none()
                        && !l.has_exists_check
                        && model
                            .reached_pools(l)
                            .any(|(_, p)| std::ptr::eq(p.pool, pool.pool))
                })
            })
        });
        let mut d = Diagnostic::new(
            &RULE.meta,
            entry.value_span,
            format!("{what} (pool [{}])", pool.pool.name),
        )
        .with_help("set `security.limit_extensions = .php`");
        if let (Some(location), true) = (unchecked, fix_pathinfo) {
            d = d.with_severity(Severity::Error).with_related(
                location.span,
                "this location passes `/upload.jpg/x.php` without checking that the script exists",
            );
        }
        sink.push(d);
    }
}
