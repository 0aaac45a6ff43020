use crate::model::{EffectiveLocation, Model, NginxModel, PoolRef, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use super::x032_open_basedir_excludes_docroot::{alias_holders, effective_alias};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X034",
        name: "doc-root-not-document-root",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "PHP's `doc_root` is set to another directory than nginx's `root`: php-fpm opens `doc_root` + SCRIPT_NAME, not SCRIPT_FILENAME, and finds no script",
        aliases: &[],
        doc: r#"When PHP's `doc_root` is set, php-fpm does not run the file SCRIPT_FILENAME
names: it runs `doc_root` followed by the SCRIPT_NAME nginx sends (`$fastcgi_script_name`
in `fastcgi_params`). The setting sounds like "the document root", and a `doc_root =
/var/www` in php.ini, or a pool's `php_admin_value[doc_root]` pointing at the parent
of the site (or at the site of the pool the file was copied from), makes every script
missing, while php-fpm's log names the right file and says it does not exist (live,
nginx 1.22.1 + php-fpm 8.2: `doc_root` set to the parent of `root`, or to another
directory, 404 for every script; set to `root` itself, or not set, 200).

Reported for a location that sends `SCRIPT_NAME $fastcgi_script_name` and builds
SCRIPT_FILENAME from its `root` (`$document_root$fastcgi_script_name`,
`$realpath_root$fastcgi_script_name`, `$request_filename`) or from a literal directory
(`/srv/app$fastcgi_script_name`), when `doc_root` is another directory. The value is
what the location sends in `PHP_ADMIN_VALUE`/`PHP_VALUE`, else the pool's
`php_admin_value[doc_root]`, else its `php_value` or php.ini (php-fpm applies each of
them, live). An empty `doc_root` (Debian's php.ini) is PHP's default: unset. Not judged:
locations under `alias` (SCRIPT_NAME is then the URI, not a path under any one
directory), a location that sends no SCRIPT_NAME (php-fpm then opens SCRIPT_FILENAME,
live), values or roots holding variables, and chrooted pools.

**Symptom**: every PHP page answers 404 "No input file specified."; php-fpm logs
`Unable to open primary script: /srv/site/public/index.php (No such file or
directory)` although that file exists.

Bad:
```nginx
root /var/www/shop/public;
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/shop.sock;
}
```
```ini
[shop]
php_admin_value[doc_root] = /var/www/shop
```
Good:
```ini
[shop]
; leave doc_root unset (or set it to nginx's root exactly)
php_admin_value[open_basedir] = /var/www/shop:/tmp
```"#,
        fix: "Remove the `doc_root` setting (nginx's SCRIPT_FILENAME already names the script), or set it to nginx's `root` exactly.",
    },
    check: Check::Server(check),
};

/// The directory php-fpm would need `doc_root` to be: the directory SCRIPT_FILENAME
/// puts in front of `$fastcgi_script_name`, when SCRIPT_NAME is `$fastcgi_script_name`.
fn expected_dir(holders: &[&EffectiveLocation], location: &EffectiveLocation) -> Option<String> {
    let params = location.inherited.params.as_ref()?;
    if params.get("SCRIPT_NAME")?.value != "$fastcgi_script_name" {
        return None;
    }
    if effective_alias(holders, location).is_some() {
        return None;
    }
    let value = params.get("SCRIPT_FILENAME")?.value.as_str();
    let through_root = [
        "$document_root$fastcgi_script_name",
        "$realpath_root$fastcgi_script_name",
        "$request_filename",
    ]
    .contains(&value);
    let dir = if through_root {
        location.inherited.get("root")?.first().to_string()
    } else {
        value.strip_suffix("$fastcgi_script_name")?.to_string()
    };
    let dir = dir.trim_end_matches('/');
    (dir.starts_with('/') && !dir.contains('$')).then(|| dir.to_string())
}

/// `doc_root` as PHP applies it to this location, with where it is set.
fn doc_root(location: &EffectiveLocation, pool: PoolRef<'_>) -> Option<(String, Span)> {
    let sent = location
        .php_value_sent("doc_root")
        .map(|(value, span, _)| (value, span));
    let admin = || {
        pool.pool
            .array("php_admin_value", "doc_root")
            .map(|e| (e.value.to_string(), e.value_span))
    };
    let configured = || {
        pool.php_value("doc_root")
            .map(|(v, span)| (v.to_string(), span))
    };
    sent.or_else(admin).or_else(configured)
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let mut reported: foldhash::HashSet<(String, Span)> = foldhash::HashSet::default();
    let holders = alias_holders(server);
    for location in server.fastcgi_locations() {
        // A location that serves only status pages opens no script: asked only of one
        // whose pool would make a finding (the question matches URIs against the
        // server's locations).
        let mut status_only: Option<bool> = None;
        let Some(dir) = expected_dir(&holders, location) else {
            continue;
        };
        for (target, pool) in model.reached_pools(location) {
            if pool
                .pool
                .get("chroot")
                .is_some_and(|c| !c.value.trim().is_empty())
            {
                continue;
            }
            let Some((value, at)) = doc_root(location, pool) else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            // Empty is PHP's default (unset); relative or variable values are not judged.
            if !value.starts_with('/') || value.contains('$') || value.contains("/.") {
                continue;
            }
            let set = value.trim_end_matches('/');
            if set == dir {
                continue;
            }
            if *status_only.get_or_insert_with(|| model.serves_only_status_pages(server, location))
            {
                break;
            }
            if !reported.insert((dir.clone(), at)) {
                continue;
            }
            let shown = if set.is_empty() { "/" } else { set };
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    at,
                    format!(
                        "pool [{}] sets doc_root {shown}: php-fpm opens {shown} + SCRIPT_NAME, not the scripts nginx sends from {dir}",
                        pool.pool.name
                    ),
                )
                .with_related(target.pass_span, "nginx passes scripts under its root to this pool")
                .with_help(format!("remove doc_root, or set it to {dir}"))
                .with_note("at runtime: 404 \"No input file specified.\"; php-fpm logs \"Unable to open primary script: ... (No such file or directory)\" for a file that exists"),
            );
        }
    }
}
