use crate::model::syntax::Nodes;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::syntax::{is_internal_location, Tree};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC050",
        name: "return-bypasses-allow-deny",
        family: Family::Security,
        severity: Severity::Error,
        summary: "`return` or a redirecting `rewrite` answers before `allow`/`deny` of the same block run",
        aliases: &["return_bypasses_allow_deny"],
        doc: r#"nginx runs the rewrite phase (`return`, `rewrite`, `set`, `if`) before the
access phase (`allow`/`deny`, `auth_basic`, `auth_request`). A `return` with a
body or a redirect, or a `rewrite` that redirects (a `redirect`/`permanent`
flag, or a replacement starting with `http://`, `https://` or `$scheme`),
answers the request before any access rule is looked at — in the same block
or in any location below it that inherits the rules. A `return 4xx` without a
body only sends an error and is not reported, even when an `error_page` turns it
into a page by URI: the internal redirect runs the access phase again where the
page is, so a denied client gets 403 there (live, nginx 1.22.1), or an error page
that is public anyway; an `error_page` to a named location is reported. A block
with only `allow` rules denies nobody and is not reported.

A `rewrite` with `last` (or no flag) is not an answer, but it does not wait for
the access phase either: nginx searches the locations again for the new URI, and
only the location it lands in runs its access rules. Into a public location
that changes nothing (anyone may ask for that URI), but into an `internal`
location without access rules of its own it serves what the client could not
ask for directly, past the `deny` of the block the `rewrite` is in (live,
nginx 1.22.1: 200 for a denied client; with `break` the same request gets 403).
A named location, and an `internal` one reached from `try_files`, `error_page`
or `X-Accel-Redirect`, is entered after the access phase of the location that
sent the request there, and is not reported. Rules written for a whole `server`
are not bypassed by a redirect to a path of that server (`return 301 /netdata/;`):
the client lands where the same rules answer. Rules written for all of `http` are not
bypassed by a redirect to this nginx itself: a path, or a URL whose host is the
request's (`https://$host$request_uri`) or a name one of its servers answers to.

**Symptom**: clients the `deny` is meant to stop get the response anyway
(`curl -i https://host/admin/` from any address answers 200 or the redirect).

Bad (also reported: the `rewrite` hands the request to an `internal` location
that has no `deny` of its own):
```nginx
location /reports/ {
    allow 10.0.0.0/8;
    deny all;
    rewrite ^/reports/(.*)$ /internal-reports/$1 last;
}
location /internal-reports/ {
    internal;
    alias /srv/reports/;
}
```

Bad:
```nginx
location /admin/ {
    allow 10.0.0.0/8;
    deny all;
    return 200 "admin console";
}
```
Good:
```nginx
location /admin/ {
    allow 10.0.0.0/8;
    deny all;
    try_files /admin.html =404;
}
```"#,
        fix: "Produce the response in the content phase (try_files, proxy_pass, fastcgi_pass, static files); a named location does not help. For a `rewrite ... last` into an `internal` location, repeat the access rules there (or use `break` and serve in place).",
    },
    check: Check::Nodes(check),
};

/// Statements under `scope` outside named and `internal` locations (those run only
/// after another location's access phase).
fn reachable_descendants(tree: &Tree<'_>, scope: Option<usize>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<usize> = tree.children(scope).iter().rev().copied().collect();
    while let Some(n) = stack.pop() {
        if tree.item(n).is("location") && is_internal_location(tree, n) {
            continue;
        }
        out.push(n);
        stack.extend(tree.children(Some(n)).iter().rev());
    }
    out
}

/// `return 4xx;` without a body: only an error, also when an `error_page` turns it into
/// a page by URI (the redirect meets the access rules, or the same `return`, again); an
/// `error_page` to a named location may serve anything.
/// Whether statement `i` is `return 3xx /path` or a `rewrite ... /path redirect|permanent`:
/// a redirect to a path of the same server.
fn redirects_within_server(tree: &Tree<'_>, i: usize) -> bool {
    redirect_target(tree, i).is_some_and(|t| t.starts_with('/') && !t.starts_with("//"))
}

/// The target of `return 3xx TARGET` or of a redirecting `rewrite`.
fn redirect_target(tree: &Tree<'_>, i: usize) -> Option<String> {
    let item = tree.item(i);
    let args: Vec<String> = crate::model::syntax::args(&item);
    let target = if item.is("return") {
        match args.as_slice() {
            [code, target] if matches!(code.as_str(), "301" | "302" | "303" | "307" | "308") => {
                target
            }
            _ => return None,
        }
    } else if item.is("rewrite") && crate::model::syntax::rewrite_redirects(&item) {
        args.get(1)?
    } else {
        return None;
    };
    Some(target.clone())
}

/// Whether statement `i` redirects to this nginx itself: a path, or an `http(s)://` URL
/// whose host is the request's (`$host`, `$http_host`, `$server_name`) or a name one of
/// the configuration's servers answers to. Rules written for all of `http` answer there
/// too (SlickStack's http-level `allow` Cloudflare / `deny all` beside its port-80
/// server's `return 301 https://www.example.com$request_uri`).
fn redirects_to_this_nginx(model: &Model<'_>, tree: &Tree<'_>, i: usize) -> bool {
    let Some(target) = redirect_target(tree, i) else {
        return false;
    };
    if target.starts_with('/') && !target.starts_with("//") {
        return true;
    }
    // A path from the request itself (`return 301 $uri;`, SlickStack's `rewrite ^(.*)$
    // $uri? permanent;`), or a rewrite's first capture when its regex opens with it at
    // the start of the URI (`rewrite ^(.*/)amp(.*)$ $1 permanent;`): always `/...`.
    let starts_with_var = |var: &str| {
        target.strip_prefix(var).is_some_and(|after| {
            !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    if ["$uri", "$request_uri", "$document_uri"]
        .iter()
        .any(|v| starts_with_var(v))
    {
        return true;
    }
    let item = tree.item(i);
    if item.is("rewrite")
        && (starts_with_var("$1") || target.starts_with("${1}"))
        && item.arg(0).is_some_and(|re| re.starts_with("^("))
    {
        return true;
    }
    let lower = target.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://", "$scheme://"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
    else {
        return false;
    };
    let end = rest.find(['/', '?', '$']).unwrap_or(rest.len());
    if end == 0 {
        return ["$host", "$http_host", "$server_name"].iter().any(|v| {
            rest.strip_prefix(v).is_some_and(|after| {
                !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        });
    }
    let host = &rest[..end];
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    model
        .servers()
        .any(|(_, s)| s.names.iter().any(|(n, _)| n.eq_ignore_ascii_case(host)))
}

fn returns_plain_error(tree: &Tree<'_>, i: usize) -> bool {
    let args: Vec<String> = crate::model::syntax::args(&tree.item(i));
    let Some(code) = args.first() else {
        return false;
    };
    if args[1..].iter().any(|a| !a.is_empty()) {
        return false;
    }
    if !code.parse::<u32>().is_ok_and(|c| c >= 400) {
        return false;
    }
    let page = tree.ancestors(i).find_map(|a| {
        tree.children(Some(a)).iter().find_map(|c| {
            let e = tree.item(*c);
            if !e.is("error_page") {
                return None;
            }
            let words: Vec<String> = crate::model::syntax::args(&e);
            let (target, codes) = words.split_last()?;
            codes.contains(code).then(|| target.clone())
        })
    });
    // A page by URI is an internal redirect that runs the access phase again where it
    // lands: inside the guarded block the `deny` answers 403 there (myvesta's
    // `error_page 404 /error/404.html` with an http-level `deny`; live: 403), outside it
    // the client gets an error page anyone may see. A named location may serve anything.
    match page {
        None => true,
        Some(page) => page.starts_with('/'),
    }
}

/// Whether a level (a block, `None` for the top) is guarded for the request that lands
/// below it: the nearest level with allow/deny rules denies someone, or a password or
/// `auth_request` applies (not switched `off`).
fn guarded_at(tree: &Tree<'_>, node: usize) -> bool {
    let levels = || std::iter::once(Some(node)).chain(tree.ancestors(node).map(Some));
    let access_list = levels().find_map(|level| {
        let rules: Vec<usize> = tree
            .children(level)
            .iter()
            .copied()
            .filter(|&c| tree.item(c).is("allow") || tree.item(c).is("deny"))
            .collect();
        (!rules.is_empty()).then(|| rules.iter().any(|&c| tree.item(c).is("deny")))
    });
    let authenticates = levels().any(|level| {
        tree.children(level).iter().any(|&c| {
            let s = tree.item(c);
            (s.is("auth_basic") || s.is("auth_request"))
                && !s.arg(0).is_some_and(|a| a.eq_ignore_ascii_case("off"))
        })
    });
    access_list.unwrap_or(false) || authenticates
}

/// The URI a `rewrite` sets when it has the literal shape `/path/$1`: its captures and
/// variables read as `x`, the query string dropped. `None` for any other replacement.
fn rewrite_probe(replacement: &str) -> Option<String> {
    if !replacement.starts_with('/') || replacement.starts_with("//") {
        return None;
    }
    let path = replacement.split('?').next().unwrap_or(replacement);
    let mut probe = String::with_capacity(path.len());
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            probe.push(c);
            continue;
        }
        if chars.peek() == Some(&'{') {
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
            }
        } else {
            while chars
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                chars.next();
            }
        }
        probe.push('x');
    }
    Some(probe)
}

/// For a `rewrite ... last` (or with no flag) in a guarded block: the `internal`
/// location its new URI lands in, when that location is not guarded itself. The
/// location search runs again before the guarded block's access phase.
fn rewrites_into_open_internal(model: &Model<'_>, tree: &Tree<'_>, i: usize) -> Option<String> {
    let item = tree.item(i);
    if !item.is("rewrite") || crate::model::syntax::rewrite_redirects(&item) {
        return None;
    }
    let flag = item.arg(2);
    if flag
        .as_deref()
        .is_some_and(|f| !f.eq_ignore_ascii_case("last"))
    {
        return None;
    }
    let probe = rewrite_probe(&item.arg(1)?)?;
    let server_node = tree.enclosing(i, "server")?;
    let server_span = tree.item(server_node).span();
    let (_, server) = model.servers().find(|(_, s)| s.span == server_span)?;
    let landing = server.location_for(&probe)?;
    let node = tree.locations_at(landing.span).next()?;
    (is_internal_location(tree, node) && !guarded_at(tree, node)).then(|| landing.pattern.clone())
}

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let mut seen = foldhash::HashSet::default();
    // The access rules by name, in document order (not every statement of the tree).
    for i in super::statements_named(tree, nodes, &["allow", "deny"]) {
        let item = tree.item(i);
        let scope = tree.parent(i);
        if !seen.insert(scope) {
            continue;
        }
        // Only `allow` rules (WordOps' `allow all;` beside `return 200`): nobody is
        // denied, nothing is bypassed.
        let denies = tree
            .children(scope)
            .iter()
            .any(|&c| tree.item(c).is("deny"));
        if !denies {
            continue;
        }
        // A redirect to a path of the same server, from rules written for the whole
        // server, sends the client where the same rules answer (WordOps' acl.conf and
        // `location /netdata { return 301 /netdata/; }`): nothing is served past them.
        let server_wide = scope.is_some_and(|s| tree.item(s).is("server"));
        let http_wide = scope.is_none_or(|s| tree.item(s).is("http"));
        let bypass = reachable_descendants(tree, scope).into_iter().find(|d| {
            let s = tree.item(*d);
            if server_wide && redirects_within_server(tree, *d) {
                return false;
            }
            if http_wide && redirects_to_this_nginx(model, tree, *d) {
                return false;
            }
            (s.is("return") && !returns_plain_error(tree, *d))
                || (s.is("rewrite") && crate::model::syntax::rewrite_redirects(&s))
        });
        if bypass.is_none() {
            let into_internal = reachable_descendants(tree, scope)
                .into_iter()
                .find_map(|d| rewrites_into_open_internal(model, tree, d).map(|to| (d, to)));
            if let Some((rewrite, to)) = into_internal {
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        item.span(),
                        format!(
                            "`rewrite` sends the request to the internal `location {to}` before this access rule is checked, and that location has none"
                        ),
                    )
                    .with_related(
                        tree.item(rewrite).span(),
                        "the location search runs again for the new URI; only the location it lands in checks access",
                    )
                    .with_help(format!(
                        "repeat the allow/deny rules in `location {to}`, or serve here with `break`"
                    )),
                );
                continue;
            }
        }
        let Some(bypass) = bypass else { continue };
        let what = tree.item(bypass).name();
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                item.span(),
                format!(
                    "`{what}` answers in the rewrite phase, before this access rule is checked"
                ),
            )
            .with_related(
                tree.item(bypass).span(),
                format!("`{what}` here answers every client"),
            )
            .with_help(
                "serve the response from the content phase (try_files, a static file, a *_pass)",
            ),
        );
    }
}
