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
a server with an `include` that could not be read (NGX002, NGX005): the PHP location
may be in it.

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
    if server
        .locations
        .iter()
        .any(|l| l.fastcgi_pass.is_some() || l.other_pass.iter().any(|(d, _, _)| d != "grpc_pass"))
    {
        return;
    }
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
    let Some(span) = index.map(|i| i.span).or(try_files
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
    sink.push(
        Diagnostic::new(&RULE.meta, span, "requests are pointed at .php files, but no location of this server passes them to php-fpm")
            .with_related(server.span, "server")
            .with_help("add `location ~ \\.php$ { include snippets/fastcgi-php.conf; fastcgi_pass ...; }`")
            .with_note("at runtime: 200 with the PHP source code"),
    );
}
