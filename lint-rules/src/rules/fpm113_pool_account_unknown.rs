use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM113",
        name: "pool-account-unknown",
        family: Family::FpmPool,
        severity: Severity::Error,
        summary: "a pool's `user`, `group`, `listen.owner`/`listen.group` or ACL names an account the system does not have: php-fpm refuses to start",
        aliases: &[],
        doc: r#"A php-fpm master started as root looks up every pool's `user` and `group`,
and the socket's `listen.owner`, `listen.group`, `listen.acl_users` and
`listen.acl_groups`, by name (a number is taken as a uid or gid). A name the
system does not have stops php-fpm: `ERROR: [pool www] cannot get uid for user
'web1'` (or `cannot get gid for group`), `FPM initialization failed`, exit 78,
and no pool of the master runs (`php-fpm -t` fails the same way, except for
the ACL lists, which only the start looks up). Hosting
panels that keep their customers in libnss-extrausers
(`/var/lib/extrausers/passwd`) meet it when a pool outlives its account.

A `#` after the value is the other common way: PHP's INI scanner starts comments
with `;` only, so `user = www-data # web user` names the user `www-data # web
user` (live, php-fpm 8.2: `cannot get uid for user 'www-data # web user'`). Such
a value is reported unless the master is known not to be root (a container's
`USER`, Compose's `user:`); a plain name only on a server's tree whose whole account
files are known (`--root` with `etc/passwd` and `etc/group`, where
libnss-extrausers' files are read too): an image's accounts are known in part,
and a start script may add users. A master that is not root ignores `user` and
`group` (with a notice), and is not judged.

**Symptom**: php-fpm does not start (`systemctl status php8.2-fpm`: exit-code 78);
nginx answers 502 for every PHP page.

Bad:
```ini
[shop]
user = shop ; an account that was deleted
group = shop
listen = /run/php/shop.sock
listen.owner = www-data # nginx's user
```
Good:
```ini
[shop]
user = shop
group = shop
listen = /run/php/shop.sock
; nginx's user
listen.owner = www-data
```"#,
        fix: "Name an account /etc/passwd (or /etc/group) has, or create it; put comments on their own line after `;`.",
    },
    check: Check::Model(check),
};

/// The pool settings php-fpm looks up as accounts: (key, is a group, a list).
const ACCOUNT_KEYS: &[(&str, bool, bool)] = &[
    ("user", false, false),
    ("group", true, false),
    ("listen.owner", false, false),
    ("listen.group", true, false),
    ("listen.acl_users", false, true),
    ("listen.acl_groups", true, true),
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    let options = model.options;
    let root_known = options.fpm_master_is_root();
    // Files given one by one (`--fpm`): the service manager that usually starts them
    // runs the master as root; a container or a non-root user says otherwise.
    let root_likely = root_known
        || (!options.fpm_in_container
            && options
                .fpm_runs_as
                .as_deref()
                .is_none_or(|u| u == "root" || u == "0"));
    if !root_likely {
        return;
    }
    let accounts = &model.accounts;
    // Whole account files only (a root's etc/passwd and etc/group): an image's are
    // known in part.
    let names_known = root_known && accounts.from_files && options.accounts.is_none();
    for p in model.pools() {
        for &(key, is_group, list) in ACCOUNT_KEYS {
            let Some(entry) = p.pool.get(key) else {
                continue;
            };
            let value = entry.value.trim();
            let names: Vec<&str> = if list {
                value.split(',').map(str::trim).collect()
            } else {
                vec![value]
            };
            for name in names {
                // Empty (unset), a number (a uid/gid as is), a placeholder filled later.
                if name.is_empty()
                    || name.bytes().all(|b| b.is_ascii_digit())
                    || name.contains('$')
                    || name.contains(['{', '<', '%'])
                {
                    continue;
                }
                let hash_comment = name.contains('#');
                let exists = if is_group {
                    accounts.members.contains_key(name)
                        || accounts.group_by_gid.values().any(|g| g == name)
                } else {
                    accounts.user_by_uid.values().any(|u| u == name)
                        || accounts.primary_group.contains_key(name)
                };
                if !hash_comment && (!names_known || exists) {
                    continue;
                }
                let (what, id) = if is_group {
                    ("group", "gid")
                } else {
                    ("user", "uid")
                };
                let mut d = Diagnostic::new(
                    &RULE.meta,
                    entry.value_span,
                    format!(
                        "[pool {}] cannot get {id} for {what} '{name}': the system has no such {what}, and php-fpm refuses to start",
                        p.pool.name
                    ),
                )
                .with_label(format!("`{key}` is looked up by name"))
                .with_note("at runtime: php-fpm exits 78 (\"FPM initialization failed\"); nginx answers 502 for every PHP page");
                d = if hash_comment {
                    d.with_help("PHP's INI scanner keeps `# ...` in the value: put the comment on its own line after `;`")
                } else {
                    d.with_help(format!("name a {what} the system has (or create `{name}`)"))
                };
                sink.push(d);
            }
        }
    }
}
