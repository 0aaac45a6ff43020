use crate::model::syntax::{Nodes, Tree};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::value_reach::{pieces, Piece, Resolver};
use crate::model::Model;
use nginx_conf_parser::Item;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC014",
        name: "http-splitting",
        family: Family::Security,
        severity: Severity::Error,
        summary: "a header, redirect or upstream request built from a variable that can hold CR/LF (`$uri`, `$document_uri`, captures of the decoded URI)",
        aliases: &["http_splitting"],
        doc: r#"nginx decodes the request path before it matches locations: `%0d%0a` in
the URL is a real CR LF in `$uri`, `$document_uri` and in every capture of a regex
`location` (or of an `if ($uri ~ ...)`), and in `set`/`map` values built from them.
Written into a response header (`add_header`, a `return 301` or `rewrite` redirect)
the line break ends the header and the rest of the path becomes new headers or the
body; written into `proxy_pass` or `proxy_set_header` it splits the request sent
upstream. Raw values (`$request_uri`, `$args`, `$arg_*`, request headers) cannot hold
a line break: nginx rejects one in the request line and in header values. A `rewrite`
writes a header only when it redirects (`redirect`/`permanent`, or a replacement
starting with `http://`, `https://`, `$scheme`), and nginx escapes the regex captures it
copies into that redirect: there only variables like `$uri` split it.

**Symptom**: response splitting: `GET /%0d%0aSet-Cookie:%20session=attacker` makes
the redirect carry the attacker's cookie (session fixation), or a body of their
choosing (XSS, cache poisoning); upstream, request smuggling past the proxy.

Bad:
```nginx
location / {
    return 301 https://example.com$uri;
}
location ~ ^/files/(.*)$ {
    add_header X-Path $1;
}
```
Good:
```nginx
location / {
    return 301 https://example.com$request_uri;
}
location ~ ^/files/([^\r\n]*)$ {
    add_header X-Path $1;
}
```"#,
        fix: "Use the raw `$request_uri` (or `$args`) instead of `$uri`; make regex captures exclude CR and LF (`[^\\r\\n]*`, `[^/]+` is not enough).",
    },
    check: Check::Nodes(check),
};

/// The value a statement sends, and whether it goes upstream (where only LF splits:
/// servers end request header lines at LF) rather than to the client.
fn sent_value<'c>(s: &Item<'c>) -> Option<(usize, bool)> {
    let name = s.name();
    match &*name {
        "proxy_pass" => Some((0, true)),
        "proxy_set_header" => (s.arg_count() >= 2).then_some((1, true)),
        "add_header" | "add_trailer" => (s.arg_count() >= 2).then_some((1, false)),
        // An internal rewrite writes no header (iRedMail's `rewrite ^/iredadmin(/.*)$ $1
        // break;`: live, nothing splits).
        "rewrite" => {
            (s.arg_count() >= 2 && crate::model::syntax::rewrite_redirects(s)).then_some((1, false))
        }
        "return" => return_location(s).map(|i| (i, false)),
        _ => None,
    }
}

/// The argument of a `return` that nginx sends as `Location`: a lone argument starting
/// with `http://`, `https://` or `$scheme` (nginx's own, case-sensitive test), or the
/// second after a redirect status. Any other status sends it as the body.
fn return_location(s: &Item<'_>) -> Option<usize> {
    match s.arg_count() {
        1 => s
            .arg(0)
            .filter(|a| {
                a.starts_with("http://") || a.starts_with("https://") || a.starts_with("$scheme")
            })
            .map(|_| 0),
        2.. => s
            .arg(0)
            .filter(|c| matches!(&**c, "301" | "302" | "303" | "307" | "308"))
            .map(|_| 1),
        _ => None,
    }
}

/// What a statement sends depends on it, the blocks around it and the tree's `map`s and
/// top-level `set`s (outside the servers): checked a part of the tree at a time.
fn check(model: &Model<'_>, syntax: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let Some(globals) = model.globals(syntax) else {
        return;
    };
    // The statements that send a value, by name (not every statement of the tree), each
    // with the blocks around it, outermost first (what a walk gives).
    let names = [
        "proxy_pass",
        "proxy_set_header",
        "add_header",
        "add_trailer",
        "rewrite",
        "return",
    ];
    for at in super::statements_named(syntax, nodes, &names) {
        let s = &syntax.item(at);
        let Some((i, upstream)) = sent_value(s) else {
            continue;
        };
        let Some(value) = s.arg(i) else {
            continue;
        };
        if !value.contains('$') {
            continue;
        }
        let mut blocks: Vec<Item<'_>> = syntax.ancestors(at).map(|a| syntax.item(a)).collect();
        blocks.reverse();
        let resolver = Resolver {
            globals,
            blocks: &blocks,
        };
        for piece in pieces(&value) {
            let Piece::Var(var) = piece else {
                continue;
            };
            // nginx escapes the captures it copies into a rewrite's redirect (live,
            // 1.22.1: `%0D` stays `%0D` in Location); `$uri` there is not escaped.
            if s.is("rewrite") && var.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let t = resolver.var(var);
            let what = if t.reach.can.has(b'\n') {
                "a line feed"
            } else if !upstream && t.reach.can.has(b'\r') {
                "a carriage return"
            } else {
                continue;
            };
            let whom = if upstream {
                "the request sent upstream"
            } else {
                "the response header"
            };
            let mut d = Diagnostic::new(
                &RULE.meta,
                s.arg_span(i),
                format!("`${var}` can hold {what} decoded from the request URI: it splits {whom}"),
            )
            .with_help(
                "use `$request_uri` (raw, still encoded) or a capture that excludes \\r and \\n",
            );
            for span in t.via {
                d = d.with_related(span, "the value comes from here");
            }
            sink.push(d);
            break;
        }
    }
}
