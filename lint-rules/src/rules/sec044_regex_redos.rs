use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::regex_shape;
use crate::model::syntax::{if_regex, location_regex, map_regexes, server_name_regexes};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC044",
        name: "regex-redos",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "a regex with nested or overlapping repeats: catastrophic backtracking on crafted input (ReDoS)",
        aliases: &["regex_redos"],
        doc: r#"PCRE backtracks. A repeated part that can match the same text in more
than one way — a repeat inside a repeat (`(a+)+`, `(\w+\s?)*`), a repeat
inside a repeat that can also consume what follows it (`(.*,)*`), or
repeated alternatives that overlap (`(a|aa)+`, `(\w|\d)+`) — makes a
non-matching subject cost time exponential in its length. nginx matches
location, `if`, `rewrite`, `server_name` and `map` regexes against
client-controlled text (URI, headers, Host) in the worker, which serves
nothing else meanwhile. The check is structural (no external service):
possessive repeats and atomic groups, which cannot backtrack, are not
reported; polynomial shapes such as `.*.*` are not reported either.

**Symptom**: a single request of a few dozen characters
(`/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!`) pins a worker's CPU until PCRE's match
limit stops it, and every connection of that worker stalls; a handful of
such requests takes the site down.

Bad:
```nginx
location ~ ^/(a|aa|aaa)+$ {
    return 204;
}
```
Good:
```nginx
location ~ ^/a+$ {
    return 204;
}
```"#,
        fix: "Rewrite the repeat so each character can be matched one way only (`(a+)+` → `a+`), or make it possessive/atomic (`(?>...)`, `a++`).",
    },
    check: Check::Nodes(check),
};

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    let mut verdicts = regex_shape::Verdicts::default();
    // The statements that hold regexes, by name (not every statement of the tree).
    let names = ["location", "if", "rewrite", "server_name", "map"];
    for i in super::statements_named(tree, nodes, &names) {
        let item = tree.item(i);
        // (pattern, caseless, span)
        let mut patterns: Vec<(String, bool, lint_source::Span)> = Vec::new();
        if item.is("location") {
            if let Some((re, cs)) = location_regex(&item) {
                patterns.push((re, !cs, item.arg_span(item.arg_count().saturating_sub(1))));
            }
        } else if item.is("if") {
            if let Some((re, cs, _)) = if_regex(&item) {
                patterns.push((re, !cs, item.args_span()));
            }
        } else if item.is("rewrite") {
            if let Some(re) = item.arg(0) {
                patterns.push((re.to_string(), false, item.arg_span(0)));
            }
        } else if item.is("server_name") {
            for re in server_name_regexes(&item) {
                patterns.push((re, true, item.args_span()));
            }
        } else if item.is("map") && item.is_block() {
            for (entry, re, cs) in map_regexes(tree, i) {
                patterns.push((re, !cs, tree.item(entry).name_span()));
            }
        }
        for (pattern, caseless, span) in patterns {
            let Some(Some(why)) = verdicts.of(&pattern, caseless, regex_shape::redos) else {
                continue;
            };
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    span,
                    format!("`{pattern}` can backtrack catastrophically: {why}"),
                )
                .with_help("let each character match one way only, or make the repeat possessive (`++`) / atomic (`(?>...)`)"),
            );
        }
    }
}
