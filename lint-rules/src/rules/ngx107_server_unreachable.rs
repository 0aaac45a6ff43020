use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::listen_groups::{
    can_be_requested, patterns, ListenAddress, ListenGroup, NamePattern,
};
use crate::model::Model;
use crate::model::Server;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX107",
        name: "server-unreachable",
        family: Family::NginxListen,
        severity: Severity::Warning,
        summary: "a server that no request can reach: not the default server of any of its addresses, and none of its names can be selected",
        aliases: &[],
        doc: r#"nginx sends a request to a server because its Host matches one of the
server's names on that address, or because the server is the address's
default server. A server that is neither never answers anything. The usual
causes: `server_name _;` written as a "catch-all" (nginx has no such
convention: `_` matches the host `_` only, and unknown hosts go to the
default server), names that an earlier server on the same address already
claimed, and names that cannot be a Host header (commas, URLs). A server that says
`default_server` on an address another server already made its default is not
reported: nginx refuses the second claim (NGX020), and the fix of that decides which
of the two is the default.

**Symptom**: the site's requests are answered by another server (often the
"Welcome to nginx" default site); edits to this server change nothing.

Bad:
```nginx
server { listen 80; server_name shop.example.com; }
server { listen 80; server_name _; return 444; }     # meant as catch-all
```
Good:
```nginx
server { listen 80; server_name shop.example.com; }
server { listen 80 default_server; server_name _; return 444; }
```"#,
        fix: "Make it the `default_server` of its address, or give it the names it should answer.",
    },
    check: Check::Model(check),
};

/// Why one name of an unreachable server is not selected.
fn why(name: &str) -> &'static str {
    match patterns(name).first() {
        Some(NamePattern::Exact(n)) if n.is_empty() => {
            "matches only requests without a Host header"
        }
        Some(NamePattern::Exact(n)) if n.bytes().all(|b| b == b'_') => {
            "matches only the literal host \"_\": it is not a catch-all"
        }
        Some(NamePattern::Exact(n)) if !can_be_requested(n) => "cannot be a Host header",
        _ => "is answered by an earlier server on the same address",
    }
}

/// A server that says `default_server` on one of its addresses, after another server of
/// that address did: nginx refuses the second ("a duplicate default server", NGX020), and
/// the fix of that refusal decides which of the two is the default. That it is not the
/// default now is a consequence of the refusal, not of this server.
fn claims_default(server: &Server, groups: &[&ListenGroup]) -> bool {
    server.listens.iter().any(|l| {
        l.default_server && {
            let address = ListenAddress::of(l);
            groups.iter().any(|g| g.address == address)
        }
    })
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        // Server → the groups it belongs to; a server is in few groups, so a scan per server is fine.
        let mut member_of: Vec<Vec<usize>> = vec![Vec::new(); nginx.servers.len()];
        for (g, group) in nginx.listen_groups.iter().enumerate() {
            for m in &group.members {
                if let Some(list) = member_of.get_mut(m.server) {
                    list.push(g);
                }
            }
        }
        for (index, server) in nginx.servers.iter().enumerate() {
            let groups: Vec<_> = member_of[index]
                .iter()
                .filter_map(|g| nginx.listen_groups.get(*g))
                .collect();
            if groups.is_empty()
                || server
                    .names
                    .iter()
                    .any(|(n, _)| patterns(n).contains(&NamePattern::Unknown))
                || groups
                    .iter()
                    .any(|g| g.default == index || g.has_reachable_name(index))
                || claims_default(server, &groups)
            {
                continue;
            }
            let first = groups[0];
            let addresses: Vec<String> = groups.iter().map(|g| g.address.to_string()).collect();
            let label = server.names.first().map_or(server.span, |(_, s)| *s);
            let mut diagnostic = Diagnostic::new(
                &RULE.meta,
                label,
                if server.names.is_empty() {
                    // Its name is "": an HTTP/1.0 request without a Host header selects it
                    // (live, nginx 1.22).
                    format!(
                        "this server answers only requests without a Host header: it is not the default server of {} and has no server_name",
                        addresses.join(", ")
                    )
                } else {
                    format!(
                        "this server answers no request: it is not the default server of {} and none of its names can be selected",
                        addresses.join(", ")
                    )
                },
            )
            .with_label("no request selects this server");
            for (name, _) in &server.names {
                let shown = if name.is_empty() { "\"\"" } else { name };
                diagnostic = diagnostic.with_note(format!("`{shown}` {}", why(name)));
            }
            if server.names.is_empty() {
                diagnostic = diagnostic.with_note(
                    "it has no server_name, so only requests without a Host header would match",
                );
            }
            if let Some(default) = nginx.servers.get(first.default) {
                diagnostic = diagnostic.with_related(
                    default.keyword,
                    format!("unknown hosts on {} go to this server", first.address),
                );
            }
            let port = first.address.port.map_or(String::new(), |p| p.to_string());
            sink.push(diagnostic.with_help(format!(
                "add `default_server` to its `listen {port}` if it should catch unknown hosts, or give it the names it should answer"
            )));
        }
    }
}
