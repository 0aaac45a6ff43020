use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::nginx::{NginxModel, Server};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX295",
        name: "alias-fallback-prefix-stripped",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "`try_files` in an `alias` location falls back to a URI with variables that starts with the location's prefix: nginx cuts the prefix off (its ticket #97), and the redirect goes to another script or none",
        aliases: &[],
        doc: r#"In a prefix location with `alias`, `try_files` removes the location's prefix from
every argument that contains variables and starts with that prefix, so that `$uri`
(`/app/css/site.css`) is looked up under the alias (`css/site.css`). nginx does it to
the last argument too, the fallback URI, although that one is not a file name but the
URI of an internal redirect: a long-standing nginx bug (trac ticket #97, "try_files
and alias problems"). The fallback of an app in a subfolder,
`try_files $uri $uri/ /app/index.php?$query_string;`, becomes the redirect to
`index.php?...` (with `location /app/`: no leading slash, a URI no prefix location
takes and whose file is the root joined to `index.php` without a slash) or to
`/index.php?...` (with `location /app`: the front controller of the server's root, a
different application, or none). A fallback without variables (`/app/index.php`) is
left alone, and so is one that does not start with the prefix.

Live, nginx 1.22.1 + php-fpm 8.2: `location /app/ { alias /srv/app/public/;
try_files $uri $uri/ /app/index.php?$query_string; location ~ \.php$ { ...
SCRIPT_FILENAME $request_filename; } }` answers `/app/some/route` with 404 ("Primary
script unknown": the server's `location ~ \.php$` took `index.php` and asked for
`<root>index.php`); with `location /app` and `alias /srv/app/public`, the server root's
own `/index.php` ran. `/app/index.php` itself works, which hides the fault until a
pretty URL is tried.

**Symptom**: every URL of the subfolder app that is not a file answers 404 "File not
found." (nginx logs `FastCGI sent in stderr: "Primary script unknown"`) or the page of
the site at the root; `/app/` and `/app/index.php` work.

Bad:
```nginx
location /app/ {
    alias /srv/app/public/;
    try_files $uri $uri/ /app/index.php?$query_string;
    location ~ \.php$ {
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $request_filename;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```
Good (a named location takes the fallback; nothing is cut off its name):
```nginx
location /app/ {
    alias /srv/app/public/;
    try_files $uri $uri/ @app;
    location ~ \.php$ { ... }
}
location @app {
    rewrite ^ /app/index.php last;
}
```
The other known workaround writes the prefix twice, so that what remains after the cut
is the right URI: `try_files $uri $uri/ /app//app/index.php?$query_string;`."#,
        fix: "Fall back to a named location that rewrites to the app's front controller (`try_files $uri $uri/ @app;` and `location @app { rewrite ^ /app/index.php last; }`).",
    },
    check: Check::Server(check),
};

/// The URI of a prefix (or exact) location, `None` for regex and named ones: nginx cuts
/// only those (a regex location with `alias` keeps its arguments as they are).
fn prefix_of(pattern: &str) -> Option<&str> {
    let mut words = pattern.split_whitespace();
    let first = words.next()?;
    let uri = match first {
        "^~" | "=" => words.next()?,
        _ => first,
    };
    (uri.starts_with('/') && words.next().is_none()).then_some(uri)
}

fn check(_model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.locations.iter().skip(1) {
        let (Some(alias), Some(try_files)) = (&location.alias, &location.try_files) else {
            continue;
        };
        let Some(prefix) = prefix_of(&location.pattern) else {
            continue;
        };
        let Some(fallback) = try_files.args.last().filter(|_| try_files.args.len() > 1) else {
            continue;
        };
        // Only an argument with variables is cut, and only when it starts with the prefix.
        if !fallback.contains('$') || !fallback.starts_with(prefix) {
            continue;
        }
        // The URI part (before `?` and before `$is_args`), and what remains of it.
        let script = fallback
            .split('?')
            .next()
            .and_then(|s| s.split("$is_args").next())
            .unwrap_or(fallback);
        let Some(uri) = script.get(prefix.len()..) else {
            continue;
        };
        if uri.is_empty() || uri.contains('$') {
            continue; // `/app/$uri`-like: what remains is not known
        }
        // The known workaround writes the prefix twice (`/app//app/index.php?$args`): what
        // remains is the app's URI.
        if uri.starts_with(prefix) {
            continue;
        }
        let target = server.location_for(uri);
        let lands = match target {
            Some(l) if l.span == location.span => "this same location".to_string(),
            Some(l) => format!("`location {}`", l.pattern),
            None => "no location".to_string(),
        };
        let (what, outcome) = if uri.starts_with('/') {
            (
                format!("`{uri}`, the server root's script rather than the one under `{}`", alias.first()),
                "another application's page, or 404 \"File not found.\" when the root has no such script",
            )
        } else {
            (
                format!("`{uri}`, a URI without its leading slash"),
                "404 \"File not found.\" (php-fpm logs \"Primary script unknown\": the script path is the root joined to the URI without a slash)",
            )
        };
        let mut d = Diagnostic::new(
            &RULE.meta,
            try_files.span,
            format!(
                "in this `alias` location nginx cuts `{prefix}` off the fallback `{fallback}` (it has variables, nginx ticket #97): requests that are no file are redirected to {what}, which {lands} takes"
            ),
        )
        .with_label("the fallback loses its prefix")
        .with_related(alias.span, "alias of the location");
        if let Some(l) = target.filter(|l| l.span != location.span) {
            d = d.with_related(l.span, format!("`{uri}` is handled here"));
        }
        sink.push(
            d.with_help(format!(
                "fall back to a named location: `try_files ... @app;` with `location @app {{ rewrite ^ {script} last; }}` (the query string is kept)"
            ))
            .with_note(format!("at runtime: {outcome}; `{prefix}` itself and direct script URLs still work")),
        );
    }
}
