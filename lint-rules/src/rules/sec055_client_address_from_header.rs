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

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    tree.walk_nodes(nodes, |s, _| {
        if !s.is("fastcgi_param")
            || !s
                .arg(0)
                .is_some_and(|name| name.eq_ignore_ascii_case("REMOTE_ADDR"))
        {
            return;
        }
        let Some(value) = s.arg(1) else { return };
        let Some(variable) = client_written(&value) else {
            return;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                s.arg_span(1),
                format!("REMOTE_ADDR is taken from {variable}, which the client writes: any request chooses the address PHP sees"),
            )
            .with_label("a request header")
            .with_help("keep `fastcgi_param REMOTE_ADDR $remote_addr;` and trust the header only from your proxies: `set_real_ip_from ADDR; real_ip_header X-Real-IP;`"),
        );
    });
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
