use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::filesystem::{Access, Probe};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM107",
        name: "worker-cannot-write",
        family: Family::FpmPool,
        severity: Severity::Warning,
        summary: "a directory PHP writes to as the pool user (error_log, session.save_path, upload_tmp_dir) that the pool user cannot write (under `--root`)",
        aliases: &[],
        doc: r#"Unlike the slow and access logs (opened by the root master), these are
written by the workers, as the pool's `user`: PHP's own `error_log`, session
files, uploaded files. A directory owned by another account without write
permission for the pool user (RHEL's `/var/lib/php/session` is `root:apache
0770`, wrong for a pool running as `nginx`), or one that does not exist,
fails quietly at runtime:

- sessions: `session_start(): open(/var/lib/php/session/sess_..., O_RDWR) failed:
  Permission denied (13)`, users are logged out on every request;
- uploads: `File upload error - unable to create a temporary file`, `$_FILES` empty;
- error_log: errors go to php-fpm's stderr instead of the named file.

Checked only with `--root`, against owner, group and mode of the directories
under it and the accounts in its etc/passwd and etc/group.

**Symptom**: users are logged out on every request, uploads fail, or PHP's
error log stays empty while errors go elsewhere.

Bad (`/var/lib/php/session` is `0770 root:apache`, the pool runs as `nginx`):
```ini
user = nginx
php_value[session.save_path] = /var/lib/php/session
```
Good: run the pool as a member of the directory's group, or fix the directory's group."#,
        fix: "Give the pool user write access (group ownership), or point the setting at a directory it owns.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for p in model.pools() {
        let Some(user) = p.pool.value("user") else {
            continue;
        };
        for (key, dir, span) in p.worker_write_dirs() {
            let message = match model.filesystem.get(&dir) {
                Probe::Missing if model.filesystem.directory_missing(&dir) => format!(
                    "pool [{}] {key} is in {}, which does not exist",
                    p.pool.name,
                    dir.display()
                ),
                Probe::Present(_) => {
                    let Some(denial) =
                        model
                            .filesystem
                            .denies(&model.accounts, &user, &dir, Access::CreateIn)
                    else {
                        continue;
                    };
                    format!(
                        "pool [{}] runs as {user}, which may not {} {} ({}): {key} fails at runtime",
                        p.pool.name,
                        if denial.missing == "write" { "write in" } else { "enter" },
                        denial.path.display(),
                        denial.shown
                    )
                }
                Probe::Missing | Probe::Unknown => continue,
            };
            sink.push(
                Diagnostic::new(&RULE.meta, span, message)
                    .with_label(format!("{key} written by the workers as {user}"))
                    .with_help(format!("make {} writable by {user} (e.g. group ownership and mode 0770), or use a directory it owns", dir.display())),
            );
        }
    }
}
