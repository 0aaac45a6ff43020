use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX207",
        name: "php-served-as-source",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "a server that points requests at .php files but passes none of them to php-fpm: the source is downloaded",
        aliases: &[],
        doc: r#"A server whose `index` or `try_files` names `index.php`, but that has no
location passing `.php` requests to `fastcgi_pass`, serves PHP files as static
files: the browser downloads the source code, database passwords included.
It happens when the PHP location is lost in a refactor, or sits in an include
that this server does not include. An `index` that no directory request
reaches (every location for `/` returns, or its `try_files` never tries `$uri/`)
is not reported: a redirect-only server inherits `index index.php` harmlessly. Nor is
a server with an `include` that could not be read (NGX002, NGX005), or with a glob
`include` that matched no file (a folder an entrypoint or a derived image fills, as
`vhost.common.d/*.conf` in images that link a preset's snippets in at start): the PHP
location may be in it. A server with a PHP location is reported when the script it points at
misses it: `location ~ \.PHP$` (case-sensitive: `/index.php` never matches; live, the
source is sent), or a TLS server that passes only `wp-login.php` beside `index
index.php`. The index files count when none of them reaches php-fpm (nginx serves the
first that exists), and a PHP location that hands scripts to a named location that
passes them (`try_files /dummy.htm @php;`) passes them.

**Symptom**: 200 with the raw PHP source (or a download of `index.php`).

Bad:
```nginx
server {
    root /var/www/app;
    index index.php;
}
```
Good:
```nginx
server {
    root /var/www/app;
    index index.php;
    location ~ \.php$ { include snippets/fastcgi-php.conf; fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
}
```"#,
        fix: "Add a `location ~ \\.php$` with fastcgi_pass (or include the snippet that has it).",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    // A snippet read on its own: the PHP location may be elsewhere in its server.
    if model.is_synthetic(server) {
        return;
    }
    let passes = |l: &crate::model::EffectiveLocation| {
        l.fastcgi_pass.is_some() || l.other_pass.iter().any(|(d, _, _)| d != "grpc_pass")
    };
    let has_php_location = server.locations.iter().any(passes);
    let Some(level) = server.locations.first() else {
        return;
    };
    if level.early_return.is_some() || level.redirects_all.is_some() {
        return;
    }
    // `index` acts only where a directory's URI is served from disk: not in a
    // location that returns (a redirect server) or whose `try_files` never tries a
    // directory (`try_files $uri =404`; pothi's phpMyAdmin redirect server, live: 404).
    let serves_directories = |uri: &str| {
        server.location_for(uri).is_none_or(|l| {
            l.early_return.is_none()
                && l.redirects_all.is_none()
                && l.try_files
                    .as_ref()
                    .is_none_or(|t| t.args.iter().any(|a| a.ends_with('/')))
        })
    };
    // The `index` that applies where a directory is asked for: the server's, or the
    // one set inside `location /` (zonghay's `location / { root ...; index index.html
    // index.php; }` with no PHP location: `/` sent index.php's source).
    let index = ["/", "/any/dir/"].into_iter().find_map(|uri| {
        let at = server.location_for(uri).unwrap_or(level);
        at.inherited
            .get("index")
            .filter(|i| i.args.iter().any(|a| a.ends_with(".php")))
            .filter(|_| serves_directories(uri) && at.inherited.get("root").is_some())
    });
    let try_files = server
        .locations
        .iter()
        .filter_map(|l| l.try_files.as_ref())
        .find(|t| t.args.iter().any(|a| a.contains(".php")));
    // A server with a PHP location: judged only when the scripts it points at miss it
    // (`location ~ \.PHP$` is case-sensitive and never matches `/index.php`; live: the
    // source is sent). The index files count when none of them reaches php-fpm (nginx
    // serves the first that exists: Symfony's `index ... index.php app_dev.php` runs
    // app_dev.php), the `try_files` fallback always.
    // Only for a server whose PHP is a regex location of its own (not one nested under
    // a path, not a proxied `/api/`): those serve a part of the site, and whether the
    // root holds an index.php is not known.
    // (A regex anchored to a path, `~ ^/app/.+\.php$`, serves that part of the site
    // only: not judged either.)
    let server_level_regex = server.locations.iter().skip(1).any(|l| {
        let regex = l.pattern.trim_start_matches(['~', '*']).trim_start();
        passes(l)
            && l.pattern.starts_with('~')
            && !regex.starts_with("^/")
            && !server
                .locations
                .iter()
                .skip(1)
                .any(|o| o.span != l.span && l.is_within(o))
    });
    if has_php_location && !server_level_regex {
        return;
    }
    let missed = if has_php_location {
        let hands_on = |l: &crate::model::EffectiveLocation| {
            // ISPConfig's `try_files /php-fpm-dummy.htm @php;`: a named location passes.
            l.try_files
                .as_ref()
                .and_then(|t| t.args.last())
                .filter(|a| a.starts_with('@'))
                .is_some_and(|name| {
                    server
                        .locations
                        .iter()
                        .any(|n| n.pattern.trim() == name.as_str() && passes(n))
                })
        };
        // A regex location that catches the script first is NGX224's.
        let reaches = |uri: &str| {
            server
                .location_for(uri)
                .is_some_and(|l| passes(l) || hands_on(l) || l.pattern.starts_with('~'))
        };
        let listed: Vec<String> = index
            .into_iter()
            .flat_map(|i| i.args.iter())
            .filter(|a| a.ends_with(".php") && !a.contains(['$', '/']))
            .map(|a| format!("/{a}"))
            .collect();
        let from_index = if listed.iter().any(|u| reaches(u)) {
            None
        } else {
            listed
                .into_iter()
                .next()
                .map(|u| (u, index.map(|i| i.span)))
        };
        let fallback = try_files.and_then(|t| {
            let last = t.args.last()?;
            let uri = last.split('?').next().unwrap_or(last);
            (uri.starts_with('/') && uri.ends_with(".php") && !uri.contains('$') && !reaches(uri))
                .then(|| (uri.to_string(), Some(t.span)))
        });
        match from_index.or(fallback) {
            Some((uri, Some(span))) => Some((uri, span)),
            _ => return,
        }
    } else {
        None
    };
    let Some(span) = missed
        .as_ref()
        .map(|(_, s)| *s)
        .or(index.map(|i| i.span))
        .or(try_files
            .filter(|_| level.inherited.get("root").is_some())
            .map(|t| t.span))
    else {
        return;
    };
    // The PHP location may be in an include that could not be read (the WordPress
    // handbook's site includes global/wordpress.conf, which holds it).
    if model.unresolved_include_within(server.span) {
        return;
    }
    // Nor may it be known absent when a glob include of the server matched nothing: an
    // entrypoint or a derived image fills that folder (spaceonfire's image links its
    // preset's `vhost.common.d/20-php.conf` in at start; the build leaves it empty).
    if model.empty_glob_include_within(server.span) {
        return;
    }
    let message = match &missed {
        Some((uri, _)) => format!("requests are pointed at `{uri}`, but no location that passes to php-fpm matches it: its source is sent"),
        None => "requests are pointed at .php files, but no location of this server passes them to php-fpm".to_string(),
    };
    sink.push(
        Diagnostic::new(&RULE.meta, span, message)
            .with_related(server.span, "server")
            .with_help(
                "add `location ~ \\.php$ { include snippets/fastcgi-php.conf; fastcgi_pass ...; }`",
            )
            .with_note("at runtime: 200 with the PHP source code"),
    );
}
