use crate::model::syntax::Nodes;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::regex_shape;
use crate::model::syntax::{location_regex, Tree};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC043",
        name: "unanchored-regex",
        family: Family::Security,
        severity: Severity::Note,
        summary: "a regex location neither starts with `^` nor ends with `$`",
        aliases: &["unanchored_regex"],
        doc: r#"A location regex without `^` or `$` matches anywhere in the URI:
`location ~ \.php` matches `/x.php`, but also `/x.php.jpg`, `/a.phpinfo/`
and `/uploads/shell.php/avatar.png`, so the location (and whatever it passes
to php-fpm or a backend) serves URLs it was never meant to. PCRE also retries
an unanchored pattern at every offset of the URI. An alternative counts as
anchored when it starts with `^`/`\A` or ends with `$`/`\z`; one that starts
and ends with `.*` (`.*/thumb__\d+__.*`) says in so many words that it matches
anywhere, and is not reported (`.*\.php` still is). Every top-level
alternative must be anchored. One that ends in a choice of `$` and `/`, as nginx's own PHP
example does (`[^/]\.php(/|$)`: the script name, then nothing or PATH_INFO), is
anchored too: it matches neither `/x.php.jpg` nor `/a.phpinfo/`, and the risk of
what follows the `/` is PATH_INFO's (SEC001). A location that only refuses (`deny
all;`, `return 403;`) or only redirects (`return 301 ...;`) is not reported:
`location ~ /\.ht { deny all; }` is meant to match anywhere.

**Symptom**: requests for `/avatar.php.png` or `/file.php/x` reach the PHP
handler; the location matches more than its author tested.

Bad:
```nginx
location ~ \.php {
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ~ \.php$ {
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Anchor the regex: `^` for a path prefix, `$` for a suffix.",
    },
    check: Check::Nodes(check),
};

/// A location that only refuses (`deny all;`, `return 403;`) or redirects (`return 301
/// /remote.php/dav;`, the CalDAV/CardDAV discovery of Nextcloud's and Monica's docs):
/// matching more URIs than written is the point of `location ~ /\.ht { deny all; }`,
/// and a redirect hands nothing to a handler.
fn refuses(tree: &Tree<'_>, location: usize) -> bool {
    tree.children(Some(location)).iter().any(|c| {
        let s = tree.item(*c);
        (s.is("deny") && s.arg(0).as_deref() == Some("all"))
            || (s.is("return")
                && s.arg(0)
                    .and_then(|code| code.parse::<u32>().ok())
                    .is_some_and(|code| code >= 400 || (301..=308).contains(&code)))
    })
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let mut anchored = regex_shape::Verdicts::default();
    for i in nodes.named(tree, "location").collect::<Vec<_>>() {
        let item = tree.item(i);
        let Some((pattern, case_sensitive)) = location_regex(&item) else {
            continue;
        };
        // A pattern that does not parse is reported by the load checks.
        let Some(is_anchored) = anchored.of(&pattern, !case_sensitive, regex_shape::is_anchored)
        else {
            continue;
        };
        if is_anchored || refuses(tree, i) {
            continue;
        }
        let at = item.arg_span(item.arg_count().saturating_sub(1));
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                at,
                format!("`{pattern}` is not anchored: it matches anywhere in the URI"),
            )
            .with_help("add `^` at the start or `$` at the end"),
        );
    }
}
