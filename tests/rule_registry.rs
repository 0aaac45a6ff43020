//! The house rules of a rule, checked for every code the tool can emit: one
//! registration, a file named after the rule, the family its prefix says, a
//! documented symptom with a bad and a good example, and unique names.

use std::collections::BTreeSet;
use std::path::Path;

use lint_source::{Family, RuleMeta};

fn family_for(code: &str) -> Option<Family> {
    let digits = code.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = &code[..code.len() - digits.len()];
    let hundreds = digits.chars().next()?;
    Some(match (prefix, hundreds) {
        ("NGX", '0') => Family::NginxLoad,
        ("NGX", '1') => Family::NginxListen,
        ("NGX", '2') => Family::NginxFastcgi,
        ("FPM", '0') => Family::FpmLoad,
        ("FPM", '1') => Family::FpmPool,
        ("X", _) => Family::Cross,
        ("SEC", _) => Family::Security,
        ("LINT", _) => Family::Lint,
        _ => return None,
    })
}

/// The file a rule of lint-rules lives in: code and name, snake case.
fn file_name(meta: &RuleMeta) -> String {
    format!(
        "{}_{}.rs",
        meta.code.to_ascii_lowercase(),
        meta.name.replace('-', "_")
    )
}

#[test]
fn every_rule_file_is_registered_once_and_named_after_its_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lint-rules/src/rules");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("lint-rules/src/rules")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rs") && n != "mod.rs")
        .collect();
    let registered: Vec<String> = lint_rules::RULES
        .iter()
        .map(|r| file_name(&r.meta))
        .collect();
    let unique: BTreeSet<String> = registered.iter().cloned().collect();
    assert_eq!(unique.len(), registered.len(), "a rule registered twice");
    let unregistered: Vec<_> = on_disk.difference(&unique).collect();
    let misnamed: Vec<_> = unique.difference(&on_disk).collect();
    assert!(
        unregistered.is_empty() && misnamed.is_empty(),
        "files not registered (or not named <code>_<name>.rs): {unregistered:?}; \
         registered rules without such a file: {misnamed:?}"
    );
}

#[test]
fn every_code_is_in_the_family_its_prefix_says() {
    let wrong: Vec<String> = lint_cli::all_rules()
        .iter()
        .filter(|m| family_for(m.code) != Some(m.family))
        .map(|m| format!("{} declares {:?}", m.code, m.family))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn codes_names_and_aliases_are_unique() {
    let mut seen = BTreeSet::new();
    for meta in lint_cli::all_rules() {
        for key in [meta.code, meta.name].iter().chain(meta.aliases) {
            assert!(seen.insert(key.to_string()), "{key} names two rules");
        }
        assert!(
            meta.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}: name {:?} is not kebab-case",
            meta.code,
            meta.name
        );
    }
}

#[test]
fn every_rule_documents_symptom_bad_good_and_fix() {
    let mut missing = Vec::new();
    for meta in lint_cli::all_rules() {
        if !meta.doc.contains("**Symptom**") {
            missing.push(format!("{}: no **Symptom**", meta.code));
        }
        // An example is introduced by a line starting "Bad:" or "Bad (context):".
        for example in ["Bad", "Good"] {
            let introduced = meta.doc.lines().any(|l| {
                l.strip_prefix(example)
                    .is_some_and(|rest| rest.starts_with(':') || rest.starts_with(" ("))
            });
            if !introduced {
                missing.push(format!("{}: no {example} example", meta.code));
            }
        }
        if meta.fix.trim().is_empty() || meta.summary.trim().is_empty() {
            missing.push(format!("{}: empty summary or fix", meta.code));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
