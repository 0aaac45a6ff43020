use lint_source::Diagnostic;

use crate::model::Model;
use crate::rule::Sink;

declare_rule!(
    "NGX208",
    "try-files-cycle",
    NginxFastcgi,
    Error,
    "a `try_files` fallback URI that nginx routes back into the same location",
    r#"The last argument of `try_files` is an internal redirect. When the location
that matches that URI is the one holding the `try_files` (typically because the
PHP location is missing, or does not match `/index.php`), nginx redirects in a
circle until it gives up.

**Symptom**: when the fallback file does not exist, 500 Internal Server Error
and `rewrite or internal redirection cycle while internally redirecting to
"/index.php"`; when it does, it is served as a static file — for a PHP front
controller, its source code (NGX207 says so too).

Bad:
```nginx
location / {
    try_files $uri $uri/ /index.php?$query_string;
}
# no location for .php
```
Good:
```nginx
location / {
    try_files $uri $uri/ /index.php?$query_string;
}
location ~ \.php$ {
    include snippets/fastcgi-php.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
    "Add (or fix) the location that should handle the fallback URI, usually `location ~ \\.php$`.",
    check
);

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (_, server) in model.servers() {
        for location in server.locations.iter().skip(1) {
            let Some(try_files) = &location.try_files else {
                continue;
            };
            let Some(fallback) = try_files.args.last() else {
                continue;
            };
            if !fallback.starts_with('/') || fallback.contains('$') && !fallback.contains('?') {
                continue; // =404, @named, or a variable path: not a fixed internal redirect
            }
            let uri = fallback.split('?').next().unwrap_or(fallback);
            if uri.contains('$') {
                continue;
            }
            if server
                .location_for(uri)
                .is_some_and(|target| target.span == location.span)
            {
                sink.push(
                    Diagnostic::new(&RULE.meta, try_files.span, format!("the fallback {uri} is handled by this same location again: an internal redirection cycle"))
                        .with_related(location.span, "this location matches it")
                        .with_help(format!("add a location that handles {uri} (for PHP: `location ~ \\.php$` with fastcgi_pass)"))
                        .with_note(format!("at runtime: 500 \"rewrite or internal redirection cycle while internally redirecting to \\\"{uri}\\\"\" when {uri} does not exist; its content served as a static file when it does")),
                );
            }
        }
    }
}
