use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;
use crate::rules::ngx225_request_method_missing::own_param_lists;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX231",
        name: "request-uri-missing",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a PHP location with its own `fastcgi_param` list that sends no `REQUEST_URI`: front controllers cannot see which page was asked for",
        aliases: &[],
        doc: r#"Laravel, Symfony, WordPress, Drupal and every other front controller route on
`$_SERVER['REQUEST_URI']`: with `try_files $uri /index.php?$query_string;` the script
is always index.php, and the original URL is only in `REQUEST_URI`. `include
fastcgi_params;` (or `fastcgi.conf`) sends it; the five parameters of nginx's own
`fastcgi_param` example do not. Reported for a location that sends `REQUEST_METHOD`
(it has a list of its own: one without it is NGX225's) but no `REQUEST_URI`; status
and ping locations and locations with an include the deployment does not provide are
not judged.

**Symptom**: the home page works and every other route answers the application's
404 (or shows the home page); nothing in either log (live, nginx 1.22.1 and php-fpm
8.2: `$_SERVER['REQUEST_URI']` is unset; with `fastcgi_param REQUEST_URI
$request_uri;` it holds the URL).

Bad:
```nginx
location ~ \.php$ {
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_param QUERY_STRING $query_string;
    fastcgi_param REQUEST_METHOD $request_method;
    fastcgi_param CONTENT_TYPE $content_type;
    fastcgi_param CONTENT_LENGTH $content_length;
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
        fix: "Add `include fastcgi_params;` before the location's own `fastcgi_param` lines, or `fastcgi_param REQUEST_URI $request_uri;`.",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for (location, pass_span, params) in own_param_lists(model, server) {
        // Cut off by an inner `fastcgi_param`: NGX202 names what was lost.
        if params.get("REQUEST_URI").is_some()
            || params.dropped.iter().any(|p| p.name == "REQUEST_URI")
        {
            continue;
        }
        let mut d = Diagnostic::new(
            &RULE.meta,
            pass_span,
            "no REQUEST_URI is sent to php-fpm from this location: an application that routes on the URL cannot see which page was asked for",
        )
        .with_label("the location's own parameter list lacks it")
        .with_related(location.span, "location")
        .with_help("add `include fastcgi_params;` before the location's `fastcgi_param` lines, or `fastcgi_param REQUEST_URI $request_uri;`")
        .with_note("at runtime: every route but the home page answers the application's 404; nothing is logged");
        if let Some(at) = params.defined_at {
            d = d.with_related(at, "the parameters sent are set here");
        }
        sink.push(d);
    }
}
