use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::syntax::location_pattern;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX221",
        name: "regex-location-shadowed",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a regex `location` by file extension after one that already matches all its extensions: it is never selected",
        aliases: &[],
        doc: r#"nginx tries the regex locations of a block in the order they are written and
takes the first that matches. A location for some file extensions written after one
whose alternation already holds all of them is never selected: whatever it sets (a
`Content-Security-Policy` for SVG files, a longer cache time, a `deny`) never applies,
and `nginx -t` says nothing. Only locations that match by extension alone are compared
(`\.(css|js|svg)$`, `^.+\.svg$`, `\.jpe?g$`); a case-sensitive `~` does not cover a
case-insensitive `~*`.

**Symptom**: the later location's headers or rules are missing from the responses it
was written for (shopware's image: the SVG Content-Security-Policy never sent).

Bad:
```nginx
location ~* ^.+\.(?:css|js|jpe?g|png|svg|woff2)$ { expires 1y; }
location ~* ^.+\.svg$ { add_header Content-Security-Policy "script-src 'none'"; }
```
Good:
```nginx
location ~* ^.+\.svg$ { add_header Content-Security-Policy "script-src 'none'"; expires 1y; }
location ~* ^.+\.(?:css|js|jpe?g|png|woff2)$ { expires 1y; }
```"#,
        fix: "Move the narrower location above the wider one (and repeat there what it needs of the wider one), or take its extensions out of the wider one.",
    },
    check: Check::Nodes(check),
};

/// The extensions a location regex matches when it matches by extension alone
/// (`\.(css|js)$`, `^.+\.(?:jpe?g|png)$`, `\.svg$`): `None` for any other regex.
/// Optional letters (`jpe?g`) are spelled out.
fn extensions(regex: &str) -> Option<BTreeSet<String>> {
    let body = regex.strip_suffix('$')?;
    let body = ["^.+", "^.*", ".+", ".*", ""]
        .iter()
        .find_map(|p| body.strip_prefix(p).and_then(|r| r.strip_prefix("\\.")))?;
    let list = match body.strip_prefix("(?:").or_else(|| body.strip_prefix('(')) {
        Some(inner) => inner.strip_suffix(')')?,
        None => body,
    };
    let mut out = BTreeSet::new();
    for alternative in list.split('|') {
        out.extend(spelled(alternative)?);
    }
    (!out.is_empty()).then_some(out)
}

/// Every word an alternative of letters and digits matches, with `x?` optional letters.
fn spelled(alternative: &str) -> Option<Vec<String>> {
    let bytes = alternative.as_bytes();
    if !bytes
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b == b'?')
    {
        return None;
    }
    // Most alternatives (`css`, `php`) have no optional letter: one word, as written.
    if !bytes.contains(&b'?') {
        return (!bytes.is_empty()).then(|| vec![alternative.to_string()]);
    }
    let mut words = vec![String::with_capacity(alternative.len())];
    let mut i = 0;
    while i < bytes.len() {
        let c = char::from(bytes[i]);
        if c == '?' {
            // A `?` that follows no letter (`??`, a leading `?`) is not an extension list.
            return None;
        }
        let optional = bytes.get(i + 1) == Some(&b'?');
        if optional {
            // Spelled-out words stay few (a pattern of many `x?` is not an extension list).
            if words.len() > 32 {
                return None;
            }
            let without: Vec<String> = words.clone();
            words.iter_mut().for_each(|w| w.push(c));
            words.extend(without);
        } else {
            // Letters appended in place: one allocation per word, not one per letter (a
            // 2 000-server tree of extension lists spent 15 ms here).
            words.iter_mut().for_each(|w| w.push(c));
        }
        i += if optional { 2 } else { 1 };
    }
    (!words.iter().any(String::is_empty)).then_some(words)
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    // (statement, case-insensitive, extensions and their lower-cased form) of the regex
    // locations seen so far in one block: `named` yields them in document order.
    type Seen = (usize, bool, Rc<Extensions>);
    // One list per open block, innermost last: `named` yields the locations in
    // document order, so a block's list is dropped once a location after its end
    // comes (a map of every block's list held 5 MiB on a 5 000-site tree).
    let mut by_block: Vec<(Option<usize>, Vec<Seen>)> = Vec::new();
    for c in nodes.named(tree, "location") {
        let item = tree.item(c);
        // Only regex locations: the modifier is the first argument, or glued to it.
        if !item.is_block() || !item.arg(0).is_some_and(|a| a.starts_with('~')) {
            continue;
        }
        let (modifier, path) = location_pattern(&item);
        let insensitive = match modifier {
            "~*" => true,
            "~" => false,
            _ => continue,
        };
        let Some(read) = extensions_known(&path) else {
            continue;
        };
        let (mine, mine_folded) = &*read;
        let parent = tree.parent(c);
        while by_block
            .last()
            .is_some_and(|(block, _)| block.is_some_and(|b| tree.end_of(b) <= c))
        {
            by_block.pop();
        }
        if by_block.last().is_none_or(|(block, _)| *block != parent) {
            by_block.push((parent, Vec::new()));
        }
        let Some((_, earlier)) = by_block.last_mut() else {
            continue;
        };
        let covering = earlier.iter().find(|(_, wide_insensitive, wide)| {
            let (wide, wide_folded) = &**wide;
            if *wide_insensitive {
                mine_folded
                    .as_ref()
                    .unwrap_or(mine)
                    .is_subset(wide_folded.as_ref().unwrap_or(wide))
            } else {
                // A case-sensitive regex covers only what is matched case-sensitively.
                !insensitive && mine.is_subset(wide)
            }
        });
        if let Some((wide, _, _)) = covering {
            let wide = tree.item(*wide);
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    item.args_span(),
                    format!(
                        "`location {modifier} {path}` is never selected: every URI it matches is taken first by `location {}`",
                        wide.args().collect::<Vec<_>>().join(" ")
                    ),
                )
                .with_label("never selected")
                .with_related(wide.args_span(), "matches first")
                .with_help("move this location above the wider one, or take its extensions out of that one"),
            );
            continue;
        }
        earlier.push((c, insensitive, read));
    }
}

/// A regex location's extensions ([`extensions`]) and, when one has a capital letter,
/// all of them lower-cased.
type Extensions = (BTreeSet<String>, Option<BTreeSet<String>>);

/// [`Extensions`] of the regex `path`, read once per thread: thousands of servers write
/// the same static-files and PHP regexes, and each reading built its sets of words anew
/// (a dozen strings a regex).
fn extensions_known(path: &str) -> Option<Rc<Extensions>> {
    thread_local! {
        static KNOWN: RefCell<foldhash::HashMap<Box<str>, Option<Rc<Extensions>>>> =
            RefCell::new(foldhash::HashMap::default());
    }
    /// Regexes kept per thread: a tree of thousands of distinct ones starts over.
    const MAX_KEPT: usize = 4096;
    KNOWN.with(|known| {
        if let Some(hit) = known.borrow().get(path) {
            return hit.clone();
        }
        let read = extensions(path).map(|mine| {
            // Lower-cased only when it differs (extensions are written in lower case).
            let folded: Option<BTreeSet<String>> = mine
                .iter()
                .any(|e| e.bytes().any(|b| b.is_ascii_uppercase()))
                .then(|| mine.iter().map(|e| e.to_ascii_lowercase()).collect());
            Rc::new((mine, folded))
        });
        let mut known = known.borrow_mut();
        if known.len() >= MAX_KEPT {
            known.clear();
        }
        known.insert(path.into(), read.clone());
        read
    })
}

#[cfg(test)]
mod tests {
    use super::extensions;

    fn set(words: &[&str]) -> Option<std::collections::BTreeSet<String>> {
        Some(words.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn extension_regexes_are_read_and_others_are_not() {
        assert_eq!(extensions(r"^.+\.svg$"), set(&["svg"]));
        assert_eq!(
            extensions(r"\.(?:css|jpe?g)$"),
            set(&["css", "jpeg", "jpg"])
        );
        assert_eq!(extensions(r"\.(js|css)$"), set(&["css", "js"]));
        assert_eq!(extensions(r"\.php$"), set(&["php"]));
        assert_eq!(extensions(r"^/static/.+\.svg$"), None);
        assert_eq!(extensions(r"\.php(/|$)"), None);
        assert_eq!(extensions(r"\.(css|js)"), None);
        assert_eq!(extensions(r"\.(c.s)$"), None);
        assert_eq!(extensions(r"\.(?:j??s)$"), None);
        assert_eq!(extensions(r"\.(css|)$"), None);
        // `a?b?` also matches the empty word: not an extension list.
        assert_eq!(extensions(r"\.(a?b?)$"), None);
    }
}
