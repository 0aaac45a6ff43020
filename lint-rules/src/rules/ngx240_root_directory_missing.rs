use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::nginx::{NginxModel, Server};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX240",
        name: "root-directory-missing",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "`root` or `alias` names a directory that does not exist on the server's disk (under `--root`), in a directory that does: every file under it answers 404",
        aliases: &[],
        doc: r#"nginx looks every file up under the `root` (or `alias`) of the location that
takes the request, and php-fpm opens the script nginx names under it
(`$document_root$fastcgi_script_name`). A typo (`root /var/www/wwww;`), a
release directory removed by a deploy, or a site moved to another path leaves
the directory missing: nothing under it can be found. `nginx -t` does not look.

Checked only with `--root` (a copy of the server's `/`, or the machine's own
trees), for an absolute path without variables whose parent directory exists
there: a copy that holds only `/etc` says nothing about `/var/www`, and neither
does a git checkout (git keeps no empty directory). Only locations that open
files (the static handler, `try_files`, a file test in an `if`) or pass to
php-fpm are checked; the server level only when some URI reaches it.

**Symptom**: 404 for every request (live, nginx 1.22.1 and php-fpm 8.2: `GET /`
and `GET /about` through `try_files ... /index.php` answer 404 `File not found.`);
nginx's error log: `FastCGI sent in stderr: "Primary script unknown"` for PHP,
`open() "/var/www/wwww/app.css" failed (2: No such file or directory)` for a
static file.

Bad (`/var/www` exists, `/var/www/wwww` does not):
```nginx
root /var/www/wwww;
location / { try_files $uri $uri/ /index.php?$query_string; }
location ~ \.php$ { include fastcgi.conf; fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
```
Good:
```nginx
root /var/www/www;
```"#,
        fix: "Point `root` (or `alias`) at the directory that holds the site, or create it.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let fs = &model.filesystem;
    let mut seen = HashSet::new();
    for location in server.reached_levels() {
        // A location that only redirects or proxies never looks under its root.
        let uses_root = location.serves_files()
            || location.try_files.is_some()
            || location.has_exists_check
            || location.fastcgi_pass.is_some();
        if !uses_root {
            continue;
        }
        let (directive, value) = match (&location.alias, location.inherited.get("root")) {
            (Some(alias), _) => ("alias", &**alias),
            (None, Some(root)) => ("root", root),
            (None, None) => continue,
        };
        let dir = value.first();
        if !dir.starts_with('/') || dir.contains('$') {
            continue;
        }
        let path = std::path::Path::new(dir);
        if !fs.directory_missing(path) || !seen.insert(value.span) {
            continue;
        }
        let parent = path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let d = Diagnostic::new(
            &RULE.meta,
            value.span,
            format!(
                "{directive} {} does not exist (its directory {parent} does): every file under it answers 404",
                path.display()
            ),
        )
        .with_label("nginx looks files up here")
        .with_note("at runtime: 404 \"File not found.\" with \"Primary script unknown\" for PHP, \"open() ... failed (2: No such file or directory)\" for static files");
        sink.push(d.with_help(format!(
            "check the path for a typo, or create {}",
            path.display()
        )));
    }
}
