use crate::model::syntax::Nodes;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use std::collections::BTreeSet;

use crate::model::syntax::{self, if_regex, location_regex, map_regexes, Tree};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC040",
        name: "invalid-capture-reference",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`$N` refers to a capture group no regex in scope defines: it is always empty",
        aliases: &["invalid_regex"],
        doc: r#"`$1`…`$9` are the numbered captures of the last regex nginx evaluated
(a `rewrite`, a regex `location`, `if`, `server_name` or `map` key). nginx reads
one digit (`$12` is `$1` then `2`). A reference to a group the regex does not
have — `$2` after a one-group pattern, `$1` after `(?i)/` — is silently
empty; so is a capture of an `if ($x !~ re)` block, which runs only when the
regex did not match. For `rewrite` and a `set` in a regex `if` the pattern is
known exactly; for other directives the finding is made only when no regex
anywhere in the server (nor any `map` key) has that group.

**Symptom**: redirects to `/new/` instead of `/new/page`, an empty header or
upstream path, a `set` that always stores an empty string — often a redirect
that drops the part of the URL an access rule relied on.

Bad:
```nginx
rewrite ^/old/(.*)$ /new/$2 permanent;
```
Good:
```nginx
rewrite ^/old/(.*)$ /new/$1 permanent;
```"#,
        fix: "Reference a group the regex has (count the `(`; named groups are numbered too), or add the group.",
    },
    check: Check::Nodes(check),
};

/// `$1`..`$9` referenced in `text` (one digit: `$12` is `$1`).
pub fn capture_refs(text: &str) -> BTreeSet<u32> {
    let b = text.as_bytes();
    b.windows(2)
        .filter(|w| w[0] == b'$' && (b'1'..=b'9').contains(&w[1]))
        .map(|w| u32::from(w[1] - b'0'))
        .collect()
}

/// Capture groups of a pattern as PCRE2 compiles it (`caseless` as nginx compiles it);
/// `None` when it does not compile. The load checks' verdict: they compiled every regex
/// of the tree already, and keep what they found.
fn groups(pattern: &str, caseless: bool) -> Option<u32> {
    nginx_conf_parser::check::regex_groups(pattern, caseless)
}

fn list(refs: &BTreeSet<u32>) -> String {
    refs.iter()
        .map(|g| format!("${g}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Regexes whose captures a directive in `base` can see: every regex location, `if`,
/// `rewrite` and `server_name` under it, plus every `map` key of the tree (maps are
/// evaluated when their variable is read).
/// Patterns of a server's own regexes (`base`), `map` entries left out: the maps are
/// the same for every server and counted once ([`map_groups`]). Each with whether nginx
/// compiles it caseless.
fn scope_patterns(
    tree: &Tree<'_>,
    base: Option<usize>,
    maps: &foldhash::HashSet<usize>,
) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for n in tree.descendants(base) {
        if tree.parent(n).is_some_and(|p| maps.contains(&p)) {
            continue;
        }
        let item = tree.item(n);
        if item.is("location") {
            out.extend(location_regex(&item).map(|(re, case)| (re, !case)));
        } else if item.is("if") {
            out.extend(if_regex(&item).map(|(re, case, _)| (re, !case)));
        } else if item.is("rewrite") {
            out.extend(item.arg(0).map(|a| (a.into_owned(), false)));
        } else if item.is("server_name") {
            out.extend(
                syntax::server_name_regexes(&item)
                    .into_iter()
                    .map(|re| (re, true)),
            );
        }
    }
    out
}

/// The most groups of any `map` key's regex; `None` when one does not compile (it
/// could define anything). Asked once per run: a server sees every map.
fn map_groups(tree: &Tree<'_>, maps: &foldhash::HashSet<usize>) -> Option<u32> {
    let mut most = 0;
    for m in maps {
        for (_, re, case) in map_regexes(tree, *m) {
            most = most.max(groups(&re, !case)?);
        }
    }
    Some(most)
}

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    const SCOPED: &[&str] = &[
        "set",
        "return",
        "proxy_pass",
        "add_header",
        "more_set_headers",
        "try_files",
    ];
    let mut scope_cache: foldhash::HashMap<Option<usize>, Option<u32>> =
        foldhash::HashMap::default();
    // Every `map` block and their keys' most groups, found on the first reference.
    let mut maps: Option<(foldhash::HashSet<usize>, Option<u32>)> = None;
    // Only the statements read below, by name (not every statement of the tree).
    let mut names = vec!["rewrite", "map"];
    names.extend_from_slice(SCOPED);
    for i in super::statements_named(tree, nodes, &names) {
        let item = tree.item(i);
        if tree.parent(i).is_some_and(|p| {
            let p = tree.item(p);
            p.is_block() && (p.is("map") || p.is("geo"))
        }) {
            continue;
        }
        if item.is("rewrite") {
            let (Some(pattern), Some(replacement)) = (item.arg(0), item.arg(1)) else {
                continue;
            };
            let refs = capture_refs(&replacement);
            if refs.is_empty() {
                continue;
            }
            let Some(n) = groups(&pattern, false) else {
                continue;
            };
            let missing: BTreeSet<u32> = refs.into_iter().filter(|g| *g > n).collect();
            if !missing.is_empty() {
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        item.arg_span(1),
                        format!(
                            "{} in the replacement, but `{pattern}` has {}: always empty",
                            list(&missing),
                            groups_text(n)
                        ),
                    )
                    .with_related(item.arg_span(0), "the pattern"),
                );
            }
            continue;
        }
        if item.is("map") && item.is_block() {
            for (entry, pattern, case) in map_regexes(tree, i) {
                let e = tree.item(entry);
                let refs = e.arg(0).map(|v| capture_refs(&v)).unwrap_or_default();
                // A value without `$N` needs no count (a map of thousands of keys).
                if refs.is_empty() {
                    continue;
                }
                let Some(n) = groups(&pattern, !case) else {
                    continue;
                };
                let missing: BTreeSet<u32> = refs.into_iter().filter(|g| *g > n).collect();
                if !missing.is_empty() {
                    sink.push(Diagnostic::new(
                        &RULE.meta,
                        e.span(),
                        format!(
                            "{} in the map value, but its key `{pattern}` has {}: always empty",
                            list(&missing),
                            groups_text(n)
                        ),
                    ));
                }
            }
            continue;
        }
        if !SCOPED.iter().any(|d| item.is(d)) {
            continue;
        }
        if item.is("set") {
            let Some(value) = item.arg(1) else { continue };
            if let Some(cond) = tree.enclosing(i, "if") {
                if let Some((pattern, case, negated)) = if_regex(&tree.item(cond)) {
                    let refs = capture_refs(&value);
                    let Some(n) = groups(&pattern, !case).filter(|_| !refs.is_empty()) else {
                        continue;
                    };
                    let (missing, why): (BTreeSet<u32>, String) = if negated {
                        (
                            refs,
                            format!("the block runs only when `{pattern}` did not match, which clears the captures"),
                        )
                    } else {
                        (
                            refs.into_iter().filter(|g| *g > n).collect(),
                            format!("`{pattern}` has {}", groups_text(n)),
                        )
                    };
                    if !missing.is_empty() {
                        sink.push(
                            Diagnostic::new(
                                &RULE.meta,
                                item.arg_span(1),
                                format!("{} is always empty here: {why}", list(&missing)),
                            )
                            .with_related(tree.item(cond).head_span(), "the `if`"),
                        );
                    }
                    continue;
                }
            }
        }
        // The arguments read in place (no owned copy of each statement's).
        let refs: BTreeSet<u32> = if item.is("set") {
            item.arg(1).map(|a| capture_refs(&a)).unwrap_or_default()
        } else {
            item.args().flat_map(|t| capture_refs(&t)).collect()
        };
        if refs.is_empty() {
            continue;
        }
        let base = tree.enclosing(i, "server");
        let maps = maps.get_or_insert_with(|| {
            let maps: foldhash::HashSet<usize> = tree
                .named("map")
                .filter(|m| tree.item(*m).is_block())
                .collect();
            let most = map_groups(tree, &maps);
            (maps, most)
        });
        let available = *scope_cache.entry(base).or_insert_with(|| {
            let mut most = maps.1?;
            for (p, caseless) in scope_patterns(tree, base, &maps.0) {
                // A pattern that does not compile could define anything: stay quiet.
                most = most.max(groups(&p, caseless)?);
            }
            Some(most)
        });
        let Some(n) = available else { continue };
        let missing: BTreeSet<u32> = refs.into_iter().filter(|g| *g > n).collect();
        if !missing.is_empty() {
            let name = item.name();
            sink.push(Diagnostic::new(
                &RULE.meta,
                item.span(),
                format!(
                    "`{name}` uses {} but no regex of this server (location, if, rewrite, server_name or map key) has that group: always empty",
                    list(&missing)
                ),
            ));
        }
    }
}

fn groups_text(n: u32) -> String {
    match n {
        0 => "no capture group".to_string(),
        1 => "one capture group".to_string(),
        n => format!("{n} capture groups"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_digit_references() {
        let r: Vec<u32> = super::capture_refs("/x/$12$0$9$a").into_iter().collect();
        assert_eq!(r, vec![1, 9]);
        assert_eq!(super::groups("^/(a)(?<n>b)(?:c)", false), Some(2));
        assert_eq!(super::groups("^/(a)(?<n>b)(?:c)", true), Some(2));
        assert_eq!(super::groups("^/(a", false), None);
    }
}
