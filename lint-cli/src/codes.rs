//! Codes about the run itself (LINT0xx).

use lint_source::{Family, RuleMeta, Severity};

/// LINT001.
pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    code: "LINT001",
    name: "unused-suppression",
    family: Family::Lint,
    severity: Severity::Warning,
    summary: "a `nginx-fpm-lint: ignore` comment that suppresses nothing",
    aliases: &[],
    doc: r#"A suppression comment applies to the next statement (or its own line when
it follows a statement). When nothing it names is reported there, the comment
is stale: the problem was fixed, or the code is misspelt.

**Symptom**: none at run time: the comment is noise that hides nothing, and it would silence a future finding of the same code on that statement.

Bad:
```nginx
# nginx-fpm-lint: ignore X006 reports are slow on purpose
fastcgi_read_timeout 600s;
```
Good:
```nginx
fastcgi_read_timeout 600s;
```"#,
    fix: "Remove the comment, or correct the code it names.",
};

/// Codes of the command line itself.
pub static RULES: &[&RuleMeta] = &[&UNUSED_SUPPRESSION];
