use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::array_inheritance::dropped_for_rule;
use crate::model::syntax::{Nodes, Tree};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC010",
        name: "add-header-dropped",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "an `add_header` (or `add_trailer`) in an inner block drops every header the outer blocks add",
        aliases: &["add_header_redefinition"],
        doc: r#"`add_header` is inherited from the outer level only when the level has no
`add_header` of its own. One `add_header Cache-Control ...;` in a location (or in an
`if`, or in a file it includes) silently removes every security header set at
server or http level for the responses of that location: `Strict-Transport-Security`,
`Content-Security-Policy`, `X-Frame-Options`... The same holds for `add_trailer`.
nginx 1.29.3 added `add_header_inherit merge;` to keep the outer headers; with
`add_header_inherit off;` dropping them is explicit and not reported. A header
whose value is only `$upstream_...` variables (`X-FastCGI-Cache
$upstream_cache_status`) is not missed in a block that passes nothing upstream: the
value is empty there, and nginx sends no header with an empty value. The answer to a
CORS preflight (`if ($request_method = OPTIONS) { ... return 204; }`) does not miss
`Access-Control-Expose-Headers`, which browsers read only on the actual response.

**Symptom**: a security header is missing on some pages only (curl -I on
`/static/app.js` shows no `Strict-Transport-Security` while `/` has it): clickjacking
or MIME sniffing protections off where the inner block adds its own header.

Bad:
```nginx
server {
    add_header X-Frame-Options DENY;
    add_header X-Content-Type-Options nosniff;
    location /static/ {
        add_header Cache-Control "public, max-age=86400";
    }
}
```
Good:
```nginx
server {
    add_header X-Frame-Options DENY;
    add_header X-Content-Type-Options nosniff;
    location /static/ {
        add_header X-Frame-Options DENY;
        add_header X-Content-Type-Options nosniff;
        add_header Cache-Control "public, max-age=86400";
    }
}
```
Option (gixy's name): `headers = ["x-frame-options", ...]` reports only those headers."#,
        fix: "Repeat the outer headers in the inner block (an `include security-headers.conf;` used at every level that adds headers), or, from nginx 1.29.3, `add_header_inherit merge;`.",
    },
    check: Check::Nodes(check),
};

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let families = [
        ("add_header", "add_header_inherit", "header"),
        ("add_trailer", "add_trailer_inherit", "trailer"),
    ];
    let fields = families.map(|(field, inherit, _)| (field, Some(inherit)));
    for mut level in dropped_for_rule(model, tree, nodes, RULE.meta.code, fields, |_| true) {
        // A header whose value is only `$upstream_*` variables is empty, so not sent, in a
        // block that passes nothing upstream: dropping it there loses nothing (HestiaCP's
        // http-level `add_header X-FastCGI-Cache $upstream_cache_status;` beside a static
        // files location's `expires` headers).
        if !crate::model::syntax::UPSTREAM_PASSES
            .iter()
            .any(|pass| level.level_contains(pass))
        {
            level.dropped.retain(|d| !only_upstream_variables(d));
        }
        // `expires` (other than `off`) in the block sends Cache-Control and Expires of its
        // own: those headers are not missing there (Webinoly's static files location:
        // `expires max;` beside its own add_header, under a server-level `add_header
        // Cache-Control "no-cache";`).
        if level.family == 0 && sets_expires(level.level.as_ref()) {
            level.dropped.retain(|d| {
                !d.arg(0).is_some_and(|n| {
                    n.eq_ignore_ascii_case("cache-control") || n.eq_ignore_ascii_case("expires")
                })
            });
        }
        // A CORS preflight answer (`if ($request_method = OPTIONS) { add_header
        // Access-Control-Allow-...; return 204; }`, the enable-cors.org snippet) needs no
        // `Access-Control-Expose-Headers`: browsers read it only on the actual response
        // (ger86/symfony-docker's preflight `if` repeated every header but that one).
        if level.family == 0 && answers_preflight(level.level.as_ref()) {
            level.dropped.retain(|d| {
                !d.arg(0)
                    .is_some_and(|n| n.eq_ignore_ascii_case("access-control-expose-headers"))
            });
        }
        let (field, inherit, kind) = families[level.family];
        let Some(first) = level.dropped.first() else {
            continue;
        };
        let d = Diagnostic::new(
            &RULE.meta,
            level.first_own.span(),
            format!(
                "this {field} drops the {kind}(s) an outer block adds: {}",
                crate::listing::capped(level.names().iter().map(|n| format!("\"{n}\"")))
            ),
        )
        .with_label(format!("the first {field} of this block"))
        .with_help(format!(
            "repeat them here, or use `{inherit} merge;` (nginx 1.29.3+)"
        ))
        .with_related(first.span(), "no longer sent by this block");
        sink.push(d);
    }
}

/// Whether `block` is an `if` on `$request_method` being `OPTIONS` that returns: the answer
/// to a CORS preflight request.
fn answers_preflight(block: Option<&nginx_conf_parser::Item<'_>>) -> bool {
    block.is_some_and(|b| {
        b.is("if")
            && b.args().any(|a| a.contains("$request_method"))
            && b.args()
                .any(|a| a.trim_matches(['"', '\'', '(', ')']).eq("OPTIONS"))
            && !b.args().any(|a| a.starts_with('!'))
            && b.children().any(|c| c.is("return"))
    })
}

/// Whether `block` sets `expires` at its own level to something other than `off`.
fn sets_expires(block: Option<&nginx_conf_parser::Item<'_>>) -> bool {
    block.is_some_and(|b| {
        b.children()
            .any(|c| c.is("expires") && c.arg(0).is_some_and(|v| v != "off"))
    })
}

/// Whether the value of `add_header NAME VALUE` is made only of `$upstream_...`
/// variables (empty for a request no upstream served).
fn only_upstream_variables(d: &nginx_conf_parser::Item<'_>) -> bool {
    let Some(value) = d.arg(1) else {
        return false;
    };
    let mut rest = value.as_ref();
    let mut any = false;
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix('$') else {
            return false;
        };
        let (braced, after) = match after.strip_prefix('{') {
            Some(a) => (true, a),
            None => (false, after),
        };
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if !after[..end].starts_with("upstream_") {
            return false;
        }
        any = true;
        rest = &after[end..];
        if braced {
            let Some(r) = rest.strip_prefix('}') else {
                return false;
            };
            rest = r;
        }
    }
    any
}
