use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC055",
        name: "client-address-from-header",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`fastcgi_param REMOTE_ADDR` set from a request header: any client chooses the address PHP sees",
        aliases: &[],
        doc: r#"PHP reads the client's address from `REMOTE_ADDR` (`$_SERVER['REMOTE_ADDR']`):
login throttling, IP allow lists, audit logs and spam checks trust it. Setting it from a
request header (`$http_x_real_ip`, `$http_x_forwarded_for`, `$http_cf_connecting_ip`,
or `$proxy_add_x_forwarded_for`, which appends to the client's own header) hands that
choice to the client: `curl -H 'X-Real-IP: 127.0.0.1'` is then a request from the
server itself. A proxy in front that overwrites the header does not help when nginx is
reachable without it, and `X-Forwarded-For` keeps whatever the client sent first.
The same through a variable a `map` or a `set` fills from such a header
(`map $http_x_real_ip $client { default $http_x_real_ip; "" $remote_addr; }`, then
`fastcgi_param REMOTE_ADDR $client;`; live, nginx 1.22.1 and php-fpm 8.2: PHP sees the
address the header names), or with a part of it (a named capture of the header).

**Symptom**: none until someone sends the header: rate limits and allow lists that
never hold, logs full of addresses that never connected.

Bad:
```nginx
location ~ \.php$ {
    include fastcgi_params;
    fastcgi_param REMOTE_ADDR $http_x_real_ip;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good (nginx behind a proxy at 10.0.0.5, which sets X-Real-IP):
```nginx
set_real_ip_from 10.0.0.5;
real_ip_header X-Real-IP;
location ~ \.php$ {
    include fastcgi_params;   # REMOTE_ADDR $remote_addr: the proxy's header, trusted only from it
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Keep `REMOTE_ADDR $remote_addr` and let the realip module take the header from the proxies you trust (`set_real_ip_from`, `real_ip_header`).",
    },
    check: Check::Nodes(check),
};

/// Variables a client writes: request headers, and the forwarded-for list built on one.
fn client_written(value: &str) -> Option<&str> {
    let lower = value.to_ascii_lowercase();
    let at = lower
        .find("$http_")
        .or_else(|| lower.find("${http_"))
        .or_else(|| lower.find("$proxy_add_x_forwarded_for"))?;
    let rest = &value[at..];
    let end = rest[1..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '{' || c == '}'))
        .map_or(rest.len(), |e| e + 1);
    Some(&rest[..end])
}

/// A variable of `value` that a `map` or a `set` fills from a request header
/// (`map $http_x_real_ip $client { default $http_x_real_ip; "" $remote_addr; }`; live,
/// nginx 1.22: REMOTE_ADDR=6.6.6.6 from the header): (its name, how, the header).
/// Followed one step; a map keyed on a header whose values use variables (a named
/// capture of the header) counts too.
fn through_variable(tree: &Tree<'_>, value: &str) -> Option<(String, &'static str, String)> {
    let names = value.split('$').skip(1).filter_map(|rest| {
        let rest = rest.trim_start_matches('{');
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = rest[..end].to_ascii_lowercase();
        (!name.is_empty() && !name.ends_with("remote_addr")).then_some(name)
    });
    for name in names {
        let this = |v: &str| v.eq_ignore_ascii_case(&format!("${name}"));
        for m in tree.named("map") {
            let map = tree.item(m);
            if !map.is_block() || !map.arg(1).is_some_and(|v| this(&v)) {
                continue;
            }
            let source = map.arg(0).unwrap_or_default();
            for &entry in tree.children(Some(m)) {
                let Some(v) = tree.item(entry).arg(0) else {
                    continue;
                };
                if let Some(header) = client_written(&v) {
                    return Some((name, "a `map` fills from", header.to_string()));
                }
                let derived = v.contains('$') && !v.to_ascii_lowercase().contains("remote_addr");
                if let (Some(header), true) = (client_written(&source), derived) {
                    return Some((name, "a `map` fills with a part of", header.to_string()));
                }
            }
        }
        for i in tree.named("set") {
            let set = tree.item(i);
            if !set.arg(0).is_some_and(|v| this(&v)) {
                continue;
            }
            if let Some(header) = set.arg(1).as_deref().and_then(client_written) {
                return Some((name, "a `set` fills from", header.to_string()));
            }
        }
    }
    None
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for at in nodes.named(tree, "fastcgi_param") {
        let s = &tree.item(at);
        if !s
            .arg(0)
            .is_some_and(|name| name.eq_ignore_ascii_case("REMOTE_ADDR"))
        {
            continue;
        }
        let Some(value) = s.arg(1) else { continue };
        let message = match client_written(&value) {
            Some(variable) => format!("REMOTE_ADDR is taken from {variable}, which the client writes: any request chooses the address PHP sees"),
            None => match through_variable(tree, &value) {
                Some((variable, how, header)) => format!("REMOTE_ADDR is taken from ${variable}, which {how} {header}, a header the client writes: any request chooses the address PHP sees"),
                None => continue,
            },
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                s.arg_span(1),
                message,
            )
            .with_label("a request header")
            .with_help("keep `fastcgi_param REMOTE_ADDR $remote_addr;` and trust the header only from your proxies: `set_real_ip_from ADDR; real_ip_header X-Real-IP;`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::client_written;

    #[test]
    fn request_headers_and_the_forwarded_list_are_the_clients() {
        assert_eq!(client_written("$http_x_real_ip"), Some("$http_x_real_ip"));
        assert_eq!(
            client_written("${http_x_forwarded_for}"),
            Some("${http_x_forwarded_for}")
        );
        assert_eq!(
            client_written("$proxy_add_x_forwarded_for"),
            Some("$proxy_add_x_forwarded_for")
        );
        assert_eq!(client_written("$remote_addr"), None);
        assert_eq!(client_written("$realip_remote_addr"), None);
    }
}
