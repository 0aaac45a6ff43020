use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;
use crate::rules::sec011_add_header_multiline::headers;
use nginx_conf_parser::Item;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC012",
        name: "content-type-via-add-header",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`Content-Type` set with `add_header` instead of `default_type`/`types`",
        aliases: &["add_header_content_type"],
        doc: r#"nginx always sends a `Content-Type` of its own: from `types`/`default_type`
for files, or the one the upstream (php-fpm, a proxied server) returned.
`add_header Content-Type ...` does not replace it, it adds a second one. Clients
disagree on which of two `Content-Type` headers wins, so the type the browser
sniffs and renders may be the other one: a JSON or text response rendered as HTML
is script injection. Hiding the upstream's header first (`proxy_hide_header
Content-Type;`, `fastcgi_hide_header Content-Type;` in the same or an outer block)
makes the added one the only one, and is not reported. headers-more's
`more_set_headers "Content-Type: ..."` replaces the header, and is not reported either.
Nor is a block that answers `return 204` (the CORS preflight of enable-cors.org): nginx
drops its own Content-Type from a 204, so the added one is the only one (live, nginx
1.22.1: one `Content-Type` on the 204). A block that answers an error by `return`
(`return 502 '...'`) gets no header from `add_header` without `always`: that one is
reported as never sent (YunoHost's plain-text 502 pages went out as
`application/octet-stream`); `default_type` sets the type of the `return` text.

**Symptom**: responses carry two `Content-Type` headers (`curl -I` shows both); the
browser renders with the other type, or a cache stores the wrong one.

Bad:
```nginx
location /api/ {
    add_header Content-Type application/json;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good (PHP always sends a `Content-Type`, `text/html` unless the script sets one:
`default_type` does not change it, live on nginx 1.22.1 and php-fpm 8.2; set it in the
script with `header('Content-Type: application/json')`, or replace PHP's):
```nginx
location /api/ {
    fastcgi_hide_header Content-Type;
    add_header Content-Type application/json;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
For static files, `default_type` (or `types`) is the way:
```nginx
location /data/ {
    default_type application/json;
}
```

Autofix: unsafe — `add_header Content-Type X` becomes `default_type X;` (gixy-ng's
fix). `default_type` only types responses nginx cannot type itself: files with a known
extension keep their type and an upstream's Content-Type is sent unchanged, so clients
may now see another type than the one added. Only for `add_header` with a constant
value, in a block (not `if`) of the same file that has no `default_type` yet."#,
        fix: "Set the type with `default_type` (files) or in the application; to override an upstream's, add `proxy_hide_header Content-Type;` (or `fastcgi_hide_header`) next to the `add_header`.",
    },
    check: Check::Nodes(check),
};

const HIDES: &[&str] = &[
    "proxy_hide_header",
    "fastcgi_hide_header",
    "uwsgi_hide_header",
    "scgi_hide_header",
    "grpc_hide_header",
];

/// True when a block around the statement hides the upstream's `Content-Type`
/// (`*_hide_header` is inherited, so any enclosing level counts).
/// The innermost block ends its requests with `return 204`, and holds no location that
/// would inherit the header without the `return` (and serve files with it).
fn answers_no_content(blocks: &[Item<'_>]) -> bool {
    blocks.last().is_some_and(|b| {
        b.children()
            .any(|c| c.is("return") && c.arg(0).is_some_and(|code| code == "204"))
            && !b.children().any(|c| c.is("location"))
    })
}

/// The status a block answers by its own `return`, when `add_header` without `always`
/// does not apply to it (nginx adds headers to 200, 201, 204, 206, 301, 302, 303, 304,
/// 307 and 308 only): YunoHost's `location = /yunohost/api/error/502 { return 502 '...';
/// add_header Content-Type text/plain; }` sends no second header (live, nginx 1.22.1).
fn answers_without_added_headers(blocks: &[Item<'_>]) -> Option<String> {
    let block = blocks.last()?;
    if block.children().any(|c| c.is("location")) {
        return None;
    }
    let code = block.children().find(|c| c.is("return"))?.arg(0)?;
    let status: u32 = code.parse().ok()?;
    (!matches!(
        status,
        200 | 201 | 204 | 206 | 301 | 302 | 303 | 304 | 307 | 308
    ))
    .then(|| code.to_string())
}

fn upstream_type_hidden(blocks: &[Item<'_>]) -> bool {
    blocks.iter().any(|b| {
        b.children().any(|c| {
            HIDES.iter().any(|h| c.is(h))
                && c.arg(0)
                    .is_some_and(|a| a.eq_ignore_ascii_case("content-type"))
        })
    })
}

/// `default_type VALUE;` in place of `add_header Content-Type VALUE`.
fn to_default_type(model: &Model<'_>, s: &Item<'_>, blocks: &[Item<'_>]) -> Option<Fix> {
    let block = blocks.last()?;
    if !s.is("add_header")
        || block.is("if")
        || block.span().file != s.span().file
        || block.children().any(|c| c.is("default_type"))
        || s.arg(1)?.contains('$')
    {
        return None;
    }
    let value = crate::fixes::written(model.map, s.arg_span(1))?;
    Some(Fix::unsafe_edits(
        format!("write `default_type {value};`"),
        vec![Edit::replace(s.span(), format!("default_type {value};"))],
    ))
}

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    // Only `add_header` adds a second one: headers-more's `more_set_headers` replaces the
    // header (its README's own example sets Content-Type so; live, one header:
    // centminmod's acme-challenge locations). By name, not a walk of every statement.
    for at in nodes.named(tree, "add_header") {
        let s = &tree.item(at);
        // Checked before `headers` splits anything: most headers are other ones.
        if !s
            .arg(0)
            .is_some_and(|n| n.eq_ignore_ascii_case("content-type"))
        {
            continue;
        }
        // The blocks around it, outermost first (what a walk gives).
        let mut blocks: Vec<Item<'_>> = tree.ancestors(at).map(|a| tree.item(a)).collect();
        blocks.reverse();
        let blocks = &blocks[..];
        // A block that answers `return 204` (a CORS preflight): nginx's header filter
        // drops its own Content-Type from a 204, so the added one is the only one
        // (live, nginx 1.22: one `Content-Type: text/plain` on the 204).
        if answers_no_content(blocks) {
            continue;
        }
        let always = s.args().last().is_some_and(|a| a == "always");
        let unsent = (!always)
            .then(|| answers_without_added_headers(blocks))
            .flatten();
        for (i, name, value) in headers(s) {
            if !name.eq_ignore_ascii_case("content-type") || upstream_type_hidden(blocks) {
                continue;
            }
            let edit = to_default_type(model, s, blocks);
            let fix = format!("use `default_type {value};`");
            if let Some(code) = &unsent {
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        s.arg_span(i),
                        format!("this Content-Type is never sent: the block answers {code} by `return`, and `add_header` without `always` only applies to 2xx and 3xx responses"),
                    )
                    .with_help(format!("{fix}: it sets the type of the `return` text"))
                    .with_fix_opt(edit),
                );
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    s.arg_span(i),
                    "this adds a second Content-Type header next to the one nginx (or the upstream) already sends",
                )
                .with_help(format!(
                    "{fix}, or hide the upstream's first (`proxy_hide_header Content-Type;`)"
                ))
                .with_fix_opt(edit),
            );
        }
    }
}
