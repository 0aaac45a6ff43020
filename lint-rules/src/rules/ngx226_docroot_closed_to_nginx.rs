use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::filesystem::Access;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX226",
        name: "docroot-closed-to-nginx",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "nginx's worker user cannot enter the document root (under `--root`): static files answer 403 and `try_files` finds none of its files",
        aliases: &[],
        doc: r#"nginx's workers look files up as the `user` the configuration names. They
need search (`x`) permission on the document root and on every directory above
it. A site in a home directory (`/home/alice/site`, where homes are `0750` or
`0700`) or a docroot deployed as `0700 deploy:deploy` shuts them out: a static
file answers **403 Forbidden** (`open() ... failed (13: Permission denied)`),
and `try_files` takes the refusal for a missing file, so every candidate is
skipped and its last argument answers, usually `=404` or the front controller
(live, nginx 1.22.1: 404 for a file that is there; 200 once the docroot is
`0711`). The pool may well be able to enter it (X018 checks that side); a
location that only passes to php-fpm, with no `try_files` and no file test, does
not touch the docroot and is not reported.

Checked only with `--root`, against owner, group and mode of the directories
under it and the accounts in its etc/passwd and etc/group, and only when the
worker user is stated (`user` directive, or `--nginx-user`).

**Symptom**: 403 for images, CSS and scripts, 404 (or the front controller) for
everything `try_files` tries; nginx's error log: `open() "/home/alice/site/..."
failed (13: Permission denied)` or `[crit] ... stat() ... failed (13: Permission
denied)`.

Bad (`/home/alice` is `0750 alice:alice`, nginx runs as `www-data`):
```nginx
user www-data;
...
root /home/alice/site;
location / { try_files $uri $uri/ /index.php?$args; }
```
Good: `chmod 0751 /home/alice` (search only: nothing can be listed), or add
`www-data` to the group `alice` (`usermod -aG alice www-data`)."#,
        fix: "Give nginx's user search permission on the docroot and every directory above it (`chmod o+x`, or a group it is in).",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = HashSet::new();
    for (nginx, server) in model.servers() {
        let (user, _, user_span, stated) = model.nginx_user(nginx);
        if !stated || user == "root" {
            continue;
        }
        // The server level serves only the URIs no location takes: none when a location
        // takes every URI (`location /`, the front controller's).
        let server_level_reached =
            server.location_for("/").is_none() || server.location_for("/x").is_none();
        for (i, location) in server.locations.iter().enumerate() {
            if i == 0 && !server_level_reached {
                continue;
            }
            // Where nginx itself opens files: the static handler, `try_files`, a file
            // test in an `if`.
            let opens_files = location.serves_files()
                || location.try_files.is_some()
                || location.has_exists_check;
            if !opens_files {
                continue;
            }
            let (dir, at) = match (&location.alias, location.inherited.get("root")) {
                (Some(alias), _) => (alias.first().to_string(), alias.span),
                (None, Some(root)) => (root.first().to_string(), root.span),
                (None, None) => continue,
            };
            if dir.is_empty() || dir.contains('$') || !dir.starts_with('/') {
                continue;
            }
            let path = std::path::Path::new(&dir);
            let Some(denial) =
                model
                    .filesystem
                    .denies(&model.accounts, &user, path, Access::Search)
            else {
                continue;
            };
            if !seen.insert(at) {
                continue;
            }
            let mut d = Diagnostic::new(
                &RULE.meta,
                at,
                format!(
                    "nginx's workers run as {user}, which cannot enter {} ({}): files under {} answer 403, and try_files finds none of them",
                    denial.path.display(),
                    denial.shown,
                    path.display()
                ),
            )
            .with_label("the directory nginx looks files up in");
            if let Some(span) = user_span {
                d = d.with_related(span, "nginx's worker user");
            }
            sink.push(d.with_help(format!(
                "`chmod o+x {}` (search only), or put {user} in a group that may enter it",
                denial.path.display()
            )));
        }
    }
}
