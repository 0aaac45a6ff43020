use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity, Span};
use nginx_conf_parser::catalogue::Catalogue;
use nginx_conf_parser::{Item, Quote};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX216",
        name: "directive-swallowed",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "a `;` is missing: the next line's directive is read as more arguments of the one before",
        aliases: &[],
        doc: r#"nginx ends a statement at `;`, not at the end of a line. A directive that takes
any number of arguments (`server_name`, `index`, `try_files`, `ssl_protocols`,
`error_page`, ...) written without its `;` swallows the next line: `server_name
wiki.example.org` followed by `root /srv/wiki;` is one statement, a server with
three names (`wiki.example.org`, `root`, `/srv/wiki`) and no `root` at all.
`nginx -t` passes (at most it warns that a name "has suspicious symbols"), and
the swallowed directive never takes effect. Reported when a word that begins a
line, unquoted, is the name of a directive allowed where the statement stands.

**Symptom**: the site serves nginx's default page (or 404s) as if its `root`,
`index` or `try_files` were not there; the server answers to odd names.

Bad:
```nginx
server {
    server_name wiki.example.org
    root /srv/wiki;
}
```
Good:
```nginx
server {
    server_name wiki.example.org;
    root /srv/wiki;
}
```

Autofix: unsafe — a `;` after the last word of the line above (nginx then reads the
next line as its own directive, which it may reject if it is itself wrong)."#,
        fix: "End the line above with `;`.",
    },
    check: Check::Nodes(check),
};

/// Directives whose values are free text, where a word that looks like a directive
/// name may well be a value (`log_format` parts, `js_*` code names, `return` bodies).
const FREE_TEXT: &[&str] = &["log_format", "return", "echo", "more_set_headers"];

fn check(model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let catalogue = Catalogue::get(crate::options::version(model.options));
    // The run's index of the trees, not a splice of the includes again: every statement
    // in document order, without the blocks around each that a walk keeps (they are read
    // from the statement's ancestors only for a candidate).
    for at in nodes.indices() {
        let item = &tree.item(at);
        // Most statements end on their own line: that is checked first, and costs no
        // lookup.
        if item.is_block() {
            continue;
        }
        let Some((i, word)) = swallowed(item, catalogue) else {
            continue;
        };
        if FREE_TEXT.iter().any(|n| item.is(n)) {
            continue;
        }
        // A block directive without its block (`location /static` then `autoindex
        // on;`) is a missing `{`, which the load check reports; an unknown name is
        // the load check's too.
        let specs = catalogue.lookup(&item.name());
        if specs.is_empty() || specs.iter().any(|spec| spec.block) {
            continue;
        }
        let mut blocks: Vec<Item<'_>> = tree.ancestors(at).map(|a| tree.item(a)).collect();
        blocks.reverse();
        let context = context_of(&blocks, catalogue);
        if !catalogue
            .lookup(&word)
            .iter()
            .any(|spec| spec.allowed_in(context))
        {
            continue;
        }
        let before = if i == 0 {
            item.name_span()
        } else {
            item.arg_span(i - 1)
        };
        let line = |span: Span| model.map.get(span.file).line_col(span.start).line;
        let name = item.name();
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                item.arg_span(i),
                format!(
                    "`{word}` on line {} is read as an argument of `{name}`: a `;` is missing at the end of line {}",
                    line(item.arg_span(i)),
                    line(before)
                ),
            )
            .with_label(format!("an argument of `{name}`, not a directive"))
            .with_related(item.name_span(), "the statement that swallows it")
            .with_help(format!(
                "end line {} with `;`: as written, `{word}` never takes effect",
                line(before)
            ))
            .with_fix(Fix::unsafe_edits(
                "add the missing `;`",
                vec![Edit::insert(Span::point(before.file, before.end as usize), ";")],
            )),
        );
    }
}

/// The first unquoted argument that begins a line and is a directive's name.
fn swallowed(item: &Item<'_>, catalogue: &Catalogue) -> Option<(usize, String)> {
    let name_end = item.name_span().end;
    // One search over the whole statement first: most are written on one line.
    let last = item.arg_token(item.arg_count().checked_sub(1)?)?;
    let whole = Span::new(last.span.file, name_end as usize, last.span.start as usize);
    if !item.file.slice(whole).contains(&b'\n') {
        return None;
    }
    let mut end = name_end;
    for i in 0..item.arg_count() {
        let token = item.arg_token(i)?;
        let gap = Span::new(token.span.file, end as usize, token.span.start as usize);
        end = token.span.end;
        if token.quote != Quote::None || !item.file.slice(gap).contains(&b'\n') {
            continue;
        }
        let word = item.arg(i)?;
        if !catalogue.lookup(&word).is_empty() {
            return Some((i, word.into_owned()));
        }
    }
    None
}

/// The context statements inside `blocks` stand in, as the catalogue names it.
fn context_of(blocks: &[Item<'_>], catalogue: &Catalogue) -> &'static str {
    let mut context: &'static str = "main";
    for block in blocks {
        let name = block.name();
        let Some(body) = catalogue
            .lookup(&name)
            .iter()
            .filter(|spec| spec.allowed_in(context))
            .find_map(|spec| spec.body_context(context))
        else {
            return "";
        };
        context = body;
    }
    context
}
