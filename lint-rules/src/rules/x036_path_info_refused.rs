use crate::model::{Model, NginxModel, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X036",
        name: "path-info-refused",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "URLs with path info (`/index.php/route`) reach a PHP location that does not split them, and the pool sets `cgi.fix_pathinfo = 0`: php-fpm refuses them (403)",
        aliases: &[],
        doc: r#"A PHP location written to take path info (`~ ^/index\.php(/|$)`, `~ \.php(/|$)`, the
front-controller blocks of many guides) but without `fastcgi_split_path_info` sends the whole
URI as the script: SCRIPT_FILENAME `/srv/app/public/index.php/route`. PHP's default
`cgi.fix_pathinfo = 1` walks back to `index.php` and runs it; the old hardening advice
`cgi.fix_pathinfo = 0` turns that off, and php-fpm then refuses the file name, whose
extension is not `.php` (live, nginx 1.22.1 + php-fpm 8.2: `/index.php/foo/bar` answers
403 "Access denied." with `php_admin_value[cgi.fix_pathinfo] = 0`, 200 with the default
or with `fastcgi_split_path_info ^(.+?\.php)(/.*)$;` in the location).

Reported for a location with `fastcgi_pass` that nginx picks for `/index.php/x` (or
`/app.php/x`) when it has no `fastcgi_split_path_info` and no `try_files`, builds
SCRIPT_FILENAME from the URI (`$fastcgi_script_name`, `$request_filename`, `$uri`), and
reaches a pool whose `cgi.fix_pathinfo` (the pool's `php_admin_value`/`php_value`, else
php.ini) is 0.

**Symptom**: every URL with path info answers 403 "Access denied."; nginx logs
`FastCGI sent in stderr: "Access to the script '/srv/app/public/index.php/foo/bar' has
been denied (see security.limit_extensions)"`.

Bad:
```nginx
location ~ ^/index\.php(/|$) {
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
```ini
php_admin_value[cgi.fix_pathinfo] = 0
```
Good:
```nginx
location ~ ^/index\.php(/|$) {
    fastcgi_split_path_info ^(.+?\.php)(/.*)$;
    include fastcgi.conf;
    fastcgi_param PATH_INFO $fastcgi_path_info;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Add `fastcgi_split_path_info ^(.+?\\.php)(/.*)$;` (and `fastcgi_param PATH_INFO $fastcgi_path_info;`) to the location.",
    },
    check: Check::Server(check),
};

/// Front controllers whose path-info URLs are tried.
const SCRIPTS: &[&str] = &["/index.php", "/app.php"];

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let mut reported: foldhash::HashSet<(Span, Span)> = foldhash::HashSet::default();
    for location in server.fastcgi_locations() {
        if location.split_path_info.is_some() || location.try_files.is_some() {
            continue;
        }
        let Some(uri) = SCRIPTS.iter().map(|s| format!("{s}/x")).find(|u| {
            server
                .location_for(u)
                .is_some_and(|l| std::ptr::eq(l, location))
        }) else {
            continue;
        };
        let Some(sf) = location.inherited.param("SCRIPT_FILENAME") else {
            continue;
        };
        let from_uri = ["$fastcgi_script_name", "$request_filename", "$uri"]
            .iter()
            .any(|v| sf.value.contains(v));
        if !from_uri {
            continue;
        }
        for (target, pool) in model.reached_pools(location) {
            let Some((value, at)) = pool.php_value("cgi.fix_pathinfo") else {
                continue;
            };
            if value.trim() != "0" || !reported.insert((location.span, at)) {
                continue;
            }
            let script = uri.trim_end_matches("/x");
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    location.span,
                    format!(
                        "{uri} reaches this location, which does not split path info, and pool [{}] sets cgi.fix_pathinfo = 0: php-fpm refuses {script}/x as a script",
                        pool.pool.name
                    ),
                )
                .with_related(at, "cgi.fix_pathinfo = 0")
                .with_related(target.pass_span, "the pool")
                .with_help("add `fastcgi_split_path_info ^(.+?\\.php)(/.*)$;` and `fastcgi_param PATH_INFO $fastcgi_path_info;` to the location")
                .with_note("at runtime: 403 \"Access denied.\", \"Access to the script '...' has been denied (see security.limit_extensions)\" in nginx's error log"),
            );
        }
    }
}
