use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use crate::model::filesystem::Access;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX297",
        name: "temp-directory-closed-to-nginx",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "nginx's worker user cannot enter a directory above `client_body_temp_path` or `fastcgi_temp_path` (under `--root`): larger uploads answer 500 and larger PHP responses are cut short",
        aliases: &[],
        doc: r#"nginx buffers a request body larger than `client_body_buffer_size` (16k) in a
file under `client_body_temp_path`, and a FastCGI response larger than its memory
buffers in a file under `fastcgi_temp_path`. The worker processes open those files, as
the `user` of the configuration. At start the master (root) makes the directory itself,
gives it to that user and adds `u+rwx` to it, but leaves the directories above it as
they are: when the worker user has no search (`x`) permission on one of them, every
such file fails to open. The usual case is a changed `user` on a build whose temporary
directories live in a directory of its own account: Alpine's and Red Hat's
`/var/lib/nginx` (`0750`/`0770 nginx:nginx`, with `tmp/client_body` and `tmp/fastcgi`
under it) with `user www-data;` or `user apache;`, or a temp path set under a home or
an application directory that is closed to others.

Checked only with `--root`, against owner, group and mode of the directories under it
and the accounts in its etc/passwd and etc/group, and only when the worker user is
stated (`user` directive, or `--nginx-user`). The paths are the ones set in the
configuration; where none is set, the compiled-in ones of the packaged build whose
directories are on the disk (Debian's `/var/lib/nginx/body`, Red Hat's and Alpine's
`/var/lib/nginx/tmp/client_body`, nginx.org's `/var/cache/nginx/client_temp`). Only
for a configuration that passes requests to php-fpm (the body and the response are
buffered there).

Live, nginx 1.22.1 + php-fpm 8.2: `client_body_temp_path <prefix>/lib/body;` with
`<prefix>/lib` `0770 root:root` and `user www-data;`: a 300 kB form POST to a PHP page
answers 500 (`[crit] open() ".../lib/body/0000000001" failed (13: Permission denied)`);
a 12 MB PHP response read slowly arrives cut off after 4 MB (`[crit] open()
".../lib/fcgi/0000000001" failed (13: Permission denied) while reading upstream`); the
same directory `0700` but the temp path's parent open: 200.

**Symptom**: 500 Internal Server Error for uploads and forms above 16 kB; large pages,
downloads and JSON answers from PHP cut short (`ERR_CONTENT_LENGTH_MISMATCH`, broken
scripts and styles); nginx logs `[crit] open() "/var/lib/nginx/tmp/client_body/0000000001"
failed (13: Permission denied)` or `... while reading upstream`.

Bad (Alpine: `/var/lib/nginx` is `0750 nginx:nginx`):
```nginx
user www-data;
```
Good:
```nginx
user nginx;
```
Or move the temporary files to a directory the worker user can enter
(`client_body_temp_path /var/cache/nginx-www/body;` and `fastcgi_temp_path
/var/cache/nginx-www/fastcgi;`, with `/var/cache/nginx-www` `0755`), or give the user
search permission on the directory (`chmod o+x /var/lib/nginx`)."#,
        fix: "Let nginx's worker user enter every directory above its temporary directories (`chmod o+x`, or a group it is in), or set `client_body_temp_path` and `fastcgi_temp_path` in a directory it can enter.",
    },
    check: Check::Model(check),
};

/// The directives, the index of their compiled-in default in
/// [`Model::default_temp_dirs`], and what fails when their files cannot be opened.
const TEMP_DIRS: &[(&str, usize, &str)] = &[
    (
        "client_body_temp_path",
        0,
        "request bodies larger than client_body_buffer_size (uploads, forms) answer 500",
    ),
    (
        "fastcgi_temp_path",
        1,
        "PHP responses larger than the fastcgi buffers are cut short",
    ),
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    if model.options.disk_root.is_none() {
        return;
    }
    let defaults = model.default_temp_dirs();
    let mut seen: HashSet<(usize, std::path::PathBuf)> = HashSet::new();
    for (nginx, server) in model.servers() {
        let (user, _, user_span, stated) = model.nginx_user(nginx);
        if !stated || user == "root" {
            continue;
        }
        for location in server.locations.iter().skip(1) {
            let Some((_, pass_span)) = location.fastcgi_pass.as_deref() else {
                continue;
            };
            for (k, &(directive, default, outcome)) in TEMP_DIRS.iter().enumerate() {
                // The path in effect here: set (where), or the build's default.
                let (dir, set_at): (String, Option<Span>) = match location.inherited.get(directive)
                {
                    Some(s) => (s.first().trim_end_matches('/').to_string(), Some(s.span)),
                    None => match defaults {
                        Some(family) => (family[default].to_string(), None),
                        None => continue,
                    },
                };
                if !dir.starts_with('/') || dir.contains('$') {
                    continue;
                }
                let dir = std::path::PathBuf::from(dir);
                // nginx makes and chowns the directory itself: the ones above it count.
                let Some(parent) = dir.parent() else { continue };
                let Some(denial) =
                    model
                        .filesystem
                        .denies(&model.accounts, &user, parent, Access::Search)
                else {
                    continue;
                };
                if !seen.insert((k, dir.clone())) {
                    continue;
                }
                let whose = if set_at.is_some() {
                    format!("{directive} {}", dir.display())
                } else {
                    format!(
                        "{directive} {} (the build's default: none is set)",
                        dir.display()
                    )
                };
                let at = set_at.or(user_span).unwrap_or(*pass_span);
                let mut d = Diagnostic::new(
                    &RULE.meta,
                    at,
                    format!(
                        "nginx's workers run as {user}, which cannot enter {} ({}), above {whose}: {outcome}",
                        denial.path.display(),
                        denial.shown,
                    ),
                )
                .with_label(if set_at.is_some() {
                    "nginx's workers cannot reach this directory"
                } else {
                    "nginx's worker user"
                });
                if set_at.is_some() {
                    if let Some(span) = user_span {
                        d = d.with_related(span, "nginx's worker user");
                    }
                }
                sink.push(
                    d.with_related(*pass_span, "requests are passed to php-fpm here")
                        .with_help(format!(
                            "`chmod o+x {}` (search only), put {user} in a group that may enter it, or set {directive} in a directory {user} can enter",
                            denial.path.display()
                        ))
                        .with_note(format!(
                            "at runtime: nginx logs `[crit] open() \"{}/0000000001\" failed (13: Permission denied)`",
                            dir.display()
                        )),
                );
            }
        }
    }
}
