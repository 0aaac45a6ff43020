use crate::rule::{Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::dns_names;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC072",
        name: "external-resolver",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`resolver` names a public DNS server: spoofed answers can redirect proxied traffic",
        aliases: &["resolver_external"],
        doc: r#"nginx's resolver sends plain UDP queries with a 16-bit query id and trusts
the first answer that matches. Across the internet an attacker who can make
nginx look a name up (a request that reaches a variable `proxy_pass`, OCSP
stapling) can race the real server with forged answers; a poisoned entry
sends requests, cookies and credentials to the attacker's host for as long as
`valid=` allows. A resolver on the same host or private network (a local
`unbound`, `systemd-resolved` at 127.0.0.53, Docker's 127.0.0.11, the VPC
resolver) is out of that attacker's reach.

Addresses count as public unless loopback, RFC 1918, carrier-grade NAT,
link-local or unique-local; names count as public when they end in a public
suffix (`dns.google`), not `.internal` or a suffix nobody can register.

**Symptom**: none until attacked: a poisoned cache proxies users to a server
the attacker chose.

Bad:
```nginx
resolver 8.8.8.8 1.1.1.1 valid=300s;
```
Good:
```nginx
resolver 127.0.0.53 valid=30s;   # the host's caching resolver, which validates
```"#,
        fix: "Point `resolver` at a local caching resolver (127.0.0.53, 127.0.0.11 in Docker, the VPC's resolver).",
    },
    check,
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        for resolver in tree.nodes_named("resolver") {
            let node = resolver;
            for (i, addr) in node.args().enumerate() {
                // `valid=30s`, `ipv6=off`, `status_zone=...` are options.
                if addr.contains('=') {
                    continue;
                }
                if external(addr) {
                    sink.push(
                        Diagnostic::new(
                            &RULE.meta,
                            node.arg_span(i),
                            format!("resolver {addr} is a public DNS server: forged answers can redirect proxied requests"),
                        )
                        .with_help("use a resolver on this host or its private network (127.0.0.53, 127.0.0.11 in Docker)"),
                    );
                }
            }
        }
    }
}

/// A nameserver reached over the internet: a public IP, or a name under a public suffix.
fn external(addr: &str) -> bool {
    let host = if let Some(v6) = addr.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else if addr.matches(':').count() == 1 {
        addr.split(':').next().unwrap_or(addr)
    } else {
        addr
    };
    match dns_names::ip(host) {
        Some(ip) => !dns_names::is_private_ip(ip),
        None => dns_names::is_public_name(host),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn public_and_private_nameservers() {
        for a in ["1.1.1.1", "8.8.8.8:53", "[2001:4860:4860::8888]:53", "dns.google"] {
            assert!(super::external(a), "{a}");
        }
        for a in ["127.0.0.1", "[::1]:53", "::1", "localhost:53", "adomain.osa", "test.internal", "10.0.0.1"] {
            assert!(!super::external(a), "{a}");
        }
    }
}
