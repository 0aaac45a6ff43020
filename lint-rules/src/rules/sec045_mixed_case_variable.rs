use crate::rule::{Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use std::collections::HashMap;

use crate::model::syntax::Tree;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC045",
        name: "mixed-case-variable",
        family: Family::Security,
        severity: Severity::Note,
        summary: "one variable written with different letter case",
        aliases: &["mixed_case_variable"],
        doc: r#"nginx variable names are case-insensitive: `$My_Var` and `$my_var` are one
variable. Two spellings in one configuration read like two variables, and the
reader (or the next edit) assumes one does not affect the other.

**Symptom**: a value set under one spelling shows up where the other spelling
is read (an auth flag, a cache bypass, a backend choice), or an edit to "one"
variable changes both.

Bad:
```nginx
set $Backend "app";
proxy_pass http://$backend;
```
Good:
```nginx
set $backend "app";
proxy_pass http://$backend;
```"#,
        fix: "Spell each variable the same way everywhere (lower case, as nginx's own variables).",
    },
    check,
};

/// `$name` and `${name}` references in `text`, with their byte offsets.
fn variables(text: &str) -> Vec<(usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let braced = b.get(i + 1) == Some(&b'{');
        let start = i + 1 + usize::from(braced);
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
            end += 1;
        }
        let first_ok = b
            .get(start)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
        if first_ok && (!braced || b.get(end) == Some(&b'}')) {
            out.push((i, &text[start..end]));
        }
        i = end.max(i + 1);
    }
    out
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for config in &model.syntax {
        let tree = Tree::of(config);
        // lower-cased name -> spellings in order of first use, each with its first statement.
        let mut seen: HashMap<String, Vec<(String, usize)>> = HashMap::new();
        for i in 0..tree.nodes.len() {
            for arg in tree.item(i).args() {
                for (_, name) in variables(&arg) {
                    let forms = seen.entry(name.to_ascii_lowercase()).or_default();
                    if !forms.iter().any(|(f, _)| f == name) {
                        forms.push((name.to_string(), i));
                    }
                }
            }
        }
        let mut found: Vec<(&String, &Vec<(String, usize)>)> =
            seen.iter().filter(|(_, f)| f.len() > 1).collect();
        found.sort_by_key(|(_, f)| f[1].1);
        for (lower, forms) in found {
            let (first, at) = &forms[0];
            let (second, at2) = &forms[1];
            let all: Vec<String> = forms.iter().map(|(f, _)| format!("`${f}`")).collect();
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    tree.item(*at2).span(),
                    format!(
                        "`${second}` is `${first}` spelled differently (nginx variables ignore case): {}",
                        all.join(", ")
                    ),
                )
                .with_related(tree.item(*at).span(), format!("`${first}` here"))
                .with_help(format!("spell it `${lower}` everywhere")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_plain_and_braced_references() {
        let v: Vec<&str> = super::variables("http://$Host${Uri}x$1$ \\.php$")
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        assert_eq!(v, vec!["Host", "Uri"]);
    }
}
