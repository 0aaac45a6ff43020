use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX225",
        name: "request-method-missing",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "a `fastcgi_pass` location that sends no `REQUEST_METHOD` (no `fastcgi_params` included): php-fpm runs nothing and answers an empty page",
        aliases: &[],
        doc: r#"php-fpm takes a request without `REQUEST_METHOD` for no HTTP request at all: it
runs no script and answers an empty page (its status and ping pages answer 404).
`REQUEST_METHOD`, `QUERY_STRING`, `CONTENT_TYPE` and the rest come from
`include fastcgi_params;` (or `fastcgi.conf`); a location written with only
`fastcgi_param SCRIPT_FILENAME ...;` and `fastcgi_pass` sends none of them. Judged on
the parameters the location really sends, inherited ones included; a list an inner
`fastcgi_param` cut off is NGX202's, and a location with an include the deployment
does not provide is not judged (it may send them). A location that sends no
`SCRIPT_FILENAME` either (nothing of `fastcgi.conf` reaches it) gets this one finding,
whose help names both (NGX201 leaves it here).

**Symptom**: every PHP page is blank with status 200 (live, nginx 1.22.1 and
php-fpm 8.2: empty body; adding `fastcgi_param REQUEST_METHOD $request_method;` alone
made the script run); nothing in either log.

Bad:
```nginx
location ~ \.php$ {
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
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
        fix: "Add `include fastcgi_params;` where the location's `fastcgi_param` lines are (before them), or `include fastcgi.conf;`.",
    },
    check: Check::Server(check),
};

/// Whether the parameters a `fastcgi_pass` location sends can be judged: it may talk to
/// PHP (not only a cache purge), its requests do not all go on to a nested location of
/// the same pattern (whose list is sent, and judged), and no include the deployment lacks
/// may add some.
pub(crate) fn params_judged(
    model: &Model<'_>,
    server: &Server,
    location: &crate::model::EffectiveLocation,
) -> bool {
    model.may_talk_to_php(location)
        // Requests end in a nested location of the same pattern: its list is judged.
        && !server.hands_every_request_inward(location)
        && !model.serves_only_cache_purges(location)
        && !model.unresolved_include_within(location.span)
        && !model.unresolved_include_within(server.span)
}

/// The PHP locations of a server whose own parameter list can be judged for what it
/// lacks (NGX230, NGX231): it sends `REQUEST_METHOD` (a list of its own: one without
/// it is this rule's), and it is not a status or ping page. With `fastcgi_pass`'s
/// argument span and the parameters.
pub(crate) fn own_param_lists<'s>(
    model: &'s Model<'_>,
    server: &'s Server,
) -> impl Iterator<
    Item = (
        &'s crate::model::EffectiveLocation,
        lint_source::Span,
        &'s crate::model::nginx::ParamList,
    ),
> + 's {
    server.locations.iter().filter_map(move |location| {
        let (_, pass_span) = location.fastcgi_pass.as_deref()?;
        let params = location.inherited.params.as_ref()?;
        let judged = params_judged(model, server, location)
            && !model.serves_only_status_pages(server, location)
            && params.get("REQUEST_METHOD").is_some();
        judged.then_some((location, *pass_span, params))
    })
}

/// Whether this rule reports `location` (a `fastcgi_pass` location of `server`): what it
/// sends can be judged, and no `REQUEST_METHOD` is among it, nor was one cut off by an
/// inner `fastcgi_param` (NGX202's). NGX201 leaves such a location to this rule when it
/// sends no `SCRIPT_FILENAME` either: one missing include, one finding.
pub(crate) fn reports(
    model: &Model<'_>,
    server: &Server,
    location: &crate::model::EffectiveLocation,
) -> bool {
    if location.fastcgi_pass.is_none() || !params_judged(model, server, location) {
        return false;
    }
    let params = location.inherited.params.as_ref();
    let sends = params.is_some_and(|list| list.get("REQUEST_METHOD").is_some());
    let dropped =
        params.is_some_and(|list| list.dropped.iter().any(|p| p.name == "REQUEST_METHOD"));
    !sends && !dropped
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let Some((_, pass_span)) = location.fastcgi_pass.as_deref() else {
            continue;
        };
        if !reports(model, server, location) {
            continue;
        }
        let params = location.inherited.params.as_ref();
        // No SCRIPT_FILENAME either (nor PATH_TRANSLATED, which php-fpm takes in its
        // place): nothing of fastcgi.conf reaches the location, and NGX201 leaves it here.
        let no_script = location.inherited.param("SCRIPT_FILENAME").is_none()
            && !location.param_names_requested_script("PATH_TRANSLATED")
            && params.is_none_or(|p| p.get("PATH_TRANSLATED").is_none());
        let help = if no_script {
            "add `include fastcgi.conf;` (it sends SCRIPT_FILENAME too, which this location lacks as well), or `include fastcgi_params;` with `fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;`"
        } else {
            "add `include fastcgi_params;` before the location's `fastcgi_param` lines"
        };
        let mut d = Diagnostic::new(
            &RULE.meta,
            *pass_span,
            "no REQUEST_METHOD is sent to php-fpm from this location: php-fpm runs no script and answers an empty page",
        )
        .with_label("no `include fastcgi_params;` reaches this location")
        .with_related(location.span, "location")
        .with_help(help)
        .with_note("at runtime: 200 with an empty body for every script (php-fpm's status page: 404)");
        if let Some(at) = params.and_then(|list| list.defined_at) {
            d = d.with_related(at, "the parameters sent are set here");
        }
        sink.push(d);
    }
}
