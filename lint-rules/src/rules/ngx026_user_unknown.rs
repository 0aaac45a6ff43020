use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX026",
        name: "user-unknown",
        family: Family::NginxLoad,
        severity: Severity::Error,
        summary: "the `user` directive names a user or group the system's account files do not have",
        aliases: &[],
        doc: r#"A master process started as root switches its workers to the `user` directive's
user and group while it reads the configuration, and looks both up by name:
`nginx -t` and the start fail with `getpwnam("...") failed` or `getgrnam("...")
failed`. When the group is omitted, nginx uses the group *named like the user*,
not the user's own group: `user nobody;` needs a group `nobody`, which Debian and
Ubuntu do not have (their `nobody` belongs to `nogroup`); Alpine, RHEL and the
BSDs have one. Checked only when the whole account files are known (`--root` with
`etc/passwd` and `etc/group`; an image's are known in part, and a Dockerfile's
`RUN adduser` adds to them), and when the master runs as root (otherwise nginx
ignores `user` with a warning). In a repository, nginx running from the official
nginx image with nothing that adds accounts: a web user the image lacks (`www-data`
on the Alpine variant, whose base has the group but not the user; `apache`, `http`,
`www` on both) is reported. Loose files (no Compose file, Dockerfile or manifest runs
them) are only read where that image keeps them: whose accounts they meet is not known.

**Symptom**: nginx does not start; `nginx -t` prints `[emerg] getgrnam("nobody")
failed`.

Bad (Debian):
```nginx
user nobody;
```
Good:
```nginx
user nobody nogroup;
```"#,
        fix: "Name a user and group that exist: give the group explicitly (`user nobody nogroup;` on Debian), or create them.",
    },
    check: Check::Model(check),
};

/// Accounts only a package or an admin creates: the official nginx image has the ones
/// its base gives it and `nginx`, and no other.
const WEB_USERS: &[&str] = &["www-data", "apache", "http", "www"];

fn check(model: &Model<'_>, sink: &mut Sink) {
    // A master that is not root ignores `user` (with a warning).
    if model
        .options
        .nginx_runs_as
        .as_ref()
        .is_some_and(|u| u != "root" && u != "0")
    {
        return;
    }
    // A deployment whose nginx runs from the official nginx image, untouched: the web
    // users that image lacks are absent (laradock's issue 2173: `user www-data;` on the
    // Alpine variant).
    if let Some(passwd) = &model.options.nginx_web_users {
        for nginx in &model.nginx {
            let Some((user, _, span)) = &nginx.user else {
                continue;
            };
            let known = passwd
                .lines()
                .any(|l| l.split(':').next() == Some(user.as_str()));
            if WEB_USERS.contains(&user.as_str()) && !known {
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        *span,
                        format!("getpwnam(\"{user}\") failed: the official nginx image has no user \"{user}\", nginx refuses to start"),
                    )
                    .with_label("no such user in this image")
                    .with_help("use the image's own `user nginx;` (or drop the line), or create the user in the image (`adduser -S -D -H -G www-data www-data` on Alpine)"),
                );
            }
        }
        return;
    }
    let accounts = &model.accounts;
    // Only whole account files (a root's etc/passwd and etc/group): an image's accounts
    // are known in part, and a Dockerfile's `RUN adduser` adds users the files lack.
    if !accounts.from_files || model.options.accounts.is_some() {
        return;
    }

    for nginx in &model.nginx {
        let Some((user, group, span)) = &nginx.user else {
            continue;
        };
        // A variable or a number is not a name nginx looks up as written here.
        if user.is_empty() || user.contains('$') {
            continue;
        }
        let known_user = accounts.user_by_uid.values().any(|u| u == user)
            || accounts.primary_group.contains_key(user);
        if !known_user {
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    *span,
                    format!("getpwnam(\"{user}\") failed: the system has no user \"{user}\", nginx refuses to start"),
                )
                .with_label("no such user")
                .with_help(
                    "create the user, or name one /etc/passwd has (the distribution's web user: www-data, nginx, http)",
                ),
            );
            continue;
        }
        let (group, implied) = match group {
            Some(g) => (g.clone(), false),
            None => (user.clone(), true),
        };
        if accounts.members.contains_key(&group) {
            continue;
        }
        let primary = accounts.primary_group.get(user).cloned();
        let mut d = Diagnostic::new(
            &RULE.meta,
            *span,
            format!("getgrnam(\"{group}\") failed: the system has no group \"{group}\", nginx refuses to start"),
        )
        .with_label("no such group");
        if implied {
            d = d.with_note(format!(
                "with no group given, nginx uses the group named like the user (\"{user}\"), not the user's own group"
            ));
        }
        d = d.with_help(match primary {
            Some(own) => format!("name the group: `user {user} {own};`"),
            None => "name a group /etc/group has".to_string(),
        });
        sink.push(d);
    }
}
