//! Walking an nginx syntax tree with the blocks around each statement, for rules that
//! read statements directly ([`crate::model::Model::trees`]). Includes are spliced in
//! (a statement of `conf.d/site.conf` is seen inside the `http` that includes it).

use nginx_conf_parser::{Config, Item, Items, Quote};

/// Calls `visit(statement, enclosing blocks outermost first)` for every statement in
/// document order. Iterative: no recursion on input depth.
pub fn walk<'c>(config: &'c Config, mut visit: impl FnMut(&Item<'c>, &[Item<'c>])) {
    let mut stack: Vec<Items<'c>> = vec![config.items()];
    let mut blocks: Vec<Item<'c>> = Vec::new();
    while let Some(items) = stack.last_mut() {
        let Some(item) = items.next() else {
            stack.pop();
            blocks.pop();
            continue;
        };
        if item.is("include") {
            // Its files' statements follow, spliced in by the iterator.
            continue;
        }
        visit(&item, &blocks);
        if item.is_block() {
            stack.push(item.children());
            blocks.push(item);
        }
    }
}

/// Whether argument `i` was quoted.
pub fn quoted(item: &Item<'_>, i: usize) -> bool {
    item.arg_token(i).is_some_and(|t| t.quote != Quote::None)
}

/// An `if` block's condition without its parentheses, as (left, operator, right):
/// `if ($http_origin !~* "^https://a\.com$")` gives (`$http_origin`, `!~*`,
/// `^https://a\.com$`); `if ($x)` gives (`$x`, ``, ``).
pub fn condition(item: &Item<'_>) -> (String, String, String) {
    let mut words: Vec<String> = item.args().map(|a| a.into_owned()).collect();
    if let Some(first) = words.first_mut() {
        if let Some(rest) = first.strip_prefix('(') {
            *first = rest.to_string();
        }
    }
    if let Some(last) = words.last_mut() {
        if let Some(rest) = last.strip_suffix(')') {
            *last = rest.to_string();
        }
    }
    words.retain(|w| !w.is_empty());
    let mut it = words.into_iter();
    let left = it.next().unwrap_or_default();
    let op = it.next().unwrap_or_default();
    let right: Vec<String> = it.collect();
    (left, op, right.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::SourceMap;

    #[test]
    fn visits_in_order_with_enclosing_blocks_through_includes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("nginx.conf");
        std::fs::write(
            &main,
            "events {}\nhttp {\n server {\n  include inc.conf;\n  location / { if ($x) { return 403; } }\n }\n}\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("inc.conf"), "add_header B \"2 3\";\n").expect("write");
        let map = SourceMap::new();
        let config = nginx_conf_parser::load(&main, &Default::default(), &map);
        let mut seen = Vec::new();
        walk(&config, |item, blocks| {
            let path: Vec<String> = blocks.iter().map(|b| b.name().into_owned()).collect();
            seen.push(format!("{}<{}", item.name(), path.join("/")));
        });
        assert_eq!(
            seen,
            [
                "events<",
                "http<",
                "server<http",
                "add_header<http/server",
                "location<http/server",
                "if<http/server/location",
                "return<http/server/location/if",
            ]
        );
        let mut conditions = Vec::new();
        walk(&config, |item, _| {
            if item.is("if") {
                conditions.push(condition(item));
            }
        });
        assert_eq!(conditions, [("$x".into(), String::new(), String::new())]);
    }
}
