use crate::model::{Model, NginxModel, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX234",
        name: "fastcgi-param-overridden",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a `fastcgi_param` written before another of the same name (often one an `include` brings): php-fpm keeps the last value, so the one written never applies",
        aliases: &[],
        doc: r#"nginx sends every `fastcgi_param` of a block, duplicates included, in the
order they are written, and php-fpm keeps the last value it receives under a name. A
parameter written first and followed by an `include fastcgi.conf` (or
`snippets/fastcgi-php.conf`, which includes it) is replaced by the include's own line:
the SCRIPT_FILENAME written for an `alias`, a hard-coded application directory or
`$realpath_root` is dropped for `$document_root$fastcgi_script_name`, and php-fpm is
asked for a file under the server's `root` (live, nginx 1.22.1 + php-fpm 8.2:
`fastcgi_param SCRIPT_FILENAME /srv/app/www$fastcgi_script_name; include fastcgi.conf;`
with another `root`, 404 "File not found."; the include first, 200).

Reported for a `fastcgi_param` written in the block whose parameter list the location
uses, when a later parameter of the same name in that list (written or included) has
another value. Not reported: a parameter that comes from an included file and is
overridden by one written after the include (`include fastcgi.conf; fastcgi_param
SCRIPT_FILENAME $request_filename;`, the usual way to replace a stock value), and a
later parameter with `if_not_empty`, which leaves the earlier one in place whenever its
value is empty.

**Symptom**: for SCRIPT_FILENAME, 404 "File not found." and `Primary script unknown`
in nginx's error log although the path written is right; for other parameters, PHP sees
the included value (`$_SERVER['HTTPS']`, `SERVER_NAME`, ...) instead of the one written.

Bad:
```nginx
location ~ \.php$ {
    fastcgi_param SCRIPT_FILENAME $request_filename;
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_param SCRIPT_FILENAME $request_filename;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Write the `fastcgi_param` after the `include`, or remove the one that should not apply.",
    },
    check: Check::Server(check),
};

fn check(_model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let mut reported: foldhash::HashSet<Span> = foldhash::HashSet::default();
    for location in server.fastcgi_locations() {
        let Some(list) = location.inherited.params.as_ref() else {
            continue;
        };
        // The block that wrote the list; an http-level list is not judged.
        let Some(level) = list.defined_at else {
            continue;
        };
        let params = list.params.as_slice();
        for (i, written) in params.iter().enumerate() {
            // Written in the block itself, not brought by an include.
            if written.span.file != level.file || reported.contains(&written.span) {
                continue;
            }
            let Some(last) = params[i + 1..]
                .iter()
                .rev()
                .find(|p| p.name == written.name)
            else {
                continue;
            };
            if last.if_not_empty || last.value.trim() == written.value.trim() {
                continue;
            }
            reported.insert(written.span);
            let included = last.span.file != level.file;
            let mut d = Diagnostic::new(
                &RULE.meta,
                written.span,
                format!(
                    "fastcgi_param {} is sent again {} with `{}`: php-fpm keeps the last value, so `{}` never applies",
                    written.name,
                    if included { "by a later include" } else { "further down" },
                    last.value,
                    written.value
                ),
            )
            .with_related(last.span, "php-fpm uses this value")
            .with_help(if matches!(written.name.as_str(), "PHP_VALUE" | "PHP_ADMIN_VALUE") {
                // php-fpm reads several settings from one value, a line each: two
                // parameters keep only the last one's settings.
                format!("send both in one `fastcgi_param {} \"...\"`, the settings separated by `\\n`", written.name)
            } else if included {
                "write this `fastcgi_param` after the `include`".to_string()
            } else {
                "remove the line that should not apply".to_string()
            });
            if written.name == "SCRIPT_FILENAME" {
                d = d.with_note("at runtime: 404 \"File not found.\", \"Primary script unknown\" in nginx's error log, when the two paths differ");
            }
            sink.push(d);
        }
    }
}
