use crate::rule::{Check, Rule, Sink};
use fpm_conf_parser::Listen;
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X012",
        name: "socket-in-private-tmp",
        family: Family::Cross,
        severity: Severity::Note,
        summary:
            "a pool socket under /tmp or /var/tmp, which systemd's PrivateTmp hides from nginx",
        aliases: &[],
        doc: r#"Debian's and RHEL's units start php-fpm (and often nginx) with
`PrivateTmp=true`: each service sees its own /tmp. A socket created in
php-fpm's /tmp does not exist in nginx's. Not reported for php-fpm in a
container (started by its command, supervisord or s6): no systemd unit
surrounds it, and programs of one container share one /tmp.

**Symptom**: 502 Bad Gateway; `connect() to unix:/tmp/php.sock failed (2: No
such file or directory)` although `ls` (in your shell's /tmp) shows nothing
either way.

Bad:
```ini
listen = /tmp/php-fpm.sock
```
Good:
```ini
listen = /run/php/php-fpm.sock
```"#,
        fix: "Put sockets under /run (e.g. /run/php/).",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    // PrivateTmp is a systemd unit's: a container's supervisor shares one /tmp.
    if model.options.fpm_in_container {
        return;
    }
    for p in model.pools() {
        let Some((Listen::Unix(path), entry)) = p.pool.listen() else {
            continue;
        };
        if path.starts_with("/tmp") || path.starts_with("/var/tmp") {
            sink.push(
                Diagnostic::new(&RULE.meta, entry.value_span, format!("pool [{}] puts its socket in {}, which systemd's PrivateTmp may hide from nginx", p.pool.name, path.display()))
                    .with_help("use /run/php/<pool>.sock"),
            );
        }
    }
}
