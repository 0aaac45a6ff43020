use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;
use crate::rules::ngx225_request_method_missing::own_param_lists;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX230",
        name: "request-body-params-missing",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a PHP location with its own `fastcgi_param` list that sends no `CONTENT_LENGTH` or `CONTENT_TYPE`: PHP never sees a request body (empty `$_POST`, lost uploads)",
        aliases: &[],
        doc: r#"PHP reads as many body bytes as `CONTENT_LENGTH` says, and parses them into
`$_POST` and `$_FILES` by `CONTENT_TYPE`. nginx sends both only when the location
says so: `include fastcgi_params;` (or `fastcgi.conf`) does, a hand-written list (the
short example of nginx's own documentation, a copied snippet) often does not. Without
`CONTENT_LENGTH` no body is read at all; without `CONTENT_TYPE` a form's fields never
reach `$_POST`. Reported for a location that sends `REQUEST_METHOD` (it has a list of
its own: one without it is NGX225's) but not these two; status and ping locations and
locations with an include the deployment does not provide are not judged.

**Symptom**: logins and forms "do nothing" (redirect back to the form, CSRF token
errors), uploads vanish; nothing in either log (live, nginx 1.22.1 and php-fpm 8.2:
a 100-byte POST arrives as 0 bytes; with `CONTENT_LENGTH` and `CONTENT_TYPE`, as 100).

Bad:
```nginx
location ~ \.php$ {
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_param QUERY_STRING $query_string;
    fastcgi_param REQUEST_METHOD $request_method;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ~ \.php$ {
    include fastcgi_params;
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Add `include fastcgi_params;` before the location's own `fastcgi_param` lines, or `fastcgi_param CONTENT_TYPE $content_type;` and `fastcgi_param CONTENT_LENGTH $content_length;`.",
    },
    check: Check::Server(check),
};

/// What each parameter carries, for the message.
const BODY_PARAMS: [(&str, &str); 2] = [
    ("CONTENT_LENGTH", "no request body is read"),
    ("CONTENT_TYPE", "form fields never reach $_POST"),
];

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for (location, pass_span, params) in own_param_lists(model, server) {
        // Cut off by an inner `fastcgi_param`: NGX202 names what was lost.
        let missing: Vec<(&str, &str)> = BODY_PARAMS
            .into_iter()
            .filter(|(name, _)| {
                params.get(name).is_none() && !params.dropped.iter().any(|p| p.name == *name)
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let names: Vec<&str> = missing.iter().map(|(n, _)| *n).collect();
        let effects: Vec<&str> = missing.iter().map(|(_, e)| *e).collect();
        let mut d = Diagnostic::new(
            &RULE.meta,
            pass_span,
            format!(
                "no {} is sent to php-fpm from this location: {}",
                names.join(" or "),
                effects.join(", ")
            ),
        )
        .with_label("the location's own parameter list lacks them")
        .with_related(location.span, "location")
        .with_help("add `include fastcgi_params;` before the location's `fastcgi_param` lines")
        .with_note("at runtime: POSTed forms and uploads arrive empty; nothing is logged");
        if let Some(at) = params.defined_at {
            d = d.with_related(at, "the parameters sent are set here");
        }
        sink.push(d);
    }
}
