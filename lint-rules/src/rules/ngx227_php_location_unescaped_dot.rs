use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity, Span};

use crate::model::compiled_regex::is_match;
use crate::model::syntax::location_regex;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX227",
        name: "php-location-unescaped-dot",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "the PHP location's regex writes `.php` with a bare `.`, which matches any character: URIs ending in `php` without a dot (`/learn-php`) are sent to php-fpm",
        aliases: &[],
        doc: r#"In a regex `.` is any character: `location ~ .php$` matches `/index.php`, and
also `/learn-php`, `/tags/php` and `/php`. Those requests are sent to php-fpm
instead of the location meant for them (the front controller's `try_files`, a
static file), php-fpm finds no such script and answers 404 "File not found.". A
blog post, a tag or a route whose slug ends in `php` is unreachable. The pattern
comes from copied tutorials (Flarum's and Grav's documentation had it).

Reported for a regex location that passes to FastCGI and writes `.php` with an
unescaped dot outside a character class (`.php$`, `(.+).php`, `[^/].php(/|$)`);
`\.php`, `[.]php` and `\Q.php\E` are right.

**Symptom**: `/learn-php` answers 404 "File not found." (php-fpm logs "Primary
script unknown") while `/learn-python` is served by the application (live, nginx
1.22.1 with php-fpm 8.2: 404, and 200 with `\.php$`).

Bad:
```nginx
location / { try_files $uri $uri/ /index.php?$query_string; }
location ~ .php$ {
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location / { try_files $uri $uri/ /index.php?$query_string; }
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```

Autofix: safe — the dot is escaped (`\.php`): the location then takes only the
requests it was written for."#,
        fix: "Escape the dot: `location ~ \\.php$`.",
    },
    check: Check::Nodes(check),
};

/// The byte offset of the first `.` that stands unescaped, outside a character class,
/// right before `php` (any case) in `regex`.
///
/// ```text
/// ".php$"        -> Some(0)     "\.php$"       -> None
/// "^(.+).php$"   -> Some(5)     "[.]php$"      -> None
/// ```
fn unescaped_dot_before_php(regex: &str) -> Option<usize> {
    let bytes = regex.as_bytes();
    let mut i = 0;
    let mut in_class = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'Q') => {
                // `\Q...\E` quotes everything up to `\E` (or the end).
                i = regex[i + 2..]
                    .find("\\E")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
                continue;
            }
            b'\\' => i += 1,
            b']' if in_class => in_class = false,
            b'[' if !in_class => {
                in_class = true;
                // A `]` right after `[` or `[^` is a member, not the end.
                if bytes.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b'.' if !in_class
                && bytes
                    .get(i + 1..i + 4)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"php")) =>
            {
                return Some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a location's block passes to FastCGI (itself or in one of its `if` blocks).
fn passes_to_fastcgi(tree: &Tree<'_>, location: usize) -> bool {
    tree.children(Some(location)).iter().any(|&c| {
        let item = tree.item(c);
        item.is("fastcgi_pass")
            || (item.is("if")
                && tree
                    .children(Some(c))
                    .iter()
                    .any(|&d| tree.item(d).is("fastcgi_pass")))
    })
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for i in nodes.named(tree, "location") {
        let item = tree.item(i);
        let Some((regex, case_sensitive)) = location_regex(&item) else {
            continue;
        };
        let Some(dot) = unescaped_dot_before_php(&regex) else {
            continue;
        };
        if !passes_to_fastcgi(tree, i) {
            continue;
        }
        // Reported when a URI a site really has is caught: `^/index.php$` takes only
        // `/indexXphp`, which nobody requests.
        let compiled = if case_sensitive {
            regex.to_string()
        } else {
            format!("(?i){regex}")
        };
        let caught: Vec<String> = ["/learn-php", "/tags/php", "/php"]
            .iter()
            .filter(|uri| is_match(&compiled, uri))
            .map(|uri| format!("`{uri}`"))
            .collect();
        if caught.is_empty() {
            continue;
        }
        // The token that holds the regex: the second argument, or the first with the
        // modifier glued to it (`~.php$`).
        let (index, glued) = match item.arg(0).as_deref() {
            Some("~" | "~*") => (1, 0),
            Some(first) => (0, first.len() - regex.len()),
            None => continue,
        };
        let span = item.arg_span(index);
        let fix = item
            .arg_token(index)
            .filter(|token| !token.escaped)
            .map(|token| {
                let at = (token.inner_span().start as usize) + glued + dot;
                Fix::safe(
                    "escape the dot",
                    vec![Edit::insert(Span::new(span.file, at, at), "\\")],
                )
            });
        let written = &regex[dot..(dot + 4).min(regex.len())];
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                span,
                format!("`{written}` in `{regex}` matches any character before `php`: URIs such as {} come to this PHP location instead of the one meant for them, and answer 404 (php-fpm: \"File not found.\")", caught.join(", ")),
            )
            .with_label("`.` is any character here")
            .with_help(format!("escape the dot: `{}\\{}`", &regex[..dot], &regex[dot..]))
            .with_fix_opt(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::unescaped_dot_before_php;

    #[test]
    fn only_a_bare_dot_before_php_is_found() {
        assert_eq!(unescaped_dot_before_php(".php$"), Some(0));
        assert_eq!(unescaped_dot_before_php("^(.+).php$"), Some(5));
        assert_eq!(unescaped_dot_before_php("[^/].php(/|$)"), Some(4));
        assert_eq!(unescaped_dot_before_php(".PHP$"), Some(0));
        assert_eq!(unescaped_dot_before_php(r"\.php$"), None);
        assert_eq!(unescaped_dot_before_php(r"[^/]\.php(/|$)"), None);
        assert_eq!(unescaped_dot_before_php("[.]php$"), None);
        assert_eq!(unescaped_dot_before_php("[].]php$"), None);
        assert_eq!(unescaped_dot_before_php(r"\Q.php\E$"), None);
        assert_eq!(unescaped_dot_before_php(r"^/phpmyadmin/(.+\.php)$"), None);
        assert_eq!(unescaped_dot_before_php("^/.*$"), None);
    }
}
