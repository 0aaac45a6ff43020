use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX213",
        name: "try-files-serves-php-source",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "a `.php` file that is not the last `try_files` parameter is served as a static file",
        aliases: &[],
        doc: r#"`try_files` serves the first file that exists *in the current location*; only its
last parameter is an internal redirect, matched against the locations again. A
`.php` file named before the last parameter, in a location that passes nothing to
php-fpm, is therefore sent as it is: its source code, database passwords included.
Symfony 2/3's old layout did this with `try_files $uri /app.php$is_args$args
/app_dev.php$is_args$args;` in `location /`, and extensionless URLs with
`try_files $uri $uri.php /index.php$is_args$args;`.

**Symptom**: any URL that is not a file (`/`, `/login`) answers 200 with the PHP
source of the script (`Content-Type: text/plain` or a download).

Bad:
```nginx
location / {
    try_files $uri /app.php$is_args$args /app_dev.php$is_args$args;
}
location ~ \.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
```
Good:
```nginx
location / {
    try_files $uri /app.php$is_args$args;
}
location ~ \.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
```
A location that passes to php-fpm itself (`try_files $uri /index.php =404;` beside
its `fastcgi_pass`) runs the script rather than serving it, and is not reported;
nor is `/index.php?$query_string` before the last parameter: only the last one is
split at `?`, so that name, `?` included, is never a file."#,
        fix: "Make the script the last `try_files` parameter, or end with a named location that passes it (`@php`).",
    },
    check: Check::Server(check),
};

fn check(_model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in &server.locations {
        let Some(try_files) = &location.try_files else {
            continue;
        };
        // A location whose content is a pass (or a return) sends the file found to
        // that handler, not to the static one.
        if !location.serves_files() {
            continue;
        }
        let Some((_, tried)) = try_files.args.split_last() else {
            continue;
        };
        let Some(script) = tried.iter().find(|a| names_php_file(a)) else {
            continue;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                try_files.span,
                format!("`{script}` is not the last try_files parameter: found, it is sent from this location, which passes nothing to php-fpm"),
            )
            .with_label("only the last parameter is an internal redirect to the PHP location")
            .with_help("make the script the last parameter (`try_files $uri /index.php$is_args$args;`), or end with a named location that passes it")
            .with_note("at runtime: 200 with the PHP source code"),
        );
    }
}

/// `/app.php$is_args$args` (the file itself when the request has no query string),
/// `$uri.php`: a file whose name ends in `.php`. A literal `?` stays in the name of a
/// parameter before the last (only the last one is split into path and arguments), so
/// `/index.php?$query_string` there names a file that never exists (live: 404, while
/// `$is_args$args` sent the source).
fn names_php_file(arg: &str) -> bool {
    if arg.contains('?') {
        return false;
    }
    let path = arg.split("$is_args").next().unwrap_or(arg);
    path.to_ascii_lowercase().ends_with(".php")
}
