use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::variables::variables;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC015",
        name: "host-spoofing",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "the Host header sent upstream comes from the client (`$http_host`, `$http_x_forwarded_host`, a query argument or a cookie)",
        aliases: &["host_spoofing"],
        doc: r#"`$host` is the name nginx matched: the request line's host, else the
`Host` header, lower-cased and stripped of the port, and it is the
`server_name` of the server when the header is missing. `$http_host` is the
`Host` header exactly as the client sent it; `$http_x_forwarded_host`,
`$arg_*` and `$cookie_*` are whatever the client puts there. A `default_server`
(or a wildcard name) accepts any of them, and the application behind the proxy
builds absolute links, password-reset mails and cache keys from the `Host` it
receives.

**Symptom**: host header injection: an attacker sends `Host: evil.example`
(or `X-Forwarded-Host: evil.example`) and the application mails a password-reset
link to `https://evil.example/reset?token=...`, or poisons a shared cache.

Bad:
```nginx
location / {
    proxy_set_header Host $http_host;
    proxy_pass http://app;
}
```
Good:
```nginx
location / {
    proxy_set_header Host $host;
    proxy_pass http://app;
}
```

Autofix: unsafe — a value that is only the client's variable becomes `$host` (gixy-ng's
fix). The backend no longer sees the port the client named (`site:8443`), nor a name
other than the server's, so links it builds may change."#,
        fix: "Send `proxy_set_header Host $host;` (add `:$server_port` when the backend needs the port).",
    },
    check: Check::Nodes(check),
};

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let names = ["proxy_set_header", "grpc_set_header"];
    for at in super::statements_named(tree, nodes, &names) {
        let s = &tree.item(at);
        let (Some(header), Some(value)) = (s.arg(0), s.arg(1)) else {
            continue;
        };
        if !header.eq_ignore_ascii_case("host") {
            continue;
        }
        let vars = variables(&value);
        let from_client = vars
            .iter()
            .find(|v| *v == "http_host" || *v == "http_x_forwarded_host")
            .or_else(|| vars.iter().find(|v| v.starts_with("arg_")))
            .or_else(|| vars.iter().find(|v| v.starts_with("cookie_")));
        let Some(var) = from_client else {
            continue;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                s.arg_span(1),
                format!("the upstream Host header is set from `${var}`, which the client chooses"),
            )
            .with_help("use `$host`: the name this server matched")
            .with_fix_if(
                value == format!("${var}") || value == format!("${{{var}}}"),
                || Fix::unsafe_edits("send `$host`", vec![Edit::replace(s.arg_span(1), "$host")]),
            ),
        );
    }
}
