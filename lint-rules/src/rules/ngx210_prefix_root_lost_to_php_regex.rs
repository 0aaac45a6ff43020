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
        summary: "a prefix location sets its own `root`, but its `.php` URIs go to a regex PHP location with another root",
        aliases: &[],
        doc: r#"nginx picks a regex location over a plain prefix one: `location /wp-content {
root /var/www; }` serves the directory's images and styles from `/var/www`, but
`/wp-content/plugins/x/ajax.php` matches `location ~ \.php$` instead, whose root is
the server's. `try_files $uri =404` (or php-fpm, through `$document_root`) then looks
for the script in the other tree. Judged for a prefix location at the server's top level
with no locations inside (nginx searches nested regexes first), and a PHP location that
finds its script through the root (`try_files`, `$document_root`, `$request_filename`).
Folders that hold no scripts by their nature
(`/.well-known/acme-challenge/`, `/static/`, `/assets/`, `/images/`, `/uploads/`...)
are not reported.

**Symptom**: 404 for every script under the prefix while its static files load
(php-fpm logs `Primary script unknown` when nothing checks the file first); scripts
that also exist under the server's root run the stale copy there instead
(TrafeX/docker-wordpress: plugins installed after the image was built; live,
nginx 1.22.1: the plugin's `.css` 200, its `.php` 404).

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
```"#,
        fix: "Make the prefix location `^~` and give it a nested PHP location (its scripts then run from its root), or set the same root in both.",
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
    prefix
        .split('/')
        .any(|segment| STATIC_FOLDERS.contains(&segment.to_ascii_lowercase().as_str()))
}

fn within(inner: lint_source::Span, outer: lint_source::Span) -> bool {
    inner.file == outer.file && inner.start >= outer.start && inner.end <= outer.end
}

/// The location's own `root` (written inside it, not inherited).
fn own_root(location: &EffectiveLocation) -> Option<&crate::model::nginx::Setting> {
    location
        .inherited
        .get("root")
        .filter(|r| within(r.span, location.span))
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

fn check_server(server: &Server, tree: &Tree<'_>, sink: &mut Sink) {
    for prefix_location in server.locations.iter().skip(1) {
        let Some(prefix) = prefix_location.plain_prefix() else {
            continue;
        };
        if holds_no_scripts(prefix) {
            continue;
        }
        let Some(root) = own_root(prefix_location) else {
            continue;
        };
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
        if trim(php_root.first()) == trim(root.first()) || php_root.first().contains('$') {
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
        check_server(server, tree, sink);
    }
}
