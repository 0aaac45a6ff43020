use crate::model::filesystem::Probe;
use crate::model::Model;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM115",
        name: "pool-directory-missing",
        family: Family::FpmPool,
        severity: Severity::Error,
        summary: "a pool's `chroot` or `chdir` names a directory that does not exist (under `--root`): php-fpm refuses to start",
        aliases: &[],
        doc: r#"php-fpm checks each pool's `chroot` and `chdir` when it reads its
configuration: a directory that is not there stops it, `php-fpm -t` included
(`[pool app] the chdir path '/home/app' does not exist or is not a directory`,
`failed to post process the configuration`, exit 78; live, php-fpm 8.2). A `chdir`
under a `chroot` is looked for inside the chroot. Typical causes: a pool copied from
another server whose user's home or jail was never made here (LEMPer's
`chdir = /home/lemper`), or a `$pool` path whose folder was never created.

Checked only with `--root`, against the directory tree under it, where the tree holds
the parent of the directory (a copy of `/etc` alone says nothing about `/home`).

**Symptom**: php-fpm does not start; every PHP site answers 502; `php-fpm -t` prints
`the chdir path '...' does not exist or is not a directory`.

Bad:
```ini
[app]
chdir = /home/app/www
```
Good:
```ini
[app]
; the directory exists (or: no chdir, php-fpm then stays in /)
chdir = /var/www/app
```"#,
        fix: "Create the directory in the deployment, or point `chroot`/`chdir` at one that exists.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    // Without `--root` nothing was probed.
    if model.options.disk_root.is_none() {
        return;
    }
    for p in model.pools() {
        // php-fpm stops at the first directory it cannot use.
        let missing = p.start_directories().into_iter().find(|(dir, _, _)| {
            model.filesystem.directory_missing(dir)
                || matches!(model.filesystem.get(dir), Probe::Present(f) if !f.is_dir)
        });
        let Some((dir, span, message)) = missing else {
            continue;
        };
        sink.push(
            Diagnostic::new(&RULE.meta, span, message)
                .with_label(format!("{} is not a directory of this tree", dir.display()))
                .with_help(format!(
                    "create {} in the deployment (owned by the pool's user), or name a directory that exists",
                    dir.display()
                )),
        );
    }
}
