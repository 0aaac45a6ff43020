use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC021",
        name: "hash-without-default",
        family: Family::Security,
        severity: Severity::Note,
        summary: "a `map` with several entries, or a `geo`, without a `default`: every other value maps to an empty string",
        aliases: &["hash_without_default"],
        doc: r#"A `map` or `geo` without a `default` entry gives the empty string to every
value it does not list. When the variable feeds an access decision
(`if ($allowed = 0) { return 403; }`, `allow`-like lists, a rate-limit key), the
empty string is neither the allowed nor the denied value: the request that
nobody thought of passes. A `map` with a single entry is left alone (it is the
usual way to make a `limit_req` key empty for everybody else), and so is a map
whose variable is only an `add_header` value or a `limit_req_zone`/`limit_conn_zone`
key, or a suffix appended to a `try_files` name: there the empty value means "no
header", "not counted" or "no suffix" (h5bp's `$cors`, the WebP negotiation map); nor
one only tested for the values it lists, each of them (`if ($anti_replay = 307)`,
`= 425`), when no entry gives `0`: each entry names a case to act on and unlisted
input is the case without action. A map that lists every value of its source
(another `map` or `geo` with a `default`) leaves nothing unlisted.

**Symptom**: requests from an unlisted address, host or method pass a check
that was meant to stop them, because the variable is empty rather than `0`.

Bad:
```nginx
map $remote_addr $is_admin {
    10.0.0.5 1;
    10.0.0.6 1;
}
```
Good:
```nginx
map $remote_addr $is_admin {
    default 0;
    10.0.0.5 1;
    10.0.0.6 1;
}
```"#,
        fix: "Add an explicit `default` entry with the value unlisted input must get.",
    },
    check: Check::Model(check),
};

/// Statements of a `map`/`geo` body that are settings, not entries.
const SETTINGS: &[&str] = &[
    "hostnames",
    "volatile",
    "include",
    "ranges",
    "delete",
    "proxy",
    "proxy_recursive",
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        // What each `map`/`geo` variable can be, built when first needed.
        let mut producers: Option<Producers> = None;
        let all = crate::model::syntax::Nodes::all(tree);
        for at in super::statements_named(tree, &all, &["map", "geo"]) {
            let s = &tree.item(at);
            let is_map = s.is("map");
            if !s.is_block() {
                continue;
            }
            let mut entries = 0;
            let mut default = false;
            for entry in s.children() {
                if entry.is("default") && entry.arg_count() > 0 {
                    default = true;
                } else if !SETTINGS.iter().any(|k| entry.is(k)) {
                    entries += 1;
                }
            }
            if default || (is_map && entries <= 1) {
                continue;
            }
            let variable = s.arg(s.arg_count().saturating_sub(1)).unwrap_or_default();
            // The values the map's entries give (a value made of variables is open).
            let listed: Option<Vec<String>> = s
                .children()
                .filter(|e| !e.is("default") && !SETTINGS.iter().any(|k| e.is(k)))
                .map(|e| {
                    e.arg(e.arg_count().saturating_sub(1))
                        .filter(|v| !v.contains('$'))
                        .map(|v| v.into_owned())
                })
                .collect();
            let listed = if is_map { listed } else { None };
            if empty_means_nothing(tree, &variable, listed.as_deref())
                || (is_map
                    && lists_every_source_value(
                        producers.get_or_insert_with(|| Producers::of(tree)),
                        s,
                    ))
            {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    s.head_span(),
                    format!(
                        "`{}` has no `default`: every unlisted value sets {variable} to an empty string",
                        s.name()
                    ),
                )
                .with_help("add `default VALUE;` with what unlisted input must get"),
            );
        }
    }
}

/// Whether every use of `variable` is one where an empty value means "nothing": an
/// `add_header` value (nginx adds no header for an empty one: h5bp's `$cors`), a
/// `limit_req_zone`/`limit_conn_zone` key (an empty key is not accounted: a map that
/// exempts trusted networks). A map without `default` is then the pattern, not a slip.
///
/// So is an `if` that only tests for one of the values the map lists (`if ($anti_replay =
/// 307) { return 307 ...; }`, HestiaCP's TLS 0-RTT map), when no entry gives `0`: every
/// entry names a case to act on, unlisted input is the case without action, and the
/// empty string is as much "not 307" as `0` would be. A map that also lists `0` (or the
/// empty string) draws a line between two kinds of input, and the unlisted fall on
/// neither side.
fn empty_means_nothing(
    tree: &crate::model::syntax::Tree<'_>,
    variable: &str,
    listed: Option<&[String]>,
) -> bool {
    if !variable.starts_with('$') {
        return false;
    }
    let mut uses = 0;
    let mut harmless = 0;
    // The listed values some `if` tests for (`None`: a bare `if ($v)`, which tests them all).
    let mut tested: Vec<Option<String>> = Vec::new();
    tree.walk(|s, _| {
        if s.is("map") || s.is("geo") {
            return;
        }
        let mentions = (0..s.arg_count()).any(|i| {
            s.arg(i).is_some_and(|a| {
                a.match_indices(variable).any(|(at, _)| {
                    // `$cors` but not `$cors_origin`.
                    !a[at + variable.len()..]
                        .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                })
            })
        });
        if mentions {
            uses += 1;
            if s.is("add_header")
                || s.is("limit_req_zone")
                || s.is("limit_conn_zone")
                || (s.is("try_files") && only_as_suffix(s, variable))
            {
                harmless += 1;
            } else if let Some(value) = s
                .is("if")
                .then(|| tests_for_listed_value(s, variable, listed))
                .flatten()
            {
                harmless += 1;
                tested.push(value);
            }
        }
    });
    // Tests for listed values are harmless only when every listed value is tested for:
    // a value no `if` tests (`internal` beside a tested `public`) is the "no action"
    // case the author wrote down, and the unlisted fall on neither side of it.
    let covered = listed.is_some_and(|listed| {
        tested.contains(&None)
            || listed
                .iter()
                .all(|v| tested.iter().any(|t| t.as_deref() == Some(v.as_str())))
    });
    uses > 0 && uses == harmless && (tested.is_empty() || covered)
}

/// `if ($v = VALUE)` with VALUE one of `listed` (`Some(Some(VALUE))`), or `if ($v)`
/// (`Some(None)`), where no listed value is `0` or empty: only listed input enters the
/// block.
fn tests_for_listed_value(
    s: &nginx_conf_parser::config::Item<'_>,
    variable: &str,
    listed: Option<&[String]>,
) -> Option<Option<String>> {
    let listed = listed?;
    if listed.iter().any(|v| v.is_empty() || v == "0") {
        return None;
    }
    match crate::model::syntax::if_words(s).as_slice() {
        [v] if v == variable => Some(None),
        [v, op, value] if v == variable && op == "=" && listed.iter().any(|l| l == value) => {
            Some(Some(value.clone()))
        }
        _ => None,
    }
}

/// `try_files $uri$webp_suffix $uri =404;`: the variable is appended to a file name, and
/// empty it appends nothing (the AVIF/WebP negotiation map: no suffix, the original image).
fn only_as_suffix(s: &nginx_conf_parser::config::Item<'_>, variable: &str) -> bool {
    (0..s.arg_count()).all(|i| {
        s.arg(i)
            .is_none_or(|a| a.match_indices(variable).all(|(at, _)| at > 0))
    })
}

/// The values each `map`/`geo` variable of a tree can take, lower-cased; `None` when
/// open-ended (no `default`, or a value made of variables).
struct Producers(foldhash::HashMap<String, Option<Vec<String>>>);

impl Producers {
    fn of(tree: &crate::model::syntax::Tree<'_>) -> Self {
        let mut out = foldhash::HashMap::default();
        tree.walk(|s, _| {
            if !(s.is("map") || s.is("geo")) || !s.is_block() {
                return;
            }
            let Some(variable) = s.arg(s.arg_count().saturating_sub(1)) else {
                return;
            };
            let mut values = Vec::new();
            let mut has_default = false;
            let mut open = false;
            for entry in s.children() {
                if SETTINGS.iter().any(|k| entry.is(k)) {
                    continue;
                }
                has_default |= entry.is("default");
                match entry.arg(entry.arg_count().saturating_sub(1)) {
                    Some(v) if !v.contains('$') => values.push(v.to_ascii_lowercase()),
                    _ => open = true,
                }
            }
            // A variable two blocks define is not one closed set.
            let closed = (has_default && !open).then_some(values);
            out.entry(variable.into_owned())
                .and_modify(|v| *v = None)
                .or_insert(closed);
        });
        Producers(out)
    }
}

/// A map whose source is another `map` or `geo` with a `default`, all of whose values
/// it lists: no value is unlisted (OpenMage's `$limit_key` over a `geo` of 0 and 1).
fn lists_every_source_value(
    producers: &Producers,
    map: &nginx_conf_parser::config::Item<'_>,
) -> bool {
    let Some(source) = map.arg(0).filter(|s| s.starts_with('$')) else {
        return false;
    };
    let Some(Some(values)) = producers.0.get(source.as_ref()) else {
        return false;
    };
    // Keys as nginx matches them: strings, case-insensitively (regexes prove nothing).
    let mut keys = foldhash::HashSet::default();
    for entry in map.children() {
        if entry.is("hostnames") {
            return false;
        }
        let key = entry.name();
        if !entry.is("default") && !SETTINGS.iter().any(|k| entry.is(k)) && !key.starts_with('~') {
            keys.insert(key.to_ascii_lowercase());
        }
    }
    values.iter().all(|v| keys.contains(v))
}
