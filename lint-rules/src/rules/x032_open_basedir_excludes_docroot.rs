use crate::model::nginx::Setting;
use crate::model::{EffectiveLocation, Model, NginxModel, PoolRef, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X032",
        name: "open-basedir-excludes-docroot",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "the pool's `open_basedir` does not include the directory nginx sends scripts from: PHP may not open any of them",
        aliases: &[],
        doc: r#"`open_basedir` limits every file PHP opens, the script php-fpm is asked to run
included: a script outside all of its directories is refused before it starts. A
pool copied from another site, a site moved to a new directory, or a hosting panel's
template (`open_basedir = /var/www/...`) then answers every request with "No input
file specified." (live, nginx 1.22.1 and php-fpm 8.2: `php_admin_value[open_basedir] =
/var/www:/tmp` with the scripts under another root, 404; with the root listed, 200).

The directory is the one SCRIPT_FILENAME names: the location's `root` (or `alias`)
for `$document_root...`, `$realpath_root...` and `$request_filename`, or the literal
path it starts with. The setting is what the location sends in `PHP_ADMIN_VALUE`/`PHP_VALUE`
(php-fpm applies it over the pool's own, live), else the pool's
`php_admin_value[open_basedir]`, else its `php_value` or php.ini. Each `:`-separated entry is a directory (PHP compares whole
path components: `/var/www` admits `/var/www/site`, not `/var/www2`). Reported when no
entry holds the directory and the directory holds no entry (a root above the allowed
tree still runs the scripts that lie inside it). Entries that are relative or hold a
variable or `..`, and roots with variables, are not judged. PHP compares resolved paths: a
root reached through a symlink into an allowed directory is admitted.

**Symptom**: every PHP page answers 404 "No input file specified."; php-fpm logs
`Unable to open primary script: /srv/site/index.php (Operation not permitted)`.

Bad:
```nginx
root /srv/shop/public;
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/shop.sock;
}
```
```ini
[shop]
php_admin_value[open_basedir] = /var/www/shop:/tmp
```
Good:
```ini
[shop]
php_admin_value[open_basedir] = /srv/shop:/tmp
```"#,
        fix: "Add the document root (or a directory above it) to the pool's `open_basedir`, or point nginx's `root` at the directory the pool allows.",
    },
    check: Check::Server(check),
};

/// The `alias` that applies to a location: its own, or the innermost enclosing
/// location's (nginx merges `alias` into nested locations as it merges `root`), unless a
/// `root` written further in replaces it.
/// `holders`: the server's locations that set `alias` ([`alias_holders`]).
pub(super) fn effective_alias<'s>(
    holders: &[&'s EffectiveLocation],
    location: &'s EffectiveLocation,
) -> Option<&'s Setting> {
    let holder = holders
        .iter()
        .copied()
        .filter(|l| location.is_within(l))
        .max_by_key(|l| l.span.start)?;
    let alias = holder.alias.as_deref()?;
    let root_further_in = location
        .inherited
        .get("root")
        .is_some_and(|r| holder.span.contains(r.span) && !alias.span.contains(r.span));
    (!root_further_in).then_some(alias)
}

/// The server's locations that set `alias`, read once per server: looking for them among
/// all the locations for each PHP location made a server of 32 000 PHP locations (one
/// snippet included in each) take 5 s in this rule.
pub(super) fn alias_holders(server: &Server) -> Vec<&EffectiveLocation> {
    server
        .locations
        .iter()
        .skip(1)
        .filter(|l| l.alias.is_some())
        .collect()
}

/// The directory SCRIPT_FILENAME names the scripts in, when it can be read.
fn script_dir(holders: &[&EffectiveLocation], location: &EffectiveLocation) -> Option<String> {
    let params = location.inherited.params.as_ref()?;
    let value = params.get("SCRIPT_FILENAME")?.value.as_str();
    let through_root = ["$document_root", "$realpath_root", "$request_filename"]
        .iter()
        .any(|v| value.starts_with(v));
    let dir = if through_root {
        let setting =
            effective_alias(holders, location).or_else(|| location.inherited.get("root"))?;
        setting.first().to_string()
    } else {
        // A literal directory before the first variable (`/srv/app$fastcgi_script_name`).
        let literal = value.split('$').next().unwrap_or("");
        if !value.contains('$') {
            // One fixed script: its directory.
            std::path::Path::new(literal)
                .parent()?
                .to_string_lossy()
                .into_owned()
        } else {
            literal.to_string()
        }
    };
    let dir = dir.trim_end_matches('/');
    (dir.starts_with('/') && !dir.contains('$')).then(|| dir.to_string())
}

/// The pool's `open_basedir` as PHP applies it to this location, with where it is set.
fn open_basedir(location: &EffectiveLocation, pool: PoolRef<'_>) -> Option<(String, Span)> {
    let admin = pool
        .pool
        .array("php_admin_value", "open_basedir")
        .map(|e| (e.value.to_string(), e.value_span));
    let sent = || {
        location
            .php_value_sent("open_basedir")
            .map(|(value, span, _)| (value, span))
    };
    let configured = || {
        pool.php_value("open_basedir")
            .map(|(v, span)| (v.to_string(), span))
    };
    // What nginx sends replaces the pool's admin value for open_basedir (live, php-fpm
    // 8.2: applied at the activate stage, where open_basedir takes any value).
    sent().or(admin).or_else(configured)
}

/// Whether a directory is at or below `entry` (whole path components), or above it.
fn related(dir: &str, entry: &str) -> bool {
    let entry = entry.trim_end_matches('/');
    let within = |inner: &str, outer: &str| {
        outer.is_empty()
            || inner == outer
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    within(dir, entry) || within(entry, dir)
}

/// The entries when every one can be judged: none relative, none with a variable.
fn entries(value: &str) -> Option<Vec<&str>> {
    let entries: Vec<&str> = value
        .split(':')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let judged = !entries.is_empty()
        && entries
            .iter()
            .all(|e| e.starts_with('/') && !e.contains('$') && !e.contains("/."));
    judged.then_some(entries)
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    // A set: a finding per distinct script directory, and there can be thousands.
    let mut reported: foldhash::HashSet<(String, Span)> = foldhash::HashSet::default();
    let holders = alias_holders(server);
    for location in server.fastcgi_locations() {
        // A location that serves only status pages opens no script: asked only of one
        // whose pool would make a finding (the question matches URIs against the
        // server's locations).
        let mut status_only: Option<bool> = None;
        let Some(dir) = script_dir(&holders, location) else {
            continue;
        };
        for (target, pool) in model.reached_pools(location) {
            let Some((value, at)) = open_basedir(location, pool) else {
                continue;
            };
            let Some(list) = entries(&value) else {
                continue;
            };
            if list.iter().any(|e| related(&dir, e)) {
                continue;
            }
            if *status_only.get_or_insert_with(|| model.serves_only_status_pages(server, location))
            {
                break;
            }
            if !reported.insert((dir.clone(), at)) {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    at,
                    format!(
                        "pool [{}] limits PHP to open_basedir {}, which does not include {dir}, where nginx sends the scripts from: PHP may open none of them",
                        pool.pool.name,
                        list.join(":")
                    ),
                )
                .with_related(target.pass_span, "nginx passes scripts under the document root to this pool")
                .with_help(format!("add {dir} (or a directory above it) to open_basedir"))
                .with_note("at runtime: 404 \"No input file specified.\"; php-fpm logs \"Unable to open primary script: ... (Operation not permitted)\""),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{entries, related};

    #[test]
    fn entries_are_whole_directories() {
        assert!(related("/var/www/site", "/var/www"));
        assert!(related("/var/www/site", "/var/www/"));
        assert!(related("/var/www", "/var/www/site/"));
        assert!(related("/srv", "/"));
        assert!(!related("/var/www2/site", "/var/www"));
        assert!(!related("/srv/site", "/var/www"));
    }

    #[test]
    fn relative_or_variable_entries_are_not_judged() {
        assert_eq!(entries("/srv:/tmp"), Some(vec!["/srv", "/tmp"]));
        assert_eq!(entries("/srv/:/tmp/:"), Some(vec!["/srv/", "/tmp/"]));
        assert_eq!(entries("."), None);
        assert_eq!(entries("/srv/$pool:/tmp"), None);
        assert_eq!(entries(""), None);
        assert_eq!(entries("none"), None);
        // PHP resolves `..` first.
        assert_eq!(entries("/srv/x/../shop"), None);
    }
}
