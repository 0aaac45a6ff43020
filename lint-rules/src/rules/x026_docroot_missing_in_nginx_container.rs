use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};
use std::path::Path;

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X026",
        name: "docroot-missing-in-nginx-container",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "the document root exists in php-fpm's container only: nginx finds no file there",
        aliases: &[],
        doc: r#"nginx serves static files and evaluates `try_files` in its own container.
When the code is mounted (or copied) into php-fpm's container only, every asset
is a 404, and a PHP location that checks the script first (`try_files $uri =404`,
Debian's `snippets/fastcgi-php.conf`) answers 404 before php-fpm is asked. A
warning for static files; an error when a PHP location checks the file too,
since then the whole site is 404s, and when no `location /` handles `/`: the
server's `index index.php` looks for the file in nginx's container, and the home
page is a 404 (live, nginx 1.22.1 without the code: `GET /` answers 404, `"index.php"
is not found`).

**Symptom**: 404 for CSS, JavaScript and images, and for every PHP URL when the
PHP location has `try_files`: nginx answers by itself and php-fpm is never asked.
Where no `try_files` catches the miss, nginx also logs
`open() "/var/www/html/public/app.css"` with errno 2, "No such file or directory".

Bad (the code is in php-fpm's container only):
```yaml
web: { image: nginx }
php: { image: php:8.3-fpm, volumes: ['./src:/var/www/html'] }
```
Good:
```yaml
web: { image: nginx, volumes: ['./src:/var/www/html:ro'] }
php: { image: php:8.3-fpm, volumes: ['./src:/var/www/html'] }
```"#,
        fix: "Mount (or COPY) the document root into nginx's container too (read-only is enough).",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let network = &model.options.network;
    // One finding per `root` statement: (its span, the root, a PHP location checking
    // scripts under it, the `try_files` that checks).
    let mut roots: Vec<(lint_source::Span, String, bool, Option<lint_source::Span>)> = Vec::new();
    // Roots whose `/` the server level answers through the index module (no `location
    // /`): the index file is looked for in nginx's container, so the home page is a 404.
    let mut home: Vec<lint_source::Span> = Vec::new();
    for (_, server) in model.servers() {
        let catches_slash = server.locations.iter().any(|l| {
            let words: Vec<&str> = l.pattern.split_whitespace().collect();
            matches!(words.as_slice(), ["/"] | ["^~", "/"] | ["=", "/"])
        });
        for location in &server.locations {
            let Some(root) = location.inherited.get("root") else {
                continue;
            };
            let docroot = root.first();
            if docroot.contains('$') || !docroot.starts_with('/') {
                continue;
            }
            if network.nginx_has(Path::new(docroot)) != Some(false) {
                continue;
            }
            // Where it bites: a location nginx answers from disk, or a PHP location that
            // checks the script on nginx's side before passing it.
            let php_checked = location.fastcgi_pass.is_some() && location.try_files.is_some();
            // A front controller (`try_files $uri /index.php...`, `@app`) may have no static
            // files at all by design: only a location that answers from disk alone counts.
            let front_controller = location.try_files.as_ref().is_some_and(|t| {
                t.args
                    .last()
                    .is_some_and(|last| last.contains(".php") || last.starts_with('@'))
            });
            // The server level answers only what no location matches.
            let serves_files = !location.pattern.is_empty()
                && location.fastcgi_pass.is_none()
                && location.other_pass.is_empty()
                && location.early_return.is_none()
                && !front_controller;
            let answers_home = location.pattern.is_empty()
                && !catches_slash
                && location.early_return.is_none()
                && location.redirects_all.is_none()
                && location.try_files.is_none()
                && location.other_pass.is_empty()
                && location.fastcgi_pass.is_none();
            if answers_home && !home.contains(&root.span) {
                home.push(root.span);
            }
            if !(php_checked || serves_files || answers_home) {
                continue;
            }
            let check_span = location
                .try_files
                .as_ref()
                .map(|t| t.span)
                .filter(|_| php_checked);
            match roots.iter_mut().find(|(s, ..)| *s == root.span) {
                Some(entry) => {
                    entry.2 |= php_checked;
                    entry.3 = entry.3.or(check_span);
                }
                None => roots.push((root.span, docroot.to_string(), php_checked, check_span)),
            }
        }
    }
    for (span, docroot, php_checked, check_span) in roots {
        let home_404 = home.contains(&span);
        let mut d = Diagnostic::new(
            &RULE.meta,
            span,
            if php_checked {
                format!("nginx's container has nothing at {docroot}: static files are 404s, and `try_files` answers 404 before php-fpm is asked")
            } else if home_404 {
                format!("nginx's container has nothing at {docroot}: `/` is a 404 (nginx looks for the `index` file in its own container, no `location /` passes it on), and so is every static file")
            } else {
                format!("nginx's container has nothing at {docroot}: every static file under it is a 404")
            },
        )
        .with_label("nginx reads files from this root in its own container")
        .with_help(format!("mount the document root into nginx's container at {docroot} too"));
        if php_checked || home_404 {
            d = d.with_severity(Severity::Error);
        }
        if let Some(t) = check_span {
            d = d.with_related(t, "checked in nginx's container");
        }
        sink.push(d);
    }
}
