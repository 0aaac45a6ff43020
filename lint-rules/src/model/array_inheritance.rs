//! Directives nginx inherits as a whole list (`add_header`, `add_trailer`,
//! `proxy_set_header`, `grpc_set_header`): a level with any of its own does not
//! inherit the outer level's at all. Found here: every level whose own list drops
//! entries of the list it would otherwise inherit, through includes and nested
//! `location`/`if` blocks. `add_header_inherit`/`add_trailer_inherit` (nginx 1.29.3)
//! are honoured: `merge` keeps the outer entries, `off` drops them on purpose.

use std::rc::Rc;

use nginx_conf_parser::{Config, Item};

use crate::model::Model;

/// One level that drops inherited entries.
pub struct Dropping<'c> {
    /// Which of the fields asked about (0 or 1).
    pub family: usize,
    /// The level's first own entry.
    pub first_own: Item<'c>,
    /// The entries in effect at the outer level that are not set again here.
    pub dropped: Vec<Item<'c>>,
    /// The block of the level (`None` at the top of a file tree).
    pub level: Option<Item<'c>>,
}

impl<'c> Dropping<'c> {
    /// Whether a statement named `name` is in the level's block or a block within it
    /// (`proxy_pass` for `proxy_set_header`: without it the list goes nowhere).
    pub fn level_contains(&self, name: &str) -> bool {
        let Some(level) = self.level else {
            return true;
        };
        let mut stack = vec![level.children()];
        while let Some(top) = stack.last_mut() {
            let Some(item) = top.next() else {
                stack.pop();
                continue;
            };
            if item.is(name) {
                return true;
            }
            if item.is_block() {
                stack.push(item.children());
            }
        }
        false
    }
}

impl Dropping<'_> {
    /// The names (first arguments) of the dropped entries, as written.
    pub fn names(&self) -> Vec<String> {
        self.dropped
            .iter()
            .map(|d| d.arg(0).unwrap_or_default().into_owned())
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    On,
    Merge,
    Off,
}

/// What a level hands down for one field: the entries in effect and the mode.
#[derive(Clone)]
struct Inherited<'c> {
    effective: Option<Rc<Vec<Item<'c>>>>,
    mode: Mode,
}

/// Blocks that are levels of these lists.
fn is_level(item: &Item<'_>) -> bool {
    ["http", "server", "location", "if", "limit_except"]
        .iter()
        .any(|n| item.is(n))
}

/// The entry's name (the header), compared case-insensitively.
fn same_name(a: &Item<'_>, b: &Item<'_>) -> bool {
    match (a.arg(0), b.arg(0)) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(&y),
        _ => false,
    }
}

/// Every level where an own list of one of two fields drops inherited entries, in one
/// pass over the tree. Each field comes with the directive that changes its
/// inheritance (`add_header_inherit`), if any.
pub fn dropping<'c>(config: &'c Config, fields: [(&str, Option<&str>); 2]) -> Vec<Dropping<'c>> {
    let mut out = Vec::new();
    // What each level hands down, by index; the stack holds a level's statements and
    // the index of the level around it. Both grow once, not per block.
    let top = Inherited {
        effective: None,
        mode: Mode::On,
    };
    let mut levels: Vec<[Inherited<'c>; 2]> = vec![[top.clone(), top]];
    let mut stack: Vec<(nginx_conf_parser::Items<'c>, usize, bool, Option<Item<'c>>)> =
        vec![(config.items(), 0, false, None)];
    let mut children: Vec<Item<'c>> = Vec::new();
    while let Some((items, parent, nested, block)) = stack.pop() {
        let mut own: [Vec<Item<'c>>; 2] = [Vec::new(), Vec::new()];
        let mut modes: [Option<Mode>; 2] = [None, None];
        children.clear();
        for item in items {
            for (f, (field, inherit)) in fields.iter().enumerate() {
                if item.is(field) && item.arg_count() >= 1 {
                    own[f].push(item);
                } else if inherit.is_some_and(|i| item.is(i)) {
                    modes[f] = match item.arg(0).map(|a| a.to_ascii_lowercase()).as_deref() {
                        Some("on") => Some(Mode::On),
                        Some("merge") => Some(Mode::Merge),
                        Some("off") => Some(Mode::Off),
                        _ => modes[f],
                    };
                }
            }
            if item.is_block() && is_level(&item) {
                children.push(item);
            }
        }
        let mut here: [Inherited<'c>; 2] = levels[parent].clone();
        for f in 0..2 {
            let outer = &levels[parent][f];
            let mode = modes[f].unwrap_or(outer.mode);
            let own = std::mem::take(&mut own[f]);
            let inherited = outer.effective.as_ref().filter(|_| nested);
            if mode == Mode::On && !own.is_empty() {
                if let Some(outer) = inherited {
                    let dropped: Vec<Item<'c>> = outer
                        .iter()
                        .filter(|o| !own.iter().any(|m| same_name(m, o)))
                        .copied()
                        .collect();
                    if !dropped.is_empty() {
                        out.push(Dropping {
                            family: f,
                            first_own: own[0],
                            dropped,
                            level: block,
                        });
                    }
                }
            }
            here[f].mode = mode;
            here[f].effective = match (mode, inherited) {
                _ if own.is_empty() && mode != Mode::Off => inherited.cloned(),
                (Mode::Merge, Some(outer)) => {
                    let mut all = (**outer).clone();
                    all.extend(own);
                    Some(Rc::new(all))
                }
                _ => (!own.is_empty()).then(|| Rc::new(own)),
            };
        }
        if !children.is_empty() {
            levels.push(here);
            let index = levels.len() - 1;
            for child in children.drain(..).rev() {
                stack.push((child.children(), index, true, Some(child)));
            }
        }
    }
    out
}

/// What SEC010 and SEC013 report, over every tree of the model: the levels where an own
/// list of one of `fields` drops outer entries that `counts` (SEC013 passes over entries
/// that restate nginx's defaults) and that the rule's option `headers = [...]` (gixy's
/// name; comma-separated words allowed, case-insensitive) names when it is set. Levels
/// left with nothing dropped are not returned.
pub fn dropped_for_rule<'a>(
    model: &Model<'a>,
    code: &str,
    fields: [(&str, Option<&str>); 2],
    counts: impl Fn(&Item<'_>) -> bool,
) -> Vec<Dropping<'a>> {
    let only: Option<Vec<String>> = model
        .options
        .rule_words(code, "headers")
        .map(|w| {
            w.iter()
                .flat_map(|h| h.split(','))
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect()
        })
        .filter(|w: &Vec<String>| !w.is_empty());
    let named = |d: &Item<'_>| {
        only.as_ref().is_none_or(|o| {
            d.arg(0)
                .is_some_and(|n| o.contains(&n.to_ascii_lowercase()))
        })
    };
    let mut out = Vec::new();
    for tree in model.trees {
        for mut level in dropping(tree, fields) {
            level.dropped.retain(|d| counts(d) && named(d));
            if !level.dropped.is_empty() {
                out.push(level);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::SourceMap;

    fn dropped(conf: &str, field: &str, inherit: Option<&str>) -> Vec<Vec<String>> {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("nginx.conf");
        std::fs::write(&main, conf).expect("write");
        std::fs::write(dir.path().join("h.conf"), "add_header X-C c;\n").expect("write");
        let map = SourceMap::new();
        let config = nginx_conf_parser::load(&main, &Default::default(), &map);
        dropping(&config, [(field, inherit), ("none", None)])
            .into_iter()
            .map(|d| {
                d.dropped
                    .iter()
                    .map(|i| i.arg(0).unwrap_or_default().into_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn an_own_list_drops_the_outer_one_through_includes_and_levels() {
        let conf = "http { add_header X-A a; server { include h.conf; location / { location /x { add_header X-A a2; } } } }";
        assert_eq!(
            dropped(conf, "add_header", Some("add_header_inherit")),
            [vec!["X-A".to_string()], vec!["X-C".to_string()]]
        );
    }

    #[test]
    fn merge_and_off_keep_quiet_and_are_inherited() {
        let conf = "http { add_header X-A a; server { add_header_inherit merge; add_header X-B b; location / { add_header X-C c; } } }";
        assert!(dropped(conf, "add_header", Some("add_header_inherit")).is_empty());
        let conf =
            "http { add_header X-A a; server { add_header_inherit off; add_header X-B b; } }";
        assert!(dropped(conf, "add_header", Some("add_header_inherit")).is_empty());
        let conf =
            "http { add_header X-A a; server { add_header x-a b; if ($x) { add_header X-B b; } } }";
        assert_eq!(
            dropped(conf, "add_header", Some("add_header_inherit")),
            [vec!["x-a".to_string()]]
        );
    }
}
