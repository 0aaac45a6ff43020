use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

use crate::model::syntax::CONTENT_HANDLERS;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX218",
        name: "content-handler-replaced",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "two content handlers in one location (`fastcgi_pass` and `proxy_pass`, ...): the one written last replaces the other",
        aliases: &[],
        doc: r#"A location has one content handler. `fastcgi_pass`, `proxy_pass`, `uwsgi_pass`,
`scgi_pass`, `grpc_pass`, `memcached_pass`, `stub_status`, `empty_gif` and
`js_content` each set it when nginx reads them, and each refuses only a second
copy of *itself* ("is duplicate"): `fastcgi_pass` followed by `proxy_pass` in
the same block passes `nginx -t`, and the directive written last handles every
request. A `proxy_pass` left below a `fastcgi_pass` (a copied reverse-proxy
snippet, a half-finished migration) speaks HTTP to php-fpm's FastCGI port: it
drops the connection and every PHP page answers 502. The other order hides the
`proxy_pass` instead. Only statements of one block compete; an `if` or
`limit_except` inside the location has its own.

**Symptom**: 502 Bad Gateway, `upstream prematurely closed connection while
reading response header from upstream` (HTTP sent to a FastCGI port); or the
handler written first never runs.

Bad:
```nginx
location ~ \.php$ {
    include fastcgi_params;
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_pass php:9000;
    proxy_pass http://backend;
}
```
Good:
```nginx
location ~ \.php$ {
    include fastcgi_params;
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_pass php:9000;
}
```

Autofix: unsafe — when a `proxy_pass` replaces a `fastcgi_pass`, the `proxy_pass`
statement is deleted (HTTP sent to php-fpm is never what was meant); other pairs
are left to you."#,
        fix: "Keep the one handler the location is for and delete the other.",
    },
    check: Check::Nodes(check),
};

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    // The blocks by name, not every statement of the tree (250 000 at 1 000 heavy sites).
    let blocks = super::statements_named(tree, nodes, &["location", "if", "limit_except"]);
    for block in blocks.into_iter().map(|i| tree.node(i)) {
        if !block.is_block() {
            continue;
        }
        // An ASCII name is a handler's exactly when its bytes are: compared as bytes, the
        // name not read as text for each child; any other name is read as its text was.
        let is_handler = |c: &crate::model::syntax::Node<'_, '_>| {
            let item = c.item();
            let name = item.file.bytes(&item.directive.name);
            if name.is_ascii() {
                name == b"stub_status" || CONTENT_HANDLERS.iter().any(|h| h.as_bytes() == name)
            } else {
                c.is("stub_status") || CONTENT_HANDLERS.contains(&c.name())
            }
        };
        // One handler replaces none: most blocks are answered without a list.
        if block.children().filter(is_handler).nth(1).is_none() {
            continue;
        }
        let handlers: Vec<_> = block.children().filter(is_handler).collect();
        let Some(last) = handlers.last() else {
            continue;
        };
        for earlier in &handlers[..handlers.len() - 1] {
            // The same directive twice is nginx's own "is duplicate" error.
            if earlier.name() == last.name() {
                continue;
            }
            let line = model
                .map
                .get(last.span().file)
                .line_col(last.span().start)
                .line;
            let help = if last.is("proxy_pass") && earlier.is("fastcgi_pass") {
                format!("delete the `proxy_pass` of line {line}: php-fpm speaks FastCGI, and HTTP sent to it is dropped (502)")
            } else {
                format!("keep the handler this location is for: as written, `{}` of line {line} serves every request", last.name())
            };
            let mut d = Diagnostic::new(
                    &RULE.meta,
                    earlier.name_span(),
                    format!(
                        "`{}` never handles a request: `{}` on line {line}, in the same block, replaces it",
                        earlier.name(),
                        last.name()
                    ),
                )
                .with_label("replaced")
                .with_related(last.name_span(), "the content handler nginx keeps")
                .with_help(help);
            // HTTP to php-fpm is never what was meant: the proxy_pass goes. (Which of
            // two other handlers was meant is not for the linter to say.)
            if last.is("proxy_pass") && earlier.is("fastcgi_pass") {
                let file = model.map.get(last.span().file);
                d = d.with_fix(Fix::unsafe_edits(
                    "delete the `proxy_pass`",
                    vec![lint_source::edits::delete_statement(
                        last.span().file,
                        &file.text(),
                        last.span(),
                    )],
                ));
            }
            sink.push(d);
        }
    }
}
