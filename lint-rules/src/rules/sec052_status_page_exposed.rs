use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::syntax::{is_internal_location, Tree};
use crate::model::Model;
use crate::rules::sec051_allow_without_deny::AUTH_DIRECTIVES;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC052",
        name: "status-page-exposed",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "nginx `stub_status` or php-fpm's status/ping page reachable without access restriction",
        aliases: &["status_page_exposed"],
        doc: r#"`stub_status` shows nginx's connection counters; php-fpm's
`pm.status_path` shows every pool's workers and, with `?full`, the URI,
client script and timing of every request in flight; `ping.path` confirms
php-fpm to anyone. Without an `allow ...; deny all;` (or authentication) in
the location that serves them, any client can read them. For php-fpm the
check follows the request: a status path is reported when nginx's location
for that URI passes it to the pool that has it (with `SCRIPT_NAME` taken from
the URI and no `try_files` in the way). `stub_status` is reported only where it
answers (no `return` in its location, no later `fastcgi_pass` or other content
handler replacing it) and not on a server that listens only on loopback
addresses or unix sockets; php-fpm's pages are reported there too, since `?full`
hands every request's URI and client to any local user or forged request. An
`if` on a `geo` variable (or a `map` of `$remote_addr`) that returns an error
is an address check too: `if ($not_monitoring) { return 404; }` is not reported.

**Symptom**: `curl https://host/status?full` from anywhere lists the URLs and
client addresses being served; `/nginx_status` gives traffic figures for
reconnaissance and timing attacks.

Bad:
```nginx
location = /status {
    include fastcgi_params;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;  # pool: pm.status_path = /status
}
```
Good:
```nginx
location = /status {
    allow 127.0.0.1;
    deny all;
    include fastcgi_params;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Add `allow <monitoring address>; deny all;` to the location (for `stub_status`, a listener bound to 127.0.0.1 or a unix socket also does).",
    },
    check: Check::Model(check),
};

/// The `listen` statements of the server around `scope`, `None` outside a server.
fn server_listens(tree: &Tree<'_>, scope: Option<usize>) -> Option<Vec<Vec<String>>> {
    let server = self_or_enclosing(tree, scope, "server")?;
    Some(
        tree.children(Some(server))
            .iter()
            .filter(|c| tree.item(**c).is("listen"))
            .map(|c| crate::model::syntax::args(&tree.item(*c)))
            .collect(),
    )
}

/// Address families (IPv4, IPv6) clients of a server connect over, from its `listen`s'
/// arguments ([`server_listens`]; `None`: no server around the block).
fn families(listens: Option<&[Vec<String>]>) -> (bool, bool) {
    let Some(listens) = listens else {
        return (true, true);
    };
    if listens.is_empty() {
        // The implicit `listen *:80` is IPv4.
        return (true, false);
    }
    let (mut v4, mut v6) = (false, false);
    for args in listens {
        let Some(address) = args.first() else {
            continue;
        };
        if address.to_ascii_lowercase().starts_with("unix:") {
            continue;
        }
        if address.starts_with('[') {
            v6 = true;
            v4 |= args.iter().any(|a| a.eq_ignore_ascii_case("ipv6only=off"));
            continue;
        }
        let host = address
            .rsplit_once(':')
            .map_or(address.as_str(), |(h, _)| h);
        if host.is_empty() || host == "*" || host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            v4 = true;
        } else {
            v4 = true;
            v6 = true;
        }
    }
    (v4, v6)
}

/// Whether the server around `scope` listens only on loopback addresses and unix sockets:
/// no other host connects (hestiacp's status server: `listen 127.0.0.1:8084`). Enough for
/// nginx's counters; php-fpm's status page with `?full` lists every request's URI, query
/// and client, which a local user or a request forged through another service still
/// reads, so it is reported on loopback too.
fn loopback_only(tree: &Tree<'_>, scope: Option<usize>) -> bool {
    server_listens(tree, scope).is_some_and(|listens| {
        !listens.is_empty()
            && listens
                .iter()
                .all(|a| a.first().is_some_and(|x| is_local_listen(x)))
    })
}

/// A `listen` address only this machine reaches: a unix socket, 127.0.0.0/8, `[::1]`,
/// `localhost` (with or without a port).
fn is_local_listen(address: &str) -> bool {
    let a = address.to_ascii_lowercase();
    if a.starts_with("unix:") || a.starts_with("[::1]") {
        return true;
    }
    let host = a.rsplit_once(':').map_or(a.as_str(), |(h, _)| h);
    host == "localhost" || host.starts_with("127.")
}

/// `scope` itself when it is a `name` block, else its nearest enclosing one.
fn self_or_enclosing(tree: &Tree<'_>, scope: Option<usize>, name: &str) -> Option<usize> {
    let s = scope?;
    if tree.item(s).is(name) {
        Some(s)
    } else {
        tree.enclosing(s, name)
    }
}

/// Why block `scope` lets any client in, or `None` when it is restricted.
pub fn unrestricted(tree: &Tree<'_>, scope: Option<usize>) -> Option<String> {
    let listens = server_listens(tree, scope);
    if let Some(listens) = &listens {
        if !listens.is_empty()
            && listens.iter().all(|a| {
                a.first()
                    .is_some_and(|x| x.to_ascii_lowercase().starts_with("unix:"))
            })
        {
            return None;
        }
    }
    if self_or_enclosing(tree, scope, "location").is_some_and(|l| is_internal_location(tree, l)) {
        return None;
    }
    if guarded_by_client_address(tree, scope) {
        return None;
    }
    // Access rules come from the nearest block that has any, all or nothing.
    let mut level = scope;
    let rules: Vec<(bool, String)> = loop {
        let rules: Vec<(bool, String)> = tree
            .children(level)
            .iter()
            .map(|c| tree.item(*c))
            .filter(|s| (s.is("allow") || s.is("deny")) && s.arg_count() > 0)
            .map(|s| {
                (
                    s.is("allow"),
                    s.arg(0).unwrap_or_default().to_ascii_lowercase(),
                )
            })
            .collect();
        if !rules.is_empty() {
            break rules;
        }
        match level {
            Some(l) => level = tree.parent(l),
            None => break Vec::new(),
        }
    };
    let (v4, v6) = families(listens.as_deref());
    let universal = |a: &str| a == "all" || (a == "0.0.0.0/0" && v4) || (a == "::/0" && v6);
    let first_universal = rules
        .iter()
        .find(|(_, a)| universal(a))
        .map(|(allow, _)| *allow);
    let has_allow = rules.iter().any(|(allow, a)| *allow && !universal(a));
    let deny_all = first_universal == Some(false);
    // Restricted by address whatever the authentication: the blocks around it are not
    // searched for one (this runs for every status page of every server).
    if has_allow && deny_all {
        return None;
    }
    let has_auth = AUTH_DIRECTIVES.iter().any(|name| {
        tree.inherited(scope, name)
            .and_then(|a| tree.item(a).arg(0))
            .is_some_and(|v| !v.eq_ignore_ascii_case("off"))
    });
    let satisfy_any = || {
        tree.inherited(scope, "satisfy")
            .and_then(|s| tree.item(s).arg(0))
            .is_some_and(|v| v.eq_ignore_ascii_case("any"))
    };
    if has_auth && !(first_universal == Some(true) && satisfy_any()) {
        return None;
    }
    let mut why = Vec::new();
    if has_auth {
        why.push("under `satisfy any` an `allow` for every address skips the authentication");
    }
    if first_universal == Some(true) && !has_auth {
        // `allow all;` first: every client matches it (loRaCielBroce's stub_status).
        why.push("`allow all` lets every address in");
    } else {
        if !has_allow {
            why.push("no `allow` for trusted addresses");
        }
        if !deny_all {
            why.push("no `deny all`");
        }
    }
    Some(why.join("; "))
}

/// Whether the block, or one enclosing it up to its server, ends the request with an
/// error for some clients by an `if` on a variable of the client's address: a `geo`
/// block, or a `map` of `$remote_addr` (perusio/drupal-with-nginx:
/// `if ($dont_show_nginx_status) { return 404; }`; live: 404 outside the list).
fn guarded_by_client_address(tree: &Tree<'_>, scope: Option<usize>) -> bool {
    // The `if`s first (rare), the variables' definitions only for them: this runs for
    // every status page, and a tree may hold thousands of maps.
    let mut level = scope;
    while let Some(l) = level {
        let guarded = tree.children(Some(l)).iter().any(|&c| {
            let item = tree.item(c);
            item.is("if")
                && tree.children(Some(c)).iter().any(|&r| {
                    let r = tree.item(r);
                    r.is("return")
                        && r.arg(0)
                            .and_then(|code| code.parse::<u16>().ok())
                            .is_some_and(|code| code >= 400)
                })
                && item.args().any(|a| {
                    a.split('$')
                        .skip(1)
                        .map(|v| {
                            let end = v
                                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                                .unwrap_or(v.len());
                            &v[..end]
                        })
                        .any(|name| !name.is_empty() && is_client_address_variable(tree, name))
                })
        });
        if guarded {
            return true;
        }
        if tree.item(l).is("server") {
            break;
        }
        level = tree.parent(l);
    }
    false
}

/// Whether `$name` is made by a `geo` block (of the client address unless told
/// otherwise) or a `map` of `$remote_addr`, `$binary_remote_addr` or
/// `$realip_remote_addr`.
fn is_client_address_variable(tree: &Tree<'_>, name: &str) -> bool {
    let is_var = |word: &str| {
        word.strip_prefix('$')
            .is_some_and(|w| w.eq_ignore_ascii_case(name))
    };
    let by_address = |source: &str| {
        ["$remote_addr", "$binary_remote_addr", "$realip_remote_addr"]
            .iter()
            .any(|s| source.eq_ignore_ascii_case(s))
    };
    tree.named("geo").chain(tree.named("map")).any(|g| {
        let item = tree.item(g);
        match (item.arg_count(), item.is("geo")) {
            (1, true) => item.arg(0).is_some_and(|v| is_var(&v)),
            (2, _) => {
                item.arg(1).is_some_and(|v| is_var(&v))
                    && item.arg(0).is_some_and(|src| by_address(&src))
            }
            _ => false,
        }
    })
}

/// Whether the `stub_status` statement `i` ever answers: its block has no `return` of its
/// own (that ends the request in the rewrite phase, before any content handler: ddev's
/// `/healthcheck`), and no content handler written after it replaces it (ddev's
/// `stub_status on; ... fastcgi_pass`). Checked with nginx 1.22.1.
fn is_served(tree: &Tree<'_>, i: usize) -> bool {
    let siblings = tree.children(tree.parent(i));
    let returns = siblings.iter().any(|&c| tree.item(c).is("return"));
    let replaced = siblings.iter().skip_while(|&&c| c != i).skip(1).any(|&c| {
        crate::model::syntax::CONTENT_HANDLERS
            .iter()
            .any(|h| tree.item(c).is(h))
    });
    !returns && !replaced
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        for i in tree.named("stub_status").collect::<Vec<_>>() {
            if !is_served(tree, i) || loopback_only(tree, tree.parent(i)) {
                continue;
            }
            let Some(why) = unrestricted(tree, tree.parent(i)) else {
                continue;
            };
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    tree.item(i).span(),
                    format!("`stub_status` is readable by any client: {why}"),
                )
                .with_help("add `allow <monitoring address>; deny all;` to this location"),
            );
        }
    }
    fpm_status_pages(model, sink);
}

/// php-fpm's `pm.status_path` and `ping.path`, reached through an nginx location.
fn fpm_status_pages(model: &Model<'_>, sink: &mut Sink) {
    for ((nginx, _config), tree) in model.nginx.iter().zip(model.trees).zip(model.syntax) {
        for server in &nginx.servers {
            let mut reported = foldhash::HashSet::default();
            for location in server.fastcgi_locations() {
                // The URI must reach php-fpm with SCRIPT_NAME = the URI (a try_files or a
                // fixed script ends that): a fact of the location, asked before its pools
                // and their settings are read.
                if location.try_files.is_some() || location.has_exists_check {
                    continue;
                }
                for (_, pool) in model.reached_pools(location) {
                    for key in ["pm.status_path", "ping.path"] {
                        let Some(entry) = pool.pool.get(key) else {
                            continue;
                        };
                        let path = entry.value.trim();
                        if !path.starts_with('/') {
                            continue;
                        }
                        // The URI must land in this location (asked last: it runs the
                        // server's regexes).
                        let script_name_is_uri =
                            location.inherited.params.as_ref().is_some_and(|list| {
                                list.params.iter().any(|p| {
                                    p.name == "SCRIPT_NAME"
                                        && matches!(
                                            p.value.as_str(),
                                            "$fastcgi_script_name" | "$uri" | "$document_uri"
                                        )
                                })
                            });
                        // A literal SCRIPT_NAME naming the page (`fastcgi_param SCRIPT_NAME
                        // /status;` in `location = /fpm-status`) reaches it from any URI
                        // this location serves (live: the full status page, 200).
                        let names_the_page =
                            location.inherited.params.as_ref().is_some_and(|list| {
                                list.get("SCRIPT_NAME")
                                    .is_some_and(|p| p.value.trim_matches('"') == path)
                            });
                        let reached_by_uri = script_name_is_uri
                            && server
                                .location_for(path)
                                .is_some_and(|l| l.span == location.span);
                        if !names_the_page && !reached_by_uri {
                            continue;
                        }
                        // The statement inside this server (a snippet's location is
                        // spliced into several).
                        let nodes = || tree.locations_at(location.span);
                        let inside = nodes().find(|&n| {
                            tree.enclosing(n, "server")
                                .is_some_and(|s| tree.item(s).span() == server.span)
                        });
                        let Some(node) = inside.or_else(|| nodes().last()) else {
                            continue;
                        };
                        let Some(why) = unrestricted(tree, Some(node)) else {
                            continue;
                        };
                        if !reported.insert((location.span, key)) {
                            continue;
                        }
                        let what = if key == "ping.path" { "ping" } else { "status" };
                        sink.push(
                            Diagnostic::new(
                                &RULE.meta,
                                location.span,
                                format!("php-fpm's {what} page `{path}` is readable by any client through this location: {why}"),
                            )
                            .with_related(entry.value_span, format!("`{key}` of pool [{}]", pool.pool.name))
                            .with_help(format!("add `allow <monitoring address>; deny all;` to a `location = {path}` of its own")),
                        );
                    }
                }
            }
        }
    }
}
