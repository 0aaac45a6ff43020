use crate::model::syntax::Tree;
use crate::model::NginxModel;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::nginx::{EffectiveLocation, Server};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX210",
        name: "prefix-root-lost-to-php-regex",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a prefix location sets its own `root` (or `alias`), but its `.php` URIs go to a regex PHP location with another root",
        aliases: &[],
        doc: r#"nginx picks a regex location over a plain prefix one: `location /wp-content {
root /var/www; }` serves the directory's images and styles from `/var/www`, but
`/wp-content/plugins/x/ajax.php` matches `location ~ \.php$` instead, whose root is
the server's. `try_files $uri =404` (or php-fpm, through `$document_root`) then looks
for the script in the other tree. Judged for a prefix location at the server's top level
with no locations inside (nginx searches nested regexes first), and a PHP location that
finds its script through the root (`try_files`, `$document_root`, `$request_filename`).
The same holds for a prefix location with its own `alias` (`location /app/ { alias
/srv/app/public/; }`, the usual way to mount a second application under a path): its
scripts go to the server's PHP location, which looks for `/app/index.php` under the
server's root (`$document_root$fastcgi_script_name` is `<server root>/app/index.php`),
not in `/srv/app/public/` (live, nginx 1.22.1: 404 "File not found." and `Primary script
unknown`). An aliased folder is judged when it says it holds scripts: its own `index`
or `try_files` names a `.php` file, it mounts a known PHP application (`/phpmyadmin`,
`/roundcube`...), or, with `--root`, its directory holds `index.php` (a panel's
`/vstats/` statistics pages are static). Not reported when the server's root plus the
prefix is the alias itself.
`location /` is not reported when the PHP location sets an absolute `root` of its own:
every URI is under `/`, so that root is where the scripts were meant to be (static pages
from /usr/share/nginx/html, scripts in the php-fpm container's /var/www/html). The stock
example's relative `root html;` in the PHP location is still reported.
Folders that hold no scripts by their nature
(`/.well-known/acme-challenge/`, `/static/`, `/assets/`, `/images/`, `/uploads/`...)
are not reported.

**Symptom**: 404 for every script under the prefix while its static files load
(php-fpm logs `Primary script unknown` when nothing checks the file first); scripts
that also exist under the server's root run the stale copy there instead
(TrafeX/docker-wordpress: plugins installed after the image was built; live,
nginx 1.22.1: the plugin's `.css` 200, its `.php` 404).
With `alias`: the application under the prefix answers its pages and assets, every
script 404.

Bad:
```nginx
root /usr/src/wordpress;
location /wp-content {
    root /var/www;
}
location ~ \.php$ {
    try_files $uri =404;
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
root /usr/src/wordpress;
location ^~ /wp-content {
    root /var/www;
    location ~ \.php$ {
        try_files $uri =404;
        include fastcgi.conf;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
location ~ \.php$ {
    try_files $uri =404;
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
With `alias`, the nested PHP location names the script through `$request_filename`
(the alias plus the rest of the URI):
```nginx
location ^~ /app/ {
    alias /srv/app/public/;
    location ~ \.php$ {
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $request_filename;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```"#,
        fix: "Make the prefix location `^~` and give it a nested PHP location (its scripts then run from its root; with `alias`, `SCRIPT_FILENAME $request_filename`), or set the same root in both.",
    },
    check: Check::Server(check),
};

/// Folders that hold no scripts by their nature: ACME challenges, static assets, error
/// pages, uploads (where a script must not run: SEC053). laradock's
/// `location /.well-known/acme-challenge/ { root /var/www/letsencrypt/; }` beside
/// `location ~ \.php$` is how certbot's webroot is served, not a lost application.
const STATIC_FOLDERS: &[&str] = &[
    ".well-known",
    "acme-challenge",
    "static",
    "assets",
    "images",
    "img",
    "media",
    "css",
    "js",
    "fonts",
    "uploads",
    "downloads",
    "errors",
    "error",
    "letsencrypt",
    // CGI programs (ISPConfig's apps vhost: `location /cgi-bin/mailman { root /usr/lib/;
    // fastcgi_pass unix:/var/run/fcgiwrap.socket; }`), run by fcgiwrap, not PHP.
    "cgi-bin",
];

fn holds_no_scripts(prefix: &str) -> bool {
    // A file's location (`location /favicon.ico { alias ...; }`), not a folder's.
    let last = prefix
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    if last.contains('.') && !prefix.ends_with('/') {
        return true;
    }
    prefix
        .split('/')
        .any(|segment| STATIC_FOLDERS.contains(&segment.to_ascii_lowercase().as_str()))
}

/// The location's own `root` (written inside it, not inherited).
fn own_root(location: &EffectiveLocation) -> Option<&crate::model::nginx::Setting> {
    location
        .inherited
        .get("root")
        .filter(|r| location.span.contains(r.span))
}

/// The location's own `alias` (only a location's own: `alias` is not inherited).
fn own_alias(location: &EffectiveLocation) -> Option<&crate::model::nginx::Setting> {
    location
        .alias
        .as_deref()
        .filter(|a| location.span.contains(a.span))
}

/// Where the prefix location reads its files: its own `root` (the URI appended) or its
/// own `alias` (the prefix replaced).
enum Mapping<'s> {
    Root(&'s crate::model::nginx::Setting),
    Alias(&'s crate::model::nginx::Setting),
}

/// PHP applications that are mounted under a path with `alias` (Debian's and Ubuntu's
/// packages install them outside the site's root).
const SCRIPT_APPS: &[&str] = &[
    "phpmyadmin",
    "phppgadmin",
    "adminer",
    "roundcube",
    "roundcubemail",
    "nextcloud",
    "owncloud",
];

/// Most aliased folders are static (a panel's `/vstats/` statistics pages, shared
/// assets): an alias is judged when it says it holds scripts. Its own `index` or
/// `try_files` names a `.php` file, it mounts a known PHP application, or (`--root`)
/// its directory holds `index.php`.
fn alias_holds_scripts(
    model: &Model<'_>,
    location: &EffectiveLocation,
    alias: &crate::model::nginx::Setting,
    prefix: &str,
) -> bool {
    let php = |a: &String| {
        a.split('?')
            .next()
            .unwrap_or(a)
            .to_ascii_lowercase()
            .ends_with(".php")
    };
    let own_index = location
        .inherited
        .get("index")
        .filter(|i| location.span.contains(i.span))
        .is_some_and(|i| i.args.iter().any(php));
    let tries_script = location
        .try_files
        .as_ref()
        .is_some_and(|t| t.args.iter().any(php));
    let app = prefix
        .split('/')
        .any(|s| SCRIPT_APPS.contains(&s.to_ascii_lowercase().as_str()));
    let on_disk = alias_index(alias).is_some_and(|p| {
        matches!(model.filesystem.get(&p), crate::model::filesystem::Probe::Present(f) if !f.is_dir)
    });
    own_index || tries_script || app || on_disk
}

/// The `index.php` of an alias's directory, asked of the disk under `--root`.
pub(crate) fn alias_index(alias: &crate::model::nginx::Setting) -> Option<std::path::PathBuf> {
    let dir = alias.first();
    (dir.starts_with('/') && !dir.contains('$'))
        .then(|| std::path::Path::new(dir).join("index.php"))
}

/// True when the PHP location finds its script through `root`: a `try_files` (its
/// paths are under the root), or a SCRIPT_FILENAME built from `$document_root` or
/// `$request_filename`. A hard-coded path (`/var/www/html$fastcgi_script_name`) does not
/// move with the root.
fn reads_root(php: &EffectiveLocation) -> bool {
    php.try_files.is_some()
        || php
            .inherited
            .params
            .as_ref()
            .and_then(|list| list.get("SCRIPT_FILENAME"))
            .is_some_and(|p| {
                p.value.contains("$document_root") || p.value.contains("$request_filename")
            })
}

fn check_server(model: &Model<'_>, server: &Server, tree: &Tree<'_>, sink: &mut Sink) {
    for prefix_location in server.locations.iter().skip(1) {
        let Some(prefix) = prefix_location.plain_prefix() else {
            continue;
        };
        if holds_no_scripts(prefix) {
            continue;
        }
        let mapping = match (own_alias(prefix_location), own_root(prefix_location)) {
            (Some(alias), _) => Mapping::Alias(alias),
            (None, Some(root)) => Mapping::Root(root),
            (None, None) => continue,
        };
        let (Mapping::Alias(root) | Mapping::Root(root)) = mapping;
        // Only a location at the server's top level, with no location of its own inside:
        // nginx searches the regexes nested in the matched prefix first (a nested PHP
        // location runs its scripts from its root, a nested `deny` wins), and none of the
        // server's regexes below a `^~` parent. A nested layout is not judged here.
        let nested_in = |l: &EffectiveLocation| {
            server
                .locations
                .iter()
                .skip(1)
                .any(|o| o.span != l.span && l.is_within(o))
        };
        let holds_locations = server
            .locations
            .iter()
            .skip(1)
            .any(|l| l.span != prefix_location.span && l.is_within(prefix_location));
        if holds_locations || nested_in(prefix_location) || root.first().contains('$') {
            continue;
        }
        // An `internal` location is an X-Accel-Redirect target (Vesta's `/backup/`):
        // it holds the files an upstream hands out, not scripts.
        let internal = tree
            .locations_at(prefix_location.span)
            .next()
            .is_some_and(|n| crate::model::syntax::is_internal_location(tree, n));
        if internal {
            continue;
        }
        let Some((probe, php)) = server.script_location_under(prefix) else {
            continue;
        };
        if php.span == prefix_location.span
            || php.fastcgi_pass.is_none()
            || php.early_return.is_some()
            || nested_in(php)
            || !reads_root(php)
        {
            continue;
        }
        let Some(php_root) = php.inherited.get("root") else {
            continue;
        };
        let trim = |r: &str| r.trim_end_matches('/').to_string();
        if php_root.first().contains('$') || php.alias.is_some() {
            continue;
        }
        // `location /` covers every URI: a PHP location with an absolute `root` of its
        // own names where all the scripts are, and none is lost from a tree below it.
        // The stock `default.conf` with its PHP example enabled serves static pages from
        // /usr/share/nginx/html and sends scripts to another container's /var/www/html
        // (ContainerSolutions/php-k8s). Still reported: the server's root inherited
        // (`root` inside `location /`, nginx's known pitfall), and the example's relative
        // `root html;` left beside an absolute static root (the prefix's html/ is another
        // folder).
        if prefix == "/" && php.span.contains(php_root.span) && php_root.first().starts_with('/') {
            continue;
        }
        // Where the PHP location looks for the prefix's scripts, against where the
        // prefix location keeps its files: the same root, or (for an alias) the server's
        // root plus the prefix naming the alias's directory.
        let same = match mapping {
            Mapping::Root(_) => trim(php_root.first()) == trim(root.first()),
            Mapping::Alias(_) => {
                format!("{}/{}", trim(php_root.first()), prefix.trim_matches('/'))
                    == trim(root.first())
            }
        };
        if same {
            continue;
        }
        if let Mapping::Alias(alias) = mapping {
            if !alias_holds_scripts(model, prefix_location, alias, prefix) {
                continue;
            }
            let looked = format!("{}/{}", trim(php_root.first()), prefix.trim_matches('/'));
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    alias.span,
                    format!(
                        "`{probe}` goes to the PHP location, whose root is {}: scripts under {prefix} are looked for in {looked}/, not in {}",
                        php_root.first(),
                        alias.first()
                    ),
                )
                .with_related(php.span, "a regex location wins over the plain prefix one")
                .with_help(format!(
                    "make it `location ^~ {prefix}` with a nested PHP location that sends `SCRIPT_FILENAME $request_filename`"
                ))
                .with_note("at runtime: 404 for the scripts under the prefix (php-fpm: `Primary script unknown`)"),
            );
            continue;
        }
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                root.span,
                format!(
                    "`{probe}` goes to the PHP location, whose root is {}: scripts under {prefix} are looked for there, not in {}",
                    php_root.first(),
                    root.first()
                ),
            )
            .with_related(php.span, "a regex location wins over the plain prefix one")
            .with_help(format!(
                "make it `location ^~ {prefix}` with a nested PHP location, or use the same root in both"
            ))
            .with_note("at runtime: 404 for the scripts under the prefix (php-fpm: `Primary script unknown`)"),
        );
    }
}

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    if let Some(tree) = model.syntax_of(nginx) {
        check_server(model, server, tree, sink);
    }
}
