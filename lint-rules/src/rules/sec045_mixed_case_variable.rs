use crate::rule::{Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

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

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        for mixed in &nginx.mixed_case_variables {
            let (first, at) = &mixed.forms[0];
            let (second, at2) = &mixed.forms[1];
            let all: Vec<String> = mixed.forms.iter().map(|(f, _)| format!("`${f}`")).collect();
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    *at2,
                    format!(
                        "`${second}` is `${first}` spelled differently (nginx variables ignore case): {}",
                        all.join(", ")
                    ),
                )
                .with_related(*at, format!("`${first}` here"))
                .with_help(format!("spell it `${}` everywhere", mixed.lower)),
            );
        }
    }
}
