use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX205",
        name: "root-not-in-scope",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary:
            "a PHP location builds SCRIPT_FILENAME from $document_root, but no `root` applies to it",
        aliases: &[],
        doc: r#"`root` set inside `location /` does not reach `location ~ \.php$`: sibling
locations do not inherit from each other. Without a root at server (or http)
level, `$document_root` is nginx's compiled-in default (`/usr/share/nginx/html`
on Debian), and php-fpm is asked for a script that is not there.

**Symptom**: 404 "File not found."; php-fpm logs `Primary script unknown`.

Bad:
```nginx
location / { root /var/www/app; }
location ~ \.php$ { include fastcgi.conf; fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
```
Good:
```nginx
root /var/www/app;
location / { }
location ~ \.php$ { include fastcgi.conf; fastcgi_pass unix:/run/php/php8.2-fpm.sock; }
```

A file of `location`s linted on its own ("add this to your server block") gets a
note, not a warning: the server it goes into may set `root`."#,
        fix: "Move `root` to the server level.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    // A snippet's locations read on their own: the server they are pasted into may
    // set `root` (the WordPress handbook's fragments). Said as a note: a panel's "custom
    // configuration" box is often the whole server body, and its missing root was the
    // cause (Websoft9's issue 935, "File not found.").
    let snippet = model.is_synthetic(server);
    for location in server.fastcgi_locations() {
        if location.inherited.get("root").is_some() || location.alias.is_some() {
            continue;
        }
        // A nested location takes its parent's `alias` (ngx_http_core_merge_loc_conf),
        // and `$document_root` is that alias (SimpleSAMLphp's install doc: a PHP regex
        // inside `location ^~ /simplesaml { alias ...; }`; live: the right script).
        let inherits_alias = server.locations.iter().any(|outer| {
            outer.alias.is_some()
                && outer.span.file == location.span.file
                && outer.span.start < location.span.start
                && location.span.end <= outer.span.end
        });
        if inherits_alias {
            continue;
        }
        // php-fpm answers its status and ping pages from SCRIPT_NAME, without a file
        // (FeministWiki's `location = /php-status` without root; live: 200).
        if model.serves_only_status_pages(server, location) {
            continue;
        }
        let Some(params) = &location.inherited.params else {
            continue;
        };
        let Some(script) = params
            .get("SCRIPT_FILENAME")
            .filter(|p| p.value.contains("$document_root"))
        else {
            continue;
        };
        let mut d = if snippet {
            Diagnostic::new(
                &RULE.meta,
                location.span,
                "no `root` is set in this snippet: unless the server it goes into sets one, $document_root is nginx's built-in default",
            )
            .with_severity(lint_source::Severity::Note)
        } else {
            Diagnostic::new(
                &RULE.meta,
                location.span,
                "no `root` applies to this PHP location: $document_root is nginx's built-in default",
            )
        }
        .with_related(script.span, "SCRIPT_FILENAME uses $document_root")
        .with_help("set `root` at the server level")
        .with_note("at runtime: 404 \"File not found.\", \"Primary script unknown\"");
        if let Some(sibling) = server.locations.iter().find(|l| {
            l.inherited
                .get("root")
                .is_some_and(|r| r.span.start >= l.span.start && r.span.end <= l.span.end)
        }) {
            if let Some(r) = sibling.inherited.get("root") {
                d = d.with_related(r.span, "a root set in another location does not apply here");
            }
        }
        sink.push(d);
    }
}
