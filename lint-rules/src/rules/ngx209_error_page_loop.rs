use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::nginx::Setting;
use crate::model::{EffectiveLocation, Model};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX209",
        name: "error-page-loop",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "an `error_page` whose page is served by a location that intercepts the same status again (loop with recursive_error_pages, nginx's stock page without)",
        aliases: &[],
        doc: r#"With `fastcgi_intercept_errors on`, nginx replaces PHP's error responses by
its `error_page`. When that page is itself a PHP script behind the same
interception (`error_page 404 /404.php`), the page's own status is
intercepted again. A proper 404 page answers 404, so:

- with `recursive_error_pages on` nginx redirects again and again until it
  gives up: **500**, `rewrite or internal redirection cycle while internally
  redirecting to "/404.php"` (warning; proven live);
- without it nginx stops after one redirect and sends its built-in "404 Not
  Found" page: the custom page is never seen (note).

A location that `return`s the status it handles loops for certain (error).

**Symptom**: 500 with `rewrite or internal redirection cycle while internally
redirecting to "/404.php"` in the error log (recursive_error_pages on), or
nginx's bare "404 Not Found" page instead of the application's.

Bad:
```nginx
recursive_error_pages on;
error_page 404 /404.php;
location ~ \.php$ {
    fastcgi_intercept_errors on;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
error_page 404 /404.php;
location = /404.php {
    fastcgi_intercept_errors off;      # the error page answers for itself
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
location ~ \.php$ {
    fastcgi_intercept_errors on;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Serve the error page from a location with `fastcgi_intercept_errors off` (e.g. `location = /404.php`), or make it a static file.",
    },
    check: Check::Server(check),
};

fn is_on<'l>(location: &'l EffectiveLocation, directive: &str) -> Option<&'l Setting> {
    location
        .inherited
        .get(directive)
        .filter(|s| s.first().eq_ignore_ascii_case("on"))
}

/// Codes and target of `error_page CODE... [=[RESPONSE]] URI`.
fn parse(page: &Setting) -> (Vec<&str>, Option<&str>) {
    let codes = page
        .args
        .iter()
        .take_while(|a| a.bytes().all(|b| b.is_ascii_digit()))
        .map(String::as_str)
        .collect();
    (codes, page.args.last().map(String::as_str))
}

fn handles(location: &EffectiveLocation, code: &str) -> bool {
    location
        .inherited
        .error_pages
        .iter()
        .any(|p| parse(p).0.contains(&code))
}

fn check(_model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let mut checked = HashSet::new();
    for location in &server.locations {
        for page in location.inherited.error_pages.iter() {
            // Inherited pages are shared by many locations: judge each once per server.
            if !checked.insert(page.span) {
                continue;
            }
            let (codes, Some(uri)) = parse(page) else {
                continue;
            };
            if !uri.starts_with('/') {
                continue; // named locations and redirects to other sites do not re-enter
            }
            let path = uri.split('?').next().unwrap_or(uri);
            let target = server
                .location_for(path)
                .or_else(|| server.locations.first());
            let Some(target) = target else { continue };
            let recursive = is_on(target, "recursive_error_pages");
            // The target answers one of the codes and nginx intercepts it again.
            let returned = target.early_return.as_ref().and_then(|r| {
                codes
                    .iter()
                    .find(|c| r.first() == **c && handles(target, c))
                    .map(|c| (*c, r.span))
            });
            let intercepted = target
                .fastcgi_pass
                .as_ref()
                .and_then(|_| is_on(target, "fastcgi_intercept_errors"))
                .and_then(|intercept| {
                    codes
                        .iter()
                        .find(|c| handles(target, c))
                        .map(|c| (*c, intercept.span))
                });
            let (diagnostic, cause) = match (returned, intercepted, recursive) {
                (Some((code, at)), _, Some(_)) => (
                    Diagnostic::new(&RULE.meta, page.span, format!("error_page {code} sends to {path}, which answers {code} again: with recursive_error_pages on, nginx loops and answers 500"))
                        .with_severity(Severity::Error),
                    (at, format!("returns {code}")),
                ),
                (_, Some((code, at)), Some(_)) => (
                    Diagnostic::new(&RULE.meta, page.span, format!("error_page {code} sends to {path}, where php-fpm's {code} is intercepted again: with recursive_error_pages on, nginx loops and answers 500 when the page answers {code}")),
                    (at, format!("intercepts {code} again")),
                ),
                (_, Some((code, at)), None) => (
                    Diagnostic::new(&RULE.meta, page.span, format!("error_page {code} sends to {path}, where php-fpm's {code} is intercepted again: when the page answers {code}, nginx shows its built-in page instead"))
                        .with_severity(Severity::Note),
                    (at, format!("intercepts {code} again")),
                ),
                _ => continue,
            };
            let mut diagnostic = diagnostic
                .with_label(format!("{path} is served by the location below"))
                .with_related(target.span, format!("{path} lands here"))
                .with_related(cause.0, cause.1);
            if let Some(r) = recursive {
                diagnostic = diagnostic.with_related(r.span, "recursive_error_pages on");
            }
            sink.push(diagnostic.with_help(format!(
                "serve {path} from its own location with `fastcgi_intercept_errors off` (e.g. `location = {path}`), or use a static page"
            )));
        }
    }
}
