use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::syntax::{anchored_without_slash, literal_never_matches, location_pattern};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX211",
        name: "location-never-matches",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a literal `location` written like a regex (no `~`): only a URI spelling the regex out matches; or a path or `^` regex not starting with `/`: it never matches",
        aliases: &[],
        doc: r#"Without `~` or `~*` a location's path is a literal prefix (or, with `=`, the
exact URI), compared byte for byte with the request URI. `location ^/app/(.*)$` is
the text `^/app/(.*)$`: no request URI begins with `^`, so nginx accepts the block
and never uses it. `location \.php$` without `~` is just as dead. Whatever it was
meant to serve goes to another location; its captures (`$1`) would be empty anyway.
A regex location anchored without the slash (`location ~ ^admin/`) is dead too: the
URI it is matched against always begins with `/`.

**Symptom**: the location's settings never apply: 404 (or the wrong handler) for
the URLs it was written for (iRedMail's SOGo resources template; live, nginx 1.22.1:
404 without `~`, 200 with it).

Bad:
```nginx
location ^/SOGo/so/ControlPanel/Products/([^/]*)/Resources/(.*)$ {
    alias /usr/lib/GNUstep/SOGo/$1.SOGo/Resources/$2;
}
```
Good:
```nginx
location ~ ^/SOGo/so/ControlPanel/Products/([^/]*)/Resources/(.*)$ {
    alias /usr/lib/GNUstep/SOGo/$1.SOGo/Resources/$2;
}
```"#,
        fix: "Add `~` (or `~*` for a case-insensitive match) before a regex; start a literal path with `/`.",
    },
    check: Check::Nodes(check),
};

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for i in nodes.named(tree, "location") {
        let item = tree.item(i);
        let (modifier, path) = location_pattern(&item);
        let regex_without_slash = matches!(modifier, "~" | "~*") && anchored_without_slash(&path);
        let why = if regex_without_slash {
            "the URI it is matched against always begins with `/`, and the regex is anchored (`^`) to another character"
        } else {
            let Some(why) = literal_never_matches(modifier, &path) else {
                continue;
            };
            why
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                item.args_span(),
                if why.starts_with("its regex syntax") {
                    // A client may still spell the regex out (`/css%5C.php` decodes to
                    // `/css\.php`: live, the exact location answers it).
                    format!("`location {}` does not match the URIs it is written for: {why}; only a URI spelled that way matches (`\\.` sent as `%5C.`)", item.args().collect::<Vec<_>>().join(" "))
                } else {
                    format!("`location {}` never matches: {why}", item.args().collect::<Vec<_>>().join(" "))
                },
            )
            .with_help(if regex_without_slash {
                "start the regex with `^/`"
            } else {
                "write `location ~ ...` for a regex (`~*` case-insensitive); a literal path starts with `/`"
            }),
        );
    }
}
