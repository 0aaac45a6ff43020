use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX215",
        name: "site-never-loaded",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a file the deployment puts in a site folder of nginx that no `include` of its nginx.conf reaches",
        aliases: &[],
        doc: r#"Images and packages load sites by a glob of their nginx.conf, and each its own:
the official image `conf.d/*.conf`, Alpine's package `http.d/*.conf` (since Alpine
3.14; `conf.d` before), Debian's `sites-enabled/*`, Fedora's `default.d/*.conf`
inside its default server. A site a Dockerfile or a Compose file puts in another
image's folder is never loaded: nginx serves the image's default page, and every
mistake in the file (a wrong `fastcgi_pass`, a missing `SCRIPT_FILENAME`) stays
hidden, from nginx and from this linter, which lints what nginx loads.

**Symptom**: the site answers with the image's default page (or 404), whatever the
file says; `nginx -T` does not show the file.

Bad (Alpine's nginx, whose nginx.conf includes `/etc/nginx/http.d/*.conf`):
```dockerfile
FROM alpine:3.20
RUN apk add nginx php83-fpm
COPY default.conf /etc/nginx/conf.d/default.conf
```
Good:
```dockerfile
COPY default.conf /etc/nginx/http.d/default.conf
```"#,
        fix: "Put the file in the folder the image's nginx.conf includes (see the help), or include its folder.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    if model.never_loaded.is_empty() {
        return;
    }
    // The globs the tree does include: where the file belongs instead.
    let mut globs: Vec<String> = model
        .trees
        .iter()
        .flat_map(|t| t.include_patterns())
        // Module globs (`modules/*.conf`, `modules-enabled/*`) load modules, not sites.
        .filter(|p| p.contains('*') && !p.contains("modules"))
        .collect();
    globs.sort();
    globs.dedup();
    for span in &model.never_loaded {
        let path = &model.map.get(span.file).path;
        let mut d = Diagnostic::new(
            &RULE.meta,
            *span,
            format!(
                "{} is never loaded: no include of this image's nginx.conf reaches it",
                path.display()
            ),
        )
        .with_label("placed here by the deployment")
        .with_note("at runtime: nginx serves the image's default site instead; nothing in this file applies (and it is not linted)");
        d = match globs.as_slice() {
            [] => d.with_help(
                "include it from nginx.conf, or put it where the image loads sites from",
            ),
            some => d.with_help(format!(
                "nginx.conf loads {}: put the file there",
                some.iter()
                    .take(3)
                    .map(|g| format!("`{g}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        sink.push(d);
    }
}
