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

/// Whether some variable may be spelled two ways in the tree: every `$name` of its files'
/// text (each file once, comments included, includes not followed: a snippet included by
/// every site is read once, not once per site). The statements' arguments are in that
/// text, so `false` means [`collect`] finds nothing; `true` means it must look. An
/// escape (`\`) next to a name may make the argument's value differ from the text:
/// then the answer is `true`.
fn may_have_mixed(tree: &Tree<'_>) -> bool {
    if tree.is_empty() {
        return false;
    }
    let config = tree.item(0).config;
    let name_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut spelled: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    let mut lower: Vec<u8> = Vec::new();
    for file in config.files.values() {
        let text: &[u8] = &file.text;
        for dollar in memchr::memchr_iter(b'$', text) {
            let braced = text.get(dollar + 1) == Some(&b'{');
            let start = dollar + 1 + usize::from(braced);
            let mut end = start;
            while end < text.len() && name_byte(text[end]) {
                end += 1;
            }
            if text.get(end) == Some(&b'\\') {
                return true;
            }
            if !text
                .get(start)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
            {
                continue;
            }
            let name = &text[start..end];
            lower.clear();
            lower.extend_from_slice(name);
            lower.make_ascii_lowercase();
            match spelled.get(lower.as_slice()) {
                Some(first) if first.as_slice() != name => return true,
                Some(_) => {}
                None => {
                    spelled.insert(lower.clone(), name.to_vec());
                }
            }
        }
    }
    false
}

/// Every variable of the tree spelled more than one way, in order of the second spelling.
fn collect(tree: &Tree<'_>) -> Vec<MixedCase> {
    // Most trees spell every name one way: found without a walk of the spliced tree
    // (250 000 statements at 1 000 sites; its distinct statements are a third of that).
    if !may_have_mixed(tree) {
        return Vec::new();
    }
    collect_all(tree)
}

/// [`collect`] without the look at the files' text first.
fn collect_all(tree: &Tree<'_>) -> Vec<MixedCase> {
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
    /// Whenever the walk of the tree finds a name spelled two ways, the look at the files'
    /// text says it may: escapes, quotes, braces, comments, and names in included files.
    #[test]
    fn the_text_filter_never_hides_a_finding() {
        let cases: &[(&str, bool)] = &[
            ("return 200 \"$Host $host\";", true),
            ("set $A 1; return 200 $a;", true),
            // nginx keeps a backslash before a letter: `$ho` and `$h`, not `$host`.
            ("return 200 \"$ho\\st $hoST\";", false),
            ("return 200 \"$h\\ost\"; return 200 $HOST;", false),
            ("return 200 \"$h\\\"ost $H\";", true),
            ("return 200 ${Uri}; return 200 $uri;", true),
            ("return 200 $\\{Uri}; return 200 $uri;", false),
            ("include inc.conf; return 200 $uri;", true),
            ("# $URI\nreturn 200 $uri;", false),
            ("return 200 $uri$1$ \\.php$;", false),
            ("return 200 '$Args' ; return 200 \"$args\";", true),
        ];
        for (body, mixed) in cases {
            let dir = tempfile::tempdir().expect("tempdir");
            let main = dir.path().join("nginx.conf");
            let conf = format!("events {{}}\nhttp {{ server {{ location / {{ {body} }} }} }}\n");
            std::fs::write(&main, conf).expect("write");
            std::fs::write(dir.path().join("inc.conf"), "return 200 $URI;\n").expect("write");
            let map = lint_source::SourceMap::new();
            let config = nginx_conf_parser::load(&main, &Default::default(), &map);
            let tree = crate::model::syntax::Tree::of(&config);
            let found = !super::collect_all(&tree).is_empty();
            assert_eq!(found, *mixed, "{body}");
            assert!(super::may_have_mixed(&tree) || !found, "{body}");
            assert_eq!(
                super::collect(&tree).len(),
                super::collect_all(&tree).len(),
                "{body}"
            );
        }
    }

    #[test]
    fn finds_plain_and_braced_references() {
        assert_eq!(
            super::variables("http://$Host${Uri}x$1$ \\.php$"),
            vec!["Host", "Uri"]
        );
    }
}
