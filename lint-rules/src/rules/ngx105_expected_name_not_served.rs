use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use crate::model::listen_groups::{ListenGroup, Selection, Transport};
use crate::model::{Model, Server};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX105",
        name: "expected-name-not-served",
        family: Family::NginxListen,
        severity: Severity::Warning,
        summary: "a domain the operator expects (`--names`, `names` in the config file) is answered by no server on 80/443",
        aliases: &[],
        doc: r#"nginx picks a server by the Host header: exact names first, then the
longest `*.` wildcard, then the longest `.*` wildcard, then regexes in order,
and otherwise the default server of the address. A domain missing from every
`server_name` (a typo, a site not enabled, `www.` forgotten) lands on the
default server: the "Welcome to nginx" page, another customer's site, or a 404.
A regex that matches any host (`~.*`) counts as a catch-all, not as serving the
name. Each address on port 80 and 443 is checked on its own; a port-80 default
server that only redirects to https counts as serving the name when https does.

Give the domains that must work with `--names shop.example.com,www.shop.example.com`
or `names = [...]` in .nginx-fpm-lint.toml.

**Symptom**: the domain shows the default site: "Welcome to nginx", another
customer's site, or the catch-all's 444/404.

Bad (`--names www.shop.example.com`):
```nginx
server { listen 80; server_name shop.example.com; }
```
Good:
```nginx
server { listen 80; server_name shop.example.com www.shop.example.com; }
```"#,
        fix: "Add the name to the server_name of the site that should answer it (and enable the site).",
    },
    check: Check::Model(check),
};

/// A host no configuration names on purpose.
const CATCH_ALL_PROBE: &str = "nginx-fpm-lint-probe.invalid";

/// True when a server only sends everything to https (`return 301 https://...` at server level).
fn redirects_to_https(server: &Server) -> bool {
    server
        .locations
        .first()
        .and_then(|level| level.early_return.as_ref())
        .is_some_and(|r| {
            matches!(r.first(), "301" | "302" | "307" | "308")
                && r.args.get(1).is_some_and(|url| url.starts_with("https://"))
        })
}

/// The server that catches a host, and the catch-all name when a pattern did.
type Catcher = (usize, Option<Span>);

/// Who answers `host` on `group` when no name was meant for it: the default server,
/// or a catch-all pattern (one that also answers a probe host: `~.*`, `~^(.+)$`).
/// `None` when a name serves it.
fn fallback(group: &ListenGroup, host: &str) -> Option<Catcher> {
    match group.select(host) {
        Selection::Default(default) => Some((default, None)),
        chosen @ Selection::Name { server, span } if group.select(CATCH_ALL_PROBE) == chosen => {
            Some((server, Some(span)))
        }
        Selection::Name { .. } => None,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    if model.options.expected_names.is_empty() {
        return;
    }
    for nginx in &model.nginx {
        let web: Vec<_> = nginx
            .listen_groups
            .iter()
            .filter(|g| {
                g.address.transport == Transport::Tcp && matches!(g.address.port, Some(80 | 443))
            })
            .collect();
        // Per server that catches them and the addresses where it does: the names it
        // catches (one finding lists them all; one per name folded into a note that
        // blamed a shared file).
        type Caught = (Catcher, String);
        let mut caught: Vec<(Caught, Vec<String>)> = Vec::new();
        for host in &model.options.expected_names {
            let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
            if host.is_empty() {
                continue;
            }
            let named_somewhere = web.iter().any(|g| fallback(g, &host).is_none());
            // Addresses where the host falls through, by the server that catches it.
            let mut missed: Vec<(Catcher, Vec<String>)> = Vec::new();
            for group in &web {
                let Some(catcher) = fallback(group, &host) else {
                    continue;
                };
                let Some(server) = nginx.servers.get(catcher.0) else {
                    continue;
                };
                // A catch-all that only redirects to https is the intended answer on port 80.
                if named_somewhere && redirects_to_https(server) {
                    continue;
                }
                match missed.iter_mut().find(|(c, _)| *c == catcher) {
                    Some((_, addresses)) => addresses.push(group.address.to_string()),
                    None => missed.push((catcher, vec![group.address.to_string()])),
                }
            }
            for (catcher, addresses) in missed {
                let key = (catcher, addresses.join(", "));
                match caught.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, hosts)) if !hosts.contains(&host) => hosts.push(host.clone()),
                    Some(_) => {}
                    None => caught.push((key, vec![host.clone()])),
                }
            }
        }
        for (((index, pattern), addresses), hosts) in caught {
            let Some(server) = nginx.servers.get(index) else {
                continue;
            };
            let (label, what) = match pattern {
                Some(span) => (span, "this catch-all name"),
                None => (
                    server.names.first().map_or(server.span, |(_, s)| *s),
                    "this default server",
                ),
            };
            let quoted: Vec<String> = hosts.iter().map(|h| format!("\"{h}\"")).collect();
            let (names, them) = if hosts.len() == 1 {
                (quoted.join(""), "it")
            } else {
                (quoted.join(", "), "them")
            };
            sink.push(
                Diagnostic::new(&RULE.meta, label, format!("no server on {addresses} names {names}: requests for {them} go to {what}"))
                    .with_help(format!("add `{}` to the server_name of the site that should answer {them}, and check that the site is enabled", hosts.join(" "))),
            );
        }
    }
}
