use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;
use nginx_conf_parser::Item;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC011",
        name: "add-header-multiline",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "a response header value written over several lines (`add_header`, `more_set_headers`)",
        aliases: &["add_header_multiline"],
        doc: r#"A quoted nginx string may span lines, and nginx sends it as written: the
header value then contains a line break. A break followed by a space or tab is
"obsolete line folding", which RFC 9112 says recipients must reject or
replace; browsers (Chromium, Firefox, Safari) drop or truncate such headers,
and a bare break splits the response header. A long `Content-Security-Policy`
wrapped for readability is the usual cause: the policy silently stops applying.

**Symptom**: the header is missing or cut short in the browser
(DevTools shows no `Content-Security-Policy`), or the response is rejected
with `ERR_INVALID_HTTP_RESPONSE`; curl shows the value broken over lines.

Bad:
```nginx
add_header Content-Security-Policy "default-src 'self';
    img-src 'self' data:";
```
Good:
```nginx
add_header Content-Security-Policy "default-src 'self'; img-src 'self' data:";
```"#,
        fix: "Write the value on one line (build long policies with `set $csp \"...\";` pieces joined in one `add_header`, or a `map`).",
    },
    check: Check::Nodes(check),
};

/// The (header name, value) pairs a header directive sets, with the argument index.
pub(crate) fn headers(s: &Item<'_>) -> Vec<(usize, String, String)> {
    if s.is("add_header") || s.is("add_trailer") {
        return match (s.arg(0), s.arg(1)) {
            (Some(name), Some(value)) => vec![(1, name.to_string(), value.to_string())],
            _ => Vec::new(),
        };
    }
    // more_set_headers [-t TYPES] [-s STATUSES] [-r] 'Name: value' ...
    let mut out = Vec::new();
    let args: Vec<_> = s.args().collect();
    let mut i = 0;
    while i < args.len() {
        let arg = &*args[i];
        if arg == "-t" || arg == "-s" {
            i += 2;
            continue;
        }
        if arg.starts_with('-') {
            i += 1;
            continue;
        }
        let (name, value) = arg.split_once(':').unwrap_or((arg, ""));
        out.push((
            i,
            name.trim().to_string(),
            value.trim_start_matches([' ', '\t']).to_string(),
        ));
        i += 1;
    }
    out
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let names = ["add_header", "add_trailer", "more_set_headers"];
    for at in super::statements_named(tree, nodes, &names) {
        let s = &tree.item(at);
        for (i, name, value) in headers(s) {
            let Some(at) = value.find(['\n', '\r']) else {
                continue;
            };
            let folded = value[at..]
                .trim_start_matches(['\r', '\n'])
                .starts_with([' ', '\t']);
            let how = if folded {
                "is folded over several lines (obsolete line folding, rejected or truncated by browsers)"
            } else {
                "contains a line break (the header is cut there)"
            };
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    s.arg_span(i),
                    format!("the value of header {name} {how}"),
                )
                .with_help("write the header value on one line"),
            );
        }
    }
}
