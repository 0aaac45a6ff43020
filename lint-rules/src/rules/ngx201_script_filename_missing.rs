use crate::rule::{Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX201",
        name: "script-filename-missing",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "a `fastcgi_pass` location that sends no `SCRIPT_FILENAME`, or a hard-coded one",
        aliases: &[],
        doc: r#"php-fpm runs the file named by the `SCRIPT_FILENAME` parameter. Debian's
`fastcgi_params` does not set it (its `fastcgi.conf` does): a location that
includes only `fastcgi_params` sends none.

**Symptom**: 404 "File not found." from PHP; php-fpm logs `Primary script
unknown`. A hard-coded value runs the same script for every URL.

Bad:
```nginx
location ~ \.php$ {
    include fastcgi_params;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ~ \.php$ {
    include fastcgi.conf;     # or: include fastcgi_params; plus the line below
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Include `fastcgi.conf` (or `snippets/fastcgi-php.conf`), or set `fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;`.",
    },
    check,
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (_, _, location) in model.fastcgi_locations() {
        let Some((_, pass_span)) = &location.fastcgi_pass else {
            continue;
        };
        let params = location
            .inherited
            .params
            .as_ref()
            .map(|p| p.params.as_slice())
            .unwrap_or(&[]);
        match params.iter().find(|p| p.name == "SCRIPT_FILENAME") {
            None => sink.push(
                Diagnostic::new(&RULE.meta, *pass_span, "no SCRIPT_FILENAME is sent to php-fpm from this location")
                    .with_label("requests go to PHP without a script name")
                    .with_related(location.span, "location")
                    .with_help("add `include fastcgi.conf;` (Debian's fastcgi_params lacks SCRIPT_FILENAME)")
                    .with_note("at runtime: 404 \"File not found.\", php-fpm logs \"Primary script unknown\""),
            ),
            Some(p) if !p.value.contains('$') => sink.push(
                Diagnostic::new(&RULE.meta, p.span, format!("SCRIPT_FILENAME is hard-coded to \"{}\": every request runs that one script", p.value))
                    .with_severity(Severity::Warning)
                    .with_help("use `$document_root$fastcgi_script_name`"),
            ),
            Some(_) => {}
        }
    }
}
