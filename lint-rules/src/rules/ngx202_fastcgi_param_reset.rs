use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX202",
        name: "fastcgi-param-reset",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a `fastcgi_param` in an inner block drops every `fastcgi_param` of the outer blocks",
        aliases: &[],
        doc: r#"Array directives like `fastcgi_param` are inherited only when the inner
block has none of its own. One `fastcgi_param HTTPS on;` in a location drops
all the params set at server or http level, `SCRIPT_FILENAME` and
`QUERY_STRING` included.

**Symptom**: 404 "File not found." / "Primary script unknown", or PHP seeing no
query string, only in that location.

Bad:
```nginx
server {
    include fastcgi.conf;
    location ~ \.php$ {
        fastcgi_param APP_ENV prod;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```
Good:
```nginx
server {
    location ~ \.php$ {
        include fastcgi.conf;
        fastcgi_param APP_ENV prod;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```

Autofix: safe — what the level dropped is given back just before its first own
`fastcgi_param`, so that the level's own values come after it and win: a parameters file
they come from (`fastcgi_params`, `fastcgi.conf`: nothing but `fastcgi_param` lines) is
included again, and parameters written in an outer block (of the same file, or
`http { ... }` in nginx.conf) are copied as written."#,
        fix: "Include the full parameter set (fastcgi.conf) in the block that adds its own parameters.",
    },
    check: Check::Model(check),
};

/// Gives the level back what it dropped, just before its first own parameter (so that
/// the level's own values come later and win): a parameters file the dropped ones come
/// from (a file of nothing but `fastcgi_param` lines, named by an absolute path) is
/// included again; a dropped parameter written in a block (of this file or another, as
/// `http { fastcgi_param ...; }` in nginx.conf) is copied as written.
pub(crate) fn reinclude(model: &Model<'_>, list: &crate::model::nginx::ParamList) -> Option<Fix> {
    let first_own = list.params.first()?.span;
    let mut statements: Vec<String> = Vec::new();
    let mut included: Vec<lint_source::FileId> = Vec::new();
    let mut copied = 0;
    for p in list.dropped.iter() {
        let file = p.span.file;
        if file != first_own.file && params_file(model, file) {
            if !included.contains(&file) {
                included.push(file);
                let path = model.map.get(file).path.clone();
                let text = path.to_str()?;
                if !path.is_absolute() || !crate::fixes::bare_word(text) {
                    return None;
                }
                statements.push(format!("include {text};"));
            }
        } else {
            statements.push(crate::fixes::written(model.map, p.span)?);
            copied += 1;
        }
    }
    if statements.is_empty() {
        return None;
    }
    let text = &model.map.get(first_own.file).text();
    let start = first_own.start as usize;
    let own_line = text
        .get(lint_source::edits::line_start(text, start)..start)
        .is_some_and(|b| b.iter().all(|c| *c == b' ' || *c == b'\t'));
    let separator = if own_line {
        format!("\n{}", lint_source::edits::indent_at(text, start))
    } else {
        " ".to_string()
    };
    let description = match (included.len(), copied) {
        (_, 0) => "include the parameters file again at this level".to_string(),
        (0, n) => format!("copy the {n} dropped parameter(s) to this level"),
        (_, n) => format!("include the parameters file again and copy {n} parameter(s)"),
    };
    Some(Fix::safe(
        description,
        vec![crate::fixes::before(
            model.map,
            first_own,
            &statements.join(&separator),
        )],
    ))
}

/// A file of nothing but `fastcgi_param` lines (`fastcgi_params`, `fastcgi.conf`): safe to
/// include in any block that takes `fastcgi_param`.
fn params_file(model: &Model<'_>, file: lint_source::FileId) -> bool {
    model
        .trees
        .iter()
        .find_map(|t| t.file(file))
        .is_some_and(|f| {
            !f.directives.is_empty()
                && f.directives
                    .iter()
                    .all(|d| f.bytes(&d.name) == b"fastcgi_param" && d.block.is_none())
        })
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = foldhash::HashSet::default();
    for (_, _, location) in model.fastcgi_locations() {
        let Some(list) = &location.inherited.params else {
            continue;
        };
        if list.dropped.is_empty() || !seen.insert(list.params.first().map(|p| p.span)) {
            continue;
        }
        let first_own = list.params.first().map_or(location.span, |p| p.span);
        let mut d = Diagnostic::new(
            &RULE.meta,
            first_own,
            format!(
                "this fastcgi_param drops {} inherited parameter(s): {}",
                list.dropped.len(),
                crate::listing::capped(list.dropped.iter().map(|p| p.name.as_str())),
            ),
        )
        .with_label("the first parameter set at this level")
        .with_help(
            "include the full set here too (`include fastcgi.conf;`), or move these parameters up",
        );
        if let Some(p) = list.dropped.first() {
            d = d.with_related(p.span, "dropped, no longer sent");
        }
        d = d.with_fix_opt(reinclude(model, list));
        sink.push(d);
    }
}
