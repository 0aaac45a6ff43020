use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX027",
        name: "nginx-log-directory-missing",
        family: Family::NginxLoad,
        severity: Severity::Error,
        summary: "an `error_log` or `access_log` file in a directory that does not exist (under `--root`): nginx refuses to start",
        aliases: &[],
        doc: r#"nginx opens every log file its configuration names while it reads the
configuration: each `error_log`, and each `access_log` whose path has no
variables, at any level (`http`, `server`, `location`). It creates the files but
never their directories. When a directory is missing (a path copied from another
machine, `/var/log/nginx/example.com/` that only a provisioning step creates, a
distribution's log folder on another distribution), the start fails with
`[emerg] open() "/var/log/nginx/example.com/error.log" failed (2: No such file
or directory)`, and so does `nginx -t` (after printing "syntax is ok"). A reload
with such a file is refused and the old configuration keeps running, so the
new site never appears. `nginx -t` names the first such file only; this rule
names every one.

Checked only with `--root`, against the directory tree under it, and only where
the tree holds the parent directory (a configuration checkout without `/var/log`,
or a git checkout, which keeps no empty directories, says nothing about the disk).
Paths with variables (opened per request), relative paths (resolved against the
prefix nginx was built with), `off`, `stderr`, `syslog:` and `memory:` are not
checked.

**Symptom**: nginx does not start, or a reload is refused and the site never
goes live; `nginx -t` fails with `open() "..." failed (2: No such file or
directory)`.

Bad (`/var/log/nginx/shop` does not exist):
```nginx
server {
    server_name shop.example.com;
    access_log /var/log/nginx/shop/access.log;
    error_log /var/log/nginx/shop/error.log;
}
```
Good:
```nginx
server {
    server_name shop.example.com;
    access_log /var/log/nginx/shop.access.log;
    error_log /var/log/nginx/shop.error.log;
}
```"#,
        fix: "Create the directory (and make it part of the deployment: a package, a provisioning step, a volume), or log into an existing one.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    // Without `--root` nothing was probed: no walk of the trees for paths to judge.
    if model.options.disk_root.is_none() {
        return;
    }
    for (directive, file, span) in model.nginx_log_files() {
        let Some(dir) = file.parent() else { continue };
        let Some((problem, errno)) = model.filesystem.cannot_create_in_why(dir) else {
            continue;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                span,
                format!(
                    "{directive} {} is in {}, which {problem}: nginx refuses to start (\"open() \"{}\" failed ({errno})\")",
                    file.display(),
                    dir.display(),
                    file.display()
                ),
            )
            .with_label(format!("{} {problem}", dir.display()))
            .with_help(format!(
                "create {} (in the package, provisioning step or image that deploys this site), or log into an existing directory",
                dir.display()
            )),
        );
    }
}
