use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use crate::model::nginx::{EffectiveLocation, NginxModel, Server};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX298",
        name: "named-location-script-is-uri",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "`try_files $uri ... @php` hands missing files to a named location whose SCRIPT_FILENAME is still the request's URI: every such request is 404 \"Primary script unknown\"",
        aliases: &[],
        doc: r#"A named location keeps the request's URI: nothing rewrites it on the way in. So
`$fastcgi_script_name` (and `$uri`, `$request_filename`) in `location @php` is the
URI the client asked for (`/blog/my-post`), not `/index.php`. When the named location
is the fallback of a `try_files` that first tries `$uri`, it is reached exactly when
`$uri` is not a file, and a SCRIPT_FILENAME made from it names that same missing file:
php-fpm answers 404 "File not found." for every pretty URL of the front controller.

Live, nginx 1.22.1 + php-fpm 8.2: `location / { try_files $uri $uri/ @php; }` with
`location @php { fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name; ... }`
answers `/some/route` with 404 (`FastCGI sent in stderr: "Primary script unknown"`);
with `fastcgi_param SCRIPT_FILENAME $realpath_root/index.php;`, 200.

Reported for a named location with `fastcgi_pass` whose SCRIPT_FILENAME uses
`$fastcgi_script_name`, `$uri` or `$request_filename`, when a location of the same
server that is not a PHP regex location names it as the fallback of a `try_files` that
tries `$uri`, with the same `root`. Not reported when the named location rewrites the
URI (`rewrite ^ /index.php break;`), nor when only PHP locations fall back to it
(`location ~ \.php$ { try_files /nonexistent @php; }` hands it URIs of scripts, which
exist).

**Symptom**: 404 "File not found." on every URL that is not a file; nginx logs
`FastCGI sent in stderr: "Primary script unknown" while reading response header from
upstream`.

Bad:
```nginx
location / {
    try_files $uri $uri/ @php;
}
location @php {
    include fastcgi_params;
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location / {
    try_files $uri $uri/ @php;
}
location @php {
    include fastcgi_params;
    fastcgi_param SCRIPT_FILENAME $document_root/index.php;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Or fall back to the URI instead of the name: `try_files $uri $uri/ /index.php?$query_string;`."#,
        fix: "Name the front controller in the named location: `fastcgi_param SCRIPT_FILENAME $document_root/index.php;`.",
    },
    check: Check::Server(check),
};

/// Whether a `rewrite` is written inside the location (its own or in an `if` in it): the
/// URI may then be the script's.
fn rewrites(model: &Model<'_>, location: &EffectiveLocation) -> bool {
    let l = location.span;
    model.syntax.iter().any(|tree| {
        tree.named("rewrite")
            .any(|i| l.contains(tree.item(i).span()))
    })
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let mut reported: Vec<Span> = Vec::new();
    for from in &server.locations {
        if from.is_php_regex() || from.pattern.starts_with('@') {
            continue;
        }
        let Some(try_files) = from.try_files.as_deref() else {
            continue;
        };
        let Some((name, tried)) = try_files.args.split_last() else {
            continue;
        };
        if !name.starts_with('@') || !tried.iter().any(|a| a == "$uri") {
            continue;
        }
        let Some(named) = server
            .locations
            .iter()
            .find(|l| l.pattern.split_whitespace().last() == Some(name.as_str()))
        else {
            continue;
        };
        if named.fastcgi_pass.is_none()
            || !named.param_names_requested_script("SCRIPT_FILENAME")
            || named.runs_fixed_script()
        {
            continue;
        }
        // Another root in the named location may hold the file the first did not.
        let root = |l: &EffectiveLocation| l.inherited.get("root").map(|r| r.first().to_string());
        if root(from) != root(named) || rewrites(model, named) {
            continue;
        }
        let Some(param) = named.inherited.param("SCRIPT_FILENAME") else {
            continue;
        };
        if reported.contains(&param.span) {
            continue;
        }
        reported.push(param.span);
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                param.span,
                format!(
                    "`location {name}` is reached when `$uri` is not a file, and its SCRIPT_FILENAME `{}` names that same missing file: a named location keeps the request's URI",
                    param.value
                ),
            )
            .with_related(try_files.span, "falls back here when $uri is not a file")
            .with_help("name the front controller: `fastcgi_param SCRIPT_FILENAME $document_root/index.php;`")
            .with_note("at runtime: 404 \"File not found.\", \"Primary script unknown\" in nginx's error log"),
        );
    }
}
