use crate::rule::{Check, Rule, Sink};
use fpm_conf_parser::Listen;
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::filesystem::resolve_in_root;
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
        doc: r#"php-src's own unit, which RHEL and Fedora ship, starts php-fpm with
`PrivateTmp=true` (Debian 12's does not): each service sees its own /tmp. A socket created in
php-fpm's /tmp does not exist in nginx's. Not reported for php-fpm in a
container (started by its command, supervisord or s6): no systemd unit
surrounds it, and programs of one container share one /tmp. Nor, on a copy of
`/` (`--root`) or this machine, when the systemd units there that start
php-fpm and nginx are all found and none sets `PrivateTmp=true` (LNMP.org's
units say `PrivateTmp=false`): both see the one /tmp.

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
    if let Some(root) = model.options.disk_root.as_deref() {
        if tmp_shared_by_units(root) {
            return;
        }
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

/// The folders systemd reads units from, most binding first (a unit in `/etc`
/// replaces the package's of the same name).
const UNIT_DIRS: [&str; 4] = [
    "etc/systemd/system",
    "run/systemd/system",
    "usr/lib/systemd/system",
    "lib/systemd/system",
];

/// At most this many unit files are read (a copy of `/` holds a few hundred).
const MAX_UNITS: usize = 2000;

/// Whether the units under `root` that start php-fpm and nginx are all known and none
/// of them (nor a drop-in of theirs) sets `PrivateTmp` on: then the two share /tmp.
fn tmp_shared_by_units(root: &std::path::Path) -> bool {
    let mut seen = foldhash::HashSet::default();
    let (mut fpm, mut nginx) = (0, 0);
    let mut read = 0;
    for dir in UNIT_DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            read += 1;
            if read > MAX_UNITS {
                return false;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".service") || !seen.insert(name.clone()) {
                continue;
            }
            // A unit is often a link (`/etc/systemd/system/x.service -> /lib/...`): read
            // inside the copy, not on this machine; a masked unit (`-> /dev/null`) starts
            // nothing.
            let logical = std::path::Path::new("/").join(dir).join(&name);
            let Some(physical) = resolve_in_root(root, &logical, 40) else {
                continue;
            };
            if physical == std::path::Path::new("/dev/null") {
                continue;
            }
            let on_disk = root.join(physical.strip_prefix("/").unwrap_or(&physical));
            let Ok(text) = std::fs::read_to_string(on_disk) else {
                continue;
            };
            let exec = text
                .lines()
                .filter_map(|l| l.trim().strip_prefix("ExecStart="))
                .collect::<Vec<_>>()
                .join(" ");
            let program = exec
                .split_whitespace()
                .find(|w| !w.starts_with(['-', '@', '+', '!']));
            let base = program
                .map(|p| p.rsplit('/').next().unwrap_or(p))
                .unwrap_or("");
            let starts_fpm =
                base.starts_with("php-fpm") || (base.starts_with("php") && base.ends_with("-fpm"));
            let starts_nginx = base == "nginx";
            if !starts_fpm && !starts_nginx {
                continue;
            }
            let mut private = private_tmp(&text);
            // The most binding folder last: its drop-ins win.
            for drop_dir in UNIT_DIRS.iter().rev() {
                let Ok(drops) = std::fs::read_dir(root.join(drop_dir).join(format!("{name}.d")))
                else {
                    continue;
                };
                let mut drops: Vec<_> = drops.flatten().map(|e| e.path()).collect();
                drops.sort();
                for drop in drops {
                    let text = drop
                        .strip_prefix(root)
                        .ok()
                        .and_then(|rel| {
                            resolve_in_root(root, &std::path::Path::new("/").join(rel), 40)
                        })
                        .and_then(|p| {
                            std::fs::read_to_string(root.join(p.strip_prefix("/").unwrap_or(&p)))
                                .ok()
                        });
                    if let Some(text) = text {
                        private = private_tmp(&text).or(private);
                    }
                }
            }
            if private == Some(true) {
                return false;
            }
            if starts_fpm {
                fpm += 1;
            } else {
                nginx += 1;
            }
        }
    }
    fpm > 0 && nginx > 0
}

/// The last `PrivateTmp=` of a unit file's text (systemd's booleans), if any.
fn private_tmp(text: &str) -> Option<bool> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("PrivateTmp="))
        .next_back()
        .map(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "yes" | "true" | "on" | "disconnected"
            )
        })
}
