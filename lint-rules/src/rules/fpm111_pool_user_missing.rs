use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM111",
        name: "pool-user-missing",
        family: Family::FpmPool,
        severity: Severity::Error,
        summary:
            "a pool without `user` under a php-fpm master started as root: php-fpm refuses to start",
        aliases: &[],
        doc: r#"A php-fpm master started as root (the distributions' service, systemd's
`php8.2-fpm.service`) switches each pool's workers to the pool's `user` and
`group`, and refuses a pool that names none: `[pool www] user has not been
defined`, and no pool of the master starts. A master started as another user
(a container's `USER`) ignores `user`, which is why images' pool files may leave
it out; copied onto a server, such a file stops php-fpm.

Reported on a server's tree (`--root`, or the machine's own), where the service
manager starts php-fpm as root, and for a container known to start php-fpm as
root: the official php image's fpm variants (`CMD ["php-fpm"]`, no `USER`) or
a Debian, Ubuntu or Alpine image whose command is php-fpm, with no `USER`,
Compose `user:`, `securityContext` or `-R`. A container started through a
supervisor or a start script, or from an image this data does not know, may
switch users first, and is not judged. A pool file copied over the official
image's `www.conf` without its `user = www-data` is the common case
(garylab/dnmp pull request 205, cachethq/Docker issue 277: `ALERT: [pool www]
user has not been defined`, exit status 78, and every PHP page a 502).

**Symptom**: php-fpm does not start (`systemctl status` shows `exit-code 78`);
nginx answers 502 for every PHP page.

Bad:
```ini
[app]
listen = /run/php/app.sock
pm = ondemand
pm.max_children = 8
```
Good:
```ini
[app]
user = www-data
group = www-data
listen = /run/php/app.sock
pm = ondemand
pm.max_children = 8
```"#,
        fix: "Add `user` (and `group`) to the pool: the account its PHP scripts should run as.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    if !model.options.fpm_master_is_root() {
        return;
    }
    for p in model.pools() {
        // A drop-in (`[www] clear_env = no` linted on its own) takes `user` from the
        // files that define its pool.
        if p.fpm.is_drop_in(p.pool)
            || p.pool
                .get("user")
                .is_some_and(|e| !e.value.trim().is_empty())
        {
            continue;
        }
        // The official image's `[www]` starts in its own docker.conf: the finding belongs
        // to the repository's file that replaced www.conf (its first entry).
        let in_image = |file| {
            model
                .map
                .get(file)
                .origin
                .as_deref()
                .is_some_and(|o| o.contains(", stock "))
        };
        let at = if in_image(p.pool.name_span.file) {
            p.pool
                .entries
                .iter()
                .find(|e| !in_image(e.key_span.file))
                .map_or(p.pool.name_span, |e| e.key_span)
        } else {
            p.pool.name_span
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                at,
                format!("[pool {}] user has not been defined: a master started as root refuses the pool, and php-fpm does not start", p.pool.name),
            )
            .with_help("add `user = www-data` and `group = www-data` (or the account the site's files belong to)")
            .with_note("at runtime: php-fpm exits with \"ERROR: [pool ...] user has not been defined\"; nginx answers 502"),
        );
    }
}
