use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use foldhash::{HashMap, HashMapExt};

use crate::model::syntax::Tree;
use crate::model::Model;
use lint_source::Span;

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
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        for mixed in collect(tree) {
            let (first, at) = &mixed.forms[0];
            let (second, at2) = &mixed.forms[1];
            let all: Vec<String> = mixed.forms.iter().map(|(f, _)| format!("`${f}`")).collect();
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    *at2,
                    format!(
                        "`${second}` is `${first}` spelled differently (nginx variables ignore case): {}",
                        crate::listing::capped(&all)
                    ),
                )
                .with_related(*at, format!("`${first}` here"))
                .with_help(format!("spell it `${}` everywhere", mixed.lower)),
            );
        }
    }
}

/// One variable spelled more than one way.
#[derive(Clone, Debug)]
struct MixedCase {
    /// The name in lower case.
    lower: String,
    /// Each spelling in order of first use, with that first statement.
    forms: Vec<(String, Span)>,
}

/// `$name` and `${name}` references in `text` (a digit cannot start a name: `$1` is a capture).
fn variables(text: &str) -> Vec<&str> {
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
            out.push(&text[start..end]);
        }
        i = end.max(i + 1);
    }
    out
}

/// Every variable of the tree spelled more than one way, in order of the second spelling.
fn collect(tree: &Tree<'_>) -> Vec<MixedCase> {
    let mut seen: HashMap<String, Vec<(String, Span)>> = HashMap::new();
    // One buffer for the lower-cased name: most references repeat a name already seen,
    // and looking it up must not allocate.
    let mut lower = String::new();
    // A snippet spliced into many blocks is the same statements each time: they add no
    // new spelling after the first.
    let mut visited: foldhash::HashSet<*const nginx_conf_parser::Directive> = Default::default();
    // Every statement in document order (what a walk visits), without the blocks
    // around each that a walk keeps: this rule reads the arguments only.
    for i in 0..tree.len() {
        let item = tree.item(i);
        let has_reference = item
            .directive
            .args
            .iter()
            .any(|t| item.file.bytes(t).contains(&b'$'));
        if !has_reference || !visited.insert(std::ptr::from_ref(item.directive)) {
            continue;
        }
        for token in item.directive.args.iter() {
            // Most arguments name no variable: look at the bytes before making text.
            if !item.file.bytes(token).contains(&b'$') {
                continue;
            }
            let arg = item.file.str(token);
            for name in variables(&arg) {
                lower.clear();
                lower.extend(name.chars().map(|c| c.to_ascii_lowercase()));
                let forms = match seen.get_mut(lower.as_str()) {
                    Some(forms) => forms,
                    None => seen.entry(lower.clone()).or_default(),
                };
                if !forms.iter().any(|(f, _)| f == name) {
                    forms.push((name.to_string(), item.span()));
                }
            }
        }
    }
    let mut mixed: Vec<MixedCase> = seen
        .into_iter()
        .filter(|(_, forms)| forms.len() > 1)
        .map(|(lower, forms)| MixedCase { lower, forms })
        .collect();
    mixed.sort_by_key(|m| m.forms[1].1);
    mixed
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_plain_and_braced_references() {
        assert_eq!(
            super::variables("http://$Host${Uri}x$1$ \\.php$"),
            vec!["Host", "Uri"]
        );
    }
}
