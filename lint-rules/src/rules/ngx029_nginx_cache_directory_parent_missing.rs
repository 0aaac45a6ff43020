use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::filesystem::Probe;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX029",
        name: "nginx-cache-directory-parent-missing",
        family: Family::NginxLoad,
        severity: Severity::Error,
        summary: "a `*_cache_path` or `*_temp_path` directory whose parent does not exist (under `--root`): nginx refuses to start",
        aliases: &[],
        doc: r#"nginx makes the directories of its caches and temporary files while it
starts (`fastcgi_cache_path`, `proxy_cache_path`, `uwsgi_cache_path`,
`scgi_cache_path`, `client_body_temp_path`, `fastcgi_temp_path`,
`proxy_temp_path`, ...), but only their last component: one `mkdir()`. When the
parent does not exist, the start fails with `[emerg] mkdir()
"/var/cache/nginx/fastcgi" failed (2: No such file or directory)`, and so does
`nginx -t` (after "syntax is ok"; checked with nginx 1.22). The usual case is a
FastCGI-cache guide's `fastcgi_cache_path /var/cache/nginx/...` on Debian or
Ubuntu, whose nginx keeps its files in /var/lib/nginx and makes no
/var/cache/nginx (nginx.org's packages and the official image do).

Checked only with `--root`, against the directory tree under it, and only where
the tree holds the grandparent (a configuration checkout without `/var`, or a
git checkout, which keeps no empty directories, says nothing about the disk).
Paths with variables and relative paths (resolved against the prefix nginx was
built with) are not checked.

**Symptom**: nginx does not start, or a reload is refused and the old
configuration keeps running; `nginx -t` fails with `mkdir() "..." failed (2: No
such file or directory)`.

Bad (on Debian, `/var/cache/nginx` does not exist):
```nginx
fastcgi_cache_path /var/cache/nginx/fastcgi levels=1:2 keys_zone=WP:100m inactive=60m;
```
Good:
```nginx
fastcgi_cache_path /var/cache/nginx-fastcgi levels=1:2 keys_zone=WP:100m inactive=60m;
```"#,
        fix: "Create the parent directory (in the package, provisioning step or image that deploys nginx), or put the cache in an existing directory.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    // Without `--root` nothing was probed.
    if model.options.disk_root.is_none() {
        return;
    }
    for (directive, dir, span) in model.nginx_made_dirs() {
        // nginx makes `dir` itself; it exists already, or its parent must.
        if model.filesystem.get(&dir) != Probe::Missing {
            continue;
        }
        let Some(parent) = dir.parent() else { continue };
        let Some((problem, errno)) = model.filesystem.cannot_create_in_why(parent) else {
            continue;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                span,
                format!(
                    "{directive} {} is made in {}, which {problem}: nginx refuses to start (\"mkdir() \"{}\" failed ({errno})\")",
                    dir.display(),
                    parent.display(),
                    dir.display()
                ),
            )
            .with_label(format!("{} {problem}", parent.display()))
            .with_help(format!(
                "create {} (in the package, provisioning step or image that deploys nginx), or choose a directory whose parent exists",
                parent.display()
            )),
        );
    }
}
