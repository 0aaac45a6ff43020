use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC046",
        name: "if-in-location",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "a directive other than `return` or a redirecting, `last` or flagless rewrite inside `if` in a location",
        aliases: &["if_is_evil"],
        doc: r#"An `if` inside a `location` makes nginx create an implicit nested
location for the condition. When the condition is true the request is served
by that inner location, with the inner location's configuration: directives
of the outer location that are not inherited (`try_files`, the URI part of a
`proxy_pass` written outside the `if`, `add_header` of a sibling `if`, access
rules set after the `if`) silently do not apply. The outer `proxy_pass` or
`fastcgi_pass` itself still serves the request (live, nginx 1.22.1); the URI it
would have replaced is passed unchanged. Only `return` and `rewrite ... last`,
`redirect` or `permanent` leave the implicit location before it serves the
request, which is why they are safe there; so does a `rewrite` without a flag,
whose new URI makes nginx search the locations again, as `last` does. Beside a
`return`, other directives of the `if` (`access_log off`, `add_header`) apply
to the response the `if` returns, as written: not reported. A `set`
only chooses a value in the rewrite phase and the implicit location serves with
what it inherits (`fastcgi_pass`, `fastcgi_param`: live, the FastCGI-cache idiom
`if ($request_uri ~* "/wp-admin/") { set $skip_cache 1; }` answers 200 with the
variable set): reported only when the location has what the `if` block does not
inherit (`try_files`, a `proxy_pass` URI other than the location's own prefix,
access rules after the `if`). So is a
directive that only replaces one value (`expires`, `access_log`, `limit_rate`, `gzip`)
when no other `if` of the location can serve in its place (Magento 2's
`if ($MAGE_MODE = "production") { expires max; }` beside an `if` that only rewrites;
live: Expires and the location's headers sent).

**Symptom**: for the requests that match the condition, headers disappear
(only the last matching `if`'s `add_header` is sent), `try_files` is ignored,
a second `if` overrides the first; in old releases some combinations crashed
the worker. An attacker choosing the condition (a header, an argument) picks
which configuration serves the request.

Bad:
```nginx
location / {
    if ($request_method = POST) {
        add_header X-Debug 1;
    }
    proxy_pass http://backend;
}
```
Good:
```nginx
location / {
    if ($request_method = POST) {
        return 405;
    }
    proxy_pass http://backend;
}
```"#,
        fix: "Keep only `return` or `rewrite ... last` inside `if` in a location; choose values with `map` instead.",
    },
    check: Check::Nodes(check),
};

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    // One finding per `if`: its statements are served (or not) together, and a finding
    // per `add_header` of one `if` said the same thing 16 times (bhurlow/docker-kirby-nginx).
    // The first statement carries it; the others are named in a note.
    let mut per_if: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    let mut reported: foldhash::HashMap<usize, usize> = foldhash::HashMap::default();
    for i in nodes.indices() {
        let item = tree.item(i);
        let Some(parent) = tree.parent(i).filter(|p| tree.item(*p).is("if")) else {
            continue;
        };
        if !tree
            .parent(parent)
            .is_some_and(|g| tree.item(g).is("location"))
        {
            continue;
        }
        if item.is("return") {
            continue;
        }
        // An `if` that returns serves only its own response: `access_log off` or an
        // `add_header` beside the `return` apply to that response, as written
        // (pothi/wordpress-nginx: `if (...) { return 403; access_log off; }`, live:
        // 403, nothing logged).
        if tree
            .children(Some(parent))
            .iter()
            .any(|c| tree.item(*c).is("return"))
        {
            continue;
        }
        // A `rewrite` of every URI that leaves the rewrite phase (ThinkPHP's
        // `if (!-e $request_filename) { rewrite ^(.*)$ /index.php?s=/$1 last; break; }`):
        // the `if`'s implicit location never serves, and what follows never runs
        // (live: the missing route goes to index.php, an existing file to the outer
        // location).
        let leaves = tree.children(Some(parent)).iter().any(|c| {
            let r = tree.item(*c);
            r.is("rewrite")
                && r.arg(0)
                    .is_some_and(|p| crate::model::syntax::matches_every_uri(&p))
                && matches!(
                    r.arg(2).as_deref().unwrap_or(""),
                    "" | "last" | "redirect" | "permanent"
                )
        });
        if leaves {
            continue;
        }
        let flag = item.arg(2).map(|f| f.into_owned()).unwrap_or_default();
        // Without a flag, a rewrite that matches changes the URI and nginx searches the
        // locations again after the rewrite phase, as with `last` (checked with nginx 1.22).
        if item.is("rewrite") && matches!(flag.as_str(), "" | "last" | "redirect" | "permanent") {
            continue;
        }
        // `set` only chooses a value in the rewrite phase: the implicit
        // location still serves with what it inherits, fastcgi_pass and fastcgi_param
        // included (live: Hestia's WordPress templates' `if (...) { set $no_cache 1; }`,
        // 200 and the variable set). What it does not inherit is what is lost.
        let lost = location_loses(tree, parent);
        if item.is("set") && lost.is_none() {
            continue;
        }
        // A value the implicit location overrides while inheriting the rest (Magento 2's
        // nginx.conf.sample: `if ($MAGE_MODE = "production") { expires max; }` beside an
        // `if` that only rewrites; live, nginx 1.22.1: the file with its Expires and the
        // location's add_header): nothing is lost, unless another `if` of the location
        // can serve the request in its place (then its block, not this one, applies).
        let overrides_a_value = SINGLE_VALUES.iter().any(|n| item.is(n));
        if overrides_a_value && lost.is_none() && !another_if_serves(tree, parent) {
            continue;
        }
        let name = item.name();
        if let Some((_, others)) = reported.get(&parent).and_then(|&k| per_if.get_mut(k)) {
            let line = model
                .map
                .get(item.span().file)
                .line_col(item.span().start)
                .line;
            others.push(format!("`{name}` (line {line})"));
            continue;
        }
        // Say what is lost in the message itself: the one-line formats show no related
        // span (Hestia's WordPress templates: `try_files $uri =404` skipped for every
        // wp-admin request, live).
        let message = match lost {
            Some((lost, at)) => {
                let line = model.map.get(at.file).line_col(at.start).line;
                // The `proxy_pass` itself is inherited and serves; its URI part is not.
                let what = if lost == "proxy_pass" {
                    "the URI part of the location's `proxy_pass`".to_string()
                } else {
                    format!("the location's `{lost}`")
                };
                format!("`{name}` inside `if` in a location: when the condition holds, the `if` block serves the request without {what} (line {line})")
            }
            None => format!("`{name}` inside `if` in a location: the `if` block serves the request with its own configuration"),
        };
        let mut d = Diagnostic::new(&RULE.meta, item.span(), message)
        .with_related(tree.item(parent).head_span(), "the `if`")
        .with_help("use `return` or `rewrite ... last` inside the `if`, or pick the value with a `map`");
        if let Some((lost, at)) = lost {
            d = d.with_related(at, format!("not applied when the `if` matches: `{lost}` is not inherited by the `if` block"));
        }
        reported.insert(parent, per_if.len());
        per_if.push((d, Vec::new()));
    }
    for (d, others) in per_if {
        sink.push(if others.is_empty() {
            d
        } else {
            d.with_note(format!(
                "the same holds for the rest of this `if`: {}",
                others.join(", ")
            ))
        });
    }
}

/// Directives whose value the `if` block replaces and whose other settings it inherits:
/// no header list, no handler, no access rule.
const SINGLE_VALUES: &[&str] = &[
    "expires",
    "access_log",
    "log_not_found",
    "limit_rate",
    "gzip",
    "etag",
];

/// Whether another `if` of the location around `if_block` can serve a request with its own
/// block: one that holds more than `return` and `rewrite` statements.
fn another_if_serves(tree: &Tree<'_>, if_block: usize) -> bool {
    let Some(location) = tree.parent(if_block) else {
        return false;
    };
    tree.children(Some(location)).iter().any(|&c| {
        c != if_block
            && tree.item(c).is("if")
            && tree.children(Some(c)).iter().any(|&d| {
                let item = tree.item(d);
                !item.is("return") && !item.is("rewrite")
            })
    })
}

/// Whether `location PREFIX { proxy_pass http://host{uri}; }` replaces the prefix with
/// itself (cPanel's `location /cpanelwebcall { ... proxy_pass
/// http://127.0.0.1:2082/cpanelwebcall; }`): the URI the `if` block passes unchanged is
/// then the same URI, and nothing is lost.
fn replaces_prefix_with_itself(tree: &Tree<'_>, location: usize, uri: &str) -> bool {
    let (modifier, prefix) = crate::model::syntax::location_pattern(&tree.item(location));
    matches!(modifier, "" | "^~") && prefix == uri && !uri.contains('$')
}

/// A directive of the location around `if_block` that the `if`'s implicit location does
/// not inherit: `try_files`, the URI part of a `proxy_pass`, access rules written after
/// the `if`.
fn location_loses(tree: &Tree<'_>, if_block: usize) -> Option<(&'static str, lint_source::Span)> {
    let location = tree.parent(if_block)?;
    let mut after = false;
    for &c in tree.children(Some(location)) {
        if c == if_block {
            after = true;
            continue;
        }
        let item = tree.item(c);
        if item.is("try_files") {
            return Some(("try_files", item.span()));
        }
        if item.is("proxy_pass")
            && item.arg(0).is_some_and(|url| {
                url.split_once("://")
                    .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_string()))
                    .is_some_and(|uri| !replaces_prefix_with_itself(tree, location, &uri))
            })
        {
            return Some(("proxy_pass", item.span()));
        }
        if after {
            for rule in ["allow", "deny", "auth_basic", "auth_request"] {
                if item.is(rule) {
                    return Some((rule, item.span()));
                }
            }
        }
    }
    None
}
