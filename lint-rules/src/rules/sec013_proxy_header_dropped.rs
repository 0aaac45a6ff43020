use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::array_inheritance::dropped_for_rule;
use crate::model::syntax::{Nodes, Tree};
use crate::model::Model;
use nginx_conf_parser::Item;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC013",
        name: "proxy-header-dropped",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "a `proxy_set_header` (or `grpc_set_header`) in an inner block drops every one the outer blocks set",
        aliases: &["proxy_set_header_redefinition"],
        doc: r#"`proxy_set_header` is inherited from the outer level only when the level has
none of its own. One `proxy_set_header X-Real-IP $remote_addr;` in a location drops
the server's `Host`, `X-Forwarded-For` and `X-Forwarded-Proto` for that location: the
upstream gets nginx's defaults (`Host: $proxy_host`, `Connection: close`) and, worse,
headers the outer level blanked (`proxy_set_header X-Internal-Auth "";`, so that a
client cannot send them) pass through from the client again. Outer entries that only
restate nginx's defaults (`Host $proxy_host`, `Connection ""`, `Upgrade ""`) are not
counted. `fastcgi_param` follows the same rule and is reported by NGX202. A block
with no `proxy_pass` (or `grpc_pass`) in it or below it sends neither list anywhere,
and is not reported: under `fastcgi_pass`, headers reach PHP through `fastcgi_param`.

**Symptom**: the application behind that location sees the wrong host and client
address (logs show nginx's IP, redirects go to the upstream's name), or trusts a
header the client forged.

Bad:
```nginx
server {
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    location /api/ {
        proxy_set_header X-Request-Id $request_id;
        proxy_pass http://app;
    }
}
```
Good:
```nginx
server {
    include proxy-headers.conf;
    location /api/ {
        include proxy-headers.conf;
        proxy_set_header X-Request-Id $request_id;
        proxy_pass http://app;
    }
}
```
Option (gixy's name): `headers = ["host", ...]` reports only those headers."#,
        fix: "Repeat the outer headers in the inner block (keep them in one file and `include` it at every level that sets its own).",
    },
    check: Check::Nodes(check),
};

/// Values nginx itself uses for a header (an empty value sends no header): an outer
/// entry restating one is not lost when dropped.
fn is_nginx_default(entry: &Item<'_>) -> bool {
    let (Some(name), Some(value)) = (entry.arg(0), entry.arg(1)) else {
        return false;
    };
    let default = match name.to_ascii_lowercase().as_str() {
        "host" => "$proxy_host",
        "connection" | "expect" | "keep-alive" | "te" | "upgrade" => "",
        _ => return false,
    };
    value.eq_ignore_ascii_case(default)
}

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let fields = ["proxy_set_header", "grpc_set_header"];
    let counted = |d: &Item<'_>| !is_nginx_default(d);
    for level in dropped_for_rule(
        model,
        tree,
        nodes,
        RULE.meta.code,
        fields.map(|f| (f, None)),
        counted,
    ) {
        let field = fields[level.family];
        let Some(first) = level.dropped.first() else {
            continue;
        };
        // Without a proxy (or gRPC) pass in the block or below it, its list goes to no
        // server: nothing is dropped (a `fastcgi_pass` location with `proxy_set_header
        // X-Real-IP`: PHP sees neither list; live, vichan).
        // An `if` or `limit_except` block uses its location's pass.
        let pass = ["proxy_pass", "grpc_pass"][level.family];
        let borrows_pass = level
            .level
            .is_some_and(|b| b.is("if") || b.is("limit_except"));
        if !borrows_pass && !level.level_contains(pass) {
            continue;
        }
        let blanked = level
            .dropped
            .iter()
            .find(|d| d.arg(1).is_some_and(|v| v.is_empty()));
        let mut d = Diagnostic::new(
            &RULE.meta,
            level.first_own.span(),
            format!(
                "this {field} drops the header(s) an outer block sets: {}",
                crate::listing::capped(level.names().iter().map(|n| format!("\"{n}\"")))
            ),
        )
        .with_label(format!("the first {field} of this block"))
        .with_help("repeat them here (one included file used at every level)")
        .with_related(first.span(), "no longer set for this block");
        if let Some(b) = blanked {
            d = d.with_related(
                b.span(),
                "blanked on purpose: the client's own header now passes through",
            );
        }
        sink.push(d);
    }
}
