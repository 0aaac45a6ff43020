use crate::rule::{Check, Rule, Sink};
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

When nothing in the tree resolves upstream names at run time (no `*_pass` with a
variable, no upstream `server ... resolve`), only OCSP stapling uses the resolver: its
answers are signed by the CA, so a forgery can break stapling but not impersonate
anyone, and the finding is a note. One finding per `resolver` line, the other public
addresses as related places.

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
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        let mut resolvers = tree.nodes_named("resolver").peekable();
        if resolvers.peek().is_none() {
            continue;
        }
        let proxies_by_name = resolves_upstreams_at_run_time(tree);
        for node in resolvers {
            // One finding per directive: `resolver 1.1.1.1 1.0.0.1 8.8.8.8 ...` is one
            // decision, and twelve warnings for one line buried everything else.
            let public: Vec<(usize, &str)> = node
                .args()
                .enumerate()
                .filter(|(_, a)| !a.contains('=') && external(a))
                .collect();
            let Some(&(first, _)) = public.first() else {
                continue;
            };
            let names = public
                .iter()
                .map(|(_, a)| *a)
                .collect::<Vec<_>>()
                .join(", ");
            let what = if public.len() == 1 {
                "is a public DNS server"
            } else {
                "are public DNS servers"
            };
            let mut d = if proxies_by_name {
                Diagnostic::new(
                    &RULE.meta,
                    node.arg_span(first),
                    format!(
                        "resolver {names} {what}: forged answers can redirect proxied requests"
                    ),
                )
            } else {
                // Only OCSP stapling (signed answers: a forgery can break stapling, not
                // impersonate) or nothing at all resolves through it today.
                Diagnostic::new(
                    &RULE.meta,
                    node.arg_span(first),
                    format!("resolver {names} {what}; nothing here resolves upstream names at run time, so only OCSP stapling would use it"),
                )
                .with_severity(Severity::Note)
                .with_note("a proxy_pass or fastcgi_pass with a variable, or an upstream server with `resolve`, added later would trust forged answers")
            };
            for &(i, addr) in public.iter().skip(1) {
                d = d.with_related(node.arg_span(i), format!("{addr}, public too"));
            }
            sink.push(d.with_help(
                "use a resolver on this host or its private network (127.0.0.53, 127.0.0.11 in Docker)",
            ));
        }
    }
}

/// Whether anything in the tree looks a name up per request: a `*_pass` with a variable
/// (not a unix socket), or an upstream `server ... resolve`.
fn resolves_upstreams_at_run_time(tree: &crate::model::syntax::Tree<'_>) -> bool {
    let variable_pass = crate::model::syntax::UPSTREAM_PASSES.iter().any(|name| {
        tree.nodes_named(name).any(|n| {
            n.args()
                .next()
                .is_some_and(|a| a.contains('$') && !a.starts_with("unix:"))
        })
    });
    variable_pass
        || tree
            .nodes_named("server")
            .any(|n| n.args().skip(1).any(|a| a == "resolve"))
}

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
        for a in [
            "1.1.1.1",
            "8.8.8.8:53",
            "[2001:4860:4860::8888]:53",
            "dns.google",
        ] {
            assert!(super::external(a), "{a}");
        }
        for a in [
            "127.0.0.1",
            "[::1]:53",
            "::1",
            "localhost:53",
            "adomain.osa",
            "test.internal",
            "10.0.0.1",
        ] {
            assert!(!super::external(a), "{a}");
        }
    }
}
