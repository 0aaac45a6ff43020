use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX203",
        name: "alias-with-document-root",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "`alias` combined with `SCRIPT_FILENAME $document_root$fastcgi_script_name`",
        aliases: &[],
        doc: r#"With `alias`, `$document_root` is the alias path, and
`$fastcgi_script_name` still carries the location prefix, so the two
together name a file that does not exist (`/srv/app/app/index.php`). An
`alias` naming the script itself (`location /adminer/ { alias
/srv/adminer.php; }`) is left alone unless the pool sets `cgi.fix_pathinfo =
0`: the doubled path starts with that file, and php-fpm walks back to it.

**Symptom**: 404 "File not found."; php-fpm logs `Primary script unknown`.

Bad:
```nginx
location /app/ {
    alias /srv/app/;
    location ~ \.php$ {
        include fastcgi.conf;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```
Good:
```nginx
location /app/ {
    alias /srv/app/;
    location ~ \.php$ {
        include fastcgi.conf;
        fastcgi_param SCRIPT_FILENAME $request_filename;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```"#,
        fix: "Use `fastcgi_param SCRIPT_FILENAME $request_filename;` under `alias`.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    // A location with alias covers the nested locations written inside its span.
    let aliases: Vec<_> = server
        .locations
        .iter()
        .filter_map(|l| l.alias.as_ref().map(|a| (l.span, a)))
        .collect();
    for location in server.fastcgi_locations() {
        let Some((_, alias)) = aliases.iter().find(|(s, _)| {
            s.file == location.span.file
                && s.start <= location.span.start
                && location.span.end <= s.end
        }) else {
            continue;
        };
        let Some(params) = &location.inherited.params else {
            continue;
        };
        let Some(p) = params
            .get("SCRIPT_FILENAME")
            .filter(|p| p.value.contains("$document_root$fastcgi_script_name"))
        else {
            continue;
        };
        // An alias naming the script itself (SlickStack's `location ^~ /adminer-xyz/ {
        // alias /var/www/meta/adminer.php; }`): the doubled path starts with that file,
        // and php-fpm's cgi.fix_pathinfo (on by default) walks back to it and runs it
        // (live, nginx 1.22.1 + php-fpm 8.2: 200). Only a pool with it off refuses.
        let mut pathinfo_off = None;
        if alias.first().ends_with(".php") {
            pathinfo_off = model.reached_pools(location).find_map(|(_, pool)| {
                pool.php_value("cgi.fix_pathinfo")
                    .filter(|(v, _)| v.trim() == "0")
                    .map(|(_, at)| at)
            });
            if pathinfo_off.is_none() {
                continue;
            }
        }
        let mut diagnostic = Diagnostic::new(&RULE.meta, p.span, "SCRIPT_FILENAME uses $document_root$fastcgi_script_name under `alias`: the path doubles the location prefix")
                .with_related(alias.span, "alias here");
        if let Some(at) = pathinfo_off {
            diagnostic = diagnostic.with_related(
                at,
                "cgi.fix_pathinfo = 0: php-fpm does not walk back to the aliased script",
            );
        }
        sink.push(
            diagnostic
                .with_help(
                    "set `fastcgi_param SCRIPT_FILENAME $request_filename;` in this location",
                )
                .with_note(
                    "at runtime: 404 \"File not found.\", php-fpm logs \"Primary script unknown\"",
                ),
        );
    }
}
