use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::syntax::anchored_without_slash;
use crate::model::tree_walk::condition;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX217",
        name: "if-uri-regex-never-matches",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "an `if` tests `$uri` against a regex anchored (`^`) without the leading `/`: it never matches, so `!~` is always true",
        aliases: &[],
        doc: r#"`$uri` (and `$document_uri`, `$fastcgi_script_name`) is the normalised request
path: it always begins with `/`. A regex anchored at its start to another character
(`^__swift/files/`, `^admin`) can never match it. With `~` the `if` block never
applies; with `!~` it applies to every request, and a guard written to keep
uploads from running as PHP keeps nothing out.

**Symptom**: the guard does nothing. Kayako's published config (`if ($uri !~
"^__swift/files/") { fastcgi_pass ...; }`) ran uploaded files under
`/__swift/files/` as PHP (live, nginx 1.22.1 with php-fpm 8.2: 200 and the script's
output).

Bad:
```nginx
location ~ (index\.php|tiny_mce_gzip\.php)$ {
    if ($uri !~ "^__swift/files/") { fastcgi_pass unix:/run/php-fpm/www.sock; }
}
```
Good:
```nginx
location ^~ /__swift/files/ {
    location ~ \.php$ { return 403; }
}
location ~ (index\.php|tiny_mce_gzip\.php)$ {
    fastcgi_pass unix:/run/php-fpm/www.sock;
}
```
(Only `^/__swift/files/` matches; but with the `if` false, a location left with no
handler sends the `.php` file as it is: refuse such requests instead.)"#,
        fix: "Anchor the regex as `^/...`; to keep scripts in an upload folder from running, refuse them in a location of their own (`return 403`).",
    },
    check: Check::Nodes(check),
};

/// Variables that always begin with `/`.
const NORMALISED: &[&str] = &["$uri", "$document_uri", "$fastcgi_script_name"];

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for i in nodes.named(tree, "if") {
        let item = tree.item(i);
        let (left, op, right) = condition(&item);
        if !NORMALISED.contains(&left.as_str())
            || !matches!(op.as_str(), "~" | "~*" | "!~" | "!~*")
            || !anchored_without_slash(&right)
        {
            continue;
        }
        let negated = op.starts_with('!');
        let message = if negated {
            format!("`{left} {op} \"{right}\"` is always true: {left} always begins with `/`, so the block applies to every request")
        } else {
            format!("`{left} {op} \"{right}\"` never matches: {left} always begins with `/`, so the block never applies")
        };
        sink.push(
            Diagnostic::new(&RULE.meta, item.args_span(), message)
                .with_label("anchored to a character other than `/`")
                .with_help(format!(
                    "anchor it as `^/{}`",
                    right.trim_start_matches('^')
                )),
        );
    }
}
