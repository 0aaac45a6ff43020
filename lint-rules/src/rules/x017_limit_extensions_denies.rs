use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::{Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X017",
        name: "limit-extensions-denies",
        family: Family::Cross,
        severity: Severity::Error,
        summary:
            "a location sends files to php-fpm whose extension `security.limit_extensions` refuses",
        aliases: &[],
        doc: r#"php-fpm runs only scripts whose name ends in one of
`security.limit_extensions` (default `.php .phar`). A location such as
`location ~ \.(php|html)$` that passes `.html` files to the pool gets them
refused. php-fpm compares the end of the script's path with each entry, byte for
byte: `.HTML` in the list does not allow `page.html` (live, php-fpm 8.2: 403), and an
entry written without its dot (`security.limit_extensions = php`) allows `index.php`
(live: 200; not reported). The site's catch-all `location /`
with `fastcgi_pass`, its script named by the URI (`try_files $uri $uri/
/index.php...;` or none, `SCRIPT_FILENAME $document_root$fastcgi_script_name`), sends
every file it finds to the pool: styles, fonts and images are refused (live:
`/font.woff2` 403); one that runs a fixed script (`SCRIPT_FILENAME
$document_root/index.php`) is fine.

**Symptom**: 403 with the body "Access denied."; php-fpm logs `Access to the
script '/var/www/x.html' has been denied (see security.limit_extensions)`.

Bad:
```nginx
location ~ \.(php|html)$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
```
Good:
```nginx
location ~ \.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
# or, in the pool: security.limit_extensions = .php .html
```"#,
        fix: "Route only the allowed extensions to php-fpm, or extend security.limit_extensions.",
    },
    check: Check::Server(check),
};

/// Extensions a regex location like `\.(php|html)$` or `\.phtml$` routes, as written
/// (a caseless location's in lower case: the URIs it mostly sees).
fn extensions(pattern: &str, caseless: bool) -> Vec<String> {
    let Some(dot) = pattern.rfind("\\.") else {
        return Vec::new();
    };
    let tail = pattern[dot + 2..].trim_end_matches('$');
    let tail = tail
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(tail);
    let tail = tail.strip_prefix("?:").unwrap_or(tail);
    if tail.is_empty()
        || !tail
            .split('|')
            .all(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Vec::new();
    }
    tail.split('|')
        .map(|e| {
            if caseless {
                format!(".{}", e.to_ascii_lowercase())
            } else {
                format!(".{e}")
            }
        })
        .collect()
}

/// The pool's `security.limit_extensions` (default `.php .phar`), as written: php-fpm
/// compares the script's suffix byte for byte (`.HTML` does not allow `page.html`; live,
/// php-fpm 8.2: 403).
fn allowed_extensions(pool: &fpm_conf_parser::Pool) -> Vec<String> {
    pool.value("security.limit_extensions")
        .map_or(vec![".php".into(), ".phar".into()], |v| {
            v.split_whitespace().map(str::to_string).collect()
        })
}

/// Whether php-fpm runs files ending in `extension` (`.php`): it compares the end of the
/// script's path with each entry (fpm_php_limit_extensions), so an entry written without
/// its dot (`php`) allows `index.php` too (live, php-fpm 8.2: 200).
fn allows(allowed: &[String], extension: &str) -> bool {
    allowed.iter().any(|a| extension.ends_with(a.as_str()))
}

/// A prefix location whose handler is `fastcgi_pass` and that serves files by their
/// URI (`location / { try_files $uri $uri/ /index.php...; fastcgi_pass ...; }`, or no
/// `try_files` at all): every file it finds goes to the pool, the styles and fonts
/// too, and php-fpm refuses what `security.limit_extensions` does not list (live:
/// `/font.woff2` 403 "Access denied.", stevenliebregt's LEMP stack).
fn every_file(model: &Model<'_>, location: &crate::model::EffectiveLocation, sink: &mut Sink) {
    let mut words = location.pattern.split_whitespace();
    let path = match (words.next(), words.next()) {
        (Some(p), None) => p,
        (Some("^~"), Some(p)) => p,
        _ => return,
    };
    // The site's catch-all `location /`, its script named by the URI: a folder's own
    // prefix location (`/legacy/`) may hold scripts only, and one without a script name
    // is NGX201's.
    let by_name = location.param_names_requested_script("SCRIPT_FILENAME");
    if path != "/"
        || !by_name
        || location.runs_fixed_script()
        || model.serves_only_cache_purges(location)
    {
        return;
    }
    // `try_files` that tests `$uri` first (or none): the file's own path is the script.
    let by_uri = location
        .try_files
        .as_ref()
        .is_none_or(|t| t.args.first().is_some_and(|a| a == "$uri"));
    if !by_uri {
        return;
    }
    for t in model.fastcgi_targets(location) {
        let (Verdict::Reached(p) | Verdict::Partly(p)) = model.verdict(&t.target) else {
            continue;
        };
        let allowed = allowed_extensions(p.pool);
        if allowed.is_empty() || allows(&allowed, ".css") || allows(&allowed, ".js") {
            return;
        }
        let mut d = Diagnostic::new(
            &RULE.meta,
            location.span,
            format!(
                "this location sends every file it finds to pool [{}], which only runs {}: styles, scripts, fonts and images under it are refused",
                p.pool.name,
                allowed.join(" ")
            ),
        )
        .with_related(t.span, "passed to the pool here, whatever the extension")
        .with_help("serve files from this location and pass only `.php` to php-fpm, in a `location ~ \\.php$` of its own")
        .with_note("at runtime: 403 \"Access denied.\" for every existing non-PHP file, \"Access to the script ... has been denied (see security.limit_extensions)\"");
        if let Some(e) = p.pool.get("security.limit_extensions") {
            d = d.with_related(e.value_span, "allowed extensions");
        }
        sink.push(d);
        return;
    }
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let Some(regex) = location
            .pattern
            .strip_prefix("~*")
            .or_else(|| location.pattern.strip_prefix('~'))
        else {
            every_file(model, location, sink);
            continue;
        };
        let routed = extensions(regex.trim(), location.pattern.starts_with("~*"));
        if routed.is_empty() {
            continue;
        }
        // php-fpm checks the extension of SCRIPT_FILENAME, not of the URI: a front
        // controller (`$document_root/index.php`, perusio's Drupal README.txt location)
        // runs a .php file whatever the location matched.
        if location.runs_fixed_script() {
            continue;
        }
        for t in model.fastcgi_targets(location) {
            let (Verdict::Reached(p) | Verdict::Partly(p)) = model.verdict(&t.target) else {
                continue;
            };
            let allowed = allowed_extensions(p.pool);
            if allowed.is_empty() {
                continue; // an empty list allows everything
            }
            let refused: Vec<&String> = routed.iter().filter(|e| !allows(&allowed, e)).collect();
            if !refused.is_empty() {
                let refused: Vec<&str> = refused.iter().map(|s| s.as_str()).collect();
                let mut d = Diagnostic::new(&RULE.meta, location.span, format!("this location sends {} files to pool [{}], which only runs {}", refused.join(" "), p.pool.name, allowed.join(" ")))
                    .with_related(t.span, "passed to the pool here")
                    .with_help("route only .php to php-fpm, or add the extension to security.limit_extensions")
                    .with_note("at runtime: 403 \"Access denied.\", \"Access to the script ... has been denied (see security.limit_extensions)\"");
                if let Some(e) = p.pool.get("security.limit_extensions") {
                    d = d.with_related(e.value_span, "allowed extensions");
                }
                sink.push(d);
                break;
            }
        }
    }
}
