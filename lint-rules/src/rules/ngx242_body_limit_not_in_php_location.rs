use crate::model::nginx::Setting;
use crate::model::syntax::Tree;
use crate::model::{EffectiveLocation, Model, NginxModel, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX242",
        name: "body-limit-not-in-php-location",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "`client_max_body_size` is raised in a location that hands its requests to the PHP location, which keeps a lower limit: uploads get 413",
        aliases: &[],
        doc: r#"nginx checks the request body against the `client_max_body_size` of the location
that finally handles the request, and checks it again after every internal redirect.
Raising the limit in `location /` (or `location /wp-admin`) and not in the PHP
location does nothing for the scripts: `try_files $uri $uri/ /index.php?$args`
redirects the upload to `/index.php`, the regex PHP location takes it, and its limit
(inherited from the server, or nginx's default 1m) refuses the body. A script under
a plain prefix location (`/wp-admin/async-upload.php`) goes straight to the regex PHP
location: the prefix's limit never applies to it.

Reported for a location that sets `client_max_body_size` itself, passes nothing
upstream (no `fastcgi_pass`, `proxy_pass`, `return`, WebDAV or upload module), and
whose requests reach a PHP location with a lower limit: through its `try_files`
fallback (a `.php` URI or a named location), or, for a plain prefix location with no
locations inside, because nginx picks the PHP regex for the scripts under it.

**Symptom**: uploads above the PHP location's limit (1m by default) fail with "413
Request Entity Too Large" although the limit was raised; nginx logs `client intended
to send too large body` (live, nginx 1.22.1: a 2 MB POST to `/upload` through
`location / { client_max_body_size 64m; try_files ... /index.php?$args; }` answers 413).

Bad:
```nginx
location / {
    client_max_body_size 64m;
    try_files $uri $uri/ /index.php?$args;
}
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
client_max_body_size 64m;
location / {
    try_files $uri $uri/ /index.php?$args;
}
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Set `client_max_body_size` at the server level (or in the PHP location too), where the script's request is handled.",
    },
    check: Check::Server(check),
};

/// nginx's default `client_max_body_size` (1m).
const NGINX_DEFAULT: u64 = 1024 * 1024;

/// Directives whose module reads the body in this location itself (WebDAV's `PUT`, the
/// upload module, embedded scripting): there the raised limit is used where it is set.
const BODY_HANDLERS: &[&str] = &[
    "dav_methods",
    "upload_pass",
    "upload_store",
    "content_by_lua",
    "content_by_lua_block",
    "content_by_lua_file",
    "access_by_lua_block",
    "js_content",
    "perl",
    "mirror",
    "client_body_in_file_only",
];

/// A limit in bytes; `None` for no limit (`0`) or what does not parse.
fn limit_of(setting: Option<&Setting>) -> Option<u64> {
    match setting {
        None => Some(NGINX_DEFAULT),
        Some(s) => nginx_conf_parser::check::parse_offset(s.first()).filter(|&n| n > 0),
    }
}

/// True when a module in the location's own block reads the body there, or the location
/// sends the request on by a `rewrite` or decides in an `if` (not followed here).
fn reads_body_itself(tree: &Tree<'_>, location: &EffectiveLocation) -> bool {
    tree.locations_at(location.span).any(|n| {
        tree.node(n)
            .children()
            .any(|c| BODY_HANDLERS.iter().any(|h| c.is(h)) || c.is("if") || c.is("rewrite"))
    })
}

fn check_server(server: &Server, tree: &Tree<'_>, sink: &mut Sink) {
    for location in server.locations.iter().skip(1) {
        let Some(set) = location
            .inherited
            .get("client_max_body_size")
            .filter(|s| location.span.contains(s.span))
        else {
            continue;
        };
        if !location.serves_files()
            || location.pattern.trim_start().starts_with('@')
            || reads_body_itself(tree, location)
        {
            continue;
        }
        let Some((php, how)) = server.php_location_reached(location) else {
            continue;
        };
        // `None` is no limit: the PHP location's limit must be a number below this one.
        let raised = limit_of(Some(set));
        let php_setting = php.inherited.get("client_max_body_size");
        let Some(php_limit) = limit_of(php_setting) else {
            continue;
        };
        if raised.is_some_and(|n| n <= php_limit) {
            continue;
        }
        let php_text = php_setting.map_or_else(
            || "nginx's default 1m".to_string(),
            |s| format!("client_max_body_size {}", s.first()),
        );
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                set.span,
                format!(
                    "`client_max_body_size {}` is set here, but {how}, which refuses bodies over {php_text}: larger uploads get 413",
                    set.first()
                ),
            )
            .with_related(php.span, format!("the request is handled here, with {php_text}"))
            .with_help(format!(
                "set `client_max_body_size {}` at the server level (or in the PHP location as well)",
                set.first()
            ))
            .with_note("at runtime: 413 Request Entity Too Large; nginx logs `client intended to send too large body`"),
        );
    }
}

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    if let Some(tree) = model.syntax_of(nginx) {
        check_server(server, tree, sink);
    }
}
