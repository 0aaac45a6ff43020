use crate::rule::{Rule, Sink};
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

Autofix: safe — the file the dropped parameters come from (`fastcgi_params`,
`fastcgi.conf`) is included again just before the level's first own `fastcgi_param`, so
that the level's own values come after it and win. Only when every dropped parameter
comes from one such file."#,
        fix: "Include the full parameter set (fastcgi.conf) in the block that adds its own parameters.",
    },
    check,
};

/// Includes the file the dropped parameters come from again, just before the level's
/// first own parameter (so that the level's own values come later and win). Only when
/// every dropped parameter comes from one file, named by an absolute path, that is not
/// the level's own file.
pub(crate) fn reinclude(model: &Model<'_>, list: &crate::model::nginx::ParamList) -> Option<Fix> {
    let first_own = list.params.first()?.span;
    let file = list.dropped.first()?.span.file;
    if file == first_own.file || list.dropped.iter().any(|p| p.span.file != file) {
        return None;
    }
    let path = model.map.get(file).path.clone();
    let text = path.to_str()?;
    if !path.is_absolute() || text.contains([' ', ';', '"', '\'', '{', '}', '#', '$']) {
        return None;
    }
    let statement = format!("include {text};");
    Some(Fix::safe(
        format!("include {text} again at this level"),
        vec![crate::fixes::before(model.map, first_own, &statement)],
    ))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = std::collections::HashSet::new();
    for (_, _, location) in model.fastcgi_locations() {
        let Some(list) = &location.inherited.params else {
            continue;
        };
        if list.dropped.is_empty() || !seen.insert(list.params.first().map(|p| p.span)) {
            continue;
        }
        let names: Vec<&str> = list
            .dropped
            .iter()
            .map(|p| p.name.as_str())
            .take(6)
            .collect();
        let more = list.dropped.len().saturating_sub(names.len());
        let first_own = list.params.first().map_or(location.span, |p| p.span);
        let mut d = Diagnostic::new(
            &RULE.meta,
            first_own,
            format!(
                "this fastcgi_param drops {} inherited parameter(s): {}{}",
                list.dropped.len(),
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
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
