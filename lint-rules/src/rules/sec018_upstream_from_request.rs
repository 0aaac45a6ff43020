use crate::model::syntax::{Nodes, Tree};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::value_reach::{pieces, Piece, Resolver};
use crate::model::Model;
use nginx_conf_parser::Item;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC018",
        name: "upstream-from-request",
        family: Family::Security,
        severity: Severity::Error,
        summary: "the host (or scheme) of a `proxy_pass`/`fastcgi_pass`/`grpc_pass`/... comes from the request (server-side request forgery)",
        aliases: &["ssrf"],
        doc: r#"When the address of a `*_pass` contains a variable, nginx resolves it per
request. If that variable comes from the request (a query argument, a header, a
cookie, a capture of the URI, or a `set`/`map` built from one) the client picks the
host nginx connects to: any internal service, the cloud metadata endpoint
(`169.254.169.254`), or php-fpm itself through `fastcgi_pass`, where the client then
chooses `SCRIPT_FILENAME`'s target too. Variables nginx fills itself
(`$host` of a matched `server_name`, `$upstream_*`) and values that must contain a
`/` before the host part are not reported, nor a variable whose every value begins
with `/` (`proxy_pass http://127.0.0.1:9000$tail;` with a `map` whose values are all
paths: the host is fixed); neither are `internal` and named locations, which clients
cannot request directly, nor a location whose `try_files` ends in a code (`try_files
$uri =404;`): only names of files that exist get through.

**Symptom**: server-side request forgery: `GET /proxy/?to=169.254.169.254/latest/meta-data/`
returns the cloud credentials; `fastcgi_pass $arg_dest` lets a client run PHP on
any host:port reachable from nginx.

Bad:
```nginx
location /proxy/ {
    proxy_pass http://$arg_to;
}
location ~ ^/img/(.*?)/(.*)$ {
    proxy_pass https://$1/$2;
}
```
Good:
```nginx
map $arg_to $backend {
    default  images.internal;
    thumbs   thumbs.internal;
}
location /proxy/ {
    proxy_pass http://$backend;
}
```"#,
        fix: "Choose the upstream from a fixed list (`map` with a `default`, or `upstream` blocks) instead of passing request data through; or mark the location `internal`.",
    },
    check: Check::Nodes(check),
};

use crate::model::syntax::UPSTREAM_PASSES as PASSES;

/// The scheme (`...://`) and host parts of a pass target as written, as gixy reads
/// them: `(?P<scheme>[^?#/)]+://)?(?P<host>[^?#/)]+)`.
fn scheme_and_host(target: &str) -> (Option<&str>, &str) {
    let stop = |c: char| matches!(c, '?' | '#' | '/' | ')');
    let run = target.find(stop).unwrap_or(target.len());
    if run > 1 && target[..run].ends_with(':') && target[run..].starts_with("//") {
        let scheme = &target[..run + 2];
        let rest = &target[run + 2..];
        let host = &rest[..rest.find(stop).unwrap_or(rest.len())];
        if !host.is_empty() {
            return (Some(scheme), host);
        }
    }
    (None, &target[..run])
}

/// True inside a location clients cannot request directly.
fn internal(blocks: &[Item<'_>]) -> bool {
    let Some(location) = blocks.iter().rev().find(|b| b.is("location")) else {
        return false;
    };
    location.arg(0).is_some_and(|a| a.starts_with('@'))
        || location.children().any(|c| c.is("internal"))
}

/// The request reaches the pass only for files that exist: the location's `try_files`
/// ends in a code (`try_files $uri =404;`), so a value the client makes up finds no file
/// and is answered with it (WordOps' `location ~ /fpm/status/(.*) { try_files $uri =404;
/// fastcgi_pass $1; }`: live, `/fpm/status/evil.example.com` is a 404 and nginx connects
/// nowhere).
fn gated_by_files(blocks: &[Item<'_>]) -> bool {
    let Some(location) = blocks.iter().rev().find(|b| b.is("location")) else {
        return false;
    };
    location.children().any(|c| {
        c.is("try_files")
            && c.arg_count() >= 2
            && c.arg(c.arg_count() - 1)
                .is_some_and(|last| last.starts_with('='))
    })
}

/// What a statement sends depends on it, the blocks around it and the tree's `map`s and
/// top-level `set`s (outside the servers): checked a part of the tree at a time.
fn check(model: &Model<'_>, syntax: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let Some(globals) = model.globals(syntax) else {
        return;
    };
    // The passes by name (not every statement of the tree), each with the blocks around
    // it, outermost first (what a walk gives).
    'statements: for at in crate::rules::statements_named(syntax, nodes, PASSES) {
        let s = &syntax.item(at);
        let Some(target) = s.arg(0) else {
            continue;
        };
        if !target.contains('$') {
            continue;
        }
        let mut blocks: Vec<Item<'_>> = syntax.ancestors(at).map(|a| syntax.item(a)).collect();
        blocks.reverse();
        let blocks = &blocks[..];
        if internal(blocks) || gated_by_files(blocks) {
            continue;
        }
        let resolver = Resolver { globals, blocks };
        let (scheme, host) = scheme_and_host(&target);
        for (part, what) in [(scheme, "scheme"), (Some(host), "host")] {
            let Some(part) = part else {
                continue;
            };
            for piece in pieces(part) {
                let var = match piece {
                    // Text with a `/` ends the host: what follows is the path.
                    Piece::Text(t) if t.contains('/') => break,
                    Piece::Text(_) => continue,
                    Piece::Var(v) => v,
                };
                let t = resolver.var(var);
                if t.reach.must.has(b'/') {
                    break;
                }
                // A value that begins with `/` starts the path (`$tail` of a map whose
                // values all do); an empty one leaves the host to what follows.
                if t.lead.slash {
                    if t.lead.empty {
                        continue;
                    }
                    break;
                }
                if !t.reach.can.has(b'.') {
                    continue;
                }
                let mut d = Diagnostic::new(
                        &RULE.meta,
                        s.arg_span(0),
                        format!(
                            "the upstream {what} comes from `${var}`, which the client chooses: nginx connects wherever the request says"
                        ),
                    )
                    .with_help("pick the upstream from a fixed list (`map` with a default, `upstream` blocks), or make the location `internal`");
                for span in t.via {
                    d = d.with_related(span, "the value comes from here");
                }
                sink.push(d);
                continue 'statements;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scheme_and_host;

    #[test]
    fn reads_scheme_and_host_like_gixy() {
        assert_eq!(scheme_and_host("$s://$h/$p"), (Some("$s://"), "$h"));
        assert_eq!(
            scheme_and_host("http://some${arg_la}.x"),
            (Some("http://"), "some${arg_la}.x")
        );
        assert_eq!(scheme_and_host("$arg_dest"), (None, "$arg_dest"));
        assert_eq!(scheme_and_host("unix:/run/php.sock"), (None, "unix:"));
    }
}
