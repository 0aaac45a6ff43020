use crate::rule::{Rule, Sink};
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
for the script in the other tree. Folders that hold no scripts by their nature
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
    check,
};

/// The path of a plain prefix location (no modifier: regex locations win over it).
fn plain_prefix(location: &EffectiveLocation) -> Option<&str> {
    let mut words = location.pattern.split_whitespace();
    match (words.next(), words.next()) {
        (Some(path), None) if path.starts_with('/') => Some(path),
        _ => None,
    }
}

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

fn check_server(server: &Server, tree: &crate::model::syntax::Tree<'_>, sink: &mut Sink) {
    for prefix_location in server.locations.iter().skip(1) {
        let Some(prefix) = plain_prefix(prefix_location) else {
            continue;
        };
        if holds_no_scripts(prefix) {
            continue;
        }
        let Some(root) = own_root(prefix_location) else {
            continue;
        };
        // A PHP location of its own, nested inside, runs its scripts from its root.
        let nested_php = server.locations.iter().any(|l| {
            l.fastcgi_pass.is_some() && l.span != prefix_location.span && within(l.span, prefix_location.span)
        });
        if nested_php || root.first().contains('$') {
            continue;
        }
        // An `internal` location is an X-Accel-Redirect target (Vesta's `/backup/`):
        // it holds the files an upstream hands out, not scripts.
        let internal = tree
            .named("location")
            .find(|n| tree.item(*n).span() == prefix_location.span)
            .is_some_and(|n| crate::model::syntax::is_internal_location(tree, n));
        if internal {
            continue;
        }
        let dir = if prefix.ends_with('/') {
            prefix.to_string()
        } else {
            format!("{prefix}/")
        };
        let probe = format!("{dir}x.php");
        let Some(php) = server.location_for(&probe) else {
            continue;
        };
        if php.span == prefix_location.span || php.fastcgi_pass.is_none() || php.early_return.is_some() {
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

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (nginx, tree) in model.nginx.iter().zip(model.syntax) {
        for server in &nginx.servers {
            check_server(server, tree, sink);
        }
    }
}
