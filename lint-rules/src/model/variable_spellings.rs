//! Variables written with different letter case (`$Backend`, `$backend`): nginx
//! variable names ignore case, so these are one variable. Collected from every
//! argument of every statement while the syntax tree is at hand; only names with
//! more than one spelling are kept.

use std::collections::HashMap;

use lint_source::Span;
use nginx_conf_parser::Config;

/// One variable spelled more than one way.
#[derive(Clone, Debug)]
pub struct MixedCase {
    /// The name in lower case.
    pub lower: String,
    /// Each spelling in order of first use, with that first statement.
    pub forms: Vec<(String, Span)>,
}

/// `$name` and `${name}` references in `text` (a digit cannot start a name: `$1` is a capture).
pub fn variables(text: &str) -> Vec<&str> {
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
pub fn collect(config: &Config) -> Vec<MixedCase> {
    let mut seen: HashMap<String, Vec<(String, Span)>> = HashMap::new();
    // Document order with an explicit stack: no recursion on input depth.
    let mut stack = vec![config.items()];
    while let Some(items) = stack.last_mut() {
        let Some(item) = items.next() else {
            stack.pop();
            continue;
        };
        for arg in item.args() {
            for name in variables(&arg) {
                let forms = seen.entry(name.to_ascii_lowercase()).or_default();
                if !forms.iter().any(|(f, _)| f == name) {
                    forms.push((name.to_string(), item.span()));
                }
            }
        }
        if item.is_block() {
            stack.push(item.children());
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
