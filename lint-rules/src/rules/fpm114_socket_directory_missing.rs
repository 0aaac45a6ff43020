use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM114",
        name: "socket-directory-missing",
        family: Family::FpmPool,
        severity: Severity::Error,
        summary: "a pool listens on a unix socket in a directory that does not exist (under `--root`): php-fpm refuses to start, though `php-fpm -t` passes",
        aliases: &[],
        doc: r#"php-fpm's master creates each pool's unix socket when it starts, but never the
directory it is in. A socket path in a directory that does not exist (a path
copied from another distribution, `/var/lib/php/sockets/app.sock` on a box whose
package never made that folder) stops php-fpm with `unable to bind listening
socket for address '...': No such file or directory (2)` and `FPM initialization
failed` (exit 78). `php-fpm -t` does not bind, and passes (live, php-fpm 8.2).
Every site of the service answers 502.

Checked only with `--root`, against the directory tree under it, where the tree
holds the parent of the socket's directory. Directories under `/run` (and
`/var/run`) are made at boot by systemd (`RuntimeDirectory=`, tmpfiles.d) and are
never in a copy of `/`: they are not judged.

**Symptom**: php-fpm does not start; nginx answers 502 with `connect() to
unix:... failed (2: No such file or directory)`.

Bad (`/var/lib/php/sockets` does not exist):
```ini
listen = /var/lib/php/sockets/app.sock
```
Good:
```ini
listen = /run/php/app.sock
```"#,
        fix: "Create the directory as part of the deployment (or a systemd `RuntimeDirectory=`), or put the socket in one that exists (`/run/php/`).",
    },
    check: Check::Model(check),
};

/// Directories made at boot, which a copy of `/` does not hold.
fn made_at_boot(dir: &std::path::Path) -> bool {
    dir.starts_with("/run") || dir.starts_with("/var/run") || dir.starts_with("/dev/shm")
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    // Without `--root` nothing was probed.
    if model.options.disk_root.is_none() {
        return;
    }
    for p in model.pools() {
        let Some((fpm_conf_parser::Listen::Unix(socket), entry)) = p.pool.listen() else {
            continue;
        };
        if !socket.is_absolute() {
            continue;
        }
        let Some(dir) = socket.parent().filter(|d| !made_at_boot(d)) else {
            continue;
        };
        let Some((problem, errno)) = model.filesystem.cannot_create_in_why(dir) else {
            continue;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                entry.value_span,
                format!(
                    "pool [{}] listens on {}, in {}, which {problem}: php-fpm refuses to start (\"unable to bind listening socket for address '{}': {}\")",
                    p.pool.name,
                    socket.display(),
                    dir.display(),
                    socket.display(),
                    errno_words(errno),
                ),
            )
            .with_label(format!("{} {problem}", dir.display()))
            .with_help(format!(
                "create {} in the deployment, or listen in a directory that exists (`/run/php/`)",
                dir.display()
            ))
            .with_note("`php-fpm -t` passes: it does not bind the socket"),
        );
    }
}

/// php-fpm's wording of an errno (`No such file or directory (2)`), from the kernel's
/// (`2: No such file or directory`).
fn errno_words(errno: &str) -> String {
    match errno.split_once(": ") {
        Some((n, words)) => format!("{words} ({n})"),
        None => errno.to_string(),
    }
}
