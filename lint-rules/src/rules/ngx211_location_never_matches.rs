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
URI it is matched against always begins with `/`. So is a regex nested in a prefix
location and anchored to another path (`location /blog/ { location ~
^/wp-content/uploads/ { deny all; } }`): it is only tried on URIs under `/blog/`
(wordpress_ynh installed under a path; live, nginx 1.22.1: the parent answered).

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
        let outside_parent = if matches!(modifier, "~" | "~*") && !regex_without_slash {
            outside_parent_prefix(tree, i, &path, modifier == "~*")
        } else {
            None
        };
        let why = if let Some(parent) = &outside_parent {
            format!("it is nested in `location {parent}`, so the URIs it is tried on begin with `{parent}`, and its regex is anchored (`^`) to another path")
        } else if regex_without_slash {
            "the URI it is matched against always begins with `/`, and the regex is anchored (`^`) to another character".to_string()
        } else {
            let Some(why) = literal_never_matches(modifier, &path) else {
                continue;
            };
            why.to_string()
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
            .with_help(if let Some(parent) = &outside_parent {
                format!("anchor the regex under the parent's path (`^{parent}...`), or move the location out of `location {parent}`")
            } else if regex_without_slash {
                "start the regex with `^/`".to_string()
            } else {
                "write `location ~ ...` for a regex (`~*` case-insensitive); a literal path starts with `/`".to_string()
            }),
        );
    }
}

/// For a regex location nested in a prefix location: the parent's path, when the text
/// every match of the regex begins with (`^/wp-content/uploads/` → `/wp-content/uploads/`)
/// and that path cannot both start a URI (wordpress_ynh's `location /blog/ { location ~*
/// ^/wp-content/uploads/.*\.php$ { deny all; } }`: only URIs under `/blog/` are tried).
fn outside_parent_prefix(tree: &Tree<'_>, i: usize, regex: &str, caseless: bool) -> Option<String> {
    let parent = tree.parent(i)?;
    let parent_item = tree.item(parent);
    if !parent_item.is("location") {
        return None;
    }
    let (parent_modifier, parent_path) = location_pattern(&parent_item);
    if !matches!(parent_modifier, "" | "^~") || !parent_path.starts_with('/') {
        return None;
    }
    let literal = anchored_prefix(regex)?;
    let (literal, prefix) = if caseless {
        (
            literal.to_ascii_lowercase(),
            parent_path.to_ascii_lowercase(),
        )
    } else {
        (literal, parent_path.to_string())
    };
    (!literal.starts_with(&prefix) && !prefix.starts_with(&literal))
        .then(|| parent_path.to_string())
}

/// The literal text every match of an anchored regex begins with: after `^`, up to the
/// first character with a meaning (a character made optional by `?`, `*` or `{` left
/// out); `None` when an alternative at the top level (`^/a|/b`) or an inline option
/// could change what the anchor means. Alternatives inside a group after the literal
/// (`^/up/.*\.(php|phtml)$`) do not.
fn anchored_prefix(regex: &str) -> Option<String> {
    let rest = regex.strip_prefix('^')?;
    let (mut depth, mut class, mut escaped) = (0i32, false, false);
    for c in rest.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if !class => class = true,
            ']' if class => class = false,
            '(' if !class => depth += 1,
            ')' if !class => depth -= 1,
            '|' if !class && depth == 0 => return None,
            _ => {}
        }
    }
    Some(crate::model::compiled_regex::leading_literal(rest).to_string())
        .filter(|l| l.starts_with('/'))
}
