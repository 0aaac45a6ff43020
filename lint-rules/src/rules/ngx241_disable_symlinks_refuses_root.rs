use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::filesystem::Probe;
use crate::model::nginx::{NginxModel, Server};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX241",
        name: "disable-symlinks-refuses-root",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "`disable_symlinks on` without `from=` while the `root` (or `alias`) path goes through a symbolic link on the server's disk (under `--root`): nginx opens no file under it",
        aliases: &[],
        doc: r#"`disable_symlinks on` makes nginx open every component of a file's path with
`O_NOFOLLOW`, from `/` down, unless `from=` names the part not to check. A
document root reached through a link — a deploy's `current -> releases/42`, a
`/var/www -> /srv/www` — therefore refuses every file under it: hardening guides
and control panels turn the directive on, atomic-deploy layouts (Capistrano,
Deployer) then lose their CSS, JavaScript and images while PHP, which nginx only
passes to php-fpm, keeps working.

Checked only with `--root` (a copy of the server's `/`, or the machine's own
trees), for an absolute `root`/`alias` without variables one of whose components
is a symbolic link there, in a location that opens files itself (the static
handler, `try_files`, a file test in an `if`). `disable_symlinks if_not_owner`
is not checked (it refuses a link only when its owner differs from its target's),
nor is `on` with `from=`.

**Symptom**: 404 for every static file (live, nginx 1.22.1: `GET /index.php`
served as a file answers 404; 200 with `from=$document_root`); nginx's error
log: `openat() "/var/www/app/current/app.css" failed (20: Not a directory)`.
`try_files` skips every file silently, so its last argument answers: `=404`, or
the front controller with the application's own 404 page.

Bad (`/var/www/app/current` is a link to `releases/42`):
```nginx
root /var/www/app/current/public;
disable_symlinks on;
location / { try_files $uri /index.php?$query_string; }
```
Good (links up to the document root are followed, links under it are not):
```nginx
disable_symlinks on from=$document_root;
```"#,
        fix: "Add `from=$document_root` to `disable_symlinks`, or point `root` at the link's target.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let fs = &model.filesystem;
    let mut seen = HashSet::new();
    for location in server.reached_levels() {
        // Only what nginx opens itself: a script passed to php-fpm is php-fpm's to open.
        let opens_files =
            location.serves_files() || location.try_files.is_some() || location.has_exists_check;
        if !opens_files {
            continue;
        }
        let Some(disable) = location.inherited.get("disable_symlinks") else {
            continue;
        };
        // `on` alone: `if_not_owner` depends on the link's owner, `from=` exempts a prefix.
        if disable.args.len() != 1 || disable.first() != "on" {
            continue;
        }
        let value = match (&location.alias, location.inherited.get("root")) {
            (Some(alias), _) => &**alias,
            (None, Some(root)) => root,
            (None, None) => continue,
        };
        let dir = value.first();
        if !dir.starts_with('/') || dir.contains('$') {
            continue;
        }
        let path = std::path::Path::new(dir);
        let mut chain: Vec<&std::path::Path> = path.ancestors().collect();
        chain.reverse();
        let Some(link) = chain
            .into_iter()
            .find(|p| matches!(fs.get(p), Probe::Present(f) if f.is_symlink))
        else {
            continue;
        };
        if !seen.insert((value.span, disable.span)) {
            continue;
        }
        let directive = if location.alias.is_some() {
            "alias"
        } else {
            "root"
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                disable.span,
                format!(
                    "disable_symlinks on refuses every file under {} ({} is a symbolic link): static files answer 404 and try_files finds none of them",
                    path.display(),
                    link.display()
                ),
            )
            .with_label("every path component is opened without following links")
            .with_related(value.span, format!("the {directive} goes through the link"))
            .with_note("at runtime: 404, \"openat() ... failed (20: Not a directory)\" in nginx's error log; try_files falls through to its last argument")
            .with_help("`disable_symlinks on from=$document_root;` follows links up to the document root and refuses those under it"),
        );
    }
}
