use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity, Span};

use crate::model::address::NginxTarget;
use crate::model::filesystem::Access;
use crate::model::{Model, PoolRef, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X003",
        name: "socket-permission-denied",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "nginx's worker user may not open the pool's unix socket (listen.owner/group/mode, ACLs, a closed directory above it)",
        aliases: &[],
        doc: r#"Connecting to a unix socket needs write permission on it. php-fpm creates the
socket as `listen.owner`:`listen.group` with `listen.mode` (default 0660); with
no owner it stays `root:root`, and with `listen.acl_users`/`listen.acl_groups`
(RHEL's default) owner and group are ignored and only the ACL counts. When
nginx's worker user (the `user` directive; `www-data` on Debian) is neither the
owner nor in the group, and the mode gives "other" no write bit, every request
fails. The workers' group is the `user` directive's second word, or when it is
omitted the group named like the user (`user nobody;` runs as group `nobody`, not the
user's passwd group), plus the groups that list the user as a member.

**Symptom**: 502 Bad Gateway; `connect() to unix:/run/php/php8.2-fpm.sock failed
(13: Permission denied) while connecting to upstream`.

Bad:
```ini
listen.owner = root
listen.group = root
listen.mode = 0660     ; nginx runs as www-data
```
Good:
```ini
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
```

Autofix: safe — on the pool side: `listen.owner` and `listen.group` become nginx's
worker user and its primary group (and `listen.mode` gains owner and group read-write
when it lacks them), or nginx's user joins `listen.acl_users` when ACLs are set. Only
when nginx's user is stated (`user` directive or `--nginx-user`) and php-fpm's master
runs as root. The owner/group edit is unsafe for a user whose primary group the
accounts do not name (shown, applied only with `--unsafe-fixes`), besides the users
packages make with a group of their own name (www-data, nginx, apache, http, www): a
user made by `adduser --system nginx` has no `nginx` group, and php-fpm refuses a
socket group that does not exist.

A repository's loose site (no Compose file, Dockerfile or manifest places it) is linted
inside a stand-in nginx.conf, whose `user` is assumed: the finding is a note there.

A pool without `user` is not judged: a master started as root refuses it (FPM111), and
one that is not root makes the socket as itself, whoever that is.

Without account files (files linted on their own, no `--root`), a socket whose group
may be written is a warning: nginx's user may be a member of that group.

nginx's workers also hold their user's supplementary groups: memberships in the
root's `/etc/group`, and those a Dockerfile's `RUN` adds (`usermod -aG www-data
nginx`, `adduser nginx www-data`, `addgroup nginx www-data`, `gpasswd -a`, `useradd
-G`).

Connecting also needs search (`x`) permission on every directory above the socket.
php-fpm's master runs as root and makes the socket wherever `listen` says, so a socket
put in a site user's home (`/home/site/run/php.sock`, home `0750 site:site`) or a
directory like `/var/lib/php-fpm` (`0770 root:php-fpm`) is refused to nginx's workers
whatever the socket's own mode: judged from the disk (`--root`), when nginx's user is
stated. Bad: `listen = /home/shop/php-fpm.sock` with `/home/shop` `drwxr-x---
shop:shop` and nginx `user www-data;`. Good: `listen = /run/php/shop.sock`.

Without a `user` directive nginx's workers run as "nobody" (a warning). A site file
linted on its own, without the nginx.conf that includes it, does not show who they
run as (Debian's nginx.conf says www-data): a note."#,
        fix: "Set `listen.owner`/`listen.group` to nginx's user (or list it in `listen.acl_users`).",
    },
    check: Check::Server(check),
};

/// Owner, group and mode of a pool's socket as php-fpm 8.2 creates it, or the ACL lists.
pub struct SocketAccess {
    /// Owner user.
    pub owner: String,
    /// Owner group.
    pub group: String,
    /// Permission bits.
    pub mode: u32,
    /// ACL users and groups (when set, owner/group are root:root).
    pub acl: Option<(Vec<String>, Vec<String>)>,
}

/// How php-fpm sets up the socket of a pool.
/// The pool-side fix: nginx's user joins the ACL, or owns the socket (group: its
/// primary group) with the owner's read-write bit. Only when nginx's user is stated and
/// php-fpm's master can give the socket away (it runs as root).
fn fix(
    model: &Model<'_>,
    p: &PoolRef<'_>,
    access: &SocketAccess,
    user: &str,
    stated: bool,
) -> Option<Fix> {
    if !stated {
        return None;
    }
    if let Some((users, _)) = &access.acl {
        let mut list = users.clone();
        list.push(user.to_string());
        return Some(Fix::safe(
            format!("add {user} to listen.acl_users"),
            crate::fixes::fpm_set(model.map, p.pool, &[("listen.acl_users", list.join(","))]),
        ));
    }
    if model
        .options
        .fpm_runs_as
        .as_ref()
        .is_some_and(|u| u != "root" && u != "0")
    {
        return None;
    }
    let group = model.accounts.primary(user);
    let mut settings = vec![
        ("listen.owner", user.to_string()),
        ("listen.group", group.clone()),
    ];
    if access.mode & 0o600 != 0o600 {
        settings.push(("listen.mode", format!("{:04o}", access.mode | 0o660)));
    }
    let description = format!("give the socket to {user}:{group}");
    let edits = crate::fixes::fpm_set(model.map, p.pool, &settings);
    // The group is a guess (a same-named group) unless the accounts say: `adduser
    // --system nginx` makes no `nginx` group, and php-fpm refuses a socket group that
    // does not exist.
    // Packages make these users with a group of their own name.
    const PACKAGE_USERS: &[&str] = &["www-data", "nginx", "apache", "http", "www"];
    let group_known = model.accounts.primary_group.contains_key(user)
        || (!model.accounts.from_files && PACKAGE_USERS.contains(&user));
    Some(if group_known {
        Fix::safe(description, edits)
    } else {
        Fix::unsafe_edits(description, edits)
    })
}

pub fn socket_access(model: &Model<'_>, p: &PoolRef<'_>) -> SocketAccess {
    let pool = p.pool;
    let list = |k: &str| {
        pool.value(k).map(|v| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        })
    };
    let mode = pool
        .value("listen.mode")
        .and_then(|m| u32::from_str_radix(m.trim(), 8).ok())
        .unwrap_or(0o660);
    let acl_users = list("listen.acl_users");
    let acl_groups = list("listen.acl_groups");
    if acl_users.is_some() || acl_groups.is_some() {
        return SocketAccess {
            owner: "root".into(),
            group: "root".into(),
            mode,
            acl: Some((
                acl_users.unwrap_or_default(),
                acl_groups.unwrap_or_default(),
            )),
        };
    }
    // A master that is not root creates the socket as itself and cannot give it away.
    if let Some(user) = model
        .options
        .fpm_runs_as
        .as_ref()
        .filter(|u| *u != "root" && *u != "0")
    {
        return SocketAccess {
            owner: user.clone(),
            group: model.accounts.primary(user),
            mode,
            acl: None,
        };
    }
    // A number is a uid or gid as is (php-fpm takes `listen.owner = 33` without a
    // lookup): read as the account's name where the system has one.
    let account = |key: &str, names: &foldhash::HashMap<u32, String>| {
        let v = pool.value(key).filter(|v| !v.is_empty())?;
        let id = v
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| v.parse::<u32>().ok())
            .flatten();
        Some(id.and_then(|id| names.get(&id).cloned()).unwrap_or(v))
    };
    let owner = account("listen.owner", &model.accounts.user_by_uid);
    let group = account("listen.group", &model.accounts.group_by_gid);
    let group = group
        .or_else(|| owner.as_ref().map(|o| model.accounts.primary(o)))
        .unwrap_or_else(|| "root".into());
    SocketAccess {
        owner: owner.unwrap_or_else(|| "root".into()),
        group,
        mode,
        acl: None,
    }
}

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let (user, group, user_span, stated) = model.nginx_user(nginx);
        if user == "root" {
            continue;
        }
        let mut groups = model.accounts.groups(&user);
        match &group {
            Some(g) => groups.insert(0, g.clone()),
            // `user nobody;`: "if group is omitted, a group whose name equals that of
            // user is used" (nginx's docs), not the user's passwd group: cPanel's
            // `listen.group = nobody` sockets are open to it.
            None if stated => groups.insert(0, user.clone()),
            None => {}
        }
        for t in model.fastcgi_targets(location) {
            let NginxTarget::Unix(socket) = &t.target else {
                continue;
            };
            let Verdict::Reached(p) = model.verdict(&t.target) else {
                continue;
            };
            if stated && model.options.disk_root.is_some() {
                if let Some(d) =
                    closed_directory(model, &user, &groups, user_span, socket, &p, t.span)
                {
                    sink.push(d);
                }
            }
            // A pool without `user` runs only under a master that is not root (a root
            // master refuses it: FPM111), and such a master makes the socket as itself:
            // whose the socket is, is known only when the master's user is.
            let master_not_root = model
                .options
                .fpm_runs_as
                .as_ref()
                .is_some_and(|u| u != "root" && u != "0");
            let pool_user = p
                .pool
                .get("user")
                .is_some_and(|e| !e.value.trim().is_empty());
            if !pool_user && !master_not_root {
                continue;
            }
            let access = socket_access(model, &p);
            let allowed = match &access.acl {
                Some((users, acl_groups)) => {
                    users.contains(&user)
                        || acl_groups.iter().any(|g| groups.contains(g))
                        || access.mode & 0o002 != 0
                }
                None => {
                    (access.owner == user && access.mode & 0o200 != 0)
                        || (groups.contains(&access.group) && access.mode & 0o020 != 0)
                        || access.mode & 0o002 != 0
                }
            };
            if allowed {
                continue;
            }
            let span = p
                .pool
                .get("listen.acl_users")
                .or_else(|| p.pool.get("listen.acl_groups"))
                .or_else(|| p.pool.get("listen.owner"))
                .or_else(|| p.pool.get("listen.mode"))
                // None set: the socket is the master's (root's), made where `listen` says.
                .or_else(|| p.pool.get("listen"))
                .map_or(p.pool.name_span, |e| e.key_span.to(e.value_span));
            let how = match &access.acl {
                Some((users, gs)) => {
                    format!("ACL users [{}] groups [{}]", users.join(","), gs.join(","))
                }
                None => format!("{}:{} mode {:04o}", access.owner, access.group, access.mode),
            };
            let fix = fix(model, &p, &access, &user, stated);
            let mut d = Diagnostic::new(&RULE.meta, span, format!("nginx runs as \"{user}\", which may not open the socket of pool [{}] ({how})", p.pool.name))
                .with_label("the socket's owner and mode come from here")
                .with_related(t.span, "nginx connects here")
                .with_help(if access.acl.is_some() {
                    format!("add {user} to `listen.acl_users` (owner/group are ignored while ACLs are set)")
                } else {
                    format!("set `listen.owner = {user}` and `listen.group = {}`", model.accounts.primary(&user))
                })
                .with_note("at runtime: 502 Bad Gateway, \"connect() to unix:... failed (13: Permission denied)\" in nginx's error log");
            if let Some(s) = user_span {
                d = d.with_related(s, "nginx's worker user");
            }
            if let Some(note) = p
                .pool
                .listen()
                .and_then(|(l, _)| model.socket_spelling_note(t, &l))
            {
                d = d.with_note(note);
            }
            d = d.with_fix_opt(fix);
            if !stated && model.is_lone_snippet(nginx) {
                // A site file read on its own: its nginx.conf, which says who the workers
                // run as (Debian's: www-data), is not part of the reading.
                d = d
                    .with_severity(Severity::Note)
                    .with_note("this file is linted without the nginx.conf that includes it: nginx's `user` is not known, and \"nobody\" (nginx's built-in default) is assumed; pass --nginx-user, or lint it with its nginx.conf");
            } else if model.options.nginx_includer_unknown && user_span.is_some() {
                // A loose site of a repository, placed in a stand-in nginx.conf (the
                // image's or distribution's): whose `user` the real one says is not known.
                d = d
                    .with_severity(Severity::Note)
                    .with_note(format!("the nginx.conf that includes this site is not in the repository: \"{user}\", the `user` of the stand-in nginx.conf it is linted in, is assumed; pass --nginx-user, or add the nginx.conf"));
            } else if !stated {
                d = d
                    .with_severity(Severity::Warning)
                    .with_note("no `user` directive: assumed nginx's built-in default \"nobody\"; pass --nginx-user if the service runs as another user");
            } else if !model.accounts.from_files
                && access.acl.is_none()
                && access.mode & 0o020 != 0
                && access.group != "root"
            {
                // Files linted on their own carry no /etc/group: a membership that
                // opens the socket (`usermod -aG www-data nginx`, the usual advice on
                // RHEL) cannot be ruled out.
                d = d.with_severity(Severity::Warning).with_note(format!(
                    "the accounts of the machine are not part of the reading: if \"{user}\" is a member of group \"{}\" (`usermod -aG {} {user}`), it can open the socket; lint with --root / (or the machine's copy) to know",
                    access.group, access.group
                ));
            }
            sink.push(d);
        }
    }
}

/// The directories above the socket: connecting needs search permission on each (the
/// socket's own mode is judged above). php-fpm's master runs as root and makes the
/// socket wherever `listen` says, so a directory closed to nginx's workers goes
/// unnoticed until the first request. Judged from the disk (`--root`) only.
fn closed_directory(
    model: &Model<'_>,
    user: &str,
    groups: &[String],
    user_span: Option<Span>,
    socket: &std::path::Path,
    p: &PoolRef<'_>,
    pass_span: Span,
) -> Option<Diagnostic> {
    let dir = socket.parent()?;
    // A directory missing or a file in its place: php-fpm cannot bind there (FPM114).
    if model.filesystem.cannot_create_in(dir).is_some() {
        return None;
    }
    let denial =
        model
            .filesystem
            .denies_in_groups(&model.accounts, user, groups, dir, Access::Search)?;
    let span = p
        .pool
        .get("listen")
        .map_or(p.pool.name_span, |e| e.key_span.to(e.value_span));
    let mut d = Diagnostic::new(
        &RULE.meta,
        span,
        format!(
            "nginx runs as \"{user}\", which cannot enter {} ({}), above the socket {} of pool [{}]",
            denial.path.display(),
            denial.shown,
            socket.display(),
            p.pool.name
        ),
    )
    .with_label("the socket is made in a directory nginx's workers cannot enter")
    .with_related(pass_span, "nginx connects here")
    .with_help(format!(
        "put the socket in a directory {user} can enter (`/run/php/`), or `chmod o+x {}` (search only), or put {user} in a group that may enter it",
        denial.path.display()
    ))
    .with_note("at runtime: 502 Bad Gateway, \"connect() to unix:... failed (13: Permission denied)\" in nginx's error log, whatever the socket's own owner and mode");
    if let Some(s) = user_span {
        d = d.with_related(s, "nginx's worker user");
    }
    Some(d)
}
